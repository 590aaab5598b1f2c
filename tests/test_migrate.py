"""XMeter plan migration: `java -jar mqttload-jmeter-<v>.jar migrate IN OUT` on plans in XMeter 2.0.2's saved
format (tests/plans/xmeter/), then the migrated plan through the provisioned JMeter against Mosquitto with the
same meaning: the same message counts, QoS, topics and connections. Also the upgrade.properties path
(tools/for-users/xmeter-upgrade.properties), the pass-through of plans without XMeter elements and the exit codes.
"""
import os
import re
import subprocess

import pytest

from conftest import (EXAMPLES, JMETER, P12_PASSWORD, PLANS, REPO, as_int, describe, ok, plugin_jars,
                      rows_by_label)

XMETER_PLANS = PLANS / "xmeter"
INSECURE = "(INSECURE: certificate not verified)"


def migrate(*args, check=True):
    """Runs the migrate command of the plugin jar installed in the provisioned JMeter."""
    jars = plugin_jars()
    assert jars, "no plugin jar in target/jmeter/lib/ext"
    r = subprocess.run(["java", "-jar", str(jars[-1]), "migrate"] + [str(a) for a in args],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, "migrate failed (%d)\n%s\n%s" % (r.returncode, r.stdout, r.stderr)
    return r


def migrated(tmp_path, name, *options):
    out = tmp_path / name.replace(".jmx", "-mqttload.jmx")
    r = migrate(*options, XMETER_PLANS / name, out)
    text = out.read_text(encoding="utf-8")
    assert "net.xmeter" not in text, text
    return out, r.stdout


def test_pubsub_with_timestamps_runs_with_the_same_counts(build, mosquitto, tmp_path, start_jmeter):
    plan, report = migrated(tmp_path, "pubsub_timestamps.jmx")
    assert "mqtt.timestamp_format = 'xmeter'" in report, report
    assert "mqtt.conn_attampt_max -> mqtt.conn_attempt_max" in report, report
    assert "0 not mapped" in report, report
    topic = "xmeter/pubsub/7"
    # a witness: the payloads must carry XMeter's own timestamp format, <millis>ts_sep_flag<payload>
    witness = subprocess.Popen(["mosquitto_sub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-t", topic,
                                "-q", "1", "-C", "3", "-W", "60"], stdout=subprocess.PIPE, text=True)
    try:
        mosquitto.wait_for_log(r"New client connected .* as auto-", timeout=20)
        rows = start_jmeter(plan, dict(mosquitto.props, **{"run.id": "7"})).wait()
        payloads = witness.communicate(timeout=60)[0].splitlines()
    finally:
        if witness.poll() is None:
            witness.kill()
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)] or rows)
    pubs = rows_by_label(rows, "MQTT Pub Sampler")
    subs = rows_by_label(rows, "MQTT Sub Sampler")
    assert len(pubs) == 500 and all(as_int(r["SampleCount"]) == 1 for r in pubs), describe(pubs[:3])
    assert len(subs) == 5 and [as_int(r["MQTT_SUB_RECEIVED"]) for r in subs] == [100] * 5, describe(subs)
    assert all(r["MQTT_SUB_MEAN_US"] for r in subs), "latency from XMeter's timestamps: " + describe(subs)
    assert len(payloads) == 3 and all(re.fullmatch(r"\d{13}ts_sep_flagreading \d+ from device 1", p)
                                      for p in payloads), payloads
    assert len(rows_by_label(rows, "MQTT Connect")) == 2 and len(rows_by_label(rows, "MQTT DisConnect")) == 2
    # XMeter 2.x's client sent 3.1.1 for "3.1": so does the migrated plan (Mosquitto logs the protocol)
    assert re.search(r"New client connected .* as pub_\w+ \(p2,", mosquitto.log_text()), mosquitto.log_text()[-2000:]


def test_efficient_connect_opens_the_same_connections(build, mosquitto, tmp_path, start_jmeter):
    plan, report = migrated(tmp_path, "efficient_connect.jmx")
    assert "EfficientConnectSampler -> ConnectSampler" in report, report
    assert "mqtt.conn_capacity = '${__P(capacity,20)}'" in report, report
    assert "! NOT MAPPED mqtt.sub_when_connected = 'false'" in report, report  # reported, kept, unused
    rows = start_jmeter(plan, dict(mosquitto.props, threads=5, capacity=20, hold_ms=1500)).wait()
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)] or rows)
    connects = rows_by_label(rows, "Efficient MQTT Connect")
    disconnects = rows_by_label(rows, "Efficient MQTT DisConnect")
    assert len(connects) == 5 and all(r["responseMessage"].startswith("Connected 20 connection(s): ") for r in connects), \
        describe(connects)
    assert len(disconnects) == 5 and all(r["responseMessage"] == "Disconnected 20 connection(s)"
                                         for r in disconnects), describe(disconnects)
    clients = set(re.findall(r"New client connected .* as (dev_\w+)", mosquitto.log_text()))
    assert len(clients) == 100, len(clients)


