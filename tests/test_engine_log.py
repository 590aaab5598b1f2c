"""The Rust engine speaks in jmeter.log: lost connections and why, reconnect attempts, a broker's DISCONNECT,
under our loggers (io.mqttload.engine.*, written `i.m.e.session` by JMeter's layout), at JMeter's levels,
rate-limited so thousands of dropping connections give a bounded number of lines and a summary; one INFO line
when the library loads; one ERROR (and a stopped test) when it cannot. Real JMeter; a real Mosquitto killed
and restarted, and scripted brokers (tests/fake_brokers.py) for a broker DISCONNECT and a flood of drops."""
import re
import struct
import subprocess
import time

import pytest

from conftest import PLANS, describe, ok, rows_by_label
from fake_brokers import DroppingBroker, ScriptedBroker, connack_v5, packet, varint

PLAN = PLANS / "engine_log.jmx"
PASSWORD = "Engine-Log-pw-4b1d"  # sent in CONNECT: must never reach the log
LOADED = re.compile(r" INFO i\.mqttload: mqttload: native engine \d+\.\d+\.\d+\S* loaded for linux-x86_64 from \S")


def log_lines(run, logger=None, level=None):
    lines = run.log.read_text(errors="replace").splitlines()
    if logger:
        lines = [ln for ln in lines if (" %s: " % logger) in ln]
    if level:
        lines = [ln for ln in lines if (" %s " % level) in ln]
    return lines


