#!/usr/bin/env python3
"""Connection benchmark, side by side in one run: connects/s and resident memory per idle
connection for TCP, TLS, WS and WSS, through one Mosquitto with four listeners (certificates made
here with the openssl CLI). Each protocol runs in a fresh engine process (target/release/mqttload-bench).

    python3 tools/bench/connections.py [connections]      (make bench-connections)

To compare builds side by side in one run (e.g. allocators), name them:
    ENGINES="mimalloc=/path/a,glibc=/path/b" python3 tools/bench/connections.py 5000

Then the throughput of one connection per protocol: THROUGHPUT_MESSAGES (default 200000, 0: none) QoS 1
messages from one publisher to one subscriber in one engine process, THROUGHPUT_ROUNDS (3) interleaved
rounds; the medians of msg/s and of the engine's CPU per message (publisher and subscriber together).
"""
import resource
import statistics
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ENGINE, free_port  # noqa: E402


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=mqttload bench CA", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "san.ext", cwd=d)


def start_broker(d, ports):
    tls = f"cafile {d}/ca.crt\ncertfile {d}/server.crt\nkeyfile {d}/server.key\n"
    conf = os.path.join(d, "mosquitto.conf")
    with open(conf, "w") as f:
        # tuned for the throughput runs (no queue or in-flight limit: Mosquitto's stock 1,000 queued
        # messages drop a QoS 1 subscriber's excess when the publisher runs ahead of it)
        f.write("per_listener_settings false\nallow_anonymous true\nset_tcp_nodelay true\nmax_connections -1\n"
                "max_queued_messages 0\nmax_inflight_messages 0\npersistence false\nuser root\n"
                f"listener {ports['TCP']} 127.0.0.1\n"
                f"listener {ports['SSL']} 127.0.0.1\n{tls}"
                f"listener {ports['WS']}\nprotocol websockets\n"
                f"listener {ports['WSS']}\nprotocol websockets\n{tls}")
    proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    for port in ports.values():
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    proc.kill()
                    sys.exit("mosquitto did not start its listeners")
                time.sleep(0.05)
    return proc


def engines():
    named = os.environ.get("ENGINES")
    if not named:
        return [("", ENGINE)]
    return [tuple(e.split("=", 1)) for e in named.split(",")]


def throughput(path, port, settings, messages):
    """One engine run (mqttload-bench's default mode, QoS 1) over `settings`: (msg/s, CPU µs per message)."""
    env = dict(os.environ, QOS="1", MQTT_BROKER=f"127.0.0.1:{port}", BENCH_CONNECT_JSON=json.dumps(settings))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([path, str(messages)], capture_output=True, text=True, timeout=600, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = re.search(r"engine qos1:\s+(\d+) msg/s", out.stdout)
    if not found:
        print(f"    {(out.stdout + out.stderr).strip().splitlines()[-1:]}")
        return None
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return int(found.group(1)), cpu / messages * 1e6


def protocol_settings(proto, d):
    settings = {"protocol": proto}
    if proto in ("WS", "WSS"):
        settings["wsPath"] = "/mqtt"
    if proto in ("SSL", "WSS"):
        settings["tls"] = {"caFile": f"{d}/ca.crt"}
    return settings


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    builds = engines()
    for _, path in builds:
        if not os.path.exists(path):
            sys.exit(f"{path} missing: cargo build --release -p mqttload-testkit --bin mqttload-bench")
    with tempfile.TemporaryDirectory(prefix="mqttload-conn-bench-") as d:
        os.chmod(d, 0o755)
        make_certs(d)
        ports = {p: free_port() for p in ("TCP", "SSL", "WS", "WSS")}
        broker = start_broker(d, ports)
        rows = []
        try:
            print(f"{count} connections per protocol, one group, mosquitto 2.0 on loopback, {os.cpu_count()} cores")
            for proto in os.environ.get("PROTOCOLS", "TCP,SSL,WS,WSS").split(","):
                settings = {"server": "127.0.0.1", "port": ports[proto], "version": "3.1.1",
                            "keepAliveSecs": 300, "clientIdPrefix": proto.lower() + "_", **protocol_settings(proto, d)}
                for name, path in builds:
                    out = subprocess.run([path, "connections", json.dumps(settings), str(count)],
                                         capture_output=True, text=True, timeout=600)
                    line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]
                    label = f"{proto} {name}".strip()
                    print(f"  {label:<14} {line}", flush=True)
                    rows.append((label, line))
            messages = int(os.environ.get("THROUGHPUT_MESSAGES", "200000"))
            rounds = int(os.environ.get("THROUGHPUT_ROUNDS", "3"))
            flow = {}
            if messages > 0:
                print(f"one connection each way, QoS 1, {messages} messages, {rounds} interleaved rounds")
            for _ in range(rounds if messages > 0 else 0):
                for proto in os.environ.get("PROTOCOLS", "TCP,SSL,WS,WSS").split(","):
                    for name, path in builds:
                        label = f"{proto} {name}".strip()
                        got = throughput(path, ports[proto], protocol_settings(proto, d), messages)
                        print(f"  {label:<14} {'failed' if got is None else f'{got[0]} msg/s, {got[1]:.2f} CPU us/msg'}"
                              f" (load average {os.getloadavg()[0]:.2f})", flush=True)
                        flow.setdefault(label, []).append(got)
        finally:
            broker.kill()
            broker.wait()
        print()
        print("| protocol | connects/s | KiB per idle connection |")
        print("|---|---|---|")
        for label, line in rows:
            try:
                rate = line.split("=")[1].split("connects/s")[0].strip()
                mem = line.split("resident memory")[1].split("KiB")[0].strip()
                print(f"| {label} | {rate} | {mem} |")
            except IndexError:
                print(f"| {label} | failed | {line} |")
        if flow:
            print()
            print("| protocol | QoS 1 msg/s, one connection (median) | engine CPU µs per message (median) |")
            print("|---|---|---|")
            for label, runs in flow.items():
                ok = [r for r in runs if r is not None]
                if len(ok) < len(runs) or not ok:
                    print(f"| {label} | failed | |")
                    continue
                print(f"| {label} | {statistics.median(r[0] for r in ok):,.0f} | "
                      f"{statistics.median(r[1] for r in ok):.2f} |")


if __name__ == "__main__":
    main()
