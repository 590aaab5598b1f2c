"""Our numbers under load and when the broker loses messages: they must be trustworthy.

- 10 publishers x 10,000 QoS 2 messages to 3 subscribers and an independent witness (mosquitto_sub): every
  subscriber gets all 100,000. The suite's tuned broker (no in-flight limit) then has more than 65,535
  messages in flight to each subscriber and reuses packet ids still awaiting PUBREL: those are new messages
  (DUP=0), delivered and counted, and the sample says the broker did it.
- Tail loss: messages that never arrive after the last one received are reported (MQTT_SUB_PENDING,
  MQTT_SUB_LOST_TOTAL, the per-publisher shortfall in the message, tools/for-users/summarize.py).
- A connection the broker drops during a Subscribe is named in that sample and by the next Disconnect.
"""
import subprocess
import time

import pytest

from conftest import EXAMPLES, PLANS, Broker, as_int, describe, ok, rows_by_label

import summarize

PUBLISHERS, PER_PUBLISHER, SUBSCRIBERS = 10, 10_000, 3
TOTAL = PUBLISHERS * PER_PUBLISHER


def test_qos2_fan_out_under_load_delivers_everything(build, mosquitto, run_jmeter):
    topic = "integrity/fanout"
    # The witness takes QoS 1: at QoS 2 a client that follows the spec drops what arrives on an id the broker
    # reused while it awaited PUBREL (as we did before), and would stall the same way.
    witness = subprocess.Popen(
        ["mosquitto_sub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-t", topic, "-q", "1",
         "-C", str(TOTAL), "-W", "120", "-i", "witness"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        mosquitto.wait_for_log(r"Received SUBSCRIBE from witness", timeout=30)
        rows = run_jmeter(EXAMPLES / "qos-roundtrip.jmx", dict(
            mosquitto.props, qos=2, topic=topic, publishers=PUBLISHERS, subscribers=SUBSCRIBERS,
            batches=10, per_batch=PER_PUBLISHER // 10, sub_batches=1, sub_per_batch=TOTAL,
            sub_timeout=180000, ack_timeout=120000, pub_delay=3000))
        out, _ = witness.communicate(timeout=130)
    finally:
        witness.kill()
    pubs = rows_by_label(rows, "MQTT Publish")
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert all(ok(r) for r in pubs) and sum(as_int(r["SampleCount"]) for r in pubs) == TOTAL, describe(pubs)
    assert len(out.splitlines()) == TOTAL, "the witness got %d" % len(out.splitlines())
    assert len(subs) == SUBSCRIBERS, describe(rows)
    for s in subs:
        assert ok(s) and as_int(s["MQTT_SUB_RECEIVED"]) == TOTAL, describe(subs)
        assert as_int(s["MQTT_SUB_LOST_TOTAL"]) == 0 and as_int(s["MQTT_SUB_DUPLICATES_TOTAL"]) == 0, describe(subs)
        # the broker's id reuse is named whenever it happened
        if "BROKER FAULT" in s["responseMessage"]:
            assert "awaiting PUBREL" in s["responseMessage"], describe(subs)


def test_tail_loss_is_counted_and_summarized(build, tmp_path, run_jmeter):
    broker = Broker(tmp_path / "b", extra_config=("max_queued_messages 10",))
    (tmp_path / "b").mkdir()
    broker.start()
    try:
        rows = run_jmeter(PLANS / "tail_loss.jmx", dict(broker.props, messages=100))
    finally:
        broker.stop()
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 2, describe(rows)
    last = subs[-1]
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert 0 < received < 100, describe(subs)
    # everything missing is at the tail: after the last message that arrived
    assert as_int(last["MQTT_SUB_LOST_TOTAL"]) == 100 - received, describe(subs)
    assert as_int(last["MQTT_SUB_PENDING"]) == 100 - received, describe(subs)
    # all of it from one publisher, named in MQTT_SUB_SHORTFALL; a tail is no gap: the message stays as is
    assert last["MQTT_SUB_SHORTFALL"].endswith(":%d" % (100 - received)), describe(subs)
    assert last["responseMessage"] == "Received %d of message." % as_int(last["MQTT_SUB_RECEIVED"]), describe(subs)
    s = summarize.summarize(rows)
    assert s["sub_lost"] == 100 - received and s["sub_lost_tail"] == 100 - received, s
    assert s["sub_shortfall"], s


@pytest.mark.parametrize("reconnects", [0, 2])
def test_a_drop_during_subscribe_is_named(build, mosquitto, start_jmeter, reconnects):
    """With reconnect attempts that fail too, the original cause still comes first."""
    run = start_jmeter(PLANS / "subscribe_only.jmx",
                       dict(mosquitto.props, topic="integrity/drop", count=10, sub_timeout=60000,
                            prefix="dropsub_", reconn=reconnects))
    mosquitto.wait_for_log(r"Received SUBSCRIBE from dropsub_", timeout=120, proc=run.proc)
    time.sleep(0.5)
    killed_at = time.time()
    mosquitto.stop()
    rows = run.wait(timeout=90, check=False)
    sub = rows_by_label(rows, "MQTT Subscribe")[0]
    assert not ok(sub) and sub["responseCode"] == "500", describe(rows)
    assert "Not connected: broker closed the connection" in sub["responseMessage"], describe(rows)
    if reconnects:
        assert "; last reconnect attempt: " in sub["responseMessage"], describe(rows)
    assert as_int(sub["timeStamp"]) + as_int(sub["elapsed"]) - killed_at * 1000 < 5000, describe(rows)
    disc = rows_by_label(rows, "MQTT Disconnect")
    assert disc and "had already dropped: broker closed the connection" in disc[0]["responseMessage"], \
        describe(rows)


def test_tail_loss_across_engines_needs_the_end_marker(build, tmp_path, start_jmeter):
    """Publisher and subscriber in two JMeter engines: the end marker the publisher's Disconnect sends is all
    the subscriber's engine can know the total from."""
    (tmp_path / "b").mkdir()
    broker = Broker(tmp_path / "b", extra_config=("max_queued_messages 10",)).start()
    try:
        sub_run = start_jmeter(PLANS / "tail_loss.jmx", dict(broker.props, publishers=0, window=8000,
                                                             away_ms=8000), name="subscriber")
        broker.wait_for_log(r"Received DISCONNECT from tailsub_", timeout=120, proc=sub_run.proc)
        pub_run = start_jmeter(PLANS / "tail_loss.jmx", dict(broker.props, subscribers=0, pub_delay=0,
                                                             pub_hold=9000, end_marker="true"),
                               name="publisher")
        pub_rows = pub_run.wait(timeout=120)
        rows = sub_run.wait(timeout=120)
    finally:
        broker.stop()
    disc = rows_by_label(pub_rows, "MQTT Disconnect")
    assert disc and "sent 1 end marker(s)" in disc[0]["responseMessage"], describe(pub_rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert 0 < received < 100, describe(subs)
    assert as_int(subs[-1]["MQTT_SUB_PENDING"]) == 100 - received, describe(subs)
    assert as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 100 - received, describe(subs)
