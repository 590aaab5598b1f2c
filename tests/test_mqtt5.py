"""MQTT 5.0 end to end through JMeter and Mosquitto 2.0: round trip, user properties both ways,
shared subscription, message expiry of a queued message, retain handling, no local, session expiry,
receive maximum, CONNACK v5 reason codes and examples/mqtt5.jmx.

Plan: tests/plans/v5_clients.jmx (thread groups Subscribers / Publisher / Self, every v5 key from a -J
property; its header lists them). Debug response data needs an XML JTL (XML_ARGS, read_xml_rows()).
"""
import re
import socket
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import (EXAMPLES, PLANS, USER_NAME, Broker, as_int, describe, ok, rows_by_label)
from summarize import is_subscribe

PLAN = PLANS / "v5_clients.jmx"
TIME = "specified elapsed time (ms)"
XML_ARGS = ["-Jjmeter.save.saveservice.output_format=xml", "-Jjmeter.save.saveservice.response_data=true"]


def v5(broker, **kw):
    """-J properties for v5_clients.jmx: MQTT 5.0 against `broker`, values as strings."""
    props = {"broker.host": broker.host, "broker.port": str(broker.port), "mqtt_version": "5.0"}
    props.update({k: str(v) for k, v in kw.items()})
    return props


def read_xml_rows(path):
    """Samples of an XML JTL: label, responseCode, responseMessage, success, SampleCount, threadName, data."""
    rows = []
    for el in ET.parse(str(path)).getroot().iter():
        if el.tag == "sample" and "lb" in el.attrib:
            a = el.attrib
            data = el.find("responseData")
            rows.append({"label": a.get("lb"), "responseCode": a.get("rc"), "responseMessage": a.get("rm", ""),
                         "success": a.get("s"), "SampleCount": a.get("sc", "1"), "threadName": a.get("tn", ""),
                         "data": (data.text or "") if data is not None else ""})
    return rows


def run_xml(start_jmeter, props, name="run"):
    run = start_jmeter(PLAN, props, name=name, args=XML_ARGS)
    run.wait(parse=False)
    return read_xml_rows(run.jtl)


def received(row):
    """Messages a Subscribe sample got (MQTT_SUB_RECEIVED; an empty batch still has SampleCount 1)."""
    return as_int(row["MQTT_SUB_RECEIVED"], 0)


def payload_lines(row):
    """Debug response of an XML row: its payload lines (the `# properties: ...` lines left out)."""
    return [l for l in row["data"].splitlines() if l and not l.startswith("# properties:")]


def all_ok(rows):
    assert rows and all(ok(r) for r in rows), "failed samples:\n" + describe([r for r in rows if not ok(r)] or rows)


def mosquitto_pub(broker, topic, *args, qos=1):
    subprocess.run(["mosquitto_pub", "-V", "mqttv5", "-h", broker.host, "-p", str(broker.port), "-t", topic,
                    "-q", str(qos)] + [str(a) for a in args], check=True, timeout=30, stdin=subprocess.DEVNULL)


# --------------------------------------------------------------------------------------------- basics

def test_v5_connect_and_qos1_round_trip(build, mosquitto, run_jmeter):
    n = 200
    rows = run_jmeter(PLAN, v5(mosquitto, topic="v5/rt", sub_count=n, pub_per_sample=n))
    all_ok(rows)
    # Mosquitto logs "New client connected from ... as v5sub_... (p5, c1, k300)": p5 = MQTT 5.0
    assert re.search(r" as v5sub_\S* \(p5,", mosquitto.log_text()), mosquitto.log_text()[-2000:]
    assert re.search(r" as v5pub_\S* \(p5,", mosquitto.log_text()), mosquitto.log_text()[-2000:]
    pubs, subs = rows_by_label(rows, "MQTT Publish"), rows_by_label(rows, "MQTT Subscribe")
    assert len(pubs) == 1 and as_int(pubs[0]["SampleCount"]) == n, describe(rows)
    assert len(subs) == 1 and received(subs[0]) == n, describe(rows)
    assert as_int(subs[0]["MQTT_SUB_LOST"]) == 0 and as_int(subs[0]["MQTT_SUB_DUPLICATES"]) == 0, describe(subs)


