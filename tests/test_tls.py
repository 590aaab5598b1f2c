"""TLS (one- and two-way) through JMeter against Mosquitto, certificates made at test time (the `certs` fixture).

The first tests check the test material itself (openssl, Python's ssl module, mosquitto's own clients): they
need no plugin. The others run tests/plans/connect_tls.jmx through the provisioned JMeter: a publish ->
subscribe round trip with matching counts for each way of connecting, and one test per error message of
what the user sees (Connect sample, code 501, the phrase in responseMessage).
"""
import re
import socket
import ssl
import subprocess

import pytest

from conftest import (CONNECT_PLAN, EXAMPLES, P12_PASSWORD, as_int, assert_example_round_trip, assert_failed_connect,
                      assert_round_trip, connect_props, describe, ok, rows_by_label)

INSECURE = " (INSECURE: certificate not verified)"


def _openssl(*args):
    return subprocess.run(["openssl"] + list(args), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)


def _handshake(port, cafile=None, server_hostname="127.0.0.1", check_hostname=True):
    """Python's own TLS client against one of our listeners: the peer certificate, or raises SSLError."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = check_hostname
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=server_hostname) as s:
            return s.getpeercert()


# ------------------------------------------------------------------------ the test material itself

def test_certificates_verify_as_intended(certs):
    for name in ("server", "wrong-name", "client"):
        r = _openssl("verify", "-CAfile", certs["ca.pem"], certs[name + ".pem"])
        assert r.returncode == 0, (name, r.stdout, r.stderr)
    r = _openssl("verify", "-CAfile", certs["ca.pem"], certs["expired.pem"])
    assert r.returncode != 0 and "expired" in r.stdout + r.stderr
    r = _openssl("verify", "-CAfile", certs["ca.pem"], certs["notyet.pem"])
    assert r.returncode != 0 and "not yet valid" in r.stdout + r.stderr
    r = _openssl("verify", "-CAfile", certs["ca.pem"], certs["other-client.pem"])
    assert r.returncode != 0, "the other CA's client certificate must not verify against our CA"
    r = _openssl("x509", "-in", certs["server.pem"], "-noout", "-ext", "subjectAltName")
    assert "IP Address:127.0.0.1" in r.stdout and "DNS:localhost" in r.stdout, r.stdout
    r = _openssl("x509", "-in", certs["wrong-name.pem"], "-noout", "-ext", "subjectAltName")
    assert "DNS:wrong.example" in r.stdout and "127.0.0.1" not in r.stdout, r.stdout
    for p12 in ("client.p12", "client-legacy.p12", "other-client.p12"):
        r = _openssl("pkcs12", "-in", certs[p12], "-passin", "pass:" + P12_PASSWORD, "-noout")
        assert r.returncode == 0, (p12, r.stderr)
        r = _openssl("pkcs12", "-in", certs[p12], "-passin", "pass:not-the-password", "-noout")
        assert r.returncode != 0, p12


def test_secure_broker_listeners_present_the_intended_certificates(certs, secure_broker):
    ports, ca = secure_broker.ports, certs["ca.pem"]
    for name in ("ssl", "wss"):
        cert = _handshake(ports[name], ca)
        assert ("DNS", "localhost") in cert["subjectAltName"], cert
    with pytest.raises(ssl.SSLCertVerificationError, match="(?i)mismatch"):
        _handshake(ports["wrong_name"], ca)
    assert _handshake(ports["wrong_name"], ca, server_hostname="wrong.example")
    with pytest.raises(ssl.SSLCertVerificationError, match="expired"):
        _handshake(ports["expired"], ca)
    with pytest.raises(ssl.SSLCertVerificationError, match="not yet valid"):
        _handshake(ports["notyet"], ca)
    with pytest.raises(ssl.SSLCertVerificationError, match="local issuer|self.signed"):
        _handshake(ports["ssl"], None)  # the system's roots do not know our CA


def _mosquitto_tls_round_trip(broker, port, certs, client=None, topic="infra/tls"):
    """mosquitto_sub + mosquitto_pub over TLS; client = None or a (cert, key) pair for both."""
    tls = ["--cafile", certs["ca.pem"]]
    if client:
        tls += ["--cert", certs[client[0]], "--key", certs[client[1]]]
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-i", "infra_tls_sub_%d" % port,
                            "-t", topic, "-q", "1", "-C", "3", "-W", "20"] + tls,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        broker.wait_for_log(r"Received SUBSCRIBE from infra_tls_sub_%d" % port, 10, proc=sub)
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", topic, "-q", "1", "-l"] + tls,
                       input=b"a\nb\nc\n", check=True, timeout=20)
        out, err = sub.communicate(timeout=20)
    finally:
        if sub.poll() is None:
            sub.kill()
    assert out.decode().splitlines() == ["a", "b", "c"], err


def test_mosquitto_clients_round_trip_over_tls_and_two_way_tls(certs, secure_broker):
    _mosquitto_tls_round_trip(secure_broker, secure_broker.ports["ssl"], certs)
    _mosquitto_tls_round_trip(secure_broker, secure_broker.ports["ssl_client"], certs,
                              client=("client.pem", "client.key"))


@pytest.mark.parametrize("client", [None, ("other-client.pem", "other-client.key")],
                         ids=["no-client-cert", "other-ca-client-cert"])
def test_mosquitto_client_refused_by_the_client_certificate_listener(certs, secure_broker, client):
    args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(secure_broker.ports["ssl_client"]),
            "--cafile", certs["ca.pem"], "-t", "infra/refused", "-m", "x"]
    if client:
        args += ["--cert", certs[client[0]], "--key", certs[client[1]]]
    r = subprocess.run(args, capture_output=True, timeout=20)
    assert r.returncode != 0, (r.stdout, r.stderr)


def test_silent_server_lets_a_tls_handshake_time_out(silent_server):
    ctx = ssl.create_default_context()
    with socket.create_connection((silent_server.host, silent_server.port), timeout=0.5) as raw:
        with pytest.raises((socket.timeout, TimeoutError)):
            ctx.wrap_socket(raw, server_hostname="127.0.0.1")


# --------------------------------------------------------------------------- round trips in JMeter

def test_plan_round_trip_over_plain_tcp(build, secure_broker, run_jmeter):
    """tests/plans/connect_tls.jmx itself (TCP: needs no TLS support): two threads, counts match."""
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", secure_broker.port, roundtrip=True,
                                                  topic="rt/tcp", prefix="rt_tcp_", count=200))
    assert_round_trip(rows, 200)


def test_ssl_round_trip_with_ca_file(build, certs, secure_broker, run_jmeter):
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", secure_broker.ports["ssl"], "SSL", roundtrip=True,
                                                  ca=certs["ca.pem"], topic="rt/ssl", prefix="rt_ssl_", count=200))
    assert_round_trip(rows, 200)
    for c in rows_by_label(rows, "MQTT Connect"):
        assert "INSECURE" not in c["responseMessage"], describe([c])


def test_ssl_round_trip_to_localhost_with_tls13_minimum(build, certs, secure_broker, run_jmeter):
    """The certificate's DNS name (localhost), TLS 1.3 only (Mosquitto offers 1.2 and 1.3)."""
    rows = run_jmeter(CONNECT_PLAN, connect_props("localhost", secure_broker.ports["ssl"], "SSL", roundtrip=True,
                                                  ca=certs["ca.pem"], tls_min="1.3", topic="rt/ssl13",
                                                  prefix="rt_ssl13_", count=100))
    assert_round_trip(rows, 100)


