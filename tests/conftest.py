"""End-to-end test fixtures: the provisioned JMeter (target/jmeter), our own Mosquitto process, JTL parsing.

Only the Python standard library and pytest. Fixtures:
  build      (session) make build when target/jmeter/bin/jmeter or the plugin jar is missing
  mosquitto  (function) a private mosquitto on a free 127.0.0.1 port, own config and log, stopped after
  run_jmeter (function) run_jmeter(plan, props) -> list of JTL rows (dicts)
  start_jmeter (function) the same, in the background: start_jmeter(plan, props).wait() -> rows
  certs      (session) test certificates made with openssl by tools/test/certs/make_certs.py (CA, server, wrong
                       name, expired, not yet valid, client PEM + PKCS#12, client of another CA)
  secure_broker (session) one mosquitto with TCP, TLS, TLS + client certificate, WS, WSS listeners and TLS
                       listeners serving the wrong-name, expired and not-yet-valid certificates
  auth_broker   (session) a mosquitto with allow_anonymous false + a password file (TCP and TLS + client cert)
  silent_server, http_status_server, connack_server (function) small Python servers for failure cases
  connect_matrix (session) every connect-only case of matrix_cases() in ONE JMeter run of
                       tests/plans/connect_matrix.jmx (one thread per case): connect_matrix["expired"] -> JTL row
Plans: tests/plans/connect_tls.jmx (connect_props(): TCP/SSL/WS/WSS + every TLS key from a property, then a
two-thread publish -> subscribe round trip, assert_round_trip()).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "for-users"))

from summarize import as_int, is_subscribe, read_jtl  # noqa: E402  (tools/for-users/summarize.py)

sys.path.insert(0, str(REPO / "tools" / "test" / "certs"))
from make_certs import make_certs  # noqa: E402  (tools/test/certs/make_certs.py)

JMETER = REPO / "target" / "jmeter" / "bin" / "jmeter"
LIB_EXT = REPO / "target" / "jmeter" / "lib" / "ext"
TEST_PROPS = REPO / "tools" / "test" / "jmeter-test.properties"
PLANS = REPO / "tests" / "plans"
EXAMPLES = REPO / "examples"
JMETER_TIMEOUT = 300

# make these importable as `from conftest import ...` in the test modules
__all__ = ["REPO", "PLANS", "EXAMPLES", "as_int", "read_jtl", "free_port", "rows_by_label", "ok",
           "P12_PASSWORD", "USER_NAME", "USER_PASSWORD"]

# Secrets of the test material, distinctive so that tests/test_secrets.py can grep for them
P12_PASSWORD = "P12-pass-9a2e"    # every .p12 made by the `certs` fixture
USER_NAME = "mqttload-user"       # the `auth_broker` password file's only user ...
USER_PASSWORD = "S3cr3t-pw-7f1c"  # ... and its password


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
def bench_engine():
    """The engine-alone bench binary (mqttload-bench) for the bench commands' smoke tests: a debug build,
    which reuses what `cargo test` compiled (a release build is a second full build with link-time
    optimization, 1-3 minutes; the smoke checks that the commands run, `make bench` measures)."""
    subprocess.run(["cargo", "build", "-q", "-p", "mqttload-testkit", "--bin", "mqttload-bench"], cwd=REPO, check=True,
                   timeout=900)
    path = REPO / "target" / "debug" / "mqttload-bench"
    assert path.is_file(), path
    return path


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
    """A mosquitto process of ours: host, port, log file, config; stopped by the fixture.

    listeners: {name: [config lines]} extra listeners on free ports (broker.ports[name]), each written as
    `listener <port> 127.0.0.1` followed by its lines (e.g. protocol websockets, cafile/certfile/keyfile).
    password_file: path of a mosquitto_passwd file; allow_anonymous false then unless said otherwise.
    extra_config: global config lines written after the defaults (a later line wins, e.g. max_inflight_messages 5)."""

    def __init__(self, workdir, listeners=None, password_file=None, allow_anonymous=None, extra_config=()):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.dir = Path(workdir)
        self.conf = self.dir / "mosquitto.conf"
        self.log = self.dir / "mosquitto.log"
        self.proc = None
        self.listeners = dict(listeners or {})
        self.ports = {"tcp": self.port}
        for name in self.listeners:
            port = free_port()
            while port in self.ports.values():
                port = free_port()
            self.ports[name] = port
        self.password_file = password_file
        self.allow_anonymous = (password_file is None) if allow_anonymous is None else allow_anonymous
        self.extra_config = list(extra_config)

    def config_text(self):
        lines = [
            "# written by tests/conftest.py",
            "per_listener_settings false",
            "allow_anonymous %s" % ("true" if self.allow_anonymous else "false"),
        ]
        if self.password_file:
            lines.append("password_file %s" % self.password_file)
        lines += [
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
        ] + self.extra_config + [
            "",
            "listener %d %s" % (self.port, self.host),
        ]
        for name, extra in self.listeners.items():
            lines += ["", "# %s" % name, "listener %d %s" % (self.ports[name], self.host)] + list(extra)
        lines.append("")
        return "\n".join(lines)

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(self.config_text())
        self.proc = subprocess.Popen([ensure_mosquitto(), "-c", str(self.conf)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=str(self.dir))
        for name, port in self.ports.items():
            if not wait_port(self.host, port, 10, self.proc):
                out = self.proc.stdout.read().decode(errors="replace") if self.proc.poll() is not None else ""
                self.stop()
                raise RuntimeError("mosquitto did not start its %s listener on %s:%d\n%s\n%s"
                                   % (name, self.host, port, out, self.log_text()))
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

    def witness(self, client_id, topics, count=None, wait_s=120, qos=1, out=subprocess.PIPE, args=()):
        """mosquitto_sub as an independent witness, returned once the broker has its subscription: `topics` at
        `qos`, `-v`, ending after `count` messages (None: when terminated) or `wait_s` seconds of silence. `out` a
        file: line-buffered (stdbuf), so a witness that is terminated loses no line and nobody need read a pipe
        (its 64 KiB would fill and stall it)."""
        cmd = ["mosquitto_sub", "-h", self.host, "-p", str(self.port), "-i", client_id, "-q", str(qos), "-v",
               "-W", str(wait_s), *args]
        for t in [topics] if isinstance(topics, str) else topics:
            cmd += ["-t", t]
        if count is not None:
            cmd += ["-C", str(count)]
        if out is not subprocess.PIPE:
            cmd = ["stdbuf", "-oL", *cmd]
        sub = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                               stderr=subprocess.PIPE if out is subprocess.PIPE else subprocess.DEVNULL)
        try:
            self.wait_for_log(r"Received SUBSCRIBE from %s\b" % re.escape(client_id), timeout=30, proc=sub)
        except BaseException:
            sub.kill()
            sub.wait()
            raise
        return sub

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


# Mosquitto's own defaults for the limits our tuned brokers lift: what users run.
STOCK_LIMITS = ("max_inflight_messages 20", "max_queued_messages 1000")


@pytest.fixture
def stock_mosquitto(tmp_path):
    """A mosquitto with its DEFAULT in-flight (20) and queue (1,000) limits; Nagle stays off (latency only)."""
    broker = Broker(tmp_path, extra_config=STOCK_LIMITS).start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def sys_mosquitto(tmp_path):
    """A mosquitto publishing its $SYS tree every second (sys_interval 1; its default is 10 s)."""
    broker = Broker(tmp_path, extra_config=("sys_interval 1",)).start()
    try:
        yield broker
    finally:
        broker.stop()


# --------------------------------------------------------------------------------------------- jmeter

def read_xml_jtl(path):
    """The samples of an XML JTL as CSV-like dicts (label, responseCode, responseMessage, success, SampleCount)."""
    root = ET.parse(str(path)).getroot()
    rows = []
    for el in root.iter():
        if el.tag in ("sample", "httpSample") and "lb" in el.attrib:
            a = el.attrib
            rows.append({"label": a.get("lb"), "responseCode": a.get("rc"), "responseMessage": a.get("rm", ""),
                         "success": a.get("s"), "SampleCount": a.get("sc", "1"), "elapsed": a.get("t")})
    return rows


class JMeterRun:
    """One `jmeter -n` process writing a CSV JTL (tools/test/jmeter-test.properties)."""

    def __init__(self, workdir, plan, props=None, report=False, name="run", args=(), env=None):
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
        cmd += [str(a) for a in args]
        self.cmd = cmd
        self._outf = open(self.out, "wb")
        self.proc = subprocess.Popen(cmd, cwd=str(self.dir), stdin=subprocess.DEVNULL,
                                     stdout=self._outf, stderr=subprocess.STDOUT,
                                     # C1 only: a test's JMeter runs seconds, and C2 compiling JMeter's start-up
                                     # code cost about a second of CPU per run that the other test runs need
                                     env=dict(os.environ, JVM_ARGS=os.environ.get("JVM_ARGS", "-XX:TieredStopAtLevel=1"),
                                              HEAP=os.environ.get("HEAP", "-Xms256m -Xmx1g"), **(env or {})))

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

    def wait(self, timeout=JMETER_TIMEOUT, check=True, parse=True):
        """Rows of the CSV JTL (parse=False: [] - e.g. for an XML JTL, read self.jtl yourself)."""
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
        return read_jtl(self.jtl) if parse else []

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self._outf.closed:
            self._outf.close()


@pytest.fixture
def start_jmeter(tmp_path, request):
    runs = []

    def start(plan, props=None, report=False, name=None, args=(), env=None):
        run = JMeterRun(tmp_path, plan, props, report, name or "run%d" % len(runs), args, env)
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


# ------------------------------------------------------------------------- certificates, TLS brokers

class Certs:
    """Paths (str) of the files tools/test/certs/make_certs.py wrote: certs["ca.pem"], certs.path("client.p12")."""

    def __init__(self, files, directory):
        self.files = files
        self.dir = Path(directory)

    def __getitem__(self, name):
        return self.files[name]

    def path(self, name):
        return self.files[name]


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """Certificates made at test time with the openssl command line (about 2 s); PKCS#12 password P12_PASSWORD."""
    d = tmp_path_factory.mktemp("certs")
    return Certs(make_certs(d, P12_PASSWORD), d)


