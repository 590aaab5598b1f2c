#!/usr/bin/env python3
"""Soak test (make soak and make soak-fleet; documented, not in CI but for a short smoke): the engine
for SOAK_MINUTES against a Mosquitto started here on free loopback ports.

Steady mode (make soak, default 30 minutes; TCP and WebSocket listeners, set_tcp_nodelay true, no
queue or in-flight limits):

Drives target/release/mqttload-soak (native/testkit/src/bin/mqttload-soak.rs): it publishes a steady QoS 1
stream to a subscriber, and churns groups of connections (connect, subscribe, publish, receive,
disconnect or drop) back to back. Once a minute the churn stands still and this prints the engine
process's resident memory (VmRSS) and open files (/proc/PID/fd). At the end: both must have
stayed within 5 % after the warm-up (the first SOAK_WARMUP minutes, default 5, or a third of a
shorter run), judged on medians of SOAK_WINDOW (5) minutes (see `judge`); exit status 1 if not,
or if the engine failed or lost steady messages.

    python3 tools/bench/soak.py [minutes] [messages/s] [connections per churn group]

Fleet mode (make soak-fleet, default 120 minutes; a Mosquitto with its stock limits: 20 in flight,
1,000 queued): target/release/mqttload-soak-fleet (native/testkit/src/bin/mqttload-soak-fleet.rs)
holds SOAK_DEVICES (10,000) devices publishing QoS 1 telemetry every SOAK_INTERVAL_S (10) s with
persistent sessions, churns SOAK_CHURN_PCT (1) % of them a minute, and has 100 command devices
answer 10 requests a second. Resident memory, open files and threads are read every minute
(SOAK_MINUTE_S, 60; shorter only for the CI smoke) and must stay within SOAK_TOLERANCE (2 %) after
the warm-up, judged as above; no message or reply may be lost.

    python3 tools/bench/soak.py --fleet [minutes]
"""
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGINE = os.environ.get("MQTTLOAD_SOAK_BIN", os.path.join(ROOT, "target", "release", "mqttload-soak"))
MOSQUITTO = os.environ.get("MOSQUITTO_BIN") or (
    "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else shutil.which("mosquitto") or "mosquitto")
FLEET = "--fleet" in sys.argv[1:]
if FLEET:
    ENGINE = os.environ.get("MQTTLOAD_SOAK_BIN",
                            os.path.join(ROOT, "target", "release", "mqttload-soak-fleet"))
TOLERANCE = float(os.environ.get("SOAK_TOLERANCE", "0.02" if FLEET else "0.05"))
WINDOW = int(os.environ.get("SOAK_WINDOW", "5"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(d, tcp, ws):
    conf = os.path.join(d, "mosquitto.conf")
    with open(conf, "w") as f:
        if FLEET:
            # Mosquitto's own limits, as users run it.
            f.write("allow_anonymous true\npersistence false\nuser root\nlog_dest stderr\n"
                    f"log_type error\nlog_type warning\nlistener {tcp} 127.0.0.1\n")
        else:
            f.write("per_listener_settings false\nallow_anonymous true\nset_tcp_nodelay true\n"
                    "max_connections -1\nmax_queued_messages 0\nmax_inflight_messages 0\n"
                    "persistence false\nuser root\nlog_dest stderr\nlog_type error\nlog_type warning\n"
                    f"listener {tcp} 127.0.0.1\n"
                    f"listener {ws} 127.0.0.1\nprotocol websockets\n")
    log = open(os.path.join(d, "mosquitto.log"), "w")
    proc = subprocess.Popen([MOSQUITTO, "-c", conf], stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 10
    for port in ((tcp,) if FLEET else (tcp, ws)):
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    proc.kill()
                    sys.exit(f"mosquitto did not start (see {log.name})")
                time.sleep(0.05)
    return proc


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fleet_command(tcp, minutes):
    devices = os.environ.get("SOAK_DEVICES", "10000")
    interval = os.environ.get("SOAK_INTERVAL_S", "10")
    churn = os.environ.get("SOAK_CHURN_PCT", "1")
    minute = os.environ.get("SOAK_MINUTE_S", "60")
    return [ENGINE, "127.0.0.1", str(tcp), str(minutes), devices, interval, churn, minute]


def fleet_row(minute, pid, words):
    c = counters(words)
    return (f"{minute:>6} {rss_kib(pid):>8} {open_files(pid):>11} {threads(pid):>8}  "
            f"published={c.get('published')} received={c.get('received')} lost_total={c.get('lost_total')} "
            f"churned={c.get('churned')} lag_p99_max_us={c.get('lag_p99_max_us')} "
            f"requests={c.get('requests')} replies={c.get('replies')} failed={c.get('failed_samples')}  "
            f"load {load_average()}")


def counters(words):
    return dict(w.split("=", 1) for w in words if "=" in w)


def judge(name, samples, warmup, unit, tolerance=None):
    """After the warm-up, the median of every SOAK_WINDOW (5) consecutive minutes within TOLERANCE of the first
    such median: growth moves every window after it, while one minute's transient (a backlog while something else
    loads the machine, memory the allocator hands back a minute later) does not. The largest single-minute
    deviation is printed beside the verdict. Runs shorter than two windows after the warm-up judge every minute
    against the one that ends the warm-up."""
    tolerance = TOLERANCE if tolerance is None else tolerance
    after = samples[warmup:]
    if not after:
        return True, f"{name}: too short to judge (no sample after the warm-up)"
    window = WINDOW if len(after) >= 2 * WINDOW else 1
    if window == 1:
        base, judged = samples[warmup - 1], after
    else:
        judged = [statistics.median(after[i:i + window]) for i in range(len(after) - window + 1)]
        base = judged[0]
    worst = max(abs(v - base) for v in judged) / base if base else 0.0
    spike = max(abs(v - samples[warmup - 1]) for v in after) / samples[warmup - 1] if samples[warmup - 1] else 0.0
    ok = worst <= tolerance
    verdict = "flat" if ok else "NOT flat"
    how = "every minute" if window == 1 else f"medians of {window} minutes"
    return ok, (f"{name}: {verdict}: {base:g}{unit} after warm-up, then {min(judged):g}..{max(judged):g}{unit} "
                f"({how}; largest deviation {worst * 100:.1f} %, allowed {tolerance * 100:.0f} %; single minutes "
                f"{min(after)}..{max(after)}{unit}, {spike * 100:.1f} % from the warm-up's last)")


def main():
    args = [a for a in sys.argv[1:] if a != "--fleet"]
    default_minutes = "120" if FLEET else "30"
    minutes = int(args[0]) if args else int(os.environ.get("SOAK_MINUTES") or default_minutes)
    rate = int(args[1]) if len(args) > 1 else int(os.environ.get("SOAK_RATE", "1000"))
    churn = int(args[2]) if len(args) > 2 else int(os.environ.get("SOAK_CHURN", "10"))
    warmup = int(os.environ.get("SOAK_WARMUP", "0")) or (5 if minutes >= 15 else max(1, minutes // 3))
    if not os.path.exists(ENGINE):
        sys.exit(f"{ENGINE} missing: cargo build --release -p mqttload-testkit --bin {os.path.basename(ENGINE)}")
    # Every connection is a file, in the engine and in the broker: both inherit the hard limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="mqttload-soak-") as d:
        os.chmod(d, 0o755)
        tcp, ws = free_port(), free_port()
        broker = start_broker(d, tcp, ws)
        engine = None
        rss, fds, thr = [], [], []
        done = None
        code = None
        try:
            if FLEET:
                command = fleet_command(tcp, minutes)
                print(f"soak (fleet): {minutes} min, stock-limits mosquitto on 127.0.0.1:{tcp}; "
                      f"warm-up {warmup} min; tolerance {TOLERANCE * 100:.0f} %", flush=True)
                print("minute  rss_kib  open_files  threads  counters", flush=True)
            else:
                command = [ENGINE, "127.0.0.1", str(tcp), str(ws), str(minutes), str(rate), str(churn)]
                print(f"soak: {minutes} min, {rate} msg/s QoS 1 steady, churn groups of {churn} connections "
                      f"(TCP/WS, 3.1.1/5.0), mosquitto on 127.0.0.1:{tcp} (ws {ws}); warm-up {warmup} min",
                      flush=True)
                print("minute  rss_kib  open_files  counters", flush=True)
            engine = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
            for line in engine.stdout:
                words = line.split()
                if words and words[0] == "QUIET":
                    minute = int(words[1])
                    rss.append(rss_kib(engine.pid))
                    fds.append(open_files(engine.pid))
                    thr.append(threads(engine.pid))
                    if FLEET:
                        print(fleet_row(minute, engine.pid, words[2:]), flush=True)
                    else:
                        c = counters(words[2:])
                        print(f"{minute:>6} {rss[-1]:>8} {fds[-1]:>11}  published={c.get('published')} "
                              f"received={c.get('received')} lost={c.get('lost')} "
                              f"churn_connections={c.get('churn_connections')} "
                              f"churn_failures={c.get('churn_failures')} churn_short={c.get('churn_short')}",
                              flush=True)
                    engine.stdin.write("measured\n")
                    engine.stdin.flush()
                elif words and words[0] in ("DONE", "FAILED"):
                    done = line.strip()
                    print(done, flush=True)
                else:
                    print(line.rstrip(), flush=True)
            code = engine.wait(timeout=180)
        finally:
            if engine is not None and engine.poll() is None:
                engine.kill()
            broker.kill()
            broker.wait()
        ok = code == 0 and done is not None and done.startswith("DONE") and len(rss) >= warmup
        if code != 0:
            print(f"engine exit status {code}")
        results = []
        if len(rss) >= warmup:
            results = [judge("resident memory", rss, warmup, " KiB"), judge("open files", fds, warmup, "")]
            if FLEET:
                results.append(judge("threads", thr, warmup, ""))
        for good, text in results:
            print(text)
            ok = ok and good
        print("soak: PASSED" if ok else "soak: FAILED")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
