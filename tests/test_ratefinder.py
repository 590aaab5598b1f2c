"""The MQTT Rate Finder through JMeter (tests/plans/ratefinder.jmx) against our Mosquitto: one JTL row per step with
its MQTT_RATE_* variables, the final step's table and conclusion, the thread stopped when the search is done,
summarize.py's step table and exclusion windows (the HTML dashboard given the same window through JMeter's report
generator properties), a guard broken at the first step, a bad setting named by its key, and JMeter's Shutdown
ending a long step; and examples/rate-finder.jmx run small against a Mosquitto publishing $SYS every second."""
import json
import re
import socket
import subprocess
import sys
import time

from conftest import EXAMPLES, JMETER, PLANS, REPO, as_int, describe, ok, rows_by_label

PLAN = PLANS / "ratefinder.jmx"
LABEL = "MQTT Rate Finder"
SUMMARIZE = REPO / "tools" / "for-users" / "summarize.py"
USER_PROPS = REPO / "mqttload.properties"


def summarize_out(jtl, *args):
    out = subprocess.run([sys.executable, str(SUMMARIZE), str(jtl)] + list(args), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_steps_up_to_the_maximum_rate_then_stops_the_thread(build, mosquitto, start_jmeter, tmp_path):
    run = start_jmeter(PLAN, dict(mosquitto.props, start_rate="200", factor="2", max_rate="800"))
    rows = run.wait()
    steps = rows_by_label(rows, LABEL)
    # 200, 400, 800 msg/s, then When done stops the thread (the loop allows 20)
    assert len(steps) == 3 and all(ok(r) for r in steps), describe(rows)
    assert [as_int(r["MQTT_RATE_STEP"]) for r in steps] == [1, 2, 3], describe(steps)
    assert [r["MQTT_RATE_OFFERED"] for r in steps] == ["200", "400", "800"], describe(steps)
    for r in steps:
        assert r["responseMessage"].startswith("Rate step %s at " % r["MQTT_RATE_STEP"]), describe([r])
        offered = float(r["MQTT_RATE_OFFERED"])
        assert abs(float(r["MQTT_RATE_SENT_PER_S"]) - offered) < offered * 0.1, describe([r])
        # 1 s at the rate, one subscriber: every message arrived, none lost
        assert as_int(r["MQTT_RATE_SENT"]) == offered == as_int(r["MQTT_RATE_RECEIVED"]), describe([r])
        assert as_int(r["MQTT_RATE_LOST"]) == 0 and r["MQTT_RATE_BROKE"] == "", describe([r])
        assert 0 < as_int(r["MQTT_RATE_P50_US"]) <= as_int(r["MQTT_RATE_P99_US"]), describe([r])
        assert as_int(r["MQTT_RATE_LAG_P99_US"]) is not None, describe([r])
        assert as_int(r["SampleCount"]) == offered, describe([r])
        # one sample per step, lasting the step and its drain
        assert 1000 <= as_int(r["elapsed"]) < 4000, describe([r])
    assert [r["MQTT_RATE_DONE"] for r in steps] == ["0", "0", "1"], describe(steps)
    assert [r["MQTT_RATE_MAX_OK"] for r in steps] == ["200", "400", "800"], describe(steps)
    last = steps[-1]
    assert last["MQTT_RATE_LIMIT"] == "max_rate" and last["MQTT_RATE_FIRST_BAD"] in ("", "null"), describe([last])
    assert "Done: highest rate held 800 msg/s (step 3); no limit found" in last["responseMessage"], describe([last])

    text = summarize_out(run.jtl)
    assert "rate finder  MQTT Rate Finder" in text and "3 step(s)" in text, text
    for rate in ("200", "400", "800"):
        assert any(line.split()[1:2] == [rate] and line.rstrip().endswith("held") for line in text.splitlines()), text
    assert "highest rate held 800 msg/s; limit: none found: the maximum rate held" in text, text

    # a window that leaves out the first step (it starts about 2 s before the second)
    second = as_int(steps[1]["timeStamp"])
    first = min(as_int(r["timeStamp"]) for r in rows)
    warmup_ms = second - first - 200
    windowed = summarize_out(run.jtl, "--warmup", "%dms" % warmup_ms, "--report-range")
    assert "2 step(s)" in windowed and "3 step(s)" not in windowed, windowed
    flags = [line for line in windowed.splitlines() if line.startswith("dashboard")][0].split()[6:]
    assert flags[0] == "-Jjmeter.reportgenerator.date_format=yyyyMMddHHmmssSSS", flags
    # the HTML dashboard with the same window, as users make it (mqttload.properties, its MQTT graphs): JMeter's
    # report generator keeps the same rows, and the rate finder's graph has the two steps
    report = tmp_path / "windowed-report"
    out = subprocess.run([str(JMETER), "-g", str(run.jtl), "-o", str(report), "-q", str(USER_PROPS),
                          "-j", str(tmp_path / "report.log")] + flags,
                         capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    stats = json.loads((report / "statistics.json").read_text())
    assert stats[LABEL]["sampleCount"] == 2, stats[LABEL]
    assert stats["Total"]["sampleCount"] == 2, stats["Total"]
    js = (report / "content" / "js" / "customGraph.js").read_text()
    m = re.search(r"var responsecustom_mqtt_5_ratefinderInfos = \{\s*data: (\{.*?\}),\s*getOptions", js, re.S)
    assert m, "no rate finder graph in customGraph.js"
    series = {s["label"]: sorted(v for _, v in s["data"]) for s in json.loads(m.group(1))["result"]["series"]}
    assert series["MQTT Rate Finder offered/s"] == [400, 800], series
    assert series["MQTT Rate Finder highest held/s"] == [400, 800], series


def test_a_guard_broken_at_the_first_step_stops_the_test_naming_whose_limit(build, mosquitto, run_jmeter):
    # no message arrives within 1 µs: the first step breaks the latency guard, the broker's (the lag guard is loose
    # enough to hold on a busy machine)
    rows = run_jmeter(PLAN, dict(mosquitto.props, max_p99_ms="0.001", max_lag_ms="5000", when_done="stop_test",
                                 sys_root=""))
    steps = rows_by_label(rows, LABEL)
    assert len(steps) == 1, describe(rows)
    r = steps[0]
    assert not ok(r) and r["responseCode"] == "501", describe([r])
    assert r["MQTT_RATE_BROKE"] == "latency" and r["MQTT_RATE_DONE"] == "1", describe([r])
    assert r["MQTT_RATE_LIMIT"] == "broker", describe([r])
    assert r["MQTT_RATE_MAX_OK"] in ("", "null") and r["MQTT_RATE_FIRST_BAD"] == "200", describe([r])
    assert "; broke: latency p99 " in r["responseMessage"], describe([r])
    assert "Done: no rate held; the limit is the broker's" in r["responseMessage"], describe([r])


def test_a_bad_setting_is_named_by_its_key(build, mosquitto, run_jmeter):
    rows = run_jmeter(PLAN, dict(mosquitto.props, factor="1", max_steps="2"))
    steps = rows_by_label(rows, LABEL)
    assert len(steps) == 2 and all(r["responseCode"] == "502" for r in steps), describe(rows)
    assert steps[0]["responseMessage"].startswith("Factor (mqtt.finder_factor): must be above 1"), describe(steps)
    assert steps[0]["MQTT_RATE_STEP"] in ("", "null"), describe(steps)


def test_shutdown_ends_a_long_step(build, mosquitto, start_jmeter):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    props = dict(mosquitto.props, step_ms="60000", sys_root="",
                 **{"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port})
    run = start_jmeter(PLAN, props)
    mosquitto.wait_for_log(r"Received PUBLISH from rf_", timeout=120, proc=run.proc)
    time.sleep(1.0)
    shutdown_at = time.time() * 1000
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"Shutdown", ("127.0.0.1", port))
    rows = run.wait(timeout=30, check=False)
    steps = rows_by_label(rows, LABEL)
    assert len(steps) == 1, describe(rows)
    r = steps[0]
    assert not ok(r) and r["responseCode"] == "502", describe(rows)
    assert "JMeter shutdown ended the step after" in r["responseMessage"], describe(rows)
    assert r["MQTT_RATE_DONE"] == "0", describe(rows)
    late = as_int(r["timeStamp"]) + as_int(r["elapsed"]) - shutdown_at
    assert late < 2000, "ended %d ms after Shutdown" % late


def test_the_example_plan_runs_a_search_with_the_brokers_drops_watched(build, sys_mosquitto, run_jmeter):
    """examples/rate-finder.jmx as users run it, small: 500, 1,000 and 2,000 msg/s in half-second steps."""
    rows = run_jmeter(EXAMPLES / "rate-finder.jmx", dict(sys_mosquitto.props, start_rate="500", factor="2",
                                                         max_rate="2000", step_ms="500", max_lag_ms="1000"))
    steps = rows_by_label(rows, LABEL)
    assert [r["MQTT_RATE_OFFERED"] for r in steps] == ["500", "1000", "2000"], describe(rows)
    assert all(ok(r) for r in steps), describe(steps)
    # 1 subscriber and 4 publishers; the broker said it dropped nothing (sys_interval 1: values within the step)
    assert all(as_int(r["MQTT_RATE_RECEIVED"]) == as_int(r["MQTT_RATE_SENT"]) for r in steps), describe(steps)
    assert any(r["MQTT_RATE_BROKER_DROPPED"] == "0" for r in steps), describe(steps)
    assert steps[-1]["MQTT_RATE_LIMIT"] == "max_rate", describe(steps)
