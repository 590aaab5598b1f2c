"""Request/response through JMeter: an MQTT Responder thread group answering the requests of an MQTT Request
thread group against Mosquitto (tests/plans/request_response.jmx), on MQTT 3.1.1 (the mqrq/mqrs envelope,
checked on the wire by mosquitto_sub) and 5.0, with the figures adding up: every request sent is replied to and
answered once, sent = matched + timeouts; without responders every request is a timeout; a failing reply check
fails the sample naming the setting; JMeter's Shutdown ends a long wait for replies; and the commander in one
JMeter engine with the devices in another (distributed mode, jmeter-server)."""
import re
import subprocess
import time

import pytest

from conftest import JMETER, PLANS, as_int, describe, ok, read_jtl, rows_by_label
from summarize import summarize
from engines import ENV, PROPS, RMI, Engine, running
from test_shutdown import _ended_soon, _finish, _nongui, _shutdown, _udp_port

PLAN = PLANS / "request_response.jmx"


def requests_and_answers(rows, loops):
    reqs = rows_by_label(rows, "MQTT Request")
    answers = rows_by_label(rows, "MQTT Responder")
    assert len(reqs) == loops, describe(rows)
    return reqs, answers


def total(rows, variable):
    return sum(as_int(r[variable]) for r in rows)


def witness(mosquitto, count):
    """The request and reply topics as they go over the wire."""
    return mosquitto.witness("reqresp_witness", ["devices/#", "replies/#"], count)


@pytest.mark.parametrize("version", ["3.1.1", "5.0"])
def test_every_request_is_answered_once_and_the_figures_add_up(build, mosquitto, start_jmeter, version):
    loops, per_sample, devices = 5, 10, 5
    sent = loops * per_sample
    sub = witness(mosquitto, 2 * sent)
    try:
        rows = start_jmeter(PLAN, dict(mosquitto.props, mqtt_version=version, loops=loops, per_sample=per_sample,
                                       devices=devices)).wait()
        seen, err = sub.communicate(timeout=60)
    finally:
        if sub.poll() is None:
            sub.kill()
    assert all(ok(r) for r in rows), describe(rows)
    reqs, answers = requests_and_answers(rows, loops)
    assert total(reqs, "MQTT_REQ_SENT") == sent and total(reqs, "SampleCount") == sent, describe(reqs)
    assert total(reqs, "MQTT_REQ_MATCHED") == sent, describe(reqs)
    for v in ("MQTT_REQ_TIMEOUTS", "MQTT_REQ_CHECK_FAILED", "MQTT_REQ_UNMATCHED", "MQTT_REQ_DUPLICATES",
              "MQTT_REQ_LATE"):
        assert total(reqs, v) == 0, (v, describe(reqs))
    for r in reqs:
        p50, p99, mx = (as_int(r[v]) for v in ("MQTT_REQ_RTT_P50_US", "MQTT_REQ_RTT_P99_US", "MQTT_REQ_RTT_MAX_US"))
        assert 0 < p50 <= p99 <= mx < 5_000_000, r
        assert re.match(r"Requests: 10 sent, 10 replied; round trip p50 [\d.]+ ms", r["responseMessage"]), r
    assert total(answers, "MQTT_RSP_ANSWERED") == sent, describe(answers)
    assert total(answers, "MQTT_RSP_UNANSWERABLE") == 0, describe(answers)
    q = summarize(rows)["requests"]
    assert (q["sent"], q["matched"], q["timeouts"], q["answered"], q["unanswerable"]) == (sent, sent, 0, sent, 0), q
    assert 0 < q["rtt_p50_us"] <= q["rtt_p99_us"] <= q["rtt_max_us"], q

    lines = seen.decode("utf-8", errors="replace").splitlines()
    assert len(lines) == 2 * sent, (lines, err)
    requests = [line.split(" ", 1) for line in lines if line.startswith("devices/")]
    replies = [line.split(" ", 1) for line in lines if line.startswith("replies/cmd_")]
    assert len(requests) == len(replies) == sent, lines
    assert {t for t, _ in requests} == {"devices/%d/req" % i for i in range(devices)}, requests
    if version == "5.0":
        # properties carry the reply topic and the id: the payloads are the plain ones
        assert all(p.startswith('{"command":"ping"') for _, p in requests), requests
        assert all(p.startswith('ok {"command":"ping"') for _, p in replies), replies
    else:
        ids = set()
        for topic, payload in requests:
            m = re.match(r'mqrq:([0-9a-f]{32}):(replies/cmd_\S+);\{"command":"ping","to":(\d),"n":\d+\}$', payload)
            assert m and topic == "devices/%s/req" % m.group(3), payload
            ids.add(m.group(1))
        assert len(ids) == sent, "one correlation id per request"
        answered = {re.match(r'mqrs:([0-9a-f]{32});ok \{"command"', p).group(1) for _, p in replies}
        assert answered == ids