def test_ssl_round_trip_with_pem_client_certificate(build, certs, secure_broker, run_jmeter):
    rows = run_jmeter(CONNECT_PLAN, connect_props(
        "127.0.0.1", secure_broker.ports["ssl_client"], "SSL", roundtrip=True, ca=certs["ca.pem"],
        client_cert="true", client_cert_file=certs["client.pem"], client_key_file=certs["client.key"],
        topic="rt/pem", prefix="rt_pem_", count=200))
    assert_round_trip(rows, 200)


@pytest.mark.parametrize("p12", ["client.p12", "client-legacy.p12"], ids=["pbes2-aes", "legacy-3des"])
def test_ssl_round_trip_with_pkcs12_client_certificate(build, certs, secure_broker, run_jmeter, p12):
    rows = run_jmeter(CONNECT_PLAN, connect_props(
        "127.0.0.1", secure_broker.ports["ssl_client"], "SSL", roundtrip=True, ca=certs["ca.pem"],
        client_cert="true", client_cert_file=certs[p12], p12_password=P12_PASSWORD,
        topic="rt/p12", prefix="rt_p12_", count=200))
    assert_round_trip(rows, 200)


def test_trust_all_accepts_the_wrong_name_certificate_and_says_insecure(build, certs, secure_broker, run_jmeter):
    # no CA file either: trust-all accepts a certificate of an unknown CA for the wrong name
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", secure_broker.ports["wrong_name"], "SSL",
                                                  roundtrip=True, trust_all="true", topic="rt/insecure",
                                                  prefix="rt_insecure_", count=50))
    assert_round_trip(rows, 50)
    for c in rows_by_label(rows, "MQTT Connect"):
        assert c["responseMessage"].endswith(INSECURE), describe([c])