def wait_for_line(run, needle, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        if run.log.is_file() and needle in run.log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    pytest.fail("jmeter.log never said %r\n%s" % (needle, run.diagnostics()))


def engine_lines(run):
    return [ln for ln in log_lines(run) if " i.m.e." in ln]


def test_mosquitto_restart_logs_the_loss_and_the_reconnect(build, mosquitto, start_jmeter):
    # the Subscribe waits for one message, sent once the subscription is back after the restart
    props = dict(mosquitto.props, reconn=-1, count=1, sub_timeout=60000)
    run = start_jmeter(PLAN, props, name="restart")
    mosquitto.wait_for_log(r"Received SUBSCRIBE from itlog_", proc=run.proc)
    mosquitto.stop()
    # restarted only once the engine has said that a reconnect attempt failed against the stopped broker
    wait_for_line(run, "reconnect attempt failed: client_id=itlog_")
    mosquitto.start()
    mosquitto.wait_for_log(r"(?s)Received SUBSCRIBE from itlog_.*Received SUBSCRIBE from itlog_", proc=run.proc)
    subprocess.run(["mosquitto_pub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-t", "mqttload/log",
                    "-q", "1", "-m", "after the restart"], check=True, timeout=30)
    rows = run.wait()
    assert ok(rows_by_label(rows, "MQTT Subscribe")[0]), describe(rows)
    text = "\n".join(engine_lines(run))

    lost = log_lines(run, "i.m.e.session", "WARN")
    assert any("connection lost: client_id=itlog_" in ln and "reason=" in ln and "reconnect=yes" in ln
               for ln in lost), text
    assert any("reconnecting: client_id=itlog_" in ln and "attempt=1" in ln
               for ln in log_lines(run, "i.m.e.session", "INFO")), text
    failed = [ln for ln in log_lines(run, "i.m.e.session", "WARN") if "reconnect attempt failed" in ln]
    assert failed and "error=" in failed[0] and "Connection refused" in failed[0], text
    assert any("reconnected: client_id=itlog_" in ln for ln in log_lines(run, "i.m.e.session", "INFO")), text
    # JMeter's default level is INFO: the engine's DEBUG events are not even formatted
    assert not [ln for ln in engine_lines(run) if " DEBUG " in ln], text
    assert len([ln for ln in log_lines(run) if LOADED.search(ln)]) == 1, "\n".join(log_lines(run)[:40])


def _disconnect_v5(reason_code, reason_string):
    s = reason_string.encode()
    props = b"\x1f" + struct.pack(">H", len(s)) + s
    return packet(0xE0, bytes([reason_code]) + varint(len(props)) + props)


def test_a_broker_disconnect_is_logged_with_its_reason_and_debug_follows_the_level_option(
        build, start_jmeter, tmp_path):
    broker = ScriptedBroker(connack_v5(), after_subscribe=_disconnect_v5(0x89, "server busy, try later"))
    # the password through a -q file: JMeter itself logs -J values
    secrets = tmp_path / "secrets.properties"
    secrets.write_text("user=log-user\npassword=%s\n" % PASSWORD)
    try:
        props = dict(broker.props, mqtt_version="5.0", reconn=2, sub_timeout=3000)
        run = start_jmeter(PLAN, props, name="disconnect", args=["-q", secrets, "-Lio.mqttload.engine=TRACE"])
        rows = run.wait()
    finally:
        broker.close()
    text = "\n".join(engine_lines(run))
    assert any("broker sent DISCONNECT" in ln and "server busy, try later" in ln and "0x89" in ln
               for ln in log_lines(run, "i.m.e.session")), text
    lost = [ln for ln in log_lines(run, "i.m.e.session", "WARN") if "connection lost" in ln]
    assert lost and "reason=broker disconnected:" in lost[0] and "reconnect=yes" in lost[0], text
    assert any("reconnect=no" in ln for ln in lost), text  # the third loss: both reconnects spent
    assert [ln for ln in log_lines(run, "i.m.e.session", "INFO") if "reconnected" in ln], text
    # -Lio.mqttload.engine=TRACE reaches the engine: its DEBUG events now appear
    assert any("connected: client_id=itlog_" in ln for ln in log_lines(run, "i.m.e.session", "DEBUG")), text
    assert rows_by_label(rows, "MQTT Connect") and ok(rows_by_label(rows, "MQTT Connect")[0]), describe(rows)
    # the engine at its most talkative never says the password
    everything = run.log.read_text(errors="replace") + run.out.read_text(errors="replace")
    assert PASSWORD not in everything and PASSWORD[:10] not in everything


def test_two_thousand_dropping_connections_give_bounded_lines_and_a_summary(build, start_jmeter):
    broker = DroppingBroker(hold=1.0)
    try:
        props = dict(broker.props, threads=4, conns=500, hold_ms=2500, sub_timeout=500)
        run = start_jmeter(PLAN, props, name="flood")
        rows = run.wait()
    finally:
        broker.close()
    assert broker.accepted >= 2000, describe(rows)
    session = log_lines(run, "i.m.e.session")
    text = "\n".join(session[:40])
    lost = [ln for ln in session if "connection lost: client_id=" in ln]
    assert 1 <= len(lost) <= 30, "%d 'connection lost' lines\n%s" % (len(lost), text)
    summaries = [ln for ln in session if "similar events suppressed in the last" in ln]
    assert summaries, text
    suppressed = sum(int(re.search(r"(\d+) similar events suppressed", ln).group(1)) for ln in summaries)
    assert len(lost) + suppressed >= 2000, "%d shown + %d suppressed\n%s" % (len(lost), suppressed, text)
    assert len(engine_lines(run)) < 100, "\n".join(engine_lines(run)[:120])


def test_a_library_that_cannot_load_stops_the_test_with_one_error(build, start_jmeter):
    props = {"broker.port": 1, "threads": 3}
    run = start_jmeter(PLAN, props, name="noload", args=["-Dmqttload.native.platform=plan9-mips"])
    rows = run.wait()
    errors = log_lines(run, level="ERROR")
    assert len(errors) == 1, "\n".join(errors) or "\n".join(log_lines(run)[-40:])
    e = errors[0]
    assert "mqttload: no native library for plan9-mips in mqttload-jmeter-" in e, e
    assert "supported: linux-x86_64" in e and "docs/platforms.md" in e and "the test stops" in e, e
    assert "no native library for plan9-mips" in run.out.read_text(errors="replace")  # the console too
    # the results show it: failed samples with the same message (not "add an MQTT Connect sampler"), and the
    # first one stopped the test (3 threads x 3 samplers would be 9)
    assert rows, "an empty JTL would read as a clean run"
    for r in rows:
        assert not ok(r) and "no native library for plan9-mips" in r["responseMessage"], describe(rows)
    assert len(rows) < 9, describe(rows)
    assert not [ln for ln in log_lines(run) if "native engine" in ln and "loaded" in ln]


@pytest.mark.parametrize("level", ["WARN"])
def test_a_higher_level_silences_info_events(build, level, start_jmeter):
    broker = ScriptedBroker(connack_v5(), after_subscribe=_disconnect_v5(0x89, "busy"))
    try:
        props = dict(broker.props, mqtt_version="5.0", reconn=1, sub_timeout=2000)
        run = start_jmeter(PLAN, props, name="warn", args=["-Lio.mqttload.engine.session=" + level])
        run.wait()
    finally:
        broker.close()
    session = log_lines(run, "i.m.e.session")
    assert [ln for ln in session if " WARN " in ln and "connection lost" in ln], "\n".join(session)
    assert not [ln for ln in session if " INFO " in ln or " DEBUG " in ln], "\n".join(session)


def test_websocket_over_tls_at_trace_warns_of_trust_all_and_never_logs_the_password(
        build, secure_broker, start_jmeter, tmp_path):
    secrets = tmp_path / "secrets.properties"
    secrets.write_text("user=log-user\npassword=%s\n" % PASSWORD)
    props = {"broker.host": secure_broker.host, "broker.port": secure_broker.ports["wss"], "protocol": "WSS",
             "trust_all": "true", "sub_timeout": 1000}
    run = start_jmeter(PLAN, props, name="wss", args=["-q", secrets, "-Lio.mqttload.engine=TRACE"])
    rows = run.wait()
    assert ok(rows_by_label(rows, "MQTT Connect")[0]), describe(rows)
    tls = log_lines(run, "i.m.e.tls")
    assert any(" WARN " in ln and "INSECURE: trust-all is on" in ln for ln in tls), "\n".join(engine_lines(run))
    # the dependencies speak too (rustls, tungstenite), at most at DEBUG: their TRACE carries frame payloads
    assert [ln for ln in engine_lines(run) if "rustls::" in ln or "tungstenite::" in ln], \
        "\n".join(engine_lines(run))
    assert not [ln for ln in engine_lines(run) if " TRACE " in ln], "\n".join(engine_lines(run))
    everything = run.log.read_text(errors="replace") + run.out.read_text(errors="replace")
    assert PASSWORD not in everything and PASSWORD[:10] not in everything