def tls_lines(certs, cert="server", require_certificate=False):
    lines = ["cafile %s" % certs["ca.pem"], "certfile %s" % certs[cert + ".pem"],
             "keyfile %s" % certs[cert + ".key"]]
    if require_certificate:
        lines += ["require_certificate true", "use_identity_as_username false"]
    return lines


def secure_listeners(certs):
    """Listener name -> mosquitto lines: every transport and every certificate case."""
    return {
        "ssl": tls_lines(certs),
        "ssl_client": tls_lines(certs, require_certificate=True),
        "ws": ["protocol websockets"],
        "wss": ["protocol websockets"] + tls_lines(certs),
        "wrong_name": tls_lines(certs, "wrong-name"),
        "expired": tls_lines(certs, "expired"),
        "notyet": tls_lines(certs, "notyet"),
    }


@pytest.fixture(scope="session")
def secure_broker(certs, tmp_path_factory):
    """One mosquitto for the whole session: ports["tcp" | "ssl" | "ssl_client" | "ws" | "wss" | "wrong_name" |
    "expired" | "notyet"] (TLS listeners trust the `certs` CA; ssl_client requires a client certificate)."""
    broker = Broker(tmp_path_factory.mktemp("secure-broker"), listeners=secure_listeners(certs)).start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def auth_broker(certs, tmp_path_factory):
    """allow_anonymous false + a mosquitto_passwd file holding USER_NAME / USER_PASSWORD;
    ports["tcp"] and ports["ssl_client"] (TLS requiring a client certificate of the `certs` CA)."""
    d = tmp_path_factory.mktemp("auth-broker")
    ensure_mosquitto()
    pw = d / "passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(pw), USER_NAME, USER_PASSWORD], check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=30)
    os.chmod(pw, 0o600)
    broker = Broker(d, listeners={"ssl_client": tls_lines(certs, require_certificate=True)},
                    password_file=pw).start()
    try:
        yield broker
    finally:
        broker.stop()


