"""A broker that does not keep the MQTT 5.0 contract (or does not speak 5.0) gets a failed sample that says
so, never a silent acceptance or an opaque decoder error. Scripted brokers inject the faults
(tests/fake_brokers.py); everything else is the provisioned JMeter and our plugin."""
import pytest

from conftest import PLANS, as_int, describe, ok, rows_by_label
from fake_brokers import ScriptedBroker, connack_v5, publish_v5


@pytest.fixture
def scripted():
    brokers = []

    def make(connack, after_subscribe=b""):
        brokers.append(ScriptedBroker(connack, after_subscribe))
        return brokers[-1]

    yield make
    for b in brokers:
        b.close()


def _subscribe(run_jmeter, broker, **props):
    base = dict(broker.props, mqtt_version="5.0", topic="faults/t", qos=1, count=1, sub_timeout=10000)
    base.update(props)
    rows = run_jmeter(PLANS / "subscribe_only.jmx", base)
    return rows, rows_by_label(rows, "MQTT Connect"), rows_by_label(rows, "MQTT Subscribe")


def test_a_v3_broker_answering_a_v5_connect_is_named(build, scripted, run_jmeter):
    rows, connects, _ = _subscribe(run_jmeter, scripted(b"\x20\x02\x00\x01"))
    c = connects[0]
    assert not ok(c) and c["responseCode"] == "501", describe(rows)
    assert "does not speak MQTT 5.0" in c["responseMessage"], describe(rows)


def test_shared_subscription_unavailable_fails_the_subscribe_at_once(build, scripted, run_jmeter):
    broker = scripted(connack_v5(b"\x2a\x00"))  # Shared Subscription Available = 0
    rows, connects, subs = _subscribe(run_jmeter, broker, topic="$share/g/faults/t")
    assert ok(connects[0]), describe(rows)
    s = subs[0]
    assert not ok(s) and "Shared Subscription Available = 0" in s["responseMessage"], describe(rows)
    assert as_int(s["elapsed"]) < 2000, describe(rows)


def test_a_topic_alias_beyond_our_maximum_drops_with_the_reason(build, scripted, run_jmeter):
    alias_100 = b"\x23\x00\x64"
    broker = scripted(connack_v5(), publish_v5("faults/t", b"x", properties=alias_100))
    rows, _, subs = _subscribe(run_jmeter, broker, topic_alias_max=2)
    s = subs[0]
    assert not ok(s) and s["responseCode"] == "500", describe(rows)
    assert "topic alias 100" in s["responseMessage"] and "0x94" in s["responseMessage"], describe(rows)


def test_more_in_flight_than_our_receive_maximum_drops_with_the_reason(build, scripted, run_jmeter):
    burst = b"".join(publish_v5("faults/t", b"x", qos=1, pkid=i) for i in range(1, 51))
    rows, _, subs = _subscribe(run_jmeter, scripted(connack_v5(), burst), receive_max=5, count=100)
    s = subs[0]
    assert not ok(s) and s["responseCode"] == "500", describe(rows)
    assert "Receive Maximum of 5" in s["responseMessage"] and "0x93" in s["responseMessage"], describe(rows)
