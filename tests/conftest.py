"""End-to-end test fixtures: the provisioned JMeter (target/jmeter), our own Mosquitto process, JTL parsing.

Only the Python standard library and pytest. Fixtures:
  build      (session) make build when target/jmeter/bin/jmeter or the plugin jar is missing
  mosquitto  (function) a private mosquitto on a free 127.0.0.1 port, own config and log, stopped after
  run_jmeter (function) run_jmeter(plan, props) -> list of JTL rows (dicts)
  start_jmeter (function) the same, in the background: start_jmeter(plan, props).wait() -> rows
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from summarize import as_int, read_jtl  # noqa: E402  (tools/summarize.py)

JMETER = REPO / "target" / "jmeter" / "bin" / "jmeter"
LIB_EXT = REPO / "target" / "jmeter" / "lib" / "ext"
TEST_PROPS = REPO / "tools" / "jmeter-test.properties"
PLANS = REPO / "tests" / "plans"
EXAMPLES = REPO / "examples"
JMETER_TIMEOUT = 300

# make these importable as `from conftest import ...` in the test modules
__all__ = ["REPO", "PLANS", "EXAMPLES", "as_int", "read_jtl", "free_port", "rows_by_label", "ok"]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rows_by_label(rows, label):
    return [r for r in rows if r.get("label") == label]


def ok(row):
    return row.get("success", "").strip().lower() == "true"


def describe(rows):
    """Compact text of JTL rows for assertion messages."""
    return "\n".join(
        "%s %s %s %s SampleCount=%s RECEIVED=%s" % (
            r.get("label"), r.get("responseCode"), r.get("success"), r.get("responseMessage"),
            r.get("SampleCount"), r.get("MQTT_SUB_RECEIVED"))
        for r in rows)


# ---------------------------------------------------------------------------------------------- build

def plugin_jars():
    return sorted(LIB_EXT.glob("mqttload-jmeter-*.jar")) if LIB_EXT.is_dir() else []


@pytest.fixture(scope="session")
def build():
    """The provisioned JMeter with our plugin in lib/ext; runs `make build` once if anything is missing."""
    if not (JMETER.is_file() and os.access(JMETER, os.X_OK) and plugin_jars()):
        subprocess.run(["make", "-C", str(REPO), "build"], check=True, timeout=1500)
    assert JMETER.is_file(), "make build did not produce %s" % JMETER
    return JMETER


@pytest.fixture(scope="session")
def jmeter_only():
    """The provisioned JMeter itself (the plugin jar may be absent): provisions only JMeter if needed."""
    if not JMETER.is_file():
        subprocess.run(["make", "-C", str(REPO), "jmeter"], check=True, timeout=900)
    return JMETER


# ------------------------------------------------------------------------------------------ mosquitto

MOSQUITTO_CANDIDATES = ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")


def _mosquitto_bin():
    for c in MOSQUITTO_CANDIDATES:
        if os.access(c, os.X_OK):
            return c
    return shutil.which("mosquitto")


def ensure_mosquitto():
    """mosquitto and mosquitto-clients from Debian when missing (apt-get update first)."""
    if _mosquitto_bin() and shutil.which("mosquitto_pub") and shutil.which("mosquitto_sub"):
        return _mosquitto_bin()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env, stdin=subprocess.DEVNULL, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "mosquitto", "mosquitto-clients"],
                   check=True, env=env, stdin=subprocess.DEVNULL, timeout=600)
    path = _mosquitto_bin()
    assert path, "mosquitto not found after apt-get install"
    return path


def wait_port(host, port, timeout=10.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Broker:
    """A mosquitto process of ours: host, port, log file, config; stopped by the fixture."""

    def __init__(self, workdir):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.dir = Path(workdir)
        self.conf = self.dir / "mosquitto.conf"
        self.log = self.dir / "mosquitto.log"
        self.proc = None

    def config_text(self):
        return "\n".join([
            "# written by tests/conftest.py",
            "listener %d %s" % (self.port, self.host),
            "allow_anonymous true",
            "set_tcp_nodelay true",
            # 0 = no limit (2.0.x): a slow subscriber must not silently lose QoS 1/2 messages
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "persistence false",
            "user root",
            "log_dest file %s" % self.log,
            "log_type all",
            "connection_messages true",
            "log_timestamp true",
            "",
        ])

    def start(self):
        self.conf.write_text(self.config_text())
        self.proc = subprocess.Popen([ensure_mosquitto(), "-c", str(self.conf)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=str(self.dir))
        if not wait_port(self.host, self.port, 10, self.proc):
            out = self.proc.stdout.read().decode(errors="replace") if self.proc.poll() is not None else ""
            self.stop()
            raise RuntimeError("mosquitto did not start on %s:%d\n%s\n%s"
                               % (self.host, self.port, out, self.log_text()))
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def wait_for_log(self, pattern, timeout=60.0, proc=None):
        """Wait until the broker log matches the regex; returns the match (fails the test on timeout)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = rx.search(self.log_text())
            if m:
                return m
            if proc is not None and proc.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail("mosquitto log never matched %r; log tail:\n%s" % (pattern, self.log_text()[-3000:]))

    @property
    def props(self):
        return {"broker.host": self.host, "broker.port": str(self.port)}


