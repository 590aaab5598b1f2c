"""A load generator lost in distributed mode (tests/plans/lost_engine.jmx): two jmeter-server engines on loopback,
engine a publishing (precise timestamps, end markers), engine b publishing and subscribing to every engine's topic.
Engine a's jmeter-server is killed with SIGKILL while it publishes, as a crashed or OOM-killed machine would be.

What JMeter does then (JMeter 5.6.3, read in its source: JMeter.ListenToTest, ClientJMeterEngine, BatchSampleSender):
the controller counts the engines it started and ends a distributed run when each has called testEnded(host) on it
("Finished remote host: ..." in its log); nothing watches whether an engine is still alive, so a killed engine's
call never comes and the controller waits for ever, after the surviving engine has finished and sent its results. Its
Stop and Shutdown commands (stoptest.sh, shutdown.sh) do not help: they ask every engine to stop, the dead one's
refusal is logged (java.rmi.ConnectException) and the count still misses it. What ends it is SIGTERM (kill, Ctrl+C):
the JVM's shutdown hooks run and JMeter's result collector closes the JTL. Results come back in batches (the default
mode=StrippedBatch): an engine's first sample goes at once (the batch timer, a transient field, starts at 0 on the
server), the rest every 100 samples or with the first sample after 60 s; what a killed engine had not sent yet dies
with it: here all of engine a's but its first. Checked here: the controller still waits GRACE_S after the survivor
finished, then ends on SIGTERM with the survivor's results whole and engine a's first sample only.

The subscriber in engine b names engine a's streams as stopped (by a's engine tag, with what of them arrived), apart
from loss by the broker, which stays 0, and tools/for-users/summarize.py says so."""
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

import summarize
from conftest import JMETER, PLANS, REPO, as_int, describe, ok, read_jtl, rows_by_label
from engines import ENV, PROPS, RMI, Engine, running

PLAN = PLANS / "lost_engine.jmx"
PUB_CONNECTIONS, INTERVAL_MS, DURATION_MS = 5, 100, 15000
PER_ENGINE = PUB_CONNECTIONS * DURATION_MS // INTERVAL_MS
SUB_BATCHES = 26
# the publishers wait this long after connecting: a cold engine's first Subscribe sample (its subscription) can take
# 2 s to start, and what a stream sent before it is not this subscriber's
PUB_DELAY_MS = 5000
# how long the controller is watched still waiting for the dead engine once the survivor has finished
GRACE_S = 10
PRECISE = re.compile(r"^(mqttload/lost/\w+) mqlt:([0-9a-f]{16}):(\d+):\d+;")


@pytest.fixture
def lost_engines(build, tmp_path):
    with running(Engine(tmp_path, "a", ["-Jsubscribers=0"]), Engine(tmp_path, "b", ["-Jsubscribers=1"])) as started:
        yield started


def alive(port):
    """Whether a process of this machine is the jmeter-server of that registry port (the launcher scripts exec
    java, so the process started is the JVM itself; this makes sure of it)."""
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if b"-Dserver_port=%d\0" % port in f.read():
                    return True
        except OSError:
            continue
    return False


def wait_for(path, text, timeout, proc):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if path.is_file() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    pytest.fail("%s never said %r" % (path, text))


