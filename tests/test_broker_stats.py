"""MQTT Broker Statistics end to end: a real JMeter samples a real Mosquitto's $SYS tree beside a load, the
figures land in the JTL as MQTT_BROKER_* columns and in tools/for-users/summarize.py; a broker without $SYS fails the
sample at its timeout, and Stop ends the first sample's wait at once."""
import socket
import subprocess
import sys
import time

import pytest

from conftest import PLANS, REPO, USER_NAME, USER_PASSWORD, Broker, as_int, describe, rows_by_label

from summarize import broker_peaks
from test_dashboard import _graph, _run, _series

PLAN = PLANS / "broker_stats.jmx"
LABEL = "MQTT Broker Statistics"
VARIABLES = (
    "MQTT_BROKER_CLIENTS", "MQTT_BROKER_MSGS_RECEIVED_PER_S", "MQTT_BROKER_MSGS_SENT_PER_S",
    "MQTT_BROKER_BYTES_RECEIVED_PER_S", "MQTT_BROKER_BYTES_SENT_PER_S", "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S",
    "MQTT_BROKER_MSGS_SENT_1MIN_PER_S", "MQTT_BROKER_SUBSCRIPTIONS", "MQTT_BROKER_RETAINED",
    "MQTT_BROKER_HEAP_BYTES", "MQTT_BROKER_DROPPED",
)


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def test_broker_statistics_beside_a_load(build, sys_mosquitto, start_jmeter):
    run = start_jmeter(PLAN, dict(sys_mosquitto.props, conns=3, pub_loops=60, stats_loops=7))
    rows = run.wait()
    stats = rows_by_label(rows, LABEL)
    assert len(stats) == 7, describe(rows)
    assert all(r["success"] == "true" for r in stats), describe(stats)
    for v in VARIABLES:
        assert v in stats[0], "%s is not a JTL column: %s" % (v, sorted(stats[0]))
    # 3 load connections and our own, while the load was connected
    clients = [as_int(r["MQTT_BROKER_CLIENTS"]) for r in stats]
    assert max(c for c in clients if c is not None) >= 4, describe(stats)
    rates = [_float(r["MQTT_BROKER_MSGS_RECEIVED_PER_S"]) for r in stats]
    assert any(r and r > 0 for r in rates), describe(stats)
    # the first sample has no earlier totals: its own rates are empty, not 0
    assert stats[0]["MQTT_BROKER_MSGS_RECEIVED_PER_S"] in ("", "null"), describe(stats[:1])
    assert as_int(stats[-1]["MQTT_BROKER_SUBSCRIPTIONS"]) >= 1
    assert as_int(stats[-1]["MQTT_BROKER_HEAP_BYTES"]) > 0
    assert stats[0]["responseMessage"].startswith("clients "), describe(stats[:1])
    # the first sample waited for the broker's first publication; later ones return at once
    assert max(as_int(r["elapsed"]) for r in stats[1:]) < 1000, describe(stats)
    peaks = broker_peaks(rows)
    assert peaks["samples"] == 7 and peaks["clients"] >= 4 and peaks["msgs_in_per_s"] > 0, peaks
    out = subprocess.run([sys.executable, str(REPO / "tools" / "for-users" / "summarize.py"), str(run.jtl)],
                         capture_output=True, text=True, check=True).stdout
    assert "broker       peak clients " in out and "(7 Broker Statistics samples)" in out, out


def test_response_data_lists_every_sys_topic(build, sys_mosquitto, start_jmeter, tmp_path):
    props = tmp_path / "xml.properties"
    props.write_text("jmeter.save.saveservice.output_format=xml\njmeter.save.saveservice.response_data=true\n")
    run = start_jmeter(PLAN, dict(sys_mosquitto.props, load_threads=0, stats_loops=1),
                       args=("-q", str(props)))
    run.wait(parse=False)
    xml = run.jtl.read_text(errors="replace")
    for topic in ("$SYS/broker/version = mosquitto version", "$SYS/broker/clients/connected = ",
                  "$SYS/broker/uptime = ", "$SYS/broker/heap/current = "):
        assert topic in xml, xml[-3000:]


def test_no_sys_tree_fails_at_the_timeout(build, tmp_path, start_jmeter):
    broker = Broker(tmp_path, extra_config=("sys_interval 0",)).start()
    try:
        rows = start_jmeter(PLAN, dict(broker.props, load_threads=0, stats_loops=1, first_timeout=1500)).wait()
    finally:
        broker.stop()
    stats = rows_by_label(rows, LABEL)
    assert len(stats) == 1, describe(rows)
    r = stats[0]
    assert r["success"] == "false" and r["responseCode"] == "501", describe(stats)
    assert "no $SYS messages within 1500 ms" in r["responseMessage"], describe(stats)
    assert 1500 <= as_int(r["elapsed"]) < 4000, describe(stats)
    assert all(r[v] in ("", "null") for v in VARIABLES), describe(stats)


