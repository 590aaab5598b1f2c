"""Real fleets through JMeter (tests/plans/fleet.jmx): three threads of ten connections each, every device
with its own identity, against Mosquitto instances that know each device.

- templates: client ids dev-0000 ... dev-0029 numbered across the test, user name and password made from them,
  against a password file; a device the broker does not know fails the Connect sample, named; no device's
  password reaches the JTL (XML, with sampler and response data) or jmeter.log;
- an identity file (CSV) with a row per device: client id, user name, password;
- an identity file giving each device a client certificate (paths relative to the file), against a broker that
  requires one and takes its common name as the user name, with an ACL letting each device publish on its own
  topics only (MQTT 5.0: a refusal would fail the Publish sample);
- a cluster: one Connect element spread over three Mosquitto instances, exactly, and a node that is down fails
  only its own connections, named.
"""
import re
import subprocess

import summarize
from conftest import PLANS, Broker, describe, ok, read_xml_jtl, rows_by_label
from make_certs import make_device_certs

PLAN = PLANS / "fleet.jmx"
THREADS, PER_THREAD = 3, 10
DEVICES = THREADS * PER_THREAD
XML_ARGS = ["-Jjmeter.save.saveservice.output_format=xml", "-Jjmeter.save.saveservice.response_data=true",
            "-Jjmeter.save.saveservice.samplerData=true"]
CONNECTED = re.compile(r"New client connected from \S+ as (\S+) \(.*u'([^']*)'\)")
CONNECTS = re.compile(r"New client connected from \S+ as (\S+) ")


def device(i):
    return "dev-%04d" % i


def broker_knowing(workdir, devices, passwords=None):
    """allow_anonymous false; a password file with pw-<device> (or passwords[device]) for each device."""
    workdir.mkdir(parents=True, exist_ok=True)
    pw = workdir / "passwords"
    pw.write_text("".join("%s:%s\n" % (d, (passwords or {}).get(d, "pw-" + d)) for d in devices))
    subprocess.run(["mosquitto_passwd", "-U", str(pw)], check=True, stdin=subprocess.DEVNULL, timeout=30)
    return Broker(workdir, password_file=pw).start()


def identities(broker):
    """(client id, user name) of every client the broker logged connecting."""
    return set(CONNECTED.findall(broker.log_text()))


def fleet_props(broker, **more):
    props = dict(broker.props, threads=THREADS, connections=PER_THREAD)
    props.update(more)
    return props


def templated(broker):
    return fleet_props(broker, prefix="dev-{{conn.test:4}}", suffix="false", user="{{client_id}}",
                       password="pw-{{client_id}}")


def assert_all_ok(rows, *labels):
    for label in labels:
        samples = rows_by_label(rows, label)
        assert len(samples) == THREADS and all(ok(r) for r in samples), describe(rows)


def test_each_device_connects_with_its_own_identity(build, tmp_path, start_jmeter):
    broker = broker_knowing(tmp_path / "broker", [device(i) for i in range(DEVICES)])
    try:
        run = start_jmeter(PLAN, templated(broker), args=XML_ARGS)
        run.wait(parse=False)
    finally:
        broker.stop()
    assert_all_ok(read_xml_jtl(run.jtl), "MQTT Connect", "MQTT Publish")
    assert identities(broker) == {(device(i), device(i)) for i in range(DEVICES)}
    assert "pw-dev-" not in run.jtl.read_text(errors="replace")
    assert "pw-dev-" not in run.log.read_text(errors="replace")


def test_a_device_the_broker_does_not_know_fails_the_connect_named(build, tmp_path, run_jmeter):
    broker = broker_knowing(tmp_path / "broker", [device(i) for i in range(DEVICES) if i != 13])
    try:
        rows = run_jmeter(PLAN, templated(broker))
    finally:
        broker.stop()
    connects = rows_by_label(rows, "MQTT Connect")
    failed = [r for r in connects if not ok(r)]
    assert len(connects) == THREADS and len(failed) == 1, describe(connects)
    assert failed[0]["responseMessage"].startswith(
        "1 of 10 connection(s) failed; first error (client id dev-0013): broker refused the connection: "
        "not authorized (CONNACK return code 5)"), describe(failed)