# ------------------------------------------------------------------ small servers for failure cases

class _Server:
    """A listening socket on 127.0.0.1:port served by a daemon thread (handle(conn) per connection)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.host = "127.0.0.1"
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.accepted = 0
        self._stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.conns.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        try:
            self.handle(conn)
        except OSError:
            pass

    def handle(self, conn):
        pass

    def close(self):
        self._stop = True
        try:
            self.sock.close()
        except OSError:
            pass
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


class SilentServer(_Server):
    """Accepts TCP connections and never sends a byte (a TLS handshake with it can only time out)."""

    def handle(self, conn):
        while not self._stop:
            try:
                if not conn.recv(4096):
                    return
            except OSError:
                return


def _recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


class ConnackServer(_Server):
    """A fake MQTT broker over TCP: reads CONNECT, answers CONNACK with return code `rc`, then waits."""

    def __init__(self, rc):
        self.rc = rc
        super().__init__()

    def handle(self, conn):
        header = _recv_exact(conn, 1)
        length, shift = 0, 0
        while True:
            b = _recv_exact(conn, 1)[0]
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        _recv_exact(conn, length)
        if header[0] >> 4 == 1:  # CONNECT
            conn.sendall(bytes([0x20, 0x02, 0x00, self.rc]))
        while conn.recv(4096):
            pass


class HttpStatusServer:
    """An HTTP/1.1 server answering every request (a WebSocket upgrade included) with `status`."""

    def __init__(self, status=404):
        code = status

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                body = b"no MQTT here\n"
                self.send_response(code)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = "127.0.0.1"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def silent_server():
    s = SilentServer()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def http_status_server():
    """http_status_server(404) -> a server with .host/.port answering every request with that status."""
    servers = []

    def make(status=404):
        servers.append(HttpStatusServer(status))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.fixture
def connack_server():
    """connack_server(rc) -> a fake broker with .host/.port refusing every CONNECT with CONNACK return code rc."""
    servers = []

    def make(rc):
        servers.append(ConnackServer(rc))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


# --------------------------------------------------------------- helpers for tests/plans/connect_tls.jmx

CONNECT_PLAN = PLANS / "connect_tls.jmx"


def connect_props(host, port, protocol="TCP", roundtrip=False, **kw):
    """-J properties for tests/plans/connect_tls.jmx. roundtrip=False: one thread, Connect only."""
    props = {"broker.host": host, "broker.port": str(port), "protocol": protocol}
    if not roundtrip:
        props.update(threads=1, roundtrip="false")
    props.update({k: str(v) for k, v in kw.items()})
    return props


def single_connect(rows):
    """The only Connect row of a connect-only run (fails the test otherwise)."""
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == 1, describe(rows)
    return connects[0]


def assert_failed_connect(row, *phrases):
    """A failed Connect with code 501 whose responseMessage holds every phrase."""
    assert not ok(row) and row["responseCode"] == "501", describe([row])
    for p in phrases:
        assert p in row["responseMessage"], "%r not in the message: %s" % (p, describe([row]))


def assert_round_trip(rows, count):
    """2 Connects, 1 Publish of `count` messages, 1 Subscribe that received `count`, 2 Disconnects, all ok."""
    assert rows and all(ok(r) for r in rows), "failed samples:\n" + describe(rows)
    assert len(rows_by_label(rows, "MQTT Connect")) == 2, describe(rows)
    pubs = rows_by_label(rows, "MQTT Publish")
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(pubs) == 1 and len(subs) == 1, describe(rows)
    assert as_int(pubs[0]["SampleCount"]) == count, describe(pubs)
    assert as_int(subs[0]["MQTT_SUB_RECEIVED"]) == count, describe(subs)
    assert as_int(subs[0]["SampleCount"]) == count, describe(subs)
    assert len(rows_by_label(rows, "MQTT Disconnect")) == 2, describe(rows)


def assert_example_round_trip(rows):
    """An example plan's run: every sample ok, messages published > 0 and received == published."""
    assert rows and all(ok(r) for r in rows), "failed samples:\n" + describe([r for r in rows if not ok(r)] or rows)
    pubs = [r for r in rows if "Publish" in r.get("label", "")]
    subs = [r for r in rows if is_subscribe(r)]
    assert pubs and subs, describe(rows)
    published = sum(as_int(r["SampleCount"]) for r in pubs)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert published > 0 and received == published, describe(rows)


