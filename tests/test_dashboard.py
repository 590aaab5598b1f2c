"""The HTML dashboard tells the truth about MQTT: a run with mqttload.properties alone,
as users run it, then the report's statistics.json, Apdex, custom graphs and dates checked against the JTL.

JMeter's own tables count JTL rows (bursts and batches; its report generator ignores SampleCount), so the
statistics are checked row for row, Subscribe's response time is its batch's highest end-to-end latency,
and messages are counted by mqttload's graphs on the Customs Graphs page."""
import json
import re
import subprocess
from pathlib import Path

from conftest import EXAMPLES, JMETER, PLANS, REPO, Broker, as_int, describe, ok, read_jtl, rows_by_label

PROPS = REPO / "mqttload.properties"
TEST_PROPS = REPO / "tools" / "test" / "jmeter-test.properties"
BATCHES, PER_BATCH = 5, 200


def properties(path):
    out = {}
    for line in Path(path).read_text(encoding="latin-1").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def test_result_settings_of_tests_and_users_agree():
    users, tests = properties(PROPS), properties(TEST_PROPS)
    result_keys = [k for k in users if k.startswith("jmeter.save.saveservice.") or k == "sample_variables"]
    assert result_keys and {k: users[k] for k in result_keys} == {k: tests.get(k) for k in result_keys}
    # timestamp_format=ms would also be the dashboard's date pattern (Start Time "3514")
    assert "jmeter.save.saveservice.timestamp_format" not in users
    assert "jmeter.save.saveservice.timestamp_format" not in tests


def _graph(js, graph_id):
    """The data object of one custom graph in content/js/customGraph.js."""
    m = re.search(r"var response%sInfos = \{\s*data: (\{.*?\}),\s*getOptions" % re.escape(graph_id), js, re.S)
    assert m, "graph %s missing from customGraph.js" % graph_id
    return json.loads(m.group(1))["result"]


def _series(graph):
    return {s["label"]: s["data"] for s in graph["series"]}


def _apdex(dashboard_js):
    """label -> Apdex of the dashboard's Apdex table."""
    m = re.search(r'createTable\(\$\("#apdexTable"\), (\{.*?\}), function', dashboard_js, re.S)
    assert m, "no Apdex table in dashboard.js"
    table = json.loads(m.group(1))
    return {item["data"][3]: item["data"][0] for item in table["items"]}