def test_without_responders_every_request_times_out(build, mosquitto, run_jmeter):
    rows = run_jmeter(PLAN, dict(mosquitto.props, device_threads=0, cmd_delay=0, loops=2, per_sample=3,
                                 timeout=400))
    reqs = rows_by_label(rows, "MQTT Request")
    assert len(reqs) == 2 and not any(ok(r) for r in reqs), describe(rows)
    for r in reqs:
        assert r["responseCode"] == "501", r
        assert (as_int(r["MQTT_REQ_SENT"]), as_int(r["MQTT_REQ_MATCHED"]), as_int(r["MQTT_REQ_TIMEOUTS"])) == (3, 0, 3)
        assert r["responseMessage"].startswith("Requests: 3 sent, 0 replied; 3 timed out (no reply within 400 ms)"), r
        assert r["MQTT_REQ_RTT_P50_US"] == "", r


def test_a_failing_reply_check_fails_the_sample_naming_the_setting(build, mosquitto, run_jmeter):
    rows = run_jmeter(PLAN, dict(mosquitto.props, loops=2, per_sample=4, check="regex", check_value="^done"))
    reqs = rows_by_label(rows, "MQTT Request")
    assert len(reqs) == 2 and not any(ok(r) for r in reqs), describe(rows)
    for r in reqs:
        assert (as_int(r["MQTT_REQ_MATCHED"]), as_int(r["MQTT_REQ_CHECK_FAILED"])) == (4, 4), r
        assert "Check the reply (mqtt.reply_check): 4 of 4 replies failed, first 'ok {" in r["responseMessage"], r
        assert "does not match /^done/" in r["responseMessage"], r
    assert all(ok(r) for r in rows_by_label(rows, "MQTT Responder")), describe(rows)


@pytest.fixture
def split_engines(build, tmp_path):
    """Two jmeter-server engines: one runs only the commander, the other only the devices."""
    with running(Engine(tmp_path, "commander", ["-Jdevice_threads=0"]),
                 Engine(tmp_path, "devices", ["-Jcommander_threads=0"])) as started:
        yield started


def test_commander_and_devices_in_two_engines(split_engines, mosquitto, tmp_path):
    loops, per_sample = 4, 10
    jtl = tmp_path / "controller.jtl"
    remotes = ",".join("127.0.0.1:%d" % e.port for e in split_engines)
    cmd = [str(JMETER), "-n", "-t", str(PLAN), "-R", remotes, *RMI, "-q", str(PROPS),
           "-Gbroker.host=%s" % mosquitto.host, "-Gbroker.port=%d" % mosquitto.port, "-Gmqtt_version=5.0",
           "-Gloops=%d" % loops, "-Gper_sample=%d" % per_sample, "-Gcmd_delay=3000", "-Gresponder_loops=16",
           "-l", str(jtl), "-j", str(tmp_path / "controller.log")]
    out = subprocess.run(cmd, cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, timeout=300, env=ENV)
    assert out.returncode == 0 and jtl.is_file(), "%s\n%s" % (
        out.stdout.decode(errors="replace")[-3000:], "\n".join(e.log_tail() for e in split_engines))
    rows = read_jtl(jtl)
    assert rows and all(ok(r) for r in rows), describe(rows)
    reqs, answers = requests_and_answers(rows, loops)
    # each part ran in its own engine (a row's threadName starts with its engine's host:port)
    engine_of = {e.port: e.id for e in split_engines}

    def engines(rs):
        return {engine_of[int(re.match(r"127\.0\.0\.1:(\d+)", r["threadName"]).group(1))] for r in rs}
    assert engines(reqs) == {"commander"} and engines(answers) == {"devices"}, describe(rows)
    sent = loops * per_sample
    assert total(reqs, "MQTT_REQ_SENT") == total(reqs, "MQTT_REQ_MATCHED") == sent, describe(reqs)
    assert total(reqs, "MQTT_REQ_TIMEOUTS") == 0, describe(reqs)
    assert total(answers, "MQTT_RSP_ANSWERED") == sent, describe(answers)


def test_shutdown_ends_the_wait_for_replies(build, mosquitto, start_jmeter):
    """JMeter's Shutdown (the non-GUI UDP port, as shutdown.sh) ends a Request sample waiting a minute for replies
    that never come: within two seconds, its requests counted as unanswered (502)."""
    port = _udp_port()
    run = start_jmeter(PLAN, dict(mosquitto.props, device_threads=0, cmd_delay=0, loops=1, per_sample=3,
                                  timeout=60000, **_nongui(port)))
    # the request went out when the broker saw the reply topic subscribed and the commander publish
    mosquitto.wait_for_log(r"Received SUBSCRIBE from cmd_", timeout=120, proc=run.proc)
    time.sleep(1.5)
    shutdown_at = _shutdown(port)
    rows = _finish(run, shutdown_at)
    reqs = rows_by_label(rows, "MQTT Request")
    assert len(reqs) == 1, describe(rows)
    r = reqs[0]
    assert r["responseCode"] == "502" and not ok(r), describe([r])
    assert (as_int(r["MQTT_REQ_SENT"]), as_int(r["MQTT_REQ_TIMEOUTS"])) == (3, 3), describe([r])
    assert "3 unanswered when JMeter shutdown ended the wait" in r["responseMessage"], describe([r])
    _ended_soon(r, shutdown_at)