def test_a_killed_engine_is_named_by_the_subscribers_and_the_survivor_is_intact(lost_engines, mosquitto, tmp_path):
    a, b = lost_engines
    # the witness: what the broker delivered of each engine's topic, and engine a's publisher ids, into a file (it
    # runs until terminated)
    witness_out = open(tmp_path / "witness.txt", "wb")
    witness = mosquitto.witness("lost_witness", "mqttload/lost/#", wait_s=240, out=witness_out)
    controller = None
    try:
        jtl, log = tmp_path / "controller.jtl", tmp_path / "controller.log"
        cmd = [str(JMETER), "-n", "-t", str(PLAN), "-R", "127.0.0.1:%d,127.0.0.1:%d" % (a.port, b.port), *RMI,
               "-q", str(PROPS), "-Gbroker.host=%s" % mosquitto.host, "-Gbroker.port=%d" % mosquitto.port,
               "-Gpub_connections=%d" % PUB_CONNECTIONS, "-Ginterval_ms=%d" % INTERVAL_MS,
               "-Gduration_ms=%d" % DURATION_MS, "-Gsub_batches=%d" % SUB_BATCHES, "-Gpub_delay=%d" % PUB_DELAY_MS,
               "-l", str(jtl), "-j", str(log)]
        with open(tmp_path / "controller.out", "wb") as out:
            controller = subprocess.Popen(cmd, cwd=str(tmp_path), stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, env=ENV)
        mosquitto.wait_for_log(r"Received PUBLISH from pub_a_", timeout=180, proc=controller)
        time.sleep(3)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(timeout=30)
        assert not alive(a.port)

        wait_for(log, "Finished remote host: 127.0.0.1:%d" % b.port, 180, controller)
        time.sleep(GRACE_S)
        # JMeter's own behaviour: still waiting for the engine that will never say its test ended
        assert controller.poll() is None, (tmp_path / "controller.out").read_text()
        assert "Finished remote host: 127.0.0.1:%d" % a.port not in log.read_text()
        controller.send_signal(signal.SIGTERM)
        rc = controller.wait(timeout=60)
    finally:
        if controller and controller.poll() is None:
            controller.kill()
            controller.wait()
        witness.terminate()
        witness.wait(timeout=30)
        witness_out.close()
    seen = (tmp_path / "witness.txt").read_bytes()
    assert rc != 0 and jtl.is_file(), rc

    delivered, a_ids = Counter(), set()
    for line in seen.decode(errors="replace").splitlines():
        m = PRECISE.match(line)
        if m:
            delivered[m.group(1)] += 1
            if m.group(1).endswith("/a"):
                a_ids.add(m.group(2))
    a_tag = {i[:6] for i in a_ids}
    assert len(a_ids) == PUB_CONNECTIONS and len(a_tag) == 1, a_ids
    a_tag = a_tag.pop()
    # engine a died mid-schedule: some of its messages went out, not all
    assert 0 < delivered["mqttload/lost/a"] < PER_ENGINE, delivered
    assert delivered["mqttload/lost/b"] == PER_ENGINE, delivered

    # the survivor's figures are whole: its publisher sent everything and said so, its subscriber's batches are all
    # in the JTL (the controller's SIGTERM flushed it)
    rows = read_jtl(jtl)
    pub = rows_by_label(rows, "Publish b")
    assert len(pub) == 1 and ok(pub[0]), describe(rows)
    assert as_int(pub[0]["MQTT_PUB_SENT"]) == as_int(pub[0]["MQTT_PUB_INTENDED"]) == PER_ENGINE, describe(pub)
    disc = rows_by_label(rows, "Disconnect publisher b")
    assert disc and "sent %d end marker(s)" % PUB_CONNECTIONS in disc[0]["responseMessage"], describe(rows)
    subs = rows_by_label(rows, "Subscribe b")
    assert len(subs) == SUB_BATCHES and all(ok(r) for r in subs), describe(subs)
    assert rows_by_label(rows, "Disconnect subscriber b"), describe(rows)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert received == delivered["mqttload/lost/a"] + PER_ENGINE, (received, delivered)
    # nothing is blamed on the broker: no loss in b's streams nor in gaps of a's
    assert as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 0, describe(subs[-1:])
    assert not (subs[-1]["MQTT_SUB_SHORTFALL"] or "").strip(), describe(subs[-1:])
    # ... and engine a's streams are named, with what of them arrived
    said = "stopped: %d publisher stream(s) of engine %s sent nothing for" % (PUB_CONNECTIONS, a_tag)
    assert said in subs[-1]["responseMessage"], describe(subs[-1:])
    assert "%d of their messages received, 0 missing in gaps" % delivered["mqttload/lost/a"] \
        in subs[-1]["responseMessage"], describe(subs[-1:])
    # the engine said its tag in its log, so the tag leads to the machine
    assert re.search(r"publisher ids carry its engine tag.*tag=%s" % a_tag,
                     (a.dir / "jmeter-server.log").read_text(errors="replace")), a.log_tail()

    # JMeter's batching: an engine's first sample goes at once, the rest every 100 samples or at the first after
    # 60 s; engine a held all but its first when it died
    a_rows = [r for r in rows if r.get("threadName", "").startswith("127.0.0.1:%d-" % a.port)]
    assert [r["label"] for r in a_rows] == ["Connect publisher a"], describe(a_rows)

    s = summarize.summarize(rows)
    assert s["sub_lost"] == 0, s
    assert len(s["sub_stopped"]) == 1 and said in s["sub_stopped"][0], s["sub_stopped"]
    out = subprocess.run([sys.executable, str(REPO / "tools" / "for-users" / "summarize.py"), str(jtl)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "streams that stopped (not loss: no end marker came): " in out.stdout and said in out.stdout, out.stdout
    assert re.search(r"lost 0 \(of which \S+ after", out.stdout), out.stdout
    # ... and engine a's results end long before the run's
    lost = [e for e, v in s["engines"].items() if v["behind_s"] is not None]
    assert lost == ["127.0.0.1:%d" % a.port], s["engines"]
    assert "engines      127.0.0.1:%d: its results end" % a.port in out.stdout, out.stdout


def test_summarize_names_an_engine_whose_results_end_early():
    """An engine that died later in a long run had sent its earlier batches: its results end well before the
    others' (summarize.engines), which summarize.py names; a run on one engine names none."""
    def row(engine, start_s, label="Subscribe"):
        return {"threadName": "%s-Subscriber 1-1" % engine, "timeStamp": str(1_700_000_000_000 + start_s * 1000),
                "elapsed": "1000", "label": label, "success": "true"}
    rows = [row("10.0.0.5:1099", t) for t in range(0, 120)] + [row("10.0.0.6:1099", t) for t in range(0, 40)]
    e = summarize.engines(rows)
    assert e["10.0.0.5:1099"]["behind_s"] is None and e["10.0.0.5:1099"]["samples"] == 120, e
    assert e["10.0.0.6:1099"]["behind_s"] == 80.0 and e["10.0.0.6:1099"]["samples"] == 40, e
    # engines that end within ENGINE_BEHIND_MS of each other both finished the run
    assert all(v["behind_s"] is None for v in summarize.engines(rows[:120] + [row("10.0.0.6:1099", 110)]).values())
    assert all(v["behind_s"] is None for v in summarize.engines(rows[:120]).values())
    # a local run's thread names carry no engine
    assert summarize.engines([{"threadName": "Subscriber 1-1", "timeStamp": "1", "elapsed": "1"}]) == {}