# ------------------------------------------------------- many connect cases in one JMeter run (fast)

MATRIX_PLAN = PLANS / "connect_matrix.jmx"
MATRIX_COLUMNS = ("case", "host", "port", "protocol", "ws_path", "ca", "client_cert", "client_cert_file",
                  "client_key_file", "p12_password", "tls_min", "server_name", "verify_hostname", "trust_all",
                  "user", "password", "conn_timeout")
MATRIX_DEFAULTS = {"host": "127.0.0.1", "protocol": "SSL", "ws_path": "/mqtt", "client_cert": "false",
                   "tls_min": "1.2", "verify_hostname": "true", "trust_all": "false", "conn_timeout": "10"}


def matrix_cases(certs, secure, auth, silent, http404, connack4):
    """Case name -> connect settings. Relative paths resolve against the copied plan's folder, which holds
    certs/ca.pem (and nothing else)."""
    ports = secure.ports
    ca = certs["ca.pem"]
    client_p12 = dict(client_cert="true", client_cert_file=certs["client.p12"], p12_password=P12_PASSWORD)
    cases = {
        # TLS settings that connect
        "relative-ca-path": dict(port=ports["ssl"], ca="certs/ca.pem"),
        "verify-hostname-off": dict(port=ports["wrong_name"], ca=ca, verify_hostname="false"),
        "server-name-override": dict(port=ports["wrong_name"], ca=ca, server_name="wrong.example"),
        # certificate errors
        "host-name-mismatch": dict(port=ports["wrong_name"], ca=ca),
        "unknown-ca-system-roots": dict(port=ports["ssl"]),
        "unknown-ca-other-ca-file": dict(port=ports["ssl"], ca=certs["other-ca.pem"]),
        "verify-hostname-off-unknown-ca": dict(port=ports["wrong_name"], verify_hostname="false"),
        "expired": dict(port=ports["expired"], ca=ca),
        "not-yet-valid": dict(port=ports["notyet"], ca=ca),
        "wss-unknown-ca": dict(port=ports["wss"], protocol="WSS"),
        # client certificates
        "client-cert-of-other-ca-pem": dict(port=ports["ssl_client"], ca=ca, client_cert="true",
                                            client_cert_file=certs["other-client.pem"],
                                            client_key_file=certs["other-client.key"]),
        "client-cert-of-other-ca-p12": dict(port=ports["ssl_client"], ca=ca, client_cert="true",
                                            client_cert_file=certs["other-client.p12"], p12_password=P12_PASSWORD),
        "client-cert-required": dict(port=ports["ssl_client"], ca=ca),
        "wrong-p12-password": dict(port=ports["ssl_client"], ca=ca, client_cert="true",
                                   client_cert_file=certs["client.p12"], p12_password="not-the-p12-password"),
        # unreadable files (relative: resolved against the plan's folder)
        "missing-ca-file": dict(port=ports["ssl_client"], ca="certs/missing-ca.pem", **client_p12),
        "missing-client-cert-file": dict(port=ports["ssl_client"], ca=ca, client_cert="true",
                                         client_cert_file="certs/missing-client.p12", p12_password=P12_PASSWORD),
        "missing-client-key-file": dict(port=ports["ssl_client"], ca=ca, client_cert="true",
                                        client_cert_file=certs["client.pem"],
                                        client_key_file="certs/missing-client.key"),
        # transports
        "tls-handshake-timeout": dict(host=silent.host, port=silent.port, conn_timeout="2"),
        "ws-upgrade-refused": dict(host=http404.host, port=http404.port, protocol="WS"),
        # user name and password (TCP)
        "auth-wrong-password": dict(port=auth.port, protocol="TCP", user=USER_NAME, password="not-the-password"),
        "auth-unknown-user": dict(port=auth.port, protocol="TCP", user="nobody", password=USER_PASSWORD),
        "auth-no-credentials": dict(port=auth.port, protocol="TCP"),
        "connack-4": dict(host=connack4.host, port=connack4.port, protocol="TCP", user=USER_NAME,
                          password="not-the-password"),
    }
    return {name: dict(MATRIX_DEFAULTS, case=name, **c) for name, c in cases.items()}


