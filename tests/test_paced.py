"""Paced publishing through JMeter against our Mosquitto (tests/plans/paced.jmx): 20 connections each
publishing every 200 ms for 2 s, two samples, QoS 1; a subscriber collects them with their latency.
Also the MQTT_PUB_* variables of a burst Publish, a bad pace setting's sample error, JMeter's Shutdown ending a
schedule, and the paced bench run small."""
from conftest import PLANS, as_int, describe, ok, rows_by_label
from summarize import summarize  # tools/for-users/summarize.py (conftest puts tools/ on the path)

PACED = PLANS / "paced.jmx"


def test_paced_samples_send_every_intended_message_on_time(build, mosquitto, run_jmeter):
    rows = run_jmeter(PACED, mosquitto.props)
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
    pubs = rows_by_label(rows, "MQTT Publish")
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(pubs) == 2 and len(subs) == 2, describe(rows)
    for r in pubs:
        assert r["responseMessage"].startswith("Paced 200 of 200 message(s) over 2.0 s at "), describe([r])
        assert as_int(r["SampleCount"]) == 200, describe([r])
        assert as_int(r["MQTT_PUB_SENT"]) == 200 and as_int(r["MQTT_PUB_INTENDED"]) == 200, describe([r])
        p50, p99 = as_int(r["MQTT_PUB_LAG_P50_US"]), as_int(r["MQTT_PUB_LAG_P99_US"])
        assert p50 is not None and p99 is not None and 0 <= p50 <= p99, describe([r])
        # 20 connections x 5 msg/s
        assert 90.0 <= float(r["MQTT_PUB_RATE"]) <= 105.0, describe([r])
        # the sample lasts the schedule (plus the last acknowledgements)
        assert 2000 <= as_int(r["elapsed"]) < 4000, describe([r])
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert received == 400, describe(subs)
    for r in subs:
        assert as_int(r["MQTT_SUB_LOST"]) == 0 and as_int(r["MQTT_SUB_DUPLICATES"]) == 0, describe([r])
        # measured from the intended send times
        assert as_int(r["MQTT_SUB_P50_US"]) > 0, describe([r])
    s = summarize(rows)
    assert (s["pub_sent"], s["pub_intended"]) == (400, 400), s
    assert s["pub_rate"] and s["pub_lag_p50_us"] is not None and s["pub_lag_p99_us"] is not None, s


def test_group_rate_with_a_message_cap(build, mosquitto, run_jmeter):
    """rate_per_group 50 msg/s shared by 20 connections, capped at 30 messages: 0.6 s per sample."""
    props = dict(mosquitto.props, pace_mode="rate_per_group", pace_rate="50", pace_duration="60000",
                 pace_messages="30", sub_count="30")
    rows = run_jmeter(PACED, props)
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
    pubs = rows_by_label(rows, "MQTT Publish")
    assert [as_int(r["MQTT_PUB_SENT"]) for r in pubs] == [30, 30], describe(pubs)
    for r in pubs:
        assert 550 <= as_int(r["elapsed"]) < 2000, describe([r])
    assert sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in rows_by_label(rows, "MQTT Subscribe")) == 60


def test_a_bad_pace_setting_names_its_key(build, mosquitto, run_jmeter):
    props = dict(mosquitto.props, pace_interval="0", pace_samples="1", sub_batches="0")
    rows = run_jmeter(PACED, props)
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 1 and not ok(pubs[0]), describe(rows)
    assert "mqtt.pace_interval_ms" in pubs[0]["responseMessage"], describe(pubs)
    assert pubs[0]["MQTT_PUB_SENT"] in ("", "null"), describe(pubs)


def test_burst_publish_sets_sent_and_rate(build, mosquitto, run_jmeter):
    props = dict(mosquitto.props, per_sample="50", loops="2", qos="1")
    rows = run_jmeter(PLANS / "publish_only.jmx", props)
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 2 and all(ok(r) for r in pubs), describe(rows)
    for r in pubs:
        assert as_int(r["MQTT_PUB_SENT"]) == 50 and as_int(r["MQTT_PUB_INTENDED"]) == 50, describe([r])
        assert float(r["MQTT_PUB_RATE"]) > 0, describe([r])
        assert r["MQTT_PUB_LAG_P50_US"] in ("", "null"), describe([r])


def test_paced_bench_prints_the_schedule_lag(build, bench_engine):
    """`make bench-paced` small: its figures come from the full run (docs/performance.md)."""
    import subprocess
    from conftest import REPO, ensure_mosquitto
    ensure_mosquitto()
    out = subprocess.run([str(bench_engine), "paced", "50", "100", "1", "1"],
                         cwd=REPO, capture_output=True, text=True, timeout=120).stdout
    assert "paced: sent 500 of 500 intended" in out and "lag p50 " in out and "subscriber received 500" in out, out


def test_shutdown_ends_a_paced_sample_with_what_it_sent(build, mosquitto, start_jmeter):
    """JMeter's Shutdown (what shutdown.sh sends) ends a 60-s schedule within two seconds, counting what went."""
    import socket
    import time
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    props = dict(mosquitto.props, pace_duration="60000", pace_samples="1", sub_batches="0",
                 **{"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port})
    run = start_jmeter(PACED, props)
    mosquitto.wait_for_log(r"Received PUBLISH from pcpub_", timeout=120, proc=run.proc)
    time.sleep(1.0)
    shutdown_at = time.time() * 1000
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"Shutdown", ("127.0.0.1", port))
    rows = run.wait(timeout=30, check=False)
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 1, describe(rows)
    p = pubs[0]
    assert not ok(p) and p["responseCode"] == "502", describe(rows)
    assert "JMeter shutdown ended the schedule after" in p["responseMessage"], describe(rows)
    # 20 connections x 5 msg/s x 60 s intended; about a second's worth sent, all acknowledged
    assert as_int(p["MQTT_PUB_INTENDED"]) == 6000, describe(rows)
    assert 50 <= as_int(p["MQTT_PUB_SENT"]) <= 1000, describe(rows)
    late = as_int(p["timeStamp"]) + as_int(p["elapsed"]) - shutdown_at
    assert late < 2000, "ended %d ms after Shutdown" % late
