#!/usr/bin/env python3
"""Connection benchmark, side by side in one run: connects/s and resident memory per idle
connection for TCP, TLS, WS and WSS, through one Mosquitto with four listeners (certificates made
here with the openssl CLI). Each protocol runs in a fresh engine process (target/release/mqttload-bench).

    python3 tools/bench/connections.py [connections]      (make bench-connections)

To compare builds side by side in one run (e.g. allocators), name them:
    ENGINES="mimalloc=/path/a,glibc=/path/b" python3 tools/bench/connections.py 5000
"""
import json
import os
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
        f.write("per_listener_settings false\nallow_anonymous true\nset_tcp_nodelay true\nmax_connections -1\n"
                "persistence false\nuser root\n"
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
                settings = {"server": "127.0.0.1", "port": ports[proto], "version": "3.1.1", "protocol": proto,
                            "keepAliveSecs": 300, "clientIdPrefix": proto.lower() + "_"}
                if proto in ("WS", "WSS"):
                    settings["wsPath"] = "/mqtt"
                if proto in ("SSL", "WSS"):
                    settings["tls"] = {"caFile": f"{d}/ca.crt"}
                for name, path in builds:
                    out = subprocess.run([path, "connections", json.dumps(settings), str(count)],
                                         capture_output=True, text=True, timeout=600)
                    line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]
                    label = f"{proto} {name}".strip()
                    print(f"  {label:<14} {line}", flush=True)
                    rows.append((label, line))
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


if __name__ == "__main__":
    main()
