"""An identity per device through JMeter: three threads of ten connections each connect to a Mosquitto that
allows only its 30 devices, each with its own client id (dev-0000 ... dev-0029, numbered across the test),
user name and password, all made by templates. A device the broker does not know fails the Connect sample,
named; no device's password reaches the JTL (XML, with sampler and response data) or jmeter.log."""
import re
import subprocess

from conftest import PLANS, Broker, describe, ok, read_xml_jtl, rows_by_label

PLAN = PLANS / "templates.jmx"
THREADS, PER_THREAD = 3, 10
XML_ARGS = ["-Jjmeter.save.saveservice.output_format=xml", "-Jjmeter.save.saveservice.response_data=true",
            "-Jjmeter.save.saveservice.samplerData=true"]


def device(i):
    return "dev-%04d" % i


def broker_knowing(workdir, devices):
    """allow_anonymous false; a password file with pw-<device> for each device, hashed by mosquitto_passwd."""
    workdir.mkdir(parents=True, exist_ok=True)
    pw = workdir / "passwords"
    pw.write_text("".join("%s:pw-%s\n" % (d, d) for d in devices))
    subprocess.run(["mosquitto_passwd", "-U", str(pw)], check=True, stdin=subprocess.DEVNULL, timeout=30)
    return Broker(workdir, password_file=pw).start()


def fleet_props(broker):
    return dict(broker.props, threads=THREADS, connections=PER_THREAD, prefix="dev-{{conn.test:4}}", suffix="false",
                user="{{client_id}}", password="pw-{{client_id}}", topic="fleet/{{client_id}}", qos=1)


def test_each_device_connects_with_its_own_identity(build, tmp_path, start_jmeter):
    broker = broker_knowing(tmp_path / "broker", [device(i) for i in range(THREADS * PER_THREAD)])
    try:
        run = start_jmeter(PLAN, fleet_props(broker), args=XML_ARGS)
        run.wait(parse=False)
    finally:
        broker.stop()
    rows = read_xml_jtl(run.jtl)
    for label in ("MQTT Connect", "MQTT Publish"):
        samples = rows_by_label(rows, label)
        assert len(samples) == THREADS and all(ok(r) for r in samples), describe(rows)
    connected = set(re.findall(r"New client connected from \S+ as (dev-\d{4}) \(.*u'(dev-\d{4})'\)",
                               broker.log_text()))
    assert connected == {(device(i), device(i)) for i in range(THREADS * PER_THREAD)}, sorted(connected)
    assert "pw-dev-" not in run.jtl.read_text(errors="replace")
    assert "pw-dev-" not in run.log.read_text(errors="replace")


def test_a_device_the_broker_does_not_know_fails_the_connect_named(build, tmp_path, run_jmeter):
    known = [device(i) for i in range(THREADS * PER_THREAD) if i != 13]
    broker = broker_knowing(tmp_path / "broker", known)
    try:
        rows = run_jmeter(PLAN, fleet_props(broker))
    finally:
        broker.stop()
    connects = rows_by_label(rows, "MQTT Connect")
    failed = [r for r in connects if not ok(r)]
    assert len(connects) == THREADS and len(failed) == 1, describe(connects)
    assert failed[0]["responseMessage"].startswith(
        "1 of 10 connection(s) failed; first error (client id dev-0013): broker refused the connection: "
        "not authorized (CONNACK return code 5)"), describe(failed)
