#!/usr/bin/env python3
"""Side-by-side throughput benchmark: the Rust engine alone, then the same load through JMeter.

Both runs use one Mosquitto started here (our test settings) and the same shape of load: one
publishing and one subscribing connection, 1,000 messages per publish sample, a 32-byte body with the
precise timestamp. Rate = messages received / (last receive - first publish). Each run's CPU is measured:
the load generator's (engine process, or the whole JMeter process) and the broker's, per 1,000 messages,
and how busy the machine's cores were, to show who is the bottleneck. Prints a table.

    python3 tools/bench/run.py [messages]     (make bench)
"""
import csv
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JMETER = os.path.join(ROOT, "target", "jmeter", "bin", "jmeter")
PLAN = os.path.join(ROOT, "tools", "bench", "throughput.jmx")
# the engine alone; MQTTLOAD_BENCH_ENGINE names another build of it (the smoke tests use a debug one)
ENGINE = os.environ.get("MQTTLOAD_BENCH_ENGINE") or os.path.join(ROOT, "target", "release", "mqttload-bench")
PER_SAMPLE = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mosquitto(workdir, log_subscribes=False):
    port = free_port()
    conf = os.path.join(workdir, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"
                "max_queued_messages 0\nmax_inflight_messages 0\npersistence false\nuser root\n")
        if log_subscribes:
            f.write(f"log_dest file {os.path.join(workdir, 'mosquitto.log')}\nlog_type subscribe\n")
    proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("mosquitto did not start")


def subscribe_count(broker_log, topic):
    """SUBSCRIBEs to `topic` the broker has logged so far (a broker from start_mosquitto(log_subscribes=True))."""
    with open(broker_log) as f:
        return f.read().count(" " + topic + "\n")


def wait_for_subscribe(broker_log, topic, before, timeout=30):
    """Waits until the broker has logged a SUBSCRIBE to `topic` beyond the `before` it had; False on timeout."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if subscribe_count(broker_log, topic) > before:
            return True
        time.sleep(0.02)
    return False


def stat_cpu(stat_path):
    """(name, user + system CPU seconds so far) of a process or thread, from its /proc .../stat file."""
    with open(stat_path) as f:
        head, rest = f.read().rsplit(")", 1)
    fields = rest.split()
    return head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def broker_cpu(pid):
    """User + system CPU seconds a process has used so far."""
    return stat_cpu(f"/proc/{pid}/stat")[1]


def engine(port, messages, qos, broker_pid):
    env = dict(os.environ, MQTT_BROKER=f"127.0.0.1:{port}", QOS=str(qos))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0, t0 = broker_cpu(broker_pid), time.time()
    out = subprocess.run([ENGINE, str(messages)], env=env, capture_output=True, text=True, timeout=600)
    wall, after = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rate = None
    for line in out.stdout.splitlines():
        if line.startswith("engine qos"):
            print("  " + line)
            if "msg/s" in line:
                rate = float(line.split(":")[1].split("msg/s")[0])
    return rate, cpu, broker_cpu(broker_pid) - b0, wall


def thread_cpu(pid):
    """CPU seconds so far of every thread of a process, by thread id: (name, seconds)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            out[tid] = stat_cpu(f"/proc/{pid}/task/{tid}/stat")
        except (OSError, IndexError, ValueError):
            pass
    return out


def thread_kind(name):
    """The part of the JMeter process a thread belongs to, by its name."""
    if name.startswith("mqttload-io"):
        return "engine (mqttload-io)"
    if "Compiler" in name or name.startswith("C1 ") or name.startswith("C2 "):
        return "JIT compiler"
    if name.startswith("GC ") or name.startswith("G1 ") or "GC" in name:
        return "garbage collector"
    if name.startswith(("Subscriber ", "Publisher ")):
        return "JMeter sampler threads"
    return "JVM start, JMeter and the rest"


def cpu_by_kind(snapshots):
    totals = {}
    for name, secs in snapshots.values():
        kind = thread_kind(name)
        totals[kind] = totals.get(kind, 0.0) + secs
    return totals


