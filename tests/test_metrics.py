"""Live metrics: a real Prometheus (Debian's package, on a loopback port, scraping every second) scrapes the
engine's endpoint while examples/device-fleet.jmx runs at small scale (every element of the plan: Connect,
Responder, paced Publish, Subscribe, Request, Broker Statistics). At the end of the run its totals equal the
JTL's: samples per element, messages published and received, requests, replies and answers, and each
histogram's count; connections up and the broker's $SYS clients are there as gauges. The endpoint stays up
for a last scrape (mqttload.metrics.linger_ms). Every query of the Grafana dashboard
(tools/for-users/grafana/mqttload-dashboard.json) has data for the run.

`make dashboard-picture` runs this test at a larger scale (MQTTLOAD_PICTURE_DEVICES devices for
MQTTLOAD_PICTURE_DURATION_S seconds) and draws the dashboard from its Prometheus into MQTTLOAD_DASHBOARD_PICTURE
(tools/docs/dashboard_picture.py): the docs' picture is a run whose totals this test checked."""
import json
import os
import shutil
import sys
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import EXAMPLES, REPO, Broker, as_int, describe, free_port, ok, rows_by_label, wait_port

DASHBOARD = REPO / "tools" / "for-users" / "grafana" / "mqttload-dashboard.json"
PICTURE = os.environ.get("MQTTLOAD_DASHBOARD_PICTURE")
DEVICES = int(os.environ.get("MQTTLOAD_PICTURE_DEVICES", 2000)) if PICTURE else 100
DURATION_S = int(os.environ.get("MQTTLOAD_PICTURE_DURATION_S", 90)) if PICTURE else 3
PER_THREAD, EVERY = 50, 10
INTERVAL_MS = 500


def prometheus_bin():
    path = shutil.which("prometheus") or "/usr/bin/prometheus"
    if not shutil.os.access(path, shutil.os.X_OK):
        pytest.fail("prometheus is missing: tools/build/install-deps.sh installs Debian's package")
    return path