class Matrix:
    """The Connect row of each case of one connect_matrix.jmx run: matrix["expired"]."""

    def __init__(self, rows, cases, plan_dir, run, servers):
        self.rows, self.cases, self.plan_dir, self.run, self.servers = rows, cases, plan_dir, run, servers

    def __getitem__(self, case):
        assert case in self.cases, case
        found = rows_by_label(self.rows, case)
        if len(found) != 1:
            pytest.fail("case %r: %d rows in the matrix run\n%s\n%s" % (case, len(found), describe(self.rows),
                                                                       self.run.diagnostics()))
        return found[0]


@pytest.fixture(scope="session")
def connect_matrix(build, certs, secure_broker, auth_broker, tmp_path_factory):
    """Runs every case of matrix_cases() at once (one thread per case, one JMeter run for the session)."""
    d = tmp_path_factory.mktemp("connect-matrix")
    plan_dir = d / "plan-dir"
    (plan_dir / "certs").mkdir(parents=True)
    plan = plan_dir / MATRIX_PLAN.name
    shutil.copyfile(MATRIX_PLAN, plan)
    shutil.copyfile(certs["ca.pem"], plan_dir / "certs" / "ca.pem")
    silent, http404, connack4 = SilentServer(), HttpStatusServer(404), ConnackServer(4)
    run = None
    try:
        cases = matrix_cases(certs, secure_broker, auth_broker, silent, http404, connack4)
        tsv = d / "cases.tsv"
        lines = ["\t".join(MATRIX_COLUMNS)]
        for c in cases.values():
            values = [str(c.get(k, "")) for k in MATRIX_COLUMNS]
            assert not any("\t" in v or "\n" in v for v in values), values
            lines.append("\t".join(values))
        tsv.write_text("\n".join(lines) + "\n")
        # run from d, not plan_dir: only resolving against the plan's folder finds certs/ca.pem
        run = JMeterRun(d, plan, {"cases_file": tsv, "cases": len(cases)}, name="matrix")
        rows = run.wait()
        yield Matrix(rows, cases, plan_dir, run, {"silent": silent, "http404": http404, "connack4": connack4})
    finally:
        if run:
            run.kill()
        for s in (silent, http404, connack4):
            s.close()
