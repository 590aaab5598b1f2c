"""Live figures through JMeter's Backend Listener: a real InfluxDB 1.x (Debian's package, started by the test on
loopback ports) gets mqttload's own figures from io.mqttload.jmeter.InfluxdbBackendClient while
examples/device-fleet.jmx runs at small scale, a Backend Listener added to it. Points arrive during the run (every
500 ms), and the last point of each series equals the JTL's totals: samples per element, messages published and
received, requests and replies, latency observations; the latency of an interval comes as p50/p99 fields. The
URL's password (InfluxDB 1.x takes it as p=...) never reaches jmeter.log."""
import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import EXAMPLES, Broker, as_int, describe, free_port, ok, rows_by_label, wait_port

DEVICES, PER_THREAD, EVERY = 100, 50, 10
INTERVAL_MS, DURATION_S = 500, 3
SECRET = "s3cret-influx-pw"

LISTENER = """
      <BackendListener guiclass="BackendListenerGui" testclass="BackendListener" testname="mqttload to InfluxDB" enabled="true">
        <elementProp name="arguments" elementType="Arguments" guiclass="ArgumentsPanel" testclass="Arguments">
          <collectionProp name="Arguments.arguments">
            <elementProp name="influxdbUrl" elementType="Argument">
              <stringProp name="Argument.name">influxdbUrl</stringProp>
              <stringProp name="Argument.value">%(url)s</stringProp>
              <stringProp name="Argument.metadata">=</stringProp>
            </elementProp>
            <elementProp name="engine" elementType="Argument">
              <stringProp name="Argument.name">engine</stringProp>
              <stringProp name="Argument.value">engine-1</stringProp>
              <stringProp name="Argument.metadata">=</stringProp>
            </elementProp>
            <elementProp name="interval_ms" elementType="Argument">
              <stringProp name="Argument.name">interval_ms</stringProp>
              <stringProp name="Argument.value">500</stringProp>
              <stringProp name="Argument.metadata">=</stringProp>
            </elementProp>
          </collectionProp>
        </elementProp>
        <stringProp name="classname">io.mqttload.jmeter.InfluxdbBackendClient</stringProp>
      </BackendListener>
      <hashTree/>"""


