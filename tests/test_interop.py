"""Interop with Mosquitto's own clients: mosquitto_pub -> our Subscribe; our Publish -> mosquitto_sub."""
import subprocess

import pytest

from conftest import PLANS, as_int, describe, ok, rows_by_label


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_interop_mosquitto_pub_messages_counted_by_our_subscribe(build, mosquitto, start_jmeter, qos):
    n = 200
    topic = "interop/in%d" % qos
    run = start_jmeter(PLANS / "subscribe_only.jmx",
                       dict(mosquitto.props, topic=topic, qos=qos, count=n, sub_timeout=30000,
                            prefix="itsub%d_" % qos))
    # publish only once our SUBSCRIBE reached the broker
    mosquitto.wait_for_log(r"Received SUBSCRIBE from itsub%d_" % qos, timeout=120, proc=run.proc)
    message = "message from mosquitto_pub"
    # --repeat, not -l (a line per message from stdin): mosquitto_pub 2.0's line mode can miss the end of
    # its input and hang (eclipse-mosquitto/mosquitto#1448), which it did here at QoS 0 about once a run
    subprocess.run(["mosquitto_pub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-i", "itpub_cli",
                    "-t", topic, "-q", str(qos), "-m", message, "--repeat", str(n)], check=True, timeout=60)
    rows = run.wait()
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1 and ok(subs[0]), describe(rows)
    assert as_int(subs[0]["MQTT_SUB_RECEIVED"]) == n, describe(subs)
    assert as_int(subs[0]["SampleCount"]) == n
    assert as_int(subs[0]["bytes"]) == n * len(message)  # payload bytes


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_interop_our_publish_arrives_byte_exact_at_mosquitto_sub(build, mosquitto, start_jmeter, qos):
    loops, per_sample = 4, 25
    n = loops * per_sample
    topic = "interop/out%d" % qos
    payload = "mqttload says hello: 0123456789 ~!@#%^&*()_+ {json: true} \u00e9\u00e8\u20ac"
    sub = subprocess.Popen(["mosquitto_sub", "-h", mosquitto.host, "-p", str(mosquitto.port),
                            "-i", "itsub_cli%d" % qos, "-t", topic, "-q", str(qos), "-C", str(n), "-v",
                            "-W", "120"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        mosquitto.wait_for_log(r"Received SUBSCRIBE from itsub_cli%d" % qos, timeout=10, proc=sub)
        rows = start_jmeter(PLANS / "publish_only.jmx",
                            dict(mosquitto.props, topic=topic, qos=qos, payload=payload, timestamp="none",
                                 per_sample=per_sample, loops=loops)).wait()
        out, err = sub.communicate(timeout=60)
    finally:
        if sub.poll() is None:
            sub.kill()
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == loops and all(ok(r) for r in pubs), describe(rows)
    assert sum(as_int(r["SampleCount"]) for r in pubs) == n
    expected = ("%s %s\n" % (topic, payload)).encode("utf-8")
    got = out.splitlines(keepends=True)
    assert len(got) == n, (len(got), err)
    assert all(line == expected for line in got), got[:3]
