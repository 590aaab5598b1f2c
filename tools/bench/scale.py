#!/usr/bin/env python3
"""Scale benchmark through JMeter's own distributed mode: ENGINES jmeter-server processes on loopback,
each its own JVM with its own open-files limit, driven by one `jmeter -n -R ...`; each engine opens
PER_ENGINE connections to a Mosquitto of its own (each Mosquitto is also one process under the same
20,000-file limit), holds them HOLD seconds with keep-alive traffic only (30 s keep-alive), then
disconnects. Prints per engine: connections held (counted by the kernel while they are held),
resident memory of the engine per connection, connect rate, errors; and the totals.

    python3 tools/bench/scale.py [ENGINES] [PER_ENGINE] [HOLD]     (make bench-scale: 6 x 17,000, 60 s)

The same machinery is what a user runs across real machines: one jmeter-server per machine.
"""
import csv
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, free_port  # noqa: E402

BIN = os.path.join(ROOT, "target", "jmeter", "bin")
PLAN = os.path.join(ROOT, "tools", "bench", "scale.jmx")
PROPS = os.path.join(ROOT, "mqttload.properties")
RMI = ["-Dserver.rmi.ssl.disable=true", "-Djava.rmi.server.hostname=127.0.0.1"]
PER_THREAD = 1000


def rss_kib(pid):
    """Resident memory of a process and its children (the launcher script execs or waits on java)."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in out]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def established(port):
    """Client connections to a local broker port, as the kernel counts them."""
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( dport = :{port} )"],
                         capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.strip())


def per_connection(peak_rss, base_rss, held):
    """KiB per connection: the engine's RSS while holding its connections less its RSS before the test
    (heap pre-touched, JMeter started), per connection held. An upper bound: the JVM's own growth during
    the test (classes loaded, JIT code, thread stacks) counts too. (What RSS falls by when the connections
    close is no measure: the allocator keeps freed memory for the next connections.)"""
    return (peak_rss - base_rss) / held if held else 0.0


def wait_port(port, proc, what, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"{what} exited")
            time.sleep(0.2)
    sys.exit(f"{what} not listening on {port}")


def main():
    engines = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    per_engine = int(sys.argv[2]) if len(sys.argv) > 2 else 17_000
    hold = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    threads = max(1, per_engine // PER_THREAD)
    per_thread = per_engine // threads
    per_engine = threads * per_thread
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by every broker and engine
    if not shutil.which("mosquitto") or not os.access(os.path.join(BIN, "jmeter-server"), os.X_OK):
        sys.exit("needs mosquitto and target/jmeter (make build)")
    procs = []
    with tempfile.TemporaryDirectory(prefix="mqttload-scale-") as d:
        try:
            brokers, servers = [], []
            for i in range(engines):
                port = free_port()
                conf = os.path.join(d, f"mosquitto-{i}.conf")
                with open(conf, "w") as f:
                    f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_connections -1\n"
                            "persistence false\nuser root\nlog_type error\n")
                p = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                procs.append(p)
                brokers.append((port, p))
            for port, p in brokers:
                wait_port(port, p, "mosquitto")
            # the heap resident from the start (pre-touched): RSS growth is then the connections, not G1 sizing
            env = dict(os.environ, HEAP="-Xms512m -Xmx512m -XX:+AlwaysPreTouch")
            for i, (bport, _) in enumerate(brokers):
                sport, lport = free_port(), free_port()
                wd = os.path.join(d, f"engine-{i}")
                os.mkdir(wd)
                cmd = [os.path.join(BIN, "jmeter-server"), f"-Dserver_port={sport}", f"-Dserver.rmi.localport={lport}",
                       *RMI, f"-Jengine.id={i}", "-Jbroker.host=127.0.0.1", f"-Jbroker.port={bport}", "-q", PROPS]
                out = open(os.path.join(wd, "stdout.txt"), "wb")
                p = subprocess.Popen(cmd, cwd=wd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     env=env)
                procs.append(p)
                servers.append((sport, p, wd))
            for sport, p, wd in servers:
                deadline = time.time() + 180
                while "Created remote object" not in open(os.path.join(wd, "stdout.txt"), errors="replace").read():
                    if p.poll() is not None or time.time() > deadline:
                        sys.exit(f"jmeter-server in {wd} did not start")
                    time.sleep(0.2)
            time.sleep(2)
            base_rss = [rss_kib(p.pid) for _, p, _ in servers]
            jtl = os.path.join(d, "scale.jtl")
            remotes = ",".join(f"127.0.0.1:{s}" for s, _, _ in servers)
            print(f"{engines} JMeter engines x {threads} threads x {per_thread:,} connections = "
                  f"{engines * per_engine:,}; hold {hold} s; {os.cpu_count()} cores; open files {hard} per process",
                  flush=True)
            controller = subprocess.Popen(
                [os.path.join(BIN, "jmeter"), "-n", "-t", PLAN, "-R", remotes, *RMI, "-q", PROPS,
                 f"-Gthreads={threads}", f"-Gper_thread={per_thread}", f"-Ghold_ms={hold * 1000}", "-Gkeep_alive=30",
                 "-l", jtl, "-j", os.path.join(d, "controller.log")],
                cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
            procs.append(controller)
            started = time.time()
            peak = [0] * engines
            at_end = [0] * engines
            peak_rss = [0] * engines
            # sample the kernel's count while the connections are held
            while controller.poll() is None:
                held = [established(bp) for bp, _ in brokers]
                elapsed = time.time() - started
                for i, h in enumerate(held):
                    if h >= peak[i]:
                        peak[i] = h
                    if h == per_engine:
                        peak_rss[i] = max(peak_rss[i], rss_kib(servers[i][1].pid))
                if elapsed < hold + 5:
                    at_end = held
                print(f"  {elapsed:5.0f} s  held {sum(held):,}", flush=True)
                time.sleep(2)
            time.sleep(5)  # the engines stay up after the test: what they hold now is without connections
            rows = list(csv.DictReader(open(jtl, newline=""))) if os.path.exists(jtl) else []
        finally:
            for p in reversed(procs):
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
    connects = [r for r in rows if r["label"].startswith("MQTT Connect e")]

    def rate(samples, count):
        if not samples:
            return 0
        first = min(int(r["timeStamp"]) for r in samples)
        last = max(int(r["timeStamp"]) + int(r["elapsed"]) for r in samples)
        return count / max(0.001, (last - first) / 1000)

    print()
    print("| engine | connections held | KiB RSS per connection (JVM growth included) | JVM RSS MiB idle / holding | connects/s | failed Connect samples |")
    print("|---|---|---|---|---|---|")
    for i in range(engines):
        mine = [r for r in connects if r["label"] == f"MQTT Connect e{i}"]
        kib = per_connection(peak_rss[i], base_rss[i], peak[i])
        bad = sum(1 for r in mine if r["success"] != "true")
        print(f"| {i} | {peak[i]:,} | {kib:.1f} | {base_rss[i] / 1024:.0f} / {peak_rss[i] / 1024:.0f} | "
              f"{rate(mine, per_engine):,.0f} | {bad} |")
    failed = [r["responseMessage"] for r in connects if r["success"] != "true"]
    print()
    print(f"held at once: {sum(peak):,} of {engines * per_engine:,} (at the end of the hold: {sum(at_end):,}); "
          f"connects/s over all engines {rate(connects, engines * per_engine):,.0f}; failed Connect samples "
          f"{len(failed)} of {len(connects)}")
    for m in failed[:5]:
        print(f"  failed: {m}")
    sys.exit(0 if sum(peak) == engines * per_engine and not failed else 1)


if __name__ == "__main__":
    main()
