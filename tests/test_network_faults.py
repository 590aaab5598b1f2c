"""A bad network between the engine and a real (stock-config) Mosquitto: tests/fault_proxy.py adds latency,
stalls, resets and black holes; tests/plans/network_faults.jmx runs a subscriber and a publisher through it.

What must hold: added latency shows in the end-to-end figures; a black hole is named by the keep-alive within
1.5 x its interval; after a reset, QoS 1 with persistent sessions loses nothing and QoS 0's losses are counted;
a broker that does not read bounds what the engine holds and what a sample waits; Stop ends it all at once."""
import socket
import os
import statistics
import time

import pytest

from conftest import PLANS, as_int, describe, ok, rows_by_label
from fault_proxy import DOWN, UP, FaultProxy
from summarize import summarize  # tools/for-users/summarize.py

PLAN = PLANS / "network_faults.jmx"


@pytest.fixture
def proxy(stock_mosquitto):
    p = FaultProxy(stock_mosquitto.host, stock_mosquitto.port)
    try:
        yield p
    finally:
        p.close()


def _wait(predicate, timeout, run, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if run.poll() is not None:
            pytest.fail("jmeter ended before %s\n%s" % (what, run.diagnostics()))
        time.sleep(0.02)
    pytest.fail("%s did not happen within %s s\n%s" % (what, timeout, run.diagnostics()))


def _ended_ms(row):
    return as_int(row["timeStamp"]) + as_int(row["elapsed"])


def _p50_ms(rows):
    subs = [r for r in rows_by_label(rows, "MQTT Subscribe") if as_int(r["MQTT_SUB_RECEIVED"], 0)]
    return statistics.median(as_int(r["MQTT_SUB_P50_US"]) for r in subs) / 1000.0


def test_added_latency_shows_in_the_end_to_end_figures(build, proxy, run_jmeter):
    """20 ms each way: the publisher's PUBLISH up, the subscriber's delivery down. Against a run through the
    same proxy without delay, the median end-to-end latency grows by what the proxy held the bytes (about
    40 ms), within 1 ms. The two medians are measured by separate runs: on a machine busy with other work
    their noise alone can exceed 1 ms, so a pair that misses is measured again (up to three pairs)."""
    props = dict(proxy.props, qos=1, sub_qos=1, pace_interval=10, pace_duration=3000, sub_count=300,
                 sub_timeout=20000)
    misses = []
    for _ in range(3):
        proxy.delay(up=0.0, down=0.0)
        plain = run_jmeter(PLAN, props)
        assert all(ok(r) for r in plain), describe(plain)
        proxy.held[UP].clear()
        proxy.held[DOWN].clear()
        proxy.delay(up=0.020, down=0.020)
        delayed = run_jmeter(PLAN, props)
        assert all(ok(r) for r in delayed), describe(delayed)
        # what the proxy really added (its timer overshoots by a fraction of a millisecond)
        added = (statistics.median(proxy.held[UP]) + statistics.median(proxy.held[DOWN])) * 1000
        assert 40.0 <= added < 43.0, proxy.held
        grown = _p50_ms(delayed) - _p50_ms(plain)
        if abs(grown - added) <= 1.0:
            return
        misses.append("p50 grew %.3f ms, the proxy added %.3f ms (load average %s)" % (
            grown, added, " ".join("%.2f" % x for x in os.getloadavg())))
    raise AssertionError("\n".join(misses) + "\n" + describe(delayed))


def test_a_black_hole_is_named_by_the_keep_alive_within_one_and_a_half_intervals(build, proxy, start_jmeter):
    """Bytes dropped both ways without FIN or RST: only the keep-alive can tell. 4 s keep-alive: the
    waiting Subscribe fails at most 6 s after the link went silent, naming a black hole."""
    run = start_jmeter(PLAN, dict(proxy.props, keep_alive=4, reconn=0, sub_count=1000, sub_timeout=60000,
                                  pub_samples=0, pub_delay=0))
    _wait(lambda: proxy.bytes[DOWN] >= 4 + 5, 120, run, "CONNACK and SUBACK through the proxy")
    time.sleep(1.0)
    silent_at = time.time()
    proxy.black_hole()
    rows = run.wait(timeout=120, check=False)
    sub = rows_by_label(rows, "MQTT Subscribe")[0]
    assert not ok(sub), describe(rows)
    message = sub["responseMessage"]
    assert "keep-alive" in message and "black hole" in message and "PINGREQ unanswered" in message, message
    after_ms = _ended_ms(sub) - silent_at * 1000
    assert after_ms <= 6000 + 500, "named %d ms after the link went silent\n%s" % (after_ms, describe(rows))


def test_a_reset_loses_no_qos1_message_of_persistent_sessions(build, proxy, start_jmeter):
    """Both connections reset mid-packet while 100 msg/s flow at QoS 1 with clean session off: the publisher
    resends what was not acknowledged, the broker keeps the subscriber's messages; every one arrives,
    duplicates counted as such."""
    run = start_jmeter(PLAN, dict(proxy.props, qos=1, sub_qos=1, clean="false", reconn=20, keep_alive=30,
                                  pace_interval=10, pace_duration=6000, sub_count=600, sub_timeout=30000))
    _wait(lambda: proxy.bytes[UP] > 20_000, 120, run, "publishing through the proxy")
    proxy.reset_mid_packet()
    _wait(lambda: proxy.resets == 1, 30, run, "the reset")
    rows = run.wait(timeout=120)
    assert proxy.accepted >= 4, "both connections came back through the proxy: %d" % proxy.accepted
    pub = rows_by_label(rows, "MQTT Publish")[0]
    assert ok(pub) and as_int(pub["MQTT_PUB_SENT"]) == 600, describe(rows)
    s = summarize(rows)
    assert s["sub_received"] >= 600 and s["sub_lost"] == 0, (s, describe(rows))
    assert s["sub_received"] - s.get("sub_duplicates", 0) == 600, (s, describe(rows))


def test_after_a_reset_qos0_messages_that_never_arrived_are_counted_lost(build, stock_mosquitto, proxy,
                                                                         start_jmeter):
    """Only the subscriber's link is reset (the publisher goes straight to the broker): what was published
    while it reconnected never reaches it at QoS 0. Sent = received + lost, exactly."""
    props = dict(stock_mosquitto.props, qos=0, sub_qos=0, clean="false", reconn=20, keep_alive=30,
                 pace_interval=5, pace_duration=5000, sub_count=1000, sub_timeout=9000)
    props["sub.port"] = proxy.port
    props["broker.host"] = "127.0.0.1"
    run = start_jmeter(PLAN, props)
    _wait(lambda: proxy.bytes[DOWN] > 20_000, 120, run, "messages through the proxy")
    proxy.reset_mid_packet()
    rows = run.wait(timeout=120, check=False)
    pub = rows_by_label(rows, "MQTT Publish")[0]
    sent = as_int(pub["MQTT_PUB_SENT"])
    assert sent == 1000, describe(rows)
    s = summarize(rows)
    assert s["sub_lost"] > 0, (s, describe(rows))
    assert s["sub_received"] - s.get("sub_duplicates", 0) + s["sub_lost"] == sent, (s, describe(rows))


def test_a_stalled_broker_bounds_what_a_burst_holds_and_how_long_it_waits(build, proxy, start_jmeter):
    """The proxy stops reading: 20,000 messages of 1 KiB (20 MiB) cannot go. The engine holds no more than
    its outbound limit beyond the socket's buffers, and the sample ends at its ack timeout saying how many
    were not sent, instead of queueing them all and waiting for ever."""
    run = start_jmeter(PLAN, dict(proxy.props, qos=0, pace_mode="burst", per_sample=20000, payload_bytes=1024,
                                  ack_timeout=3000, sub_batches=0, pub_delay=3000))
    _wait(lambda: proxy.bytes[DOWN] >= 2 * 4, 120, run, "both CONNACKs")
    proxy.stall(60)
    rows = run.wait(timeout=120)
    pub = rows_by_label(rows, "MQTT Publish")[0]
    message = pub["responseMessage"]
    assert not ok(pub) and "not sent: the connection's outbound limit (256 KiB) stayed full" in message, message
    sent = as_int(pub["MQTT_PUB_SENT"])
    assert message.startswith("Published %d of 20000 message(s)" % sent), message
    assert sent < 20000 - 256, message
    assert as_int(pub["elapsed"]) < 3000 + 1000, describe([pub])
    disc = rows_by_label(rows, "MQTT Disconnect")
    assert disc and all(as_int(d["elapsed"]) < 3000 for d in disc), describe(disc)


def test_paced_publishing_under_backpressure_reports_its_lag(build, proxy, start_jmeter):
    """A slow reader on the broker's side (100 KB/s) and a schedule that offers 3 MB/s: the schedule waits for
    room, its lag grows and shows; what could not go by the sample's end is counted as not sent, nothing
    skipped without a word."""
    proxy.bandwidth(up=100_000)
    rows = start_jmeter(PLAN, dict(proxy.props, qos=0, payload_bytes=30_000, pace_interval=10, pace_duration=4000,
                                   ack_timeout=2000, sub_batches=0, pub_delay=500)).wait(timeout=120)
    pub = rows_by_label(rows, "MQTT Publish")[0]
    intended, sent = as_int(pub["MQTT_PUB_INTENDED"]), as_int(pub["MQTT_PUB_SENT"])
    assert intended == 400 and sent < intended, describe([pub])
    assert as_int(pub["MQTT_PUB_LAG_P99_US"]) > 1_000_000, describe([pub])
    message = pub["responseMessage"]
    assert "not sent" in message, message
    not_sent = int(message.split(" not sent")[0].rsplit(" ", 1)[-1].replace(",", ""))
    # every intended message is either sent, not sent, or (written, never acknowledged) not in time
    assert sent + not_sent <= intended and as_int(pub["SampleCount"]) == intended, describe([pub])
    # the sample ends by its schedule plus the ack timeout
    assert as_int(pub["elapsed"]) < 4000 + 2000 + 1000, describe([pub])


@pytest.mark.parametrize("command", ["StopTestNow", "Shutdown"])
def test_stop_and_shutdown_end_a_stalled_run_within_2_seconds(build, proxy, start_jmeter, command):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = start_jmeter(PLAN, dict(proxy.props, qos=1, pace_mode="burst", per_sample=20000, payload_bytes=1024,
                                  ack_timeout=600000, sub_count=1000000, sub_timeout=600000, pub_delay=2000,
                                  **{"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port}))
    _wait(lambda: proxy.bytes[DOWN] >= 2 * 4 + 5, 120, run, "both CONNACKs and the SUBACK")
    proxy.stall(600)
    time.sleep(3.0)  # the burst is now waiting for room
    asked = time.time()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(command.encode(), ("127.0.0.1", port))
    rows = run.wait(timeout=60, check=False)
    exited = time.time()
    for label in ("MQTT Publish", "MQTT Subscribe"):
        r = rows_by_label(rows, label)
        assert r and not ok(r[0]), describe(rows)
        assert _ended_ms(r[0]) - asked * 1000 < 2000, "%s ended %d ms after %s" % (
            label, _ended_ms(r[0]) - asked * 1000, command)
    # JMeter itself (the JVM's exit included) is gone soon after
    assert exited - asked < 10, exited - asked