def test_identity_file_gives_each_device_its_row(build, tmp_path, run_jmeter):
    """Rows in order across the test; a quoted password with a comma; the first row is skipped (first_row 1)."""
    names = ["meter-%02d" % i for i in range(DEVICES + 1)]
    passwords = {n: "s3cret,%s" % n for n in names}
    broker = broker_knowing(tmp_path / "broker", names, passwords)
    csv = tmp_path / "devices.csv"
    csv.write_text("client_id,username,password,model\n" + "".join(
        '%s,%s,"%s",x\n' % (n, n, passwords[n]) for n in names))
    try:
        rows = run_jmeter(PLAN, fleet_props(broker, identity_file=csv, first_row=1, user="not-used"))
    finally:
        broker.stop()
    assert_all_ok(rows, "MQTT Connect", "MQTT Publish")
    assert identities(broker) == {(n, n) for n in names[1:]}


def test_identity_file_gives_each_device_its_certificate(build, certs, tmp_path, run_jmeter):
    names = [device(i) for i in range(DEVICES)]
    make_device_certs(certs.dir, tmp_path / "ids" / "devices", names)
    csv = tmp_path / "ids" / "devices.csv"
    csv.write_text("client_id,cert,key\n" + "".join(
        "%s,devices/%s.crt,devices/%s.key\n" % (n, n, n) for n in names))
    acl = tmp_path / "acl"
    acl.write_text("pattern readwrite devices/%u/#\n")
    listener = ["cafile %s" % certs["ca.pem"], "certfile %s" % certs["server.pem"],
                "keyfile %s" % certs["server.key"], "require_certificate true", "use_identity_as_username true"]
    broker = Broker(tmp_path / "broker", listeners={"ssl": listener}, allow_anonymous=False,
                    extra_config=("acl_file %s" % acl,)).start()
    try:
        rows = run_jmeter(PLAN, fleet_props(
            broker, **{"broker.port": broker.ports["ssl"]}, protocol="SSL", ca=certs["ca.pem"],
            identity_file=csv, mqtt_version="5.0", topic="devices/{{client_id}}/telemetry", per_sample=5))
    finally:
        broker.stop()
    assert_all_ok(rows, "MQTT Connect", "MQTT Publish")
    assert identities(broker) == {(n, n) for n in names}
    assert "Denied PUBLISH" not in broker.log_text()


def cluster(tmp_path, n=3):
    return [Broker(tmp_path / ("node%d" % i)).start() for i in range(n)]


def test_a_cluster_gets_its_share_on_every_node(build, tmp_path, run_jmeter):
    nodes = cluster(tmp_path)
    server = ", ".join("127.0.0.1:%d" % b.port for b in nodes)
    try:
        rows = run_jmeter(PLAN, fleet_props(nodes[0], **{"broker.host": server}))
    finally:
        for b in nodes:
            b.stop()
    assert_all_ok(rows, "MQTT Connect", "MQTT Publish")
    # connections 0..29 of the engine, round robin: ten on each node, whichever thread owns them
    for b in nodes:
        assert len(set(CONNECTS.findall(b.log_text()))) == DEVICES // 3, b.log_text()[-2000:]
    per_broker = summarize.summarize(rows)["per_broker"]
    assert per_broker == {"127.0.0.1:%d" % b.port: {"connected": 10, "failed": 0} for b in nodes}, per_broker


def test_a_node_that_is_down_fails_only_its_connections(build, tmp_path, run_jmeter):
    nodes = cluster(tmp_path)
    nodes[1].stop()
    server = ", ".join("127.0.0.1:%d" % b.port for b in nodes)
    try:
        rows = run_jmeter(PLAN, fleet_props(nodes[0], **{"broker.host": server}))
    finally:
        for b in nodes:
            b.stop()
    down = "127.0.0.1:%d" % nodes[1].port
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == THREADS and not any(ok(r) for r in connects), describe(connects)
    failed = sum(int(re.match(r"(\d+) of 10 connection\(s\) failed", r["responseMessage"]).group(1))
                 for r in connects)
    assert failed == DEVICES // 3, describe(connects)
    for r in connects:
        assert ("TCP connect to %s failed" % down) in r["responseMessage"], describe(connects)
        assert r["responseMessage"].endswith("failed per broker: %s %s" % (
            down, re.match(r"(\d+)", r["responseMessage"]).group(1))), describe(connects)
    assert summarize.summarize(rows)["per_broker"] == {down: {"connected": 0, "failed": 10}}
