#!/usr/bin/env python3
"""Per-sample cost through JMeter: JMeter's own floor against our samplers at one message per sample.

One JMeter thread runs N samples of one kind (tools/bench/per_sample.jmx):
  floor     a Java Request that does nothing (JMeter's own cost per sample: loop, listeners, JTL)
  pub qos0  MQTT Publish, one message per sample, QoS 0
  pub qos1  MQTT Publish, one message per sample, QoS 1 (the sample waits for PUBACK)
  sub       MQTT Subscribe, one message per sample (mosquitto_pub feeds the topic from outside JMeter)
Each kind runs at two sample counts; JVM start-up and warm-up cancel out in the difference, so
  CPU per sample = (CPU(N2) - CPU(N1)) / (N2 - N1)     (user + system CPU of the JMeter process)
  wall per sample = the same difference of the loop's wall time (first sample start to last sample end).
Same thread count, same JTL settings (tools/test/jmeter-test.properties) for every kind.
The broker is a tuned Mosquitto (no in-flight or queue limits), so it is not what limits.

    python3 tools/bench/per_sample.py [N2]      (make bench-per-sample; N1 = N2 / 5)
"""
import csv
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import JMETER, ROOT, start_mosquitto, subscribe_count, wait_for_subscribe  # noqa: E402

PLAN = os.path.join(ROOT, "tools", "bench", "per_sample.jmx")
PROPS = os.path.join(ROOT, "tools", "test", "jmeter-test.properties")
SUB_TOPIC = "mqttload/per-sample-in"  # what the Subscribe kind subscribes to (per_sample.jmx)
LABELS = {"floor": "Java Request (floor)", "pub": "MQTT Publish", "sub": "MQTT Subscribe"}


def feed(port, count, stop):
    """Publishes `count` QoS 0 messages on the subscriber's topic with mosquitto_pub -l."""
    p = subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", SUB_TOPIC,
                          "-q", "0", "-l"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    line = b"m\n" * 1000
    sent = 0
    try:
        while sent < count and not stop.is_set():
            p.stdin.write(line)
            sent += 1000
        p.stdin.close()
    except BrokenPipeError:
        pass
    p.wait()


def run(kind, qos, samples, port, workdir, broker_log, props=PROPS, tag=""):
    """(CPU seconds of the JMeter process, wall seconds of the samples) of one run; `props` is the -q file of
    result settings (None: JMeter's own defaults)."""
    tag = f"{kind}-q{qos}-{samples}{tag}"
    jtl = os.path.join(workdir, tag + ".jtl")
    cmd = [JMETER, "-n", "-t", PLAN, "-l", jtl, "-j", os.path.join(workdir, tag + ".log")]
    cmd += ["-q", props] if props else []
    cmd += ["-Jbroker.host=127.0.0.1", f"-Jbroker.port={port}", f"-J{kind}=1", f"-Jqos={qos}", f"-Jsamples={samples}"]
    before = subscribe_count(broker_log, SUB_TOPIC)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    stop = threading.Event()
    feeder = None
    if kind == "sub":
        # publish only once this run's subscriber is subscribed (the broker logs each SUBSCRIBE)
        wait_for_subscribe(broker_log, SUB_TOPIC, before, timeout=60)
        feeder = threading.Thread(target=feed, args=(port, samples + 1000, stop))
        feeder.start()
    _, status, usage = os.wait4(proc.pid, 0)
    stop.set()
    if feeder:
        feeder.join()
    if status != 0:
        sys.exit(f"jmeter failed for {tag}: status {status}")
    with open(jtl, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["label"] == LABELS[kind]]
    bad = [r["responseMessage"] for r in rows if r["success"] != "true"]
    if len(rows) != samples or bad:
        sys.exit(f"{tag}: {len(rows)} samples of {samples}, failures {bad[:3]}")
    start = min(int(r["timeStamp"]) for r in rows)
    end = max(int(r["timeStamp"]) + int(r["elapsed"]) for r in rows)
    return usage.ru_utime + usage.ru_stime, (end - start) / 1000.0


def main():
    n2 = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    n1 = max(1, n2 // 5)
    kinds = [("floor", 0), ("pub", 0), ("pub", 1), ("sub", 0)]
    with tempfile.TemporaryDirectory(prefix="mqttload-per-sample-") as workdir:
        broker, port = start_mosquitto(workdir, log_subscribes=True)
        broker_log = os.path.join(workdir, "mosquitto.log")
        try:
            results = {}
            for kind, qos in kinds:
                (c1, w1), (c2, w2) = (run(kind, qos, n, port, workdir, broker_log) for n in (n1, n2))
                results[(kind, qos)] = ((c2 - c1) / (n2 - n1) * 1e6, (w2 - w1) / (n2 - n1) * 1e6)
                print(f"  {kind} qos{qos}: {n1} samples {c1:.2f} s CPU {w1:.2f} s wall; "
                      f"{n2} samples {c2:.2f} s CPU {w2:.2f} s wall", flush=True)
        finally:
            broker.terminate()
            broker.wait()
    floor_cpu = results[("floor", 0)][0]
    print()
    print(f"per-sample cost, one JMeter thread, difference of {n1:,} and {n2:,} samples")
    print("| sampler | JMeter CPU µs/sample | above the floor | wall µs/sample | samples/s |")
    print("|---|---|---|---|---|")
    names = {("floor", 0): "Java Request (floor)", ("pub", 0): "Publish QoS 0, 1 msg", ("pub", 1): "Publish QoS 1, 1 msg",
             ("sub", 0): "Subscribe, 1 msg"}
    for key in kinds:
        cpu, wall = results[key]
        above = "-" if key == ("floor", 0) else f"{cpu - floor_cpu:.2f}"
        print(f"| {names[key]} | {cpu:.2f} | {above} | {wall:.2f} | {1e6 / wall:,.0f} |")
    q0_rate = 1e6 / results[("pub", 0)][1]
    print()
    print(f"QoS 0 at 1 message/sample: {q0_rate:,.0f} msg/s; JMeter CPU per 1,000 messages "
          f"{results[('pub', 0)][0]:.1f} ms, of which JMeter's floor {floor_cpu:.1f} ms "
          f"(side by side with the XMeter plugin: make bench-xmeter); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