# ---------------------------------------------- connect-only cases (one JMeter run: `connect_matrix`)

def assert_connected(row):
    assert ok(row) and row["responseCode"] == "200", describe([row])
    assert "INSECURE" not in row["responseMessage"], describe([row])


def test_relative_ca_path_resolves_against_the_plan_folder(connect_matrix):
    """ca = certs/ca.pem next to the plan; JMeter's working directory is elsewhere."""
    assert_connected(connect_matrix["relative-ca-path"])


def test_verify_hostname_off_accepts_the_wrong_name_certificate(connect_matrix):
    assert_connected(connect_matrix["verify-hostname-off"])


def test_verify_hostname_off_still_verifies_the_chain(connect_matrix):
    assert_failed_connect(connect_matrix["verify-hostname-off-unknown-ca"],
                          "certificate is signed by an unknown authority")


def test_server_name_override_verifies_against_that_name(connect_matrix):
    assert_connected(connect_matrix["server-name-override"])


# ---------------------------------------------------------------------- each error names its cause

def test_host_name_mismatch_names_the_dialled_name_and_the_certificate_names(connect_matrix):
    c = connect_matrix["host-name-mismatch"]
    assert_failed_connect(c, "certificate is not valid for name '127.0.0.1'", "it is valid for: ")
    valid_for = c["responseMessage"].split("it is valid for: ", 1)[1]
    assert "wrong.example" in valid_for and "other.wrong.example" in valid_for, describe([c])


@pytest.mark.parametrize("case", ["unknown-ca-system-roots", "unknown-ca-other-ca-file"])
def test_unknown_ca(connect_matrix, case):
    assert_failed_connect(connect_matrix[case], "certificate is signed by an unknown authority")


def test_expired_certificate(connect_matrix):
    assert_failed_connect(connect_matrix["expired"], "certificate expired")


def test_not_yet_valid_certificate(connect_matrix):
    assert_failed_connect(connect_matrix["not-yet-valid"], "certificate is not valid yet")


@pytest.mark.parametrize("case", ["client-cert-of-other-ca-pem", "client-cert-of-other-ca-p12"])
def test_client_certificate_of_another_ca_rejected_by_the_broker(connect_matrix, case):
    assert_failed_connect(connect_matrix[case], "broker rejected the client certificate")


def test_client_certificate_required_but_none_given(connect_matrix):
    assert_failed_connect(connect_matrix["client-cert-required"], "broker requires a client certificate")


def test_wrong_pkcs12_password(connect_matrix, certs):
    c = connect_matrix["wrong-p12-password"]
    assert_failed_connect(c, "wrong password for PKCS#12 file '%s'" % certs["client.p12"])
    assert "not-the-p12-password" not in c["responseMessage"]


@pytest.mark.parametrize("case,name", [("missing-ca-file", "missing-ca.pem"),
                                       ("missing-client-cert-file", "missing-client.p12"),
                                       ("missing-client-key-file", "missing-client.key")])
def test_missing_file_named_with_its_resolved_path(connect_matrix, case, name):
    c = connect_matrix[case]
    resolved = connect_matrix.plan_dir / "certs" / name  # relative path, resolved against the plan's folder
    assert_failed_connect(c, "cannot read ", " file '%s'" % resolved, "No such file or directory")
    assert re.search(r"cannot read [\w#. -]+ file '", c["responseMessage"]), describe([c])


def test_tls_handshake_timeout(connect_matrix):
    silent = connect_matrix.servers["silent"]
    c = connect_matrix["tls-handshake-timeout"]
    assert_failed_connect(c, "TLS handshake with %s:%d timed out after " % (silent.host, silent.port))
    m = re.search(r"timed out after (\d+) ms", c["responseMessage"])
    assert m and 1000 <= int(m.group(1)) <= 2500, describe([c])  # connect timeout: 2 s
    assert 1500 <= as_int(c["elapsed"]) < 8000, describe([c])
    assert silent.accepted >= 1


# -------------------------------------------------------------------------------------- the example

def test_example_tls_jmx(build, certs, secure_broker, run_jmeter):
    rows = run_jmeter(EXAMPLES / "tls.jmx", {"broker.host": "127.0.0.1",
                                             "broker.tls_port": secure_broker.ports["ssl"],
                                             "tls.ca": certs["ca.pem"]})
    assert_example_round_trip(rows)
