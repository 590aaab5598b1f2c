#!/usr/bin/env python3
"""Scale benchmark through JMeter's own distributed mode: ENGINES jmeter-server processes on loopback,
each its own JVM with its own open-files limit, driven by one `jmeter -n -R ...`; each engine opens
PER_ENGINE connections to a Mosquitto of its own (each Mosquitto is also one process under the same
20,000-file limit), holds them HOLD seconds with keep-alive traffic only (30 s keep-alive), then
disconnects; each engine's connections come from two loopback addresses of its own (127.0.1.2-127.0.1.3, ...,
`mqtt.bind_address`). Prints per engine: connections held (counted by the kernel while they are held),
resident memory of the engine and of its broker per connection, connect rate, errors; the totals; and the
CPU the engines and the brokers used while every connection was held (keep-alive only).

    python3 tools/bench/scale.py [ENGINES] [PER_ENGINE] [HOLD]     (make bench-scale: 6 x 17,000, 60 s)
    python3 tools/bench/scale.py --count COUNT [HOLD]              (make bench-scale COUNT=400000: as many
                                                                    engines of at most 17,000 as COUNT needs)

SCALE_RATE (connects per second over all engines; default: all at once with 6 engines or fewer, 2,000/s
with more) paces the connects: 24 engines and 24 brokers starting 400,000 connections at once on 2 cores
starved the brokers for so long that they dropped clients whose keep-alive they did not see in time.

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
from run import ROOT, broker_cpu, free_port  # noqa: E402

BIN = os.path.join(ROOT, "target", "jmeter", "bin")
PLAN = os.path.join(ROOT, "tools", "bench", "scale.jmx")
PROPS = os.path.join(ROOT, "mqttload.properties")
RMI = ["-Dserver.rmi.ssl.disable=true", "-Djava.rmi.server.hostname=127.0.0.1"]
PER_THREAD = 1000
# what one engine holds at most: its connections and the JVM's own files stay under 20,000 open files
MAX_PER_ENGINE = 17_000


def with_children(pid):
    """A process and its children (the launcher script execs or waits on java)."""
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in out]
    except OSError:
        pass
    return pids


def cpu_s(pids):
    """User + system CPU seconds the processes have used so far."""
    total = 0.0
    for p in pids:
        try:
            total += broker_cpu(p)
        except OSError:
            pass
    return total


def rss_kib(pid):
    """Resident memory of a process and its children."""
    total = 0
    for p in with_children(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def established(ports):
    """Client connections to each local broker port, as the kernel counts them (one pass over the sockets:
    at 400,000 connections a pass per port took longer than the hold's sampling interval)."""
    brokers = {f"127.0.0.1:{p}": p for p in ports}
    counts = dict.fromkeys(ports, 0)
    with subprocess.Popen(["ss", "-Htn", "state", "established"], stdout=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            fields = line.split()
            # the client's end: a broker as its peer (the broker's own end has it as its local address; a client
            # bound to another source address may have a broker's port number as its own)
            if len(fields) >= 4 and fields[3] in brokers and fields[2] not in brokers:
                counts[brokers[fields[3]]] += 1
    return [counts[p] for p in ports]


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


def shape(args):
    """(engines, threads per engine, connections per thread, hold seconds) from the command line."""
    if args and args[0] == "--count":
        count = int(args[1])
        hold = int(args[2]) if len(args) > 2 else 300
        engines = -(-count // MAX_PER_ENGINE)
        per_engine = -(-count // engines)
    else:
        engines = int(args[0]) if args else 6
        per_engine = int(args[1]) if len(args) > 1 else MAX_PER_ENGINE
        hold = int(args[2]) if len(args) > 2 else 60
    threads = max(1, per_engine // PER_THREAD)
    per_thread = -(-per_engine // threads)
    return engines, threads, per_thread, hold


def main():
    engines, threads, per_thread, hold = shape(sys.argv[1:])
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
            # (256 MiB when there are many: the connections live outside the heap, and 24 engines of 512 MiB
            # would take half this machine's memory before holding anything)
            heap = "512m" if engines <= 8 else "256m"
            env = dict(os.environ, HEAP=f"-Xms{heap} -Xmx{heap} -XX:+AlwaysPreTouch")
            for i, (bport, _) in enumerate(brokers):
                sport, lport = free_port(), free_port()
                wd = os.path.join(d, f"engine-{i}")
                os.mkdir(wd)
                # source addresses of its own, two: Linux looks for a free ephemeral port among the even (connect)
                # or odd (bind) ones first, about 14,000, and once one source address holds more connections to
                # one broker than that, every further connect scans them all (from one address, 24 engines'
                # connects took both cores from 330,000 on)
                first = 1 + 2 * i
                sources = f"127.0.{1 + first // 250}.{1 + first % 250}-127.0.{1 + first // 250}.{2 + first % 250}"
                cmd = [os.path.join(BIN, "jmeter-server"), f"-Dserver_port={sport}", f"-Dserver.rmi.localport={lport}",
                       *RMI, f"-Jengine.id={i}", "-Jbroker.host=127.0.0.1", f"-Jbroker.port={bport}",
                       f"-Jbind_address={sources}", "-q", PROPS]
                out = open(os.path.join(wd, "stdout.txt"), "wb")
                p = subprocess.Popen(cmd, cwd=wd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     env=env)
                procs.append(p)
                servers.append((sport, p, wd))
            for sport, p, wd in servers:
                deadline = time.time() + 180
                while "Created remote object" not in open(os.path.join(wd, "stdout.txt"), errors="replace").read():
                    if p.poll() is not None or time.time() > deadline:
                        tail = open(os.path.join(wd, "stdout.txt"), errors="replace").read()[-1500:]
                        sys.exit(f"jmeter-server in {wd} did not start:\n{tail}")
                    time.sleep(0.2)
            time.sleep(2)
            base_rss = [rss_kib(p.pid) for _, p, _ in servers]
            broker_base = [rss_kib(p.pid) for _, p in brokers]
            engine_pids = [q for _, p, _ in servers for q in with_children(p.pid)]
            broker_pids = [p.pid for _, p in brokers]
            jtl = os.path.join(d, "scale.jtl")
            remotes = ",".join(f"127.0.0.1:{s}" for s, _, _ in servers)
            print(f"{engines} JMeter engines x {threads} threads x {per_thread:,} connections = "
                  f"{engines * per_engine:,}; hold {hold} s; {os.cpu_count()} cores; open files {hard} per process; "
                  f"engine heap {heap}", flush=True)
            total_rate = float(os.environ.get("SCALE_RATE") or (2000 if engines > 6 else 0))
            pacing = [f"-Gconnect_rate={total_rate / (engines * threads):.3f}"] if total_rate > 0 else []
            # each thread holds from its own last connect; paced, every group takes the whole ramp, so they end
            # together and every connection is held at once for about HOLD seconds
            ramp_s = engines * per_engine / total_rate if total_rate > 0 else 0
            hold_ms = hold * 1000
            if pacing:
                print(f"connects paced at {total_rate:,.0f}/s over all engines (ramp {ramp_s:.0f} s)", flush=True)
            controller = subprocess.Popen(
                [os.path.join(BIN, "jmeter"), "-n", "-t", PLAN, "-R", remotes, *RMI, "-q", PROPS,
                 f"-Gthreads={threads}", f"-Gper_thread={per_thread}", f"-Ghold_ms={hold_ms}", "-Gkeep_alive=30",
                 *pacing,
                 "-l", jtl, "-j", os.path.join(d, "controller.log")],
                cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
            procs.append(controller)
            started = time.time()
            peak = [0] * engines
            at_end = [0] * engines
            peak_rss = [0] * engines
            broker_rss = [0] * engines
            all_held = None  # (time, engines' CPU, brokers' CPU) when every connection was first held
            idle = None  # (seconds, engines' CPU seconds, brokers' CPU seconds) while every connection was held
            # sample the kernel's count while the connections are held
            while controller.poll() is None:
                held = established([bp for bp, _ in brokers])
                elapsed = time.time() - started
                for i, h in enumerate(held):
                    if h > 0 and h >= peak[i]:
                        peak[i] = h
                        peak_rss[i] = max(peak_rss[i], rss_kib(servers[i][1].pid))
                        broker_rss[i] = max(broker_rss[i], rss_kib(brokers[i][1].pid))
                if elapsed < ramp_s + hold + 5:
                    at_end = held
                if sum(held) == engines * per_engine:
                    now = (time.time(), cpu_s(engine_pids), cpu_s(broker_pids))
                    if all_held is None:
                        all_held = now
                    else:
                        idle = (now[0] - all_held[0], now[1] - all_held[1], now[2] - all_held[2])
                print(f"  {elapsed:5.0f} s  held {sum(held):,}  load {os.getloadavg()[0]:.1f}", flush=True)
                time.sleep(2 if engines <= 8 else 10)
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
    print("| engine | connections held | KiB RSS per connection (JVM growth included) | JVM RSS MiB idle / holding | "
          "broker KiB per connection | connects/s | failed Connect samples |")
    print("|---|---|---|---|---|---|---|")
    for i in range(engines):
        mine = [r for r in connects if r["label"] == f"MQTT Connect e{i}"]
        kib = per_connection(peak_rss[i], base_rss[i], peak[i])
        bkib = per_connection(broker_rss[i], broker_base[i], peak[i])
        bad = sum(1 for r in mine if r["success"] != "true")
        print(f"| {i} | {peak[i]:,} | {kib:.1f} | {base_rss[i] / 1024:.0f} / {peak_rss[i] / 1024:.0f} | {bkib:.1f} | "
              f"{rate(mine, per_engine):,.0f} | {bad} |")
    if idle and idle[0] > 0:
        print()
        print(f"while all {engines * per_engine:,} were held ({idle[0]:.0f} s, keep-alive only): engines "
              f"{idle[1] / idle[0] * 100:.1f} % of one core, brokers {idle[2] / idle[0] * 100:.1f} %")
    failed = [r["responseMessage"] for r in connects if r["success"] != "true"]
    print()
    print(f"held at once: {sum(peak):,} of {engines * per_engine:,} (at the end of the hold: {sum(at_end):,}); "
          f"connects/s over all engines {rate(connects, engines * per_engine):,.0f}; failed Connect samples "
          f"{len(failed)} of {len(connects)}")
    others = [r for r in rows if r not in connects]
    failed_others = [f'{r["label"]}: {r["responseMessage"]}' for r in others if r["success"] != "true"]
    print(f"other samples (Disconnect): {len(others)}, failed {len(failed_others)}")
    for m in (failed + failed_others)[:5]:
        print(f"  failed: {m}")
    sys.exit(0 if sum(peak) == engines * per_engine and not failed and not failed_others else 1)


if __name__ == "__main__":
    main()
