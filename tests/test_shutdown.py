"""JMeter's graceful Shutdown (shutdown.sh, the GUI's Shutdown, "Shutdown" on the non-GUI UDP port) lets running
samples finish; ours can wait for minutes (a count nobody publishes, acknowledgements that never come, a
connect retried forever), so they end within a second or two with what they have and the run ends."""
import re
import socket
import subprocess
import threading
import time

from conftest import PLANS, as_int, describe, free_port, ok, rows_by_label

PLAN = PLANS / "shutdown.jmx"
# the engine polls for Shutdown every 200 ms; the rest is JMeter's own latency on a busy 2-core machine
MAX_MS_AFTER_SHUTDOWN = 2000


def _udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nongui(port):
    return {"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port}


def _shutdown(port):
    """Sends what shutdown.sh sends; returns when (epoch ms)."""
    at = time.time() * 1000
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"Shutdown", ("127.0.0.1", port))
    return at


def _wait_for_file(path, pattern, proc, timeout=120.0):
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if rx.search(path.read_text(errors="replace")):
                return
        except OSError:
            pass
        assert proc.poll() is None, "jmeter ended before %r appeared in %s" % (pattern, path)
        time.sleep(0.05)
    raise AssertionError("%r never appeared in %s" % (pattern, path))


def _finish(run, shutdown_at):
    """The JTL rows, after checking that JMeter ended by itself soon after the Shutdown."""
    rows = run.wait(timeout=30, check=False)
    ended_after = time.time() - shutdown_at / 1000
    assert ended_after < 20, "jmeter took %.1f s to end after Shutdown" % ended_after
    return rows


def _ended_soon(row, shutdown_at):
    ended_ms = as_int(row["timeStamp"]) + as_int(row["elapsed"])
    late = ended_ms - shutdown_at
    assert late < MAX_MS_AFTER_SHUTDOWN, "%s ended %d ms after Shutdown" % (row["label"], late)


def _publish(mosquitto, topic, n):
    lines = "".join("message %d\n" % i for i in range(n)).encode()
    subprocess.run(["mosquitto_pub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-i", "shutpub_cli",
                    "-t", topic, "-q", "1", "-l"], input=lines, check=True, timeout=60)


def test_shutdown_ends_a_count_subscribe_with_what_it_received(build, mosquitto, start_jmeter):
    port = _udp_port()
    run = start_jmeter(PLAN, dict(mosquitto.props, topic="shutdown/count", count=1000000, sub_timeout=600000,
                                  prefix="shutcount_", **_nongui(port)))
    mosquitto.wait_for_log(r"Received SUBSCRIBE from shutcount_", timeout=120, proc=run.proc)
    _publish(mosquitto, "shutdown/count", 3)
    time.sleep(1.0)  # the sampler has the 3 and now waits for the other 999,997
    shutdown_at = _shutdown(port)
    rows = _finish(run, shutdown_at)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1, describe(rows)
    sub = subs[0]
    assert not ok(sub) and sub["responseCode"] == "502", describe(rows)
    assert sub["responseMessage"] == "Received 3 of message. Ended by JMeter shutdown before 1000000 arrived", \
        describe(rows)
    assert as_int(sub["MQTT_SUB_RECEIVED"]) == 3 and as_int(sub["SampleCount"]) == 3, describe(rows)
    _ended_soon(sub, shutdown_at)


def test_shutdown_cuts_a_time_window_subscribe_short(build, mosquitto, start_jmeter):
    port = _udp_port()
    run = start_jmeter(PLAN, dict(mosquitto.props, topic="shutdown/window", condition="specified elapsed time (ms)",
                                  count=600000, prefix="shutwin_", **_nongui(port)))
    mosquitto.wait_for_log(r"Received SUBSCRIBE from shutwin_", timeout=120, proc=run.proc)
    _publish(mosquitto, "shutdown/window", 2)
    time.sleep(1.0)
    shutdown_at = _shutdown(port)
    rows = _finish(run, shutdown_at)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1, describe(rows)
    sub = subs[0]
    # a time window has no target to miss: the shorter window is a valid batch
    assert ok(sub) and sub["responseCode"] == "200", describe(rows)
    assert re.fullmatch(r"Received 2 of message\. Window cut short by JMeter shutdown after \d+ of 600000 ms",
                        sub["responseMessage"]), describe(rows)
    assert as_int(sub["MQTT_SUB_RECEIVED"]) == 2, describe(rows)
    _ended_soon(sub, shutdown_at)


def test_shutdown_ends_a_connect_retrying_forever(build, start_jmeter):
    port = _udp_port()
    closed = free_port()  # nothing listens there: every attempt is refused, retried after 0.1, 0.2, 0.4 ... 5 s
    run = start_jmeter(PLAN, {"broker.host": "127.0.0.1", "broker.port": closed, "conn_attempts": -1,
                              **_nongui(port)})
    _wait_for_file(run.log, r"Thread started: Worker", run.proc)
    time.sleep(2.0)  # the Connect sample is retrying by now
    shutdown_at = _shutdown(port)
    rows = _finish(run, shutdown_at)
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == 1, describe(rows)
    c = connects[0]
    assert not ok(c) and c["responseCode"] == "502", describe(rows)
    message = c["responseMessage"]
    assert "127.0.0.1:%d" % closed in message and "refused" in message.lower(), describe(rows)
    assert "JMeter shutdown ended the retries" in message, describe(rows)
    _ended_soon(c, shutdown_at)
    # the thread ended after its current sample, as Shutdown asks
    assert not rows_by_label(rows, "MQTT Subscribe"), describe(rows)


class NoAckBroker:
    """Accepts MQTT clients, answers CONNECT with CONNACK (accepted) and acknowledges nothing else."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.published = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buf += data
                while True:
                    packet, buf = self._split(buf)
                    if packet is None:
                        break
                    kind = packet >> 4
                    if kind == 1:  # CONNECT
                        conn.sendall(bytes([0x20, 0x02, 0x00, 0x00]))
                    elif kind == 3:  # PUBLISH: never PUBACK
                        self.published.set()

    @staticmethod
    def _split(buf):
        """(first byte of the first whole packet, the rest after it), or (None, buf) when incomplete."""
        length, shift, i = 0, 0, 1
        while True:
            if i >= len(buf):
                return None, buf
            b = buf[i]
            length |= (b & 0x7F) << shift
            shift += 7
            i += 1
            if not b & 0x80:
                break
        if len(buf) < i + length:
            return None, buf
        return buf[0], buf[i + length:]

    def close(self):
        self.sock.close()


def test_shutdown_ends_a_publish_waiting_for_acknowledgements(build, start_jmeter):
    port = _udp_port()
    broker = NoAckBroker()
    try:
        run = start_jmeter(PLAN, {"broker.host": "127.0.0.1", "broker.port": broker.port, "publish": "true",
                                  "subscribe": "false", "qos": 1, "per_sample": 5, "ack_timeout": 600000,
                                  **_nongui(port)})
        assert broker.published.wait(120), "no PUBLISH reached the fake broker"
        time.sleep(0.5)
        shutdown_at = _shutdown(port)
        rows = _finish(run, shutdown_at)
    finally:
        broker.close()
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == 1, describe(rows)
    p = pubs[0]
    assert not ok(p) and p["responseCode"] == "502", describe(rows)
    assert p["responseMessage"] == \
        "Published 0 of 5 message(s); 5 not acknowledged when JMeter shutdown ended the wait", describe(rows)
    _ended_soon(p, shutdown_at)
