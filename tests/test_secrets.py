"""Secrets (the user password and the PKCS#12 password) appear nowhere a run writes: jmeter.log (plugin
logging at DEBUG), the JTL (CSV, and XML with response data and sampler data), stdout/stderr.

The secrets reach the plan through a `-q` properties file: JMeter logs the values of -J/-G properties
itself ("Setting JMeter property: name=value"), not those of -q files. Runs: right secrets (a TLS + client
certificate + password round trip, CSV and XML), a wrong user password (XML), a wrong PKCS#12 password (CSV),
and a plain TCP round trip with the user password (XML).
"""
import base64

import pytest

from conftest import (CONNECT_PLAN, P12_PASSWORD, USER_NAME, USER_PASSWORD, as_int, assert_failed_connect,
                      assert_round_trip, connect_props, describe, ok, read_xml_jtl, rows_by_label,
                      single_connect)

BAD_USER_PASSWORD = "S3cr3t-pw-bad-0b3d"
BAD_P12_PASSWORD = "P12-pass-bad-c4e7"
SECRETS = (USER_PASSWORD, P12_PASSWORD, BAD_USER_PASSWORD, BAD_P12_PASSWORD)
# the common prefixes also catch a truncated secret
NEEDLES = [s.encode() for s in SECRETS] + [b"S3cr3t-pw", b"P12-pass"] + \
    [base64.b64encode(s.encode()) for s in SECRETS]

XML_ARGS = ["-Jjmeter.save.saveservice.output_format=xml", "-Jjmeter.save.saveservice.response_data=true",
            "-Jjmeter.save.saveservice.samplerData=true"]

CASES = {  # user password, PKCS#12 password (None: TCP, no TLS), XML JTL
    "right-secrets-csv": (USER_PASSWORD, P12_PASSWORD, False),
    "right-secrets-xml": (USER_PASSWORD, P12_PASSWORD, True),
    "wrong-user-password-xml": (BAD_USER_PASSWORD, P12_PASSWORD, True),
    "wrong-p12-password-csv": (USER_PASSWORD, BAD_P12_PASSWORD, False),
    "tcp-user-password-xml": (USER_PASSWORD, None, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_secrets_appear_nowhere(build, certs, auth_broker, start_jmeter, tmp_path, case):
    password, p12_password, xml = CASES[case]
    roundtrip = password == USER_PASSWORD and p12_password in (P12_PASSWORD, None)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    secret_props = inputs / "secrets.properties"
    secret_props.write_text("user=%s\npassword=%s\n" % (USER_NAME, password)
                            + ("p12_password=%s\n" % p12_password if p12_password else ""))
    if p12_password is None:
        props = connect_props("127.0.0.1", auth_broker.port, "TCP", roundtrip=roundtrip,
                              topic="secrets/t", prefix="secrets_", count=20, debug="true")
    else:
        props = connect_props("127.0.0.1", auth_broker.ports["ssl_client"], "SSL", roundtrip=roundtrip,
                              ca=certs["ca.pem"], client_cert="true", client_cert_file=certs["client.p12"],
                              topic="secrets/t", prefix="secrets_", count=20, debug="true")
    args = ["-q", str(secret_props), "-Lio.mqttload=DEBUG"] + (XML_ARGS if xml else [])
    run = start_jmeter(CONNECT_PLAN, props, name="secrets", args=args,
                       env={"RUST_LOG": "trace", "RUST_BACKTRACE": "1"})
    rows = run.wait(parse=not xml)
    if xml:
        assert run.jtl.read_text(errors="replace").lstrip().startswith("<?xml"), "not an XML JTL"
        rows = read_xml_jtl(run.jtl)

    # the runs did what they should (so the secrets were really used)
    if roundtrip:
        if xml:
            assert rows and all(ok(r) for r in rows), describe(rows)
            subs = rows_by_label(rows, "MQTT Subscribe")
            assert len(subs) == 1 and as_int(subs[0]["SampleCount"]) == 20, describe(rows)
        else:
            assert_round_trip(rows, 20)
    elif case.startswith("wrong-user"):
        assert_failed_connect(single_connect(rows), "(CONNACK return code 5)")
    else:
        assert_failed_connect(single_connect(rows), "wrong password for PKCS#12 file '%s'" % certs["client.p12"])

    # ... and wrote the secrets nowhere (the inputs directory holds the properties file we gave)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and inputs not in p.parents]
    assert run.jtl in written and run.log in written and run.out in written
    leaks = []
    for p in written:
        data = p.read_bytes()
        for needle in NEEDLES:
            if needle in data:
                i = data.index(needle)
                leaks.append("%s: %r in ...%r..." % (p.name, needle, data[max(0, i - 120):i + 60]))
    assert not leaks, "secrets leaked:\n" + "\n".join(leaks)
