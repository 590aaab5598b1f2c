"""Templates, file and folder payloads through JMeter: each connection of a group publishes on its own topic
with its own client id and message numbers, and file payloads arrive byte for byte at mosquitto_sub."""
import json
import subprocess
from collections import defaultdict

from conftest import PLANS, as_int, describe, ok, rows_by_label

PLAN = PLANS / "templates.jmx"


def mosquitto_sub(mosquitto, name, topic, count, *extra):
    sub = subprocess.Popen(["mosquitto_sub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-i", name,
                            "-t", topic, "-q", "1", "-C", str(count), "-W", "120", *extra],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mosquitto.wait_for_log(r"Received SUBSCRIBE from %s" % name, timeout=10, proc=sub)
    return sub


def published(start_jmeter, mosquitto, sub, props, samples):
    try:
        rows = start_jmeter(PLAN, dict(mosquitto.props, **props)).wait()
        out, err = sub.communicate(timeout=60)
    finally:
        if sub.poll() is None:
            sub.kill()
    pubs = rows_by_label(rows, "MQTT Publish")
    assert len(pubs) == samples and all(ok(r) for r in pubs), describe(rows)
    return rows, out, err


def test_templates_give_each_connection_its_topic_and_each_message_its_number(build, mosquitto, start_jmeter):
    connections, per_sample, loops = 3, 2, 2
    n = connections * per_sample * loops
    sub = mosquitto_sub(mosquitto, "tplsub_cli", "tpl/#", n, "-v")
    rows, out, err = published(start_jmeter, mosquitto, sub, dict(
        connections=connections, per_sample=per_sample, loops=loops, topic="tpl/{{conn}}",
        payload='{"id":"{{client_id}}","n":{{seq}},"r":{{random:1:6}}}', timestamp="precise"), loops)
    lines = out.decode("utf-8").splitlines()
    assert len(lines) == n, (lines, err)
    by_topic = defaultdict(list)
    for line in lines:
        topic, payload = line.split(" ", 1)
        header, body = payload.split(";", 1)  # the precise timestamp stays in front
        assert header.startswith("mqlt:"), payload
        by_topic[topic].append(json.loads(body))
    assert sorted(by_topic) == ["tpl/0", "tpl/1", "tpl/2"], by_topic
    ids = set()
    for topic, messages in by_topic.items():
        assert sorted(m["n"] for m in messages) == [0, 1, 2, 3], (topic, messages)
        assert len({m["id"] for m in messages}) == 1, messages
        assert all(1 <= m["r"] <= 6 for m in messages), messages
        ids.add(messages[0]["id"])
    assert len(ids) == connections and all(i.startswith("tpl_") for i in ids), ids
    connect = rows_by_label(rows, "MQTT Connect")[0]
    assert ok(connect), describe(rows)


def test_file_payload_arrives_byte_exact(build, mosquitto, start_jmeter, tmp_path):
    data = bytes([0x00, 0xFF, 0x7B, 0x7B]) + b"{{seq}}" + bytes(range(256))
    f = tmp_path / "payload.bin"
    f.write_bytes(data)
    sub = mosquitto_sub(mosquitto, "tplfile_cli", "file/t", 3, "-N")
    rows, out, err = published(start_jmeter, mosquitto, sub, dict(
        connections=1, per_sample=3, topic="file/t", message_type="File", payload_file=str(f)), 1)
    assert out == data * 3, (len(out), err)
    assert as_int(rows_by_label(rows, "MQTT Publish")[0]["sentBytes"]) == 3 * len(data)


def test_folder_payloads_are_taken_in_turn(build, mosquitto, start_jmeter, tmp_path):
    folder = tmp_path / "payloads"
    folder.mkdir()
    (folder / "b.bin").write_bytes(b"\xff\x00B")
    (folder / "a.bin").write_bytes(b"A\x00\xff")
    (folder / ".hidden").write_bytes(b"never")
    sub = mosquitto_sub(mosquitto, "tplfolder_cli", "folder/t", 5, "-N")
    _, out, err = published(start_jmeter, mosquitto, sub, dict(
        connections=1, per_sample=5, topic="folder/t", message_type="Folder", payload_folder=str(folder)), 1)
    # name order, round-robin; hidden files skipped
    assert out == b"A\x00\xff" + b"\xff\x00B" + b"A\x00\xff" + b"\xff\x00B" + b"A\x00\xff", (out, err)


def test_unknown_placeholder_fails_the_sample_naming_it(build, mosquitto, run_jmeter):
    rows = run_jmeter(PLAN, dict(mosquitto.props, connections=1, topic="t/{{nope}}"))
    pub = rows_by_label(rows, "MQTT Publish")[0]
    assert not ok(pub), describe(rows)
    assert "mqtt.topic_name" in pub["responseMessage"] and "{{nope}}" in pub["responseMessage"], describe(rows)


def test_each_connection_subscribes_to_its_own_filter(build, mosquitto, start_jmeter):
    run = start_jmeter(PLANS / "subscribe_only.jmx", dict(
        mosquitto.props, connections=3, topic="cmd/{{conn}}", qos=1, count=1, loops=2, sub_timeout=5000,
        prefix="tplcmd_"))
    for filt in ("cmd/0", "cmd/1", "cmd/2"):
        mosquitto.wait_for_log(r"\s%s \(QoS 1\)" % filt, timeout=60, proc=run.proc)
    for topic in ("cmd/7", "cmd/1"):
        subprocess.run(["mosquitto_pub", "-h", mosquitto.host, "-p", str(mosquitto.port), "-t", topic, "-q", "1",
                        "-m", "for " + topic], check=True, timeout=30)
    rows = run.wait()
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 2, describe(rows)
    # cmd/1 reached one connection of the three: one message, then nothing for the second sample
    assert ok(subs[0]) and as_int(subs[0]["MQTT_SUB_RECEIVED"]) == 1, describe(rows)
    assert as_int(subs[1]["MQTT_SUB_RECEIVED"]) == 0, describe(rows)
