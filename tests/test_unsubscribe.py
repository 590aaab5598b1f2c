"""The Unsubscribe element against a real Mosquitto: every connection of the group unsubscribes (UNSUBACK
awaited), nothing more arrives on the filter it removed, and the group's Subscribe element stops expecting it
(loss stays 0) while the other filter goes on."""
import pytest

from conftest import PLANS, as_int, describe, ok, rows_by_label


def one(rows, label):
    found = rows_by_label(rows, label)
    assert len(found) == 1, describe(rows)
    return found[0]


def received(subs):
    return sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)


@pytest.mark.parametrize("version", ["3.1.1", "5.0"])
def test_after_unsubscribe_nothing_arrives_and_nothing_reads_lost(build, mosquitto, run_jmeter, version):
    # 5.0 also names a filter the broker had no subscription for (UNSUBACK 0x11), without failing
    unsub = "un/gone" if version == "3.1.1" else "un/gone, un/never"
    rows = run_jmeter(PLANS / "unsubscribe.jmx", dict(mosquitto.props, mqtt_version=version, per_sample=10,
                                                     unsub_topics=unsub))
    assert all(ok(r) for r in rows), describe(rows)
    u = one(rows, "MQTT Unsubscribe")
    assert u["responseMessage"].startswith("Unsubscribed 1 connection(s) from 'un/gone'"), describe([u])
    if version == "5.0":
        assert "no such subscription on 1 connection(s)" in u["responseMessage"], describe([u])
    subs = rows_by_label(rows, "MQTT Subscribe")
    # 10 + 10 before, and only un/kept's 10 after: un/gone's second 10 never came, and are not counted as lost
    assert received(subs) == 30, describe(rows)
    last = subs[-1]
    assert as_int(last["MQTT_SUB_LOST_TOTAL"]) == 0 and as_int(last["MQTT_SUB_PENDING"]) == 0, describe(rows)
    assert "Received UNSUBSCRIBE from subs_" in mosquitto.log_text(), "the broker saw the UNSUBSCRIBE"


def test_unsubscribe_waits_for_every_connection(build, stock_mosquitto, run_jmeter):
    rows = run_jmeter(PLANS / "unsubscribe.jmx", dict(stock_mosquitto.props, sub_connections=4, per_sample=5))
    u = one(rows, "MQTT Unsubscribe")
    assert ok(u) and u["responseMessage"] == "Unsubscribed 4 connection(s) from 'un/gone'", describe([u])
    # four connections, each gets both topics' first 5 and the kept topic's second 5
    assert received(rows_by_label(rows, "MQTT Subscribe")) == 4 * 15, describe(rows)


def test_templated_filters_unsubscribe_each_connection_from_its_own(build, mosquitto, run_jmeter):
    """Subscribe and Unsubscribe both on un/{{conn}}-style filters: each connection removes its own."""
    rows = run_jmeter(PLANS / "unsubscribe.jmx", dict(mosquitto.props, sub_connections=3, per_sample=5,
                                                     unsub_topics="un/gone, un/x{{conn}}"))
    u = one(rows, "MQTT Unsubscribe")
    assert ok(u) and u["responseMessage"].startswith("Unsubscribed 3 connection(s)"), describe([u])
    assert received(rows_by_label(rows, "MQTT Subscribe")) == 3 * 15, describe(rows)