class Prometheus:
    """A Prometheus of the test's own: scrapes `target` every second, its data in `workdir`."""

    def __init__(self, workdir, target):
        self.port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        conf = workdir / "prometheus.yml"
        conf.write_text("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
                        "scrape_configs:\n  - job_name: mqttload\n    static_configs:\n"
                        "      - targets: ['%s']\n" % target)
        self.log = open(workdir / "prometheus.log", "wb")
        self.proc = subprocess.Popen(
            [prometheus_bin(), "--config.file=%s" % conf, "--storage.tsdb.path=%s" % (workdir / "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        if not wait_port("127.0.0.1", self.port, 30, self.proc):
            self.stop()
            pytest.fail("prometheus did not listen:\n%s" % (workdir / "prometheus.log").read_text(errors="replace"))

    def query(self, expr, at=None):
        """{labels-as-tuple: value} of an instant query (at `at`, epoch seconds; default now)."""
        params = {"query": expr}
        if at is not None:
            params["time"] = "%.3f" % at
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (self.port, urllib.parse.urlencode(params))
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
        assert body["status"] == "success", body
        return {tuple(sorted(s["metric"].items())): float(s["value"][1]) for s in body["data"]["result"]}

    def total(self, expr):
        """The one value of `expr` (a sum), 0 when there is none."""
        values = list(self.query(expr).values())
        assert len(values) <= 1, values
        return values[0] if values else 0.0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def test_prometheus_totals_equal_the_jtl(build, tmp_path, start_jmeter):
    metrics_port = free_port()
    prometheus = Prometheus(tmp_path / "prometheus", "127.0.0.1:%d" % metrics_port)
    broker = Broker(tmp_path / "broker", extra_config=("sys_interval 1",)).start()
    try:
        started = time.time()
        run = start_jmeter(EXAMPLES / "device-fleet.jmx", dict(
            broker.props, devices=DEVICES, per_thread=PER_THREAD, connect_rate=400, interval_ms=INTERVAL_MS,
            duration_s=DURATION_S, command_every=EVERY, settle_ms=2000, tail_s=2, qos=1,
            **{"mqttload.metrics.port": metrics_port, "mqttload.metrics.engine": "engine-1",
               "mqttload.metrics.linger_ms": 3000}))
        rows = run.wait(timeout=DURATION_S + 600) if PICTURE else run.wait()
        # the last scrapes are in (the endpoint lingered 3 s at a 1 s interval)
        time.sleep(1)

        def last(metric, element):
            """The series' highest value over the run (the endpoint is gone now: its series went stale)."""
            return prometheus.total('sum(max_over_time(%s{job="mqttload",element="%s"}[10m]))' % (metric, element))

        # every element with an engine object of its own (Disconnect samples have none, and no figures)
        labels = sorted({r["label"] for r in rows if not r["label"].startswith("Disconnect")})
        assert len(labels) == 8, labels
        for label in labels:
            assert last("mqttload_samples_total", label) == len(rows_by_label(rows, label)), label
        assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])

        telemetry = rows_by_label(rows, "Telemetry")
        sent = sum(as_int(r["MQTT_PUB_SENT"]) for r in telemetry)
        assert sent == DEVICES * DURATION_S * 1000 // INTERVAL_MS
        assert last("mqttload_published_messages_total", "Telemetry") == sent
        assert last("mqttload_intended_messages_total", "Telemetry") == sent
        assert last("mqttload_schedule_lag_us_count", "Telemetry") == sent
        # a paced Publish's one long sample streams as its schedule goes: scrapes saw the count grow before it ended
        assert prometheus.total('changes(mqttload_published_messages_total{element="Telemetry"}[10m])') >= 2
        assert prometheus.total('changes(mqttload_schedule_lag_us_count{element="Telemetry"}[10m])') >= 2

        backend = rows_by_label(rows, "Backend telemetry")
        received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in backend)
        assert received == sent
        assert last("mqttload_received_messages_total", "Backend telemetry") == received
        assert last("mqttload_latency_us_count", "Backend telemetry") == received
        assert last("mqttload_lost_messages_total", "Backend telemetry") == 0
        # every latency within the histogram's buckets: the +Inf bucket holds them all
        assert prometheus.total('max_over_time(mqttload_latency_us_bucket{element="Backend telemetry",le="+Inf"}[10m])') \
            == received

        commands = rows_by_label(rows, "Command")
        matched = sum(as_int(r["MQTT_REQ_MATCHED"], 0) for r in commands)
        assert matched == len(commands) == DEVICES // EVERY
        assert last("mqttload_requests_total", "Command") == len(commands)
        assert last("mqttload_replies_total", "Command") == matched
        assert last("mqttload_round_trip_us_count", "Command") == matched
        answered = sum(as_int(r["MQTT_RSP_ANSWERED"], 0) for r in rows_by_label(rows, "Device commands"))
        assert last("mqttload_answered_requests_total", "Device commands") == answered == matched

        assert last("mqttload_connections", "Connect devices") == DEVICES
        assert last("mqttload_broker_clients", "Broker statistics") >= DEVICES
        # the engine's own figures, every series with its engine label
        assert prometheus.total('max_over_time(mqttload_engine_resident_bytes{engine="engine-1"}[10m])') > 0
        assert prometheus.total('max_over_time(mqttload_engine_threads{engine="engine-1"}[10m])') > 0
        assert "metrics endpoint up 3000 ms more" in run.log.read_text(errors="replace")

        # the Grafana dashboard's every query has data for this run (a second before its last sample ended)
        end = max(as_int(r["timeStamp"]) + as_int(r["elapsed"]) for r in rows) / 1000.0
        dashboard = json.loads(DASHBOARD.read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                expr = target["expr"].replace("$__rate_interval", "4s").replace("$engine", ".*")
                assert prometheus.query(expr, at=end - 1), (panel["title"], expr)
        if PICTURE:
            sys.path.insert(0, str(REPO / "tools" / "docs"))
            import dashboard_picture

            drawn = dashboard_picture.draw(
                "http://127.0.0.1:%d" % prometheus.port, DASHBOARD, started, end + 2, PICTURE,
                "mqttload dashboard: examples/device-fleet.jmx, %d devices, QoS 1 telemetry every %d ms for %d s, "
                "Mosquitto as the tests run it (%s)" % (DEVICES, INTERVAL_MS, DURATION_S, time.strftime("%Y-%m-%d")))
            assert all(drawn.values()), drawn
    finally:
        broker.stop()
        prometheus.stop()