@pytest.fixture
def mosquitto(tmp_path):
    broker = Broker(tmp_path).start()
    try:
        yield broker
    finally:
        broker.stop()


# --------------------------------------------------------------------------------------------- jmeter

class JMeterRun:
    """One `jmeter -n` process writing a CSV JTL (tools/jmeter-test.properties)."""

    def __init__(self, workdir, plan, props=None, report=False, name="run"):
        self.plan = Path(plan)
        self.dir = Path(workdir)
        self.jtl = self.dir / ("%s.jtl" % name)
        self.log = self.dir / ("%s-jmeter.log" % name)
        self.out = self.dir / ("%s-stdout.txt" % name)
        self.report_dir = self.dir / ("%s-report" % name) if report else None
        cmd = [str(JMETER), "-n", "-t", str(self.plan), "-q", str(TEST_PROPS),
               "-l", str(self.jtl), "-j", str(self.log)]
        for k, v in (props or {}).items():
            cmd.append("-J%s=%s" % (k, v))
        if self.report_dir:
            cmd += ["-e", "-o", str(self.report_dir)]
        self.cmd = cmd
        self._outf = open(self.out, "wb")
        self.proc = subprocess.Popen(cmd, cwd=str(self.dir), stdin=subprocess.DEVNULL,
                                     stdout=self._outf, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, JVM_ARGS=os.environ.get("JVM_ARGS", ""),
                                              HEAP=os.environ.get("HEAP", "-Xms256m -Xmx1g")))

    def poll(self):
        return self.proc.poll()

    def diagnostics(self):
        def tail(p, n=60):
            try:
                return "\n".join(Path(p).read_text(errors="replace").splitlines()[-n:])
            except OSError:
                return "(missing)"
        return "command: %s\n--- stdout tail ---\n%s\n--- jmeter.log tail ---\n%s" % (
            " ".join(self.cmd), tail(self.out, 30), tail(self.log))

    def wait(self, timeout=JMETER_TIMEOUT, check=True):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._outf.close()
            pytest.fail("jmeter did not finish within %d s\n%s" % (timeout, self.diagnostics()))
        self._outf.close()
        if check and rc != 0:
            pytest.fail("jmeter exited with %d\n%s" % (rc, self.diagnostics()))
        if not self.jtl.is_file():
            pytest.fail("jmeter wrote no JTL\n%s" % self.diagnostics())
        return read_jtl(self.jtl)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self._outf.closed:
            self._outf.close()


@pytest.fixture
def start_jmeter(tmp_path, request):
    runs = []

    def start(plan, props=None, report=False, name=None):
        run = JMeterRun(tmp_path, plan, props, report, name or "run%d" % len(runs))
        runs.append(run)
        return run

    yield start
    for r in runs:
        r.kill()


@pytest.fixture
def run_jmeter(start_jmeter):
    """run_jmeter(plan, props=None, report=False) -> JTL rows (dicts); fails the test with the log tail."""

    def run(plan, props=None, report=False, timeout=JMETER_TIMEOUT):
        return start_jmeter(plan, props, report).wait(timeout)

    return run
