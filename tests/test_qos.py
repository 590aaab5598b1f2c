"""examples/qos-roundtrip.jmx at QoS 0, 1 and 2 through Mosquitto (5 bursts x 100 messages)."""
import pytest

from conftest import EXAMPLES, as_int, describe, ok, rows_by_label

BATCHES, PER_BATCH = 5, 100


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_qos_round_trip(build, mosquitto, run_jmeter, qos):
    props = dict(mosquitto.props, qos=qos, batches=BATCHES, per_batch=PER_BATCH,
                 topic="mqttload/qos%d" % qos, sub_timeout=10000 if qos else 5000)
    rows = run_jmeter(EXAMPLES / "qos-roundtrip.jmx", props)
    pubs = rows_by_label(rows, "MQTT Publish")
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert all(ok(r) for r in rows_by_label(rows, "MQTT Connect")), describe(rows)
    assert all(ok(r) for r in pubs), describe(pubs)
    published = sum(as_int(r["SampleCount"]) for r in pubs)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert published == BATCHES * PER_BATCH
    if qos == 0:
        # at most once: loopback with unlimited queues normally delivers all, but loss is allowed
        assert 0 < received <= published, describe(subs)
    else:
        assert received == published, describe(subs)
        assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
        assert sum(as_int(r["MQTT_SUB_LOST"], 0) for r in subs) == 0, describe(subs)
        assert sum(as_int(r["MQTT_SUB_DUPLICATES"], 0) for r in subs) == 0, describe(subs)
