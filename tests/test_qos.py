"""examples/qos-roundtrip.jmx at QoS 0, 1 and 2 through Mosquitto (5 bursts x 100 messages), against a broker
with the suite's lifted limits and against one with Mosquitto's DEFAULT limits (20 in flight, 1,000 queued),
plus 1,000-message bursts at QoS 1 and 2 on every protocol version against the default limits."""
import pytest

from conftest import EXAMPLES, PLANS, as_int, describe, ok, rows_by_label
from fake_brokers import ResettingBroker

BATCHES, PER_BATCH = 5, 100


def _round_trip(run_jmeter, broker, qos, batches, per_batch, version="3.1.1", **extra):
    props = dict(broker.props, qos=qos, batches=batches, per_batch=per_batch, mqtt_version=version,
                 topic="mqttload/qos%d" % qos, sub_timeout=15000 if qos else 5000)
    props.update(extra)
    rows = run_jmeter(EXAMPLES / "qos-roundtrip.jmx", props)
    return rows, rows_by_label(rows, "MQTT Publish"), rows_by_label(rows, "MQTT Subscribe")


@pytest.mark.parametrize("broker", ["mosquitto", "stock_mosquitto"])
@pytest.mark.parametrize("qos", [0, 1, 2])
def test_qos_round_trip(build, request, run_jmeter, qos, broker):
    rows, pubs, subs = _round_trip(run_jmeter, request.getfixturevalue(broker), qos, BATCHES, PER_BATCH)
    assert all(ok(r) for r in rows_by_label(rows, "MQTT Connect")), describe(rows)
    assert all(ok(r) for r in pubs), describe(pubs)
    published = sum(as_int(r["SampleCount"]) for r in pubs)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert published == BATCHES * PER_BATCH
    if qos == 0:
        # at most once: loopback normally delivers all, but loss is allowed
        assert 0 < received <= published, describe(subs)
    else:
        assert received == published, describe(subs)
        assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
        assert sum(as_int(r["MQTT_SUB_LOST"], 0) for r in subs) == 0, describe(subs)
        assert sum(as_int(r["MQTT_SUB_DUPLICATES"], 0) for r in subs) == 0, describe(subs)
        assert as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 0, describe(subs)


@pytest.mark.parametrize("version", ["3.1", "3.1.1", "5.0"])
@pytest.mark.parametrize("qos", [1, 2])
def test_large_bursts_against_default_limits(build, stock_mosquitto, run_jmeter, qos, version):
    """1,000 messages a sample: the 3.x in-flight window (auto = 20) keeps a stock broker from resetting us."""
    rows, pubs, subs = _round_trip(run_jmeter, stock_mosquitto, qos, 3, 1000, version)
    assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
    assert sum(as_int(r["SampleCount"]) for r in pubs) == 3000, describe(pubs)
    assert sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs) == 3000, describe(subs)
    assert as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 0, describe(subs)


def test_beyond_the_brokers_limit_loss_is_visible(build, stock_mosquitto, run_jmeter):
    """The window raised to 1,000 against a stock broker (20): whatever the broker does with the excess (drop it,
    or reset the connection), it shows: a failed Publish naming the limit, or loss in the subscriber's figures."""
    rows, pubs, subs = _round_trip(run_jmeter, stock_mosquitto, 2, 1, 1000, max_inflight=1000, sub_timeout=3000)
    failed = [r for r in pubs if not ok(r)]
    if failed:
        assert "max_inflight_messages" in failed[0]["responseMessage"], describe(failed)
    else:
        received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
        lost = as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"])
        assert received + lost == 1000 and (lost == 0 or subs[-1]["MQTT_SUB_SHORTFALL"]), describe(subs)


def test_a_reset_mid_burst_names_the_in_flight_limit(build, run_jmeter):
    broker = ResettingBroker(limit=20)
    try:
        rows = run_jmeter(PLANS / "publish_only.jmx", dict(broker.props, qos=1, per_sample=100, max_inflight=100))
    finally:
        broker.close()
    pub = rows_by_label(rows, "MQTT Publish")[0]
    assert not ok(pub), describe(rows)
    assert "QoS 1/2 messages were in flight" in pub["responseMessage"], describe(rows)
    assert "max_inflight_messages" in pub["responseMessage"] and "in flight per connection" in pub["responseMessage"], \
        describe(rows)
