"""The Unsubscribe element against a real Mosquitto: every connection of the group unsubscribes (UNSUBACK
awaited), nothing more arrives on the filter it removed, and the group's Subscribe element stops expecting it
(loss stays 0) while the other filter goes on."""
import pytest

from conftest import PLANS, as_int, describe, ok, rows_by_label


def one(rows, label):
    found = rows_by_label(rows, label)
    assert len(found) == 1, describe(rows)
    return found[0]


@pytest.mark.parametrize("version", ["3.1.1", "5.0"])
def test_after_unsubscribe_nothing_arrives_and_nothing_reads_lost(build, mosquitto, run_jmeter, version):
    # 5.0 also names a filter the broker had no subscription for (UNSUBACK 0x11), without failing
    unsub = "un/gone" if version == "3.1.1" else "un/gone, un/never"
    rows = run_jmeter(PLANS / "unsubscribe.jmx", dict(mosquitto.props, mqtt_version=version, per_sample=10,
                                                     unsub_topics=unsub))
    assert all(ok(r) for r in rows if not r["label"].startswith("Subscribe (")), describe(rows)
    u = one(rows, "MQTT Unsubscribe")
    assert u["responseMessage"].startswith("Unsubscribed 1 connection(s) from 'un/gone'"), describe([u])
    if version == "5.0":
        assert "no such subscription on 1 connection(s)" in u["responseMessage"], describe([u])
    first = as_int(one(rows, "Subscribe (subscribes)")["MQTT_SUB_RECEIVED"], 0)
    before = one(rows, "Subscribe before")
    assert first + as_int(before["MQTT_SUB_RECEIVED"]) == 20, describe(rows)
    after = one(rows, "Subscribe after")
    # only un/kept's 10: un/gone's second 10 never came, and are not counted as lost
    assert as_int(after["MQTT_SUB_RECEIVED"]) == 10, describe(rows)
    assert as_int(after["MQTT_SUB_LOST_TOTAL"]) == 0 and as_int(after["MQTT_SUB_PENDING"]) == 0, describe(rows)
    assert after["MQTT_SUB_ARRIVAL_RATE"] == "1.000000", describe(rows)
    assert "Received UNSUBSCRIBE from subs_" in mosquitto.log_text(), "the broker saw the UNSUBSCRIBE"


def test_unsubscribe_waits_for_every_connection(build, stock_mosquitto, run_jmeter):
    rows = run_jmeter(PLANS / "unsubscribe.jmx", dict(stock_mosquitto.props, sub_connections=4, per_sample=5))
    u = one(rows, "MQTT Unsubscribe")
    assert ok(u) and u["responseMessage"] == "Unsubscribed 4 connection(s) from 'un/gone'", describe([u])
    # four connections, each gets the kept topic's 5
    assert as_int(one(rows, "Subscribe after")["MQTT_SUB_RECEIVED"]) == 20, describe(rows)