# ----------------------------------------------------------------------------------- user properties

USER_PROPS = [("k1", "v1"), ("spaced name", "a=b c"), ("\u00fc\u00f1\u00ef", "\u20ac value"), ("k1", "dup")]


def test_v5_user_properties_of_our_publish_arrive_byte_exact(build, mosquitto, start_jmeter):
    topic = "v5/up-out"
    sub = subprocess.Popen(["mosquitto_sub", "-V", "mqttv5", "-h", mosquitto.host, "-p", str(mosquitto.port),
                            "-i", "v5upsub_cli", "-t", topic, "-q", "1", "-F", "%P", "-C", "1", "-W", "20"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        mosquitto.wait_for_log(r"Received SUBSCRIBE from v5upsub_cli", timeout=10, proc=sub)
        rows = start_jmeter(PLAN, v5(mosquitto, topic=topic, sub_threads=0, pub_delay=0, pub_timestamp="none",
                                     pub_user_properties="\n".join("%s=%s" % p for p in USER_PROPS))).wait()
        all_ok(rows)  # (a failed publish: no waiting for mosquitto_sub, the finally kills it)
        out, err = sub.communicate(timeout=30)
    finally:
        if sub.poll() is None:
            sub.kill()
    expected = " ".join("%s:%s" % p for p in USER_PROPS) + "\n"
    assert out == expected.encode("utf-8"), (out, err)


def test_v5_user_properties_shown_in_debug_response(build, mosquitto, start_jmeter):
    topic = "v5/up-in"
    run = start_jmeter(PLAN, v5(mosquitto, topic=topic, pub_threads=0, sub_prefix="v5upin_", sub_count=1,
                                sub_timeout=30000, sub_debug="true", sub_add_timestamp="false"),
                       args=XML_ARGS)
    mosquitto.wait_for_log(r"Received SUBSCRIBE from v5upin_", timeout=120, proc=run.proc)
    args = []
    for name, value in USER_PROPS:
        args += ["-D", "PUBLISH", "user-property", name, value]
    mosquitto_pub(mosquitto, topic, "-m", "payload with properties", *args)
    run.wait(parse=False)
    rows = read_xml_rows(run.jtl)
    all_ok(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1 and as_int(subs[0]["SampleCount"]) == 1, describe(rows)
    lines = subs[0]["data"].splitlines()
    props = [l for l in lines if l.startswith("# properties: ")]
    assert len(props) == 1, subs[0]["data"]
    for name, value in USER_PROPS:
        assert "user-property %s=%s" % (name, value) in props[0], props[0]
    # in the order they were sent
    positions = [props[0].index("user-property %s=%s" % p) for p in USER_PROPS]
    assert positions == sorted(positions), props[0]
    assert lines[lines.index(props[0]) + 1] == "payload with properties", subs[0]["data"]


# ------------------------------------------------------------------------------ shared subscriptions

def test_v5_shared_subscription_splits_messages(build, mosquitto, run_jmeter):
    n = 300
    rows = run_jmeter(PLAN, v5(mosquitto, sub_threads=3, sub_topic="$share/g/v5/shared", pub_topic="v5/shared",
                               sub_condition=TIME, sub_count=3500, pub_delay=1200, pub_per_sample=n))
    all_ok(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 3 and len({r["threadName"] for r in subs}) == 3, describe(rows)
    counts = [received(r) for r in subs]
    assert all(c > 0 for c in counts), "a subscriber got nothing: %s\n%s" % (counts, describe(subs))
    assert sum(counts) == n, "%s\n%s" % (counts, describe(subs))
    assert all(as_int(r["MQTT_SUB_DUPLICATES"]) == 0 for r in subs), describe(subs)


# ----------------------------------------------------------------- persistent sessions, message expiry

def persistent(broker, client_id, **kw):
    """A v5 subscriber with a fixed client id, clean session off and session expiry 300 s."""
    base = dict(sub_prefix=client_id, sub_suffix="false", sub_clean="false", sub_session_expiry=300,
                sub_condition=TIME, sub_add_timestamp="false")
    base.update(kw)
    return v5(broker, **base)


def test_v5_message_expiry_drops_the_queued_message(build, mosquitto, start_jmeter):
    topic = "v5/expiry"
    # 1: subscribe and leave (session kept 300 s); the publisher then sends one message with a 1 s expiry
    #    and one without, while the subscriber is away
    rows = run_xml(start_jmeter, persistent(
        mosquitto, "v5expiry_client", topic=topic, sub_count=300, pub_delay=1500, pub_timestamp="none",
        pub_payload="expiring", pub_message_expiry=1,
        pub2_loops=1, pub2_payload="kept", pub2_timestamp="none"), name="leave")
    all_ok(rows)
    assert [as_int(r["SampleCount"]) for r in rows if r["label"].startswith("MQTT Publish")] == [1, 1], \
        describe(rows)
    time.sleep(2.5)
    # 2: come back with the same client id: only the message without expiry is still queued
    rows = run_xml(start_jmeter, persistent(mosquitto, "v5expiry_client", topic=topic, pub_threads=0,
                                            sub_count=1500, sub_debug="true"), name="back")
    all_ok(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1, describe(rows)
    assert payload_lines(subs[0]) == ["kept"], subs[0]["data"]


@pytest.mark.parametrize("session_expiry,expected", [(300, 5), (0, 0)])
def test_v5_session_expiry_resumes_session(build, mosquitto, start_jmeter, session_expiry, expected):
    topic = "v5/resume%d" % session_expiry
    client = "v5resume%d_client" % session_expiry
    rows = start_jmeter(PLAN, persistent(mosquitto, client, topic=topic, pub_threads=0, sub_count=300,
                                         sub_session_expiry=session_expiry), name="leave").wait()
    all_ok(rows)
    for i in range(5):  # published while the subscriber is offline
        mosquitto_pub(mosquitto, topic, "-m", "offline %d" % i)
    rows = start_jmeter(PLAN, persistent(mosquitto, client, topic=topic, pub_threads=0, sub_count=1500,
                                         sub_session_expiry=session_expiry), name="back").wait()
    all_ok(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1 and received(subs[0]) == expected, describe(rows)


# ------------------------------------------------------------------------------ subscription options

@pytest.mark.parametrize("retain_handling,expected", [(2, 0), (0, 1)])
def test_v5_retain_handling(build, mosquitto, run_jmeter, retain_handling, expected):
    topic = "v5/retained%d" % retain_handling
    mosquitto_pub(mosquitto, topic, "-r", "-m", "retained message")
    rows = run_jmeter(PLAN, v5(mosquitto, topic=topic, pub_threads=0, sub_condition=TIME, sub_count=1000,
                               sub_add_timestamp="false", sub_retain_handling=retain_handling))
    all_ok(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1 and received(subs[0]) == expected, describe(rows)


@pytest.mark.parametrize("no_local,expected", [("true", 0), ("false", 20)])
def test_v5_no_local(build, mosquitto, run_jmeter, no_local, expected):
    n = 20
    rows = run_jmeter(PLAN, v5(mosquitto, topic="v5/nolocal-%s" % no_local, sub_threads=0, pub_threads=0,
                               self_threads=1, sub_condition=TIME, sub_count=800, pub_per_sample=n,
                               sub_no_local=no_local))
    all_ok(rows)
    pubs = rows_by_label(rows, "Self Publish")
    subs = rows_by_label(rows, "Self Subscribe")
    assert len(pubs) == 1 and as_int(pubs[0]["SampleCount"]) == n, describe(rows)
    assert len(subs) == 2 and sum(received(r) for r in subs) == expected, describe(rows)


# --------------------------------------------------------------------------------- receive maximum

def broker_receive_maximum(broker):
    """Receive Maximum (property 0x21) of the broker's CONNACK to a bare v5 CONNECT (None if absent)."""
    cid = b"v5probe"
    body = b"\x00\x04MQTT\x05\x02\x00\x3c\x00" + len(cid).to_bytes(2, "big") + cid
    with socket.create_connection((broker.host, broker.port), timeout=5) as s:
        s.sendall(bytes([0x10, len(body)]) + body)
        data = s.recv(256)
    assert data[0] == 0x20 and data[3] == 0, data.hex()
    props = data[5:5 + data[4]]  # short CONNACK: 1-byte remaining length and property length
    sizes = {0x11: 4, 0x13: 2, 0x21: 2, 0x22: 2, 0x24: 1, 0x25: 1, 0x27: 4, 0x28: 1, 0x29: 1, 0x2A: 1}
    i = 0
    while i < len(props):
        pid = props[i]
        if pid == 0x21:
            return int.from_bytes(props[i + 1:i + 3], "big")
        if pid in sizes:
            i += 1 + sizes[pid]
        else:  # a string property (assigned client id, reason string, ...): 2-byte length + bytes
            i += 3 + int.from_bytes(props[i + 1:i + 3], "big")
    return None


def test_v5_receive_maximum_honoured(build, tmp_path, run_jmeter):
    """Mosquitto advertises max_inflight_messages as its Receive Maximum and answers QoS 2 PUBLISHes beyond it
    with PUBREC 0x97 Quota exceeded (QoS 1 is not enforced by 2.0.11): 1000 QoS 2 messages all succeeding
    prove we never had more than 5 in flight."""
    n = 1000
    broker = Broker(tmp_path, extra_config=["max_inflight_messages 5"]).start()
    try:
        assert broker_receive_maximum(broker) == 5
        rows = run_jmeter(PLAN, v5(broker, topic="v5/recvmax", qos=2, sub_threads=0, pub_delay=0,
                                   pub_per_sample=n))
    finally:
        broker.stop()
    pubs = rows_by_label(rows, "MQTT Publish")
    all_ok(rows)
    assert len(pubs) == 1 and as_int(pubs[0]["SampleCount"]) == n, describe(rows)
    assert as_int(pubs[0]["ErrorCount"], 0) == 0, describe(pubs)


# ----------------------------------------------------------------------------------- CONNACK v5

def test_v5_connack_refusal_names_the_reason(build, auth_broker, run_jmeter):
    # Mosquitto 2.0.11 answers a v5 CONNECT with a wrong password (or none) with 0x87 Not authorized
    rows = run_jmeter(PLAN, v5(auth_broker, pub_threads=0, sub_user=USER_NAME, sub_password="not-the-password",
                               sub_count=1, sub_timeout=1000))
    connects = rows_by_label(rows, "MQTT Connect")
    assert len(connects) == 1 and not ok(connects[0]) and connects[0]["responseCode"] == "501", describe(rows)
    assert "0x87 Not authorized" in connects[0]["responseMessage"], describe(connects)


# ------------------------------------------------------------------------------------- the example

def test_example_mqtt5(build, mosquitto, run_jmeter):
    rows = run_jmeter(EXAMPLES / "mqtt5.jmx", mosquitto.props)
    all_ok(rows)
    pubs = [r for r in rows if "Publish" in r.get("label", "")]
    subs = [r for r in rows if is_subscribe(r)]
    published = sum(as_int(r["SampleCount"]) for r in pubs)
    assert published > 0, describe(rows)
    assert len({r["threadName"] for r in subs}) == 2, describe(subs)
    assert sum(received(r) for r in subs) == published, describe(rows)
