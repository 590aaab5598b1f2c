"""Distributed mode: two JMeter server engines (bin/jmeter-server) on loopback and a
controller running examples/distributed.jmx on both with -R. Each engine publishes on its own topic
(engine.id differs per server), so its subscriber must get exactly its own publisher's messages; a
mosquitto_sub witness counts each topic, and the controller's JTL (results come back over RMI) must add up
per engine and in total."""
import os
import re
import subprocess
from collections import Counter

import pytest

from conftest import EXAMPLES, JMETER, as_int, describe, ok, read_jtl, rows_by_label
from engines import ENV, PROPS, RMI, Engine, running
from summarize import summarize  # tools/for-users/summarize.py, on the path through conftest

ENGINES = ("a", "b")
BATCHES, PER_BATCH = 3, 200


@pytest.fixture
def engines(build, tmp_path):
    with running(*(Engine(tmp_path, e) for e in ENGINES)) as started:
        yield started


def test_the_launcher_scripts_of_the_distribution_are_there(build):
    for name in ("jmeter", "jmeter.sh", "jmeter-server", "shutdown.sh", "stoptest.sh", "create-rmi-keystore.sh",
                 "mirror-server", "mirror-server.sh"):
        assert os.access(JMETER.parent / name, os.X_OK), name
    ext = {p.name for p in (JMETER.parent.parent / "lib" / "ext").glob("ApacheJMeter_*.jar")}
    for module in ("core", "components", "functions", "java", "http", "tcp", "jdbc", "jms", "ftp", "ldap",
                   "mail", "junit", "bolt", "mongodb", "native"):
        assert "ApacheJMeter_%s.jar" % module in ext, module


def test_two_engines_each_publish_on_their_own_topic_and_the_jtl_adds_up(engines, mosquitto, tmp_path):
    per_engine = BATCHES * PER_BATCH
    topics = {e.id: "mqttload/dist/%s" % e.id for e in engines}
    # the witness: every message of every engine's topic, plus one end marker per publisher
    witness = mosquitto.witness("dist_witness", "mqttload/dist/#", len(engines) * (per_engine + 1), wait_s=180)
    try:
        jtl = tmp_path / "controller.jtl"
        remotes = ",".join("127.0.0.1:%d" % e.port for e in engines)
        cmd = [str(JMETER), "-n", "-t", str(EXAMPLES / "distributed.jmx"), "-R", remotes, *RMI,
               "-q", str(PROPS), "-Gbroker.host=%s" % mosquitto.host, "-Gbroker.port=%d" % mosquitto.port,
               "-Gbatches=%d" % BATCHES, "-Gper_batch=%d" % PER_BATCH, "-Gpub_delay=1500",
               "-l", str(jtl), "-j", str(tmp_path / "controller.log")]
        out = subprocess.run(cmd, cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=300, env=ENV)
        assert out.returncode == 0 and jtl.is_file(), "%s\n%s" % (
            out.stdout.decode(errors="replace")[-3000:], "\n".join(e.log_tail() for e in engines))
        seen, _ = witness.communicate(timeout=120)
    finally:
        if witness.poll() is None:
            witness.kill()
            witness.wait()

    counts = Counter()
    for line in seen.decode(errors="replace").splitlines():
        topic, _, payload = line.partition(" ")
        if ":end;" not in payload:  # an end marker, not a message
            counts[topic] += 1
    assert counts == Counter({t: per_engine for t in topics.values()}), counts

    rows = read_jtl(jtl)
    assert rows and all(ok(r) for r in rows), describe(rows)
    for e in engines:
        subs = rows_by_label(rows, "MQTT Subscribe %s" % e.id)
        pubs = rows_by_label(rows, "MQTT Publish %s" % e.id)
        assert len(subs) == BATCHES and len(pubs) == BATCHES, describe(rows)
        assert sum(as_int(r["MQTT_SUB_RECEIVED"]) for r in subs) == per_engine, describe(subs)
        assert sum(as_int(r["SampleCount"]) for r in pubs) == per_engine, describe(pubs)
        assert as_int(subs[-1]["MQTT_SUB_LOST_TOTAL"]) == 0, describe(subs)
        disc = [r for r in rows_by_label(rows, "MQTT Disconnect %s" % e.id) if "end marker" in r["responseMessage"]]
        assert len(disc) == 1 and "sent 1 end marker(s)" in disc[0]["responseMessage"], describe(rows)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"]) for r in rows if re.match(r"Received \d+", r["responseMessage"]))
    assert received == len(engines) * per_engine