def jmeter(port, qos, messages, workdir, extra=(), name=""):
    """extra: more JMeter arguments (e.g. -J properties); name: tells this run's files apart."""
    jtl = os.path.join(workdir, f"bench-qos{qos}{name}.jtl")
    bursts = max(1, messages // PER_SAMPLE)
    cmd = [JMETER, "-n", "-t", PLAN, "-l", jtl, "-j", os.path.join(workdir, f"jmeter-qos{qos}{name}.log"),
           "-q", os.path.join(ROOT, "tools", "test", "jmeter-test.properties"),
           "-Jbroker.host=127.0.0.1", f"-Jbroker.port={port}", f"-Jqos={qos}",
           f"-Jbursts={bursts}", f"-Jmessages_per_sample={PER_SAMPLE}", f"-Jtotal={bursts * PER_SAMPLE}",
           *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    # the JVM's threads' CPU, polled: a thread that ended keeps its last figure
    # JMeter's bin/jmeter execs java: the launcher's pid is the JVM's
    seen, deadline = {}, time.time() + 900
    while proc.poll() is None and time.time() < deadline:
        seen.update(thread_cpu(proc.pid))
        time.sleep(0.2)
    if proc.poll() is None:
        proc.kill()
    if proc.wait() != 0:
        return None, f"jmeter exited with {proc.returncode}", {}
    with open(jtl, newline="") as f:
        rows = list(csv.DictReader(f))
    pubs = [r for r in rows if r["label"] == "MQTT Publish"]
    subs = [r for r in rows if r["label"] == "MQTT Subscribe"]
    if not pubs or not subs or not all(r["success"] == "true" for r in rows):
        bad = [r["responseMessage"] for r in rows if r["success"] != "true"]
        return None, f"failed: {bad[:3]}", {}
    received = sum(int(r["MQTT_SUB_RECEIVED"] or 0) for r in subs)
    first_pub = min(int(r["timeStamp"]) for r in pubs)
    last_recv = max(int(r["timeStamp"]) + int(r["elapsed"]) for r in subs)
    seconds = max(0.001, (last_recv - first_pub) / 1000.0)
    p50 = subs[-1].get("MQTT_SUB_P50_US")
    p99 = subs[-1].get("MQTT_SUB_P99_US")
    return (received / seconds, f"{received} messages in {seconds:.2f} s; latency p50 {p50} us, p99 {p99} us",
            cpu_by_kind(seen))


def main():
    # a million: shorter runs measure the JVM's JIT compiler warming up on the same two cores (200,000
    # messages: about 2 s of JIT CPU inside a 5-s measurement, QoS 1 through JMeter 0.81 of the engine)
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    for path in (ENGINE, JMETER):
        if not os.path.exists(path):
            sys.exit(f"{path} missing: run `make build` and `cargo build --release -p mqttload-testkit --bin mqttload-bench`")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="mqttload-bench-") as workdir:
        proc, port = start_mosquitto(workdir)
        try:
            print(f"broker: mosquitto on 127.0.0.1:{port}; {messages} messages per run; machine: {cores} cores")
            results = {}
            threads = {}
            for qos in (0, 1):
                results[("engine", qos)] = engine(port, messages, qos, proc.pid)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                b0, t0 = broker_cpu(proc.pid), time.time()
                rate, detail, kinds = jmeter(port, qos, messages, workdir)
                threads[qos] = kinds
                wall, after = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                results[("jmeter", qos)] = (rate, cpu, broker_cpu(proc.pid) - b0, wall)
                print(f"  jmeter qos{qos}: " + (f"{rate:>9.0f} msg/s publish->subscribe ({detail})" if rate else detail))
            print()
            print("| QoS | engine alone (msg/s) | through JMeter (msg/s) | JMeter / engine |")
            print("|---|---|---|---|")
            for qos in (0, 1):
                e, j = results[("engine", qos)][0], results[("jmeter", qos)][0]
                ratio = f"{j / e:.2f}" if e and j else "n/a"
                print(f"| {qos} | {e:,.0f} | {j:,.0f} | {ratio} |" if e and j else f"| {qos} | {e} | {j} | n/a |")
            print()
            print("CPU per 1,000 messages (ms; the load generator's whole process, JVM start included for JMeter) and how")
            print("busy both cores were over the run (load generator + broker CPU / wall / cores):")
            print("| QoS | run | load generator | broker | cores busy |")
            print("|---|---|---|---|---|")
            for qos in (0, 1):
                for kind in ("engine", "jmeter"):
                    _, cpu, bcpu, wall = results[(kind, qos)]
                    busy = (cpu + bcpu) / wall / cores * 100 if wall else 0
                    print(f"| {qos} | {kind} | {cpu / messages * 1e6:.1f} | {bcpu / messages * 1e6:.1f} | {busy:.0f} % |")
            print()
            print("Where the JMeter process's CPU went (ms per 1,000 messages, by thread, polled every 0.2 s):")
            kinds = sorted({k for t in threads.values() for k in t})
            print("| QoS | " + " | ".join(kinds) + " |")
            print("|---|" + "---|" * len(kinds))
            for qos, t in sorted(threads.items()):
                print(f"| {qos} | " + " | ".join(f"{t.get(k, 0) / messages * 1e6:.1f}" for k in kinds) + " |")
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
