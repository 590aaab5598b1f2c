"""Error paths reported as failed samples with the XMeter plugin's response codes; the test plan goes on."""
from conftest import PLANS, as_int, describe, free_port, ok, rows_by_label


def test_publish_without_connect_fails_with_500(build, mosquitto, run_jmeter):
    rows = run_jmeter(PLANS / "publish_only.jmx", dict(mosquitto.props, connect="false", loops=2))
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 2, describe(rows)
    assert not rows_by_label(rows, "MQTT Connect")
    for r in pubs:
        assert not ok(r) and r["responseCode"] == "500", describe([r])
        assert r["responseMessage"].strip(), describe([r])


def test_connect_to_closed_port_fails_with_501_and_plan_goes_on(build, run_jmeter):
    port = free_port()  # nothing listens there
    rows = run_jmeter(PLANS / "publish_only.jmx", {"broker.host": "127.0.0.1", "broker.port": port, "loops": 1})
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == 1, describe(rows)
    c = connects[0]
    assert not ok(c) and c["responseCode"] == "501", describe([c])
    assert c["responseMessage"].strip(), "no message: " + describe([c])
    assert as_int(c["elapsed"]) < 10000, "refusal should not wait for the connect timeout"
    # the plan went on: the Publish after it ran (and failed: not connected)
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 1 and not ok(pubs[0]) and pubs[0]["responseCode"] == "500", describe(rows)