SKEW_MS = 250


@pytest.fixture
def skewed_engines(build, tmp_path):
    """Engine a is the clock reference; engine b's clock is shifted SKEW_MS ahead (test only)."""
    with running(Engine(tmp_path, "a", ["-Jclock=reference"]),
                 Engine(tmp_path, "b", ["-Jclock=on", "-Jmqttload.clock.test_skew_ms=%d" % SKEW_MS])) as started:
        yield started


def test_clock_offsets_recover_a_known_skew_and_correct_latency_across_engines(skewed_engines, mosquitto, tmp_path):
    """Each engine subscribes to both engines' topics, so every subscriber reads the other engine's messages, stamped
    by the other clock. Engine b's offset against a must be the skew within the uncertainty the probes measured,
    and with correction on the latency of a's messages at b (and b's at a) must not carry the skew."""
    engines = skewed_engines
    per_engine = BATCHES * PER_BATCH
    jtl = tmp_path / "controller.jtl"
    remotes = ",".join("127.0.0.1:%d" % e.port for e in engines)
    cmd = [str(JMETER), "-n", "-t", str(EXAMPLES / "distributed.jmx"), "-R", remotes, *RMI,
           "-q", str(PROPS), "-Gbroker.host=%s" % mosquitto.host, "-Gbroker.port=%d" % mosquitto.port,
           "-Gbatches=%d" % BATCHES, "-Gper_batch=%d" % PER_BATCH, "-Gsub_topic=mqttload/dist/+",
           "-Gsub_per_batch=%d" % (2 * PER_BATCH), "-Gpub_delay=4000", "-Gclock_period=2",
           "-Gclock_correct=true", "-Gclock_run=test-%d" % os.getpid(),
           "-l", str(jtl), "-j", str(tmp_path / "controller.log")]
    out = subprocess.run(cmd, cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, timeout=300,
                         env=ENV)
    assert out.returncode == 0 and jtl.is_file(), "%s\n%s" % (
        out.stdout.decode(errors="replace")[-3000:], "\n".join(e.log_tail() for e in engines))
    rows = read_jtl(jtl)
    assert rows and all(ok(r) for r in rows), describe(rows)
    subs = {e.id: rows_by_label(rows, "MQTT Subscribe %s" % e.id) for e in engines}
    for e in engines:
        # both engines' messages, every one counted once: the probes are not load
        assert sum(as_int(r["MQTT_SUB_RECEIVED"]) for r in subs[e.id]) == 2 * per_engine, describe(subs[e.id])
    a, b = subs["a"][-1], subs["b"][-1]
    assert (as_int(a["MQTT_CLOCK_OFFSET_US"]), as_int(a["MQTT_CLOCK_UNCERTAINTY_US"])) == (0, 0), describe([a])
    offset, uncertainty = as_int(b["MQTT_CLOCK_OFFSET_US"]), as_int(b["MQTT_CLOCK_UNCERTAINTY_US"])
    print("\nengine b: skew %d ms, measured offset %+.3f ms, uncertainty %.3f ms (off by %.3f ms)" % (
        SKEW_MS, offset / 1000, uncertainty / 1000, (offset - SKEW_MS * 1000) / 1000))
    # a whole number of µs either way: at most 1 µs of rounding
    assert abs(offset - SKEW_MS * 1000) <= uncertainty + 1, (offset, uncertainty)
    assert uncertainty < 50_000, uncertainty
    for e in engines:
        # every message of the other engine was corrected (its publishing starts after the first estimates), and no
        # batch carries the skew: uncorrected, a batch at b of a's messages would read over 250 ms, one at a of b's 0
        assert sum(as_int(r["MQTT_CLOCK_CORRECTED"]) for r in subs[e.id]) == per_engine, describe(subs[e.id])
        means = [as_int(r["MQTT_SUB_MEAN_US"]) for r in subs[e.id]]
        assert all(0 < m < 100_000 for m in means), means
    # summarize.py: one clock line per engine
    clock = summarize(rows)["clock"]
    assert len(clock) == 2, clock
    assert sorted(c["offset_us"] for c in clock.values())[0] == 0, clock
    # the reference's log names it, and the skewed engine's says what it measured
    logs = {e.id: (e.dir / "jmeter-server.log").read_text(errors="replace") for e in engines}
    assert "is the reference of run" in logs["a"], logs["a"][-2000:]
    assert "TEST ONLY" in logs["b"] and "from the reference engine" in logs["b"], logs["b"][-2000:]