def _udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["StopTestNow", "Shutdown"])
def test_stop_and_shutdown_end_the_first_wait(build, tmp_path, start_jmeter, command):
    broker = Broker(tmp_path, extra_config=("sys_interval 0",)).start()
    try:
        port = _udp_port()
        run = start_jmeter(PLAN, dict(broker.props, load_threads=0, stats_loops=1, first_timeout=600000,
                                      **{"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port}))
        broker.wait_for_log(r"Received SUBSCRIBE from mqttload_stats_", timeout=120, proc=run.proc)
        time.sleep(0.5)
        stopped_at = time.time()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(command.encode(), ("127.0.0.1", port))
        rows = run.wait(timeout=60, check=False)
    finally:
        broker.stop()
    stats = rows_by_label(rows, LABEL)
    assert len(stats) == 1, describe(rows)
    message = ("Interrupted" if command == "StopTestNow"
               else "no $SYS messages under '$SYS/broker' before JMeter's shutdown")
    assert stats[0]["success"] == "false" and stats[0]["responseMessage"] == message, describe(stats)
    ended_ms = as_int(stats[0]["timeStamp"]) + as_int(stats[0]["elapsed"])
    assert ended_ms - stopped_at * 1000 < 1000, "ended %d ms after Stop" % (ended_ms - stopped_at * 1000)


def test_credentials_and_no_password_anywhere(build, auth_broker, start_jmeter, tmp_path):
    """The statistics' connection logs in like a Connect; a wrong password fails it, and neither password
    reaches the JTL, jmeter.log or stdout. The broker publishes $SYS every 10 s (its default) here."""
    props = dict(auth_broker.props, load_threads=0, stats_loops=1, first_timeout=30000, user=USER_NAME)
    wrong = "wrong-" + USER_PASSWORD

    def secret(password):
        # JMeter logs -J values itself ("Setting JMeter property"), not those of -q files
        f = tmp_path / ("%s.properties" % len(password))
        f.write_text("password=%s\n" % password)
        return ("-q", str(f), "-Lio.mqttload=DEBUG")

    good = start_jmeter(PLAN, props, name="good", args=secret(USER_PASSWORD))
    rows = rows_by_label(good.wait(), LABEL)
    assert len(rows) == 1 and rows[0]["success"] == "true", describe(rows)
    # what the broker kept (retained) from its publications so far: a broker started less than sys_interval
    # (10 s) ago has published only its static topics, so the figures may still be "n/a"
    assert rows[0]["responseMessage"].startswith("clients "), describe(rows)
    bad = start_jmeter(PLAN, props, name="bad", args=secret(wrong))
    rows = rows_by_label(bad.wait(), LABEL)
    assert len(rows) == 1 and rows[0]["success"] == "false", describe(rows)
    assert "CONNACK return code 5" in rows[0]["responseMessage"], describe(rows)
    for run in (good, bad):
        for f in (run.jtl, run.log, run.out):
            text = f.read_text(errors="replace")
            assert USER_PASSWORD not in text and wrong not in text, f


def test_dashboard_graphs_the_broker(build, sys_mosquitto, tmp_path):
    """With mqttload.properties alone, as users run it: MQTT_BROKER_* are JTL columns and the Customs Graphs
    page has the broker's clients and message rates, each interval's highest value."""
    rows, report = _run(PLAN, dict(sys_mosquitto.props, conns=2, pub_loops=50, stats_loops=6), tmp_path)
    stats = rows_by_label(rows, LABEL)
    assert len(stats) == 6 and all(r["success"] == "true" for r in stats), describe(rows)
    js = (report / "content" / "js" / "customGraph.js").read_text(encoding="utf-8")
    series = _series(_graph(js, "custom_mqtt_4_broker"))
    clients = [v for _, v in series[LABEL + " clients"]]
    assert max(clients) == max(as_int(r["MQTT_BROKER_CLIENTS"]) for r in stats), (clients, describe(stats))
    rates = [_float(r["MQTT_BROKER_MSGS_RECEIVED_PER_S"]) for r in stats]
    graphed = [v for _, v in series[LABEL + " messages in/s"]]
    assert abs(max(graphed) - max(r for r in rates if r is not None)) < 0.01, (graphed, rates)