@pytest.mark.parametrize("verify", [False, True], ids=["trust-all-as-xmeter", "ca-file"])
def test_ssl_with_a_client_certificate(build, certs, secure_broker, tmp_path, start_jmeter, verify):
    options = ("--ca-file", certs["ca.pem"]) if verify else ()
    plan, report = migrated(tmp_path, "ssl_client_cert.jmx", *options)
    assert ("mqtt.ca_file = '%s'" % certs["ca.pem"] if verify else "mqtt.tls_trust_all = 'true'") in report, report
    assert P12_PASSWORD not in report
    run_id = "ca" if verify else "trust"
    rows = start_jmeter(plan, {"broker.host": "127.0.0.1", "broker.ssl_port": secure_broker.ports["ssl_client"],
                               "client.p12": certs["client.p12"], "client.p12_password": P12_PASSWORD,
                               "run.id": run_id}).wait()
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)] or rows)
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == 2, describe(rows)
    assert all(r["responseMessage"].endswith(INSECURE) != verify for r in connects), describe(connects)
    pubs = rows_by_label(rows, "MQTT Pub Sampler")
    subs = rows_by_label(rows, "MQTT Sub Sampler")
    assert len(pubs) == 50 and sum(as_int(r["SampleCount"]) for r in pubs) == 50, describe(pubs[:3])
    assert [as_int(r["MQTT_SUB_RECEIVED"]) for r in subs] == [25, 25], describe(subs)


def test_upgrade_properties_path_loads_the_xmeter_plan_unchanged(build, mosquitto, tmp_path, start_jmeter,
                                                                 monkeypatch):
    """tools/for-users/xmeter-upgrade.properties appended to JMeter's own upgrade.properties (a copy, given with
    -Jupgrade_properties, which JMeter resolves against its home): the XMeter file itself runs."""
    home = JMETER.parent.parent
    upgrade = tmp_path / "upgrade.properties"
    upgrade.write_text((home / "bin" / "upgrade.properties").read_text()
                       + (REPO / "tools" / "for-users" / "xmeter-upgrade.properties").read_text())
    rel = os.path.relpath(upgrade, home)
    # JMeter's class scan loads every class of lib/ext even without a GUI; what must not happen is the Tools menu
    # item being initialised (let alone built) in a non-GUI run
    monkeypatch.setenv("JVM_ARGS", "-Xlog:class+init=info")
    run = start_jmeter(XMETER_PLANS / "pubsub_timestamps.jmx",
                       dict(mosquitto.props, **{"run.id": "8", "upgrade_properties": rel}))
    rows = run.wait()
    inits = run.out.read_text(errors="replace")
    assert "Initializing 'io/mqttload/jmeter/SubscribeSampler'" in inits, "class initialisation was not logged"
    assert "io/mqttload/migrate" not in inits, [x for x in inits.splitlines() if "io/mqttload/migrate" in x]
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)] or rows)
    subs = rows_by_label(rows, "MQTT Sub Sampler")
    assert [as_int(r["MQTT_SUB_RECEIVED"]) for r in subs] == [100] * 5, describe(subs)
    assert sum(as_int(r["SampleCount"]) for r in rows_by_label(rows, "MQTT Pub Sampler")) == 500


def test_plans_without_xmeter_elements_pass_through_byte_for_byte(build, tmp_path):
    for src in sorted(EXAMPLES.glob("*.jmx")) + [PLANS / "core_smoke.jmx"]:
        out = tmp_path / src.name
        r = migrate(src, out)
        assert out.read_bytes() == src.read_bytes(), src
        assert "No XMeter MQTT elements found" in r.stdout, r.stdout


def test_everything_outside_the_xmeter_elements_is_kept(build, tmp_path):
    """Drop the XMeter elements (original) and ours (migrated) from the text: the rest is identical."""
    for src in sorted(XMETER_PLANS.glob("*.jmx")):
        out, _ = migrated(tmp_path, src.name)
        strip = re.compile(r"<(net\.xmeter\.samplers|io\.mqttload\.jmeter)\.(\w+) [^>]*?(/>|>.*?</\1\.\2>)", re.S)
        assert strip.sub("", src.read_text(encoding="utf-8")) == strip.sub("", out.read_text(encoding="utf-8"))


def test_exit_codes_and_messages(build, tmp_path):
    r = migrate(tmp_path / "missing.jmx", tmp_path / "out.jmx", check=False)
    assert r.returncode == 2 and "no such file" in r.stderr, r.stderr
    bad = tmp_path / "broken.jmx"
    bad.write_text('<?xml version="1.0"?>\n<jmeterTestPlan><hashTree>\n')
    r = migrate(bad, tmp_path / "out.jmx", check=False)
    assert r.returncode == 2 and "not well-formed XML (line" in r.stderr, r.stderr
    other = tmp_path / "other.xml"
    other.write_text("<project/>")
    r = migrate(other, tmp_path / "out.jmx", check=False)
    assert r.returncode == 2 and "not a JMeter test plan" in r.stderr, r.stderr
    r = migrate(XMETER_PLANS / "pubsub_timestamps.jmx", check=False)
    assert r.returncode == 1 and "usage:" in r.stderr, r.stderr
    assert not (tmp_path / "out.jmx").exists()
    r = migrate(XMETER_PLANS / "pubsub_timestamps.jmx", tmp_path / "no-such-dir" / "out.jmx", check=False)
    assert r.returncode == 3 and "cannot write" in r.stderr, r.stderr