def _run(plan, props, tmp_path):
    """JTL rows and report folder of a run with mqttload.properties alone and the HTML dashboard."""
    jtl, report = tmp_path / "run.jtl", tmp_path / "report"
    cmd = [str(JMETER), "-n", "-t", str(plan), "-q", str(PROPS)]
    cmd += ["-J%s=%s" % kv for kv in props.items()]
    cmd += ["-l", str(jtl), "-j", str(tmp_path / "jmeter.log"), "-e", "-o", str(report)]
    out = subprocess.run(cmd, cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    assert out.returncode == 0 and jtl.is_file(), out.stdout.decode(errors="replace")[-3000:]
    return read_jtl(jtl), report


def test_the_dashboard_agrees_with_the_jtl(build, mosquitto, tmp_path):
    rows, report = _run(EXAMPLES / "qos-roundtrip.jmx", dict(mosquitto.props, qos=1, batches=BATCHES,
                                                             per_batch=PER_BATCH, burst_gap_ms=300,
                                                             pub_delay=1000), tmp_path)
    subs, pubs = rows_by_label(rows, "MQTT Subscribe"), rows_by_label(rows, "MQTT Publish")
    assert all(ok(r) for r in rows), describe(rows)
    total = BATCHES * PER_BATCH
    assert sum(as_int(r["MQTT_SUB_RECEIVED"]) for r in subs) == total, describe(rows)

    # Subscribe's response time = the batch's slowest message, Latency = its mean, IdleTime = the rest
    for r in subs:
        assert as_int(r["elapsed"]) == round(as_int(r["MQTT_SUB_MAX_US"]) / 1000), r
        assert as_int(r["Latency"]) == round(as_int(r["MQTT_SUB_MEAN_US"]) / 1000), r
        assert as_int(r["Latency"]) <= as_int(r["elapsed"]) and as_int(r["IdleTime"]) >= 0, r

    # statistics.json: one sample per JTL row, response times from elapsed
    stats = json.loads((report / "statistics.json").read_text())
    for label in {r["label"] for r in rows}:
        mine = rows_by_label(rows, label)
        assert stats[label]["sampleCount"] == len(mine), label
        assert stats[label]["errorCount"] == sum(1 for r in mine if not ok(r)), label
    elapsed = [as_int(r["elapsed"]) for r in subs]
    assert stats["MQTT Subscribe"]["maxResTime"] == max(elapsed)
    assert abs(stats["MQTT Subscribe"]["meanResTime"] - sum(elapsed) / len(elapsed)) < 0.01
    assert stats["Total"]["sampleCount"] == len(rows)

    # Apdex of Subscribe judges batches by their slowest message (JMeter's 500 / 1500 ms thresholds)
    satisfied = sum(1 for e in elapsed if e <= 500)
    tolerating = sum(1 for e in elapsed if 500 < e <= 1500)
    apdex = _apdex((report / "content" / "js" / "dashboard.js").read_text())
    assert abs(apdex["MQTT Subscribe"] - (satisfied + tolerating / 2) / len(elapsed)) < 0.001

    # Start/End Time are dates, not "minutes and seconds" of timestamp_format=ms
    index = (report / "index.html").read_text()
    start = re.search(r"<td>Start Time</td>\s*<td>(.*?)</td>", index, re.S).group(1)
    assert re.search(r"\d{1,2}:\d{2}", start), start

    # Customs Graphs: messages per second sum to the messages of the JTL, per element
    js = (report / "content" / "js" / "customGraph.js").read_text(encoding="utf-8")
    rate = _graph(js, "custom_mqtt_1_messages")
    seconds = rate["granularity"] / 1000
    per_element = {k: round(sum(v for _, v in points) * seconds) for k, points in _series(rate).items()}
    published = sum(as_int(re.match(r"Published (\d+)", r["responseMessage"]).group(1)) for r in pubs)
    assert per_element == {"MQTT Publish published": published, "MQTT Subscribe received": total}, per_element
    assert published == total

    latency = _series(_graph(js, "custom_mqtt_2_latency"))
    p99 = [as_int(r["MQTT_SUB_P99_US"]) for r in subs]
    p50 = [as_int(r["MQTT_SUB_P50_US"]) for r in subs]
    assert max(v for _, v in latency["MQTT Subscribe p99 (µs)"]) == max(p99)
    assert all(min(p50) <= v <= max(p50) for _, v in latency["MQTT Subscribe p50 (µs)"]), latency

    faults = _series(_graph(js, "custom_mqtt_3_faults"))
    for name in ("lost in gaps", "duplicates", "out of order"):
        assert all(v == 0 for _, v in faults["MQTT Subscribe " + name]), (name, faults)
    # messages on their way may count as missing while the run goes on, none at its end
    assert max(faults["MQTT Subscribe missing now (lost total)"])[1] == 0, faults
    assert "(µs)" in _graph(js, "custom_mqtt_2_latency")["title"]


def test_empty_batches_count_no_message_and_every_report_takes_them(build, mosquitto, tmp_path):
    """A Subscribe batch or Responder interval with nothing in it is SampleCount 0, so the JTL's SampleCount sums
    to the messages that came; JMeter's summariser, the HTML dashboard and summarize.py take such rows."""
    devices, every = 100, 10
    rows, report = _run(EXAMPLES / "device-fleet.jmx", dict(
        mosquitto.props, devices=devices, per_thread=50, connect_rate=400, interval_ms=500, duration_s=2,
        command_every=every, settle_ms=3000, tail_s=2, qos=1), tmp_path)
    assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
    backend = rows_by_label(rows, "Backend telemetry")
    empty = [r for r in backend if as_int(r["MQTT_SUB_RECEIVED"], 0) == 0]
    assert empty, describe(backend)  # the settle time's and the tail's batches
    assert all(as_int(r["SampleCount"]) == 0 for r in empty), describe(empty)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in backend)
    assert received == devices * 2 * 2
    assert sum(as_int(r["SampleCount"]) for r in backend) == received
    answered = rows_by_label(rows, "Device commands")
    assert sum(as_int(r["SampleCount"]) for r in answered) == devices // every, describe(answered)

    stats = json.loads((report / "statistics.json").read_text())
    for label, s in stats.items():
        for k, v in s.items():
            assert isinstance(v, str) or v == v and v not in (float("inf"), float("-inf")), (label, k, v)
    assert stats["Backend telemetry"]["sampleCount"] == len(backend)
    log = (tmp_path / "jmeter.log").read_text(errors="replace")
    summary = [line for line in log.splitlines() if "summary =" in line]
    assert summary and not any("NaN" in line or "Infinity" in line for line in summary), summary
    out = subprocess.run(["python3", str(REPO / "tools" / "for-users" / "summarize.py"), str(tmp_path / "run.jtl")],
                         capture_output=True, text=True, check=True).stdout
    assert "subscribe    received %d " % received in out, out


def test_the_loss_graph_ends_at_the_runs_loss(build, tmp_path):
    """A subscriber away while a small broker queue overflows (tests/plans/tail_loss.jmx): the loss graph's
    last point is what the subscriber's last sample says is missing."""
    (tmp_path / "b").mkdir()
    broker = Broker(tmp_path / "b", extra_config=("max_queued_messages 10",)).start()
    try:
        rows, report = _run(PLANS / "tail_loss.jmx", dict(broker.props, messages=100), tmp_path)
    finally:
        broker.stop()
    subs = rows_by_label(rows, "MQTT Subscribe")
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert 0 < received < 100 and as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 100 - received, describe(subs)
    js = (report / "content" / "js" / "customGraph.js").read_text(encoding="utf-8")
    missing = _series(_graph(js, "custom_mqtt_3_faults"))["MQTT Subscribe missing now (lost total)"]
    assert max(missing)[1] == 100 - received, missing