class Influxd:
    """An InfluxDB 1.x of the test's own, its files in `workdir`, with the database `mqttload`."""

    def __init__(self, workdir):
        binary = shutil.which("influxd") or "/usr/bin/influxd"
        if not shutil.os.access(binary, shutil.os.X_OK):
            pytest.fail("influxd is missing: tools/build/install-deps.sh installs Debian's influxdb")
        self.port, rpc = free_port(), free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        conf = workdir / "influxdb.conf"
        conf.write_text("""reporting-disabled = true
bind-address = "127.0.0.1:%d"
[meta]
  dir = "%s/meta"
[data]
  dir = "%s/data"
  wal-dir = "%s/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:%d"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
""" % (rpc, workdir, workdir, workdir, self.port))
        self.log = open(workdir / "influxd.log", "wb")
        self.proc = subprocess.Popen([binary, "-config", str(conf)], stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not wait_port("127.0.0.1", self.port, 30, self.proc):
            self.stop()
            pytest.fail("influxd did not listen:\n%s" % (workdir / "influxd.log").read_text(errors="replace"))
        self.query("CREATE DATABASE mqttload", post=True)

    def query(self, q, post=False):
        """The series of an InfluxQL query: [{name, tags, columns, values}]."""
        params = urllib.parse.urlencode({"q": q, "db": "mqttload"})
        url = "http://127.0.0.1:%d/query" % self.port
        request = urllib.request.Request(url, data=params.encode()) if post else \
            urllib.request.Request(url + "?" + params)
        for attempt in range(50):
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    body = json.load(r)
                break
            except OSError:
                if attempt == 49:
                    raise
                time.sleep(0.2)  # the HTTP service listens before the database is ready
        result = body["results"][0]
        assert "error" not in result, (q, result)
        return result.get("series", [])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def with_listener(tmp_path, url):
    """examples/device-fleet.jmx with the Backend Listener (writing to `url`, in the plan as users have it: JMeter
    logs -J values) at the test plan's top level."""
    text = (EXAMPLES / "device-fleet.jmx").read_text()
    anchor = "</TestPlan>\n    <hashTree>"
    assert anchor in text
    plan = tmp_path / "device-fleet-influxdb.jmx"
    plan.write_text(text.replace(anchor, anchor + LISTENER % {"url": url.replace("&", "&amp;")}, 1))
    return plan


def test_influxdb_gets_the_figures_during_the_run_and_its_last_points_equal_the_jtl(build, tmp_path, start_jmeter):
    influx = Influxd(tmp_path / "influxdb")
    broker = Broker(tmp_path / "broker").start()
    try:
        url = "http://127.0.0.1:%d/write?db=mqttload&u=tester&p=%s" % (influx.port, SECRET)
        run = start_jmeter(with_listener(tmp_path, url), dict(
            broker.props, devices=DEVICES, per_thread=PER_THREAD, connect_rate=400, interval_ms=INTERVAL_MS,
            duration_s=DURATION_S, command_every=EVERY, settle_ms=2000, tail_s=2, qos=1))
        rows = run.wait()
        assert all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])

        def last(measurement, element, field="value"):
            series = influx.query('SELECT last("%s") FROM "%s" WHERE "engine" = \'engine-1\' AND "element" = \'%s\''
                                  % (field, measurement, element))
            assert series, (measurement, element)
            return series[0]["values"][0][1]

        labels = sorted({r["label"] for r in rows if not r["label"].startswith("Disconnect")})
        assert len(labels) == 8, labels
        for label in labels:
            assert last("mqttload_samples_total", label) == len(rows_by_label(rows, label)), label

        sent = sum(as_int(r["MQTT_PUB_SENT"]) for r in rows_by_label(rows, "Telemetry"))
        assert sent == DEVICES * DURATION_S * 1000 // INTERVAL_MS
        assert last("mqttload_published_messages_total", "Telemetry") == sent
        received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in rows_by_label(rows, "Backend telemetry"))
        assert received == sent
        assert last("mqttload_received_messages_total", "Backend telemetry") == received
        assert last("mqttload_lost_messages_total", "Backend telemetry") == 0
        assert last("mqttload_latency_us", "Backend telemetry", "count") == received
        commands = rows_by_label(rows, "Command")
        assert last("mqttload_requests_total", "Command") == len(commands) == DEVICES // EVERY
        assert last("mqttload_replies_total", "Command") == len(commands)
        assert last("mqttload_round_trip_us", "Command", "count") == len(commands)

        # during the run, not only at its end: the backend's count (its samples end every second; a paced Publish's
        # one sample adds at its end) grew over several points, and intervals with deliveries carry their latency
        # quantiles
        counts = influx.query('SELECT "value" FROM "mqttload_received_messages_total" '
                              'WHERE "element" = \'Backend telemetry\'')
        values = [v[1] for v in counts[0]["values"]]
        assert len(values) >= 4 and len(set(values)) >= 3 and values == sorted(values), values
        p99 = influx.query('SELECT "p50", "p99" FROM "mqttload_latency_us" WHERE "element" = \'Backend telemetry\' '
                           'AND "p99" > 0')
        assert p99 and len(p99[0]["values"]) >= 2, p99
        assert all(0 < p50 <= q99 for _, p50, q99 in p99[0]["values"]), p99
        # the engine's own figures and the connections
        assert last("mqttload_connections", "Connect devices") in (0, DEVICES)
        assert influx.query('SELECT max("value") FROM "mqttload_connections" WHERE "element" = \'Connect devices\'')[0][
            "values"][0][1] == DEVICES
        assert influx.query('SELECT last("value") FROM "mqttload_engine_resident_bytes"')[0]["values"][0][1] > 0

        log = run.log.read_text(errors="replace")
        assert "figures to InfluxDB at http://127.0.0.1:%d/write every 500 ms" % influx.port in log, log[-3000:]
        assert SECRET not in log
    finally:
        broker.stop()
        influx.stop()
