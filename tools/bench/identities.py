#!/usr/bin/env python3
"""Per-device identities at scale, side by side in one run: connects/s and resident memory per idle connection
for N connections (default 10,000) of one group, each case in a fresh engine process (target/release/mqttload-bench):

  TCP, one user name and password           (the baseline)
  TCP, a user name and password per device  (templates: user {{client_id}}, password pw-{{client_id}})
  TLS, no client certificate
  TLS, one client certificate for the group
  TLS, a client certificate per device      (a path template: each connection reads and parses its own files)

One Mosquitto (allow_anonymous, no password file: the broker's work is the same in every TCP case) with a TLS
listener and a TLS listener that requires a client certificate (the client sends one only when asked). The per-device files are copies of one EC P-256 certificate and
key: the engine reads and parses each connection's own pair all the same, and the broker verifies each.

    python3 tools/bench/identities.py [connections]      (make bench-identities)
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connections import openssl  # noqa: E402
from run import ENGINE, free_port  # noqa: E402

WARMUP = 500  # the bench's warm-up group (BENCH_WARMUP) numbers connections before the measured one


def make_certs(d):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.crt", "-days", "2", "-subj", "/CN=mqttload bench CA", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    with open(os.path.join(d, "device.ext"), "w") as f:  # any extension makes it X.509 v3, which rustls wants
        f.write("basicConstraints=critical,CA:false\nextendedKeyUsage=clientAuth\n")
    for name, cn, ext in (("server", "127.0.0.1", "server.ext"), ("device", "device", "device.ext")):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn, cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", ext, cwd=d)


def device_files(d, count):
    devices = os.path.join(d, "devices")
    os.makedirs(devices)
    for i in range(count):
        shutil.copyfile(os.path.join(d, "device.crt"), os.path.join(devices, "dev-%06d.crt" % i))
        shutil.copyfile(os.path.join(d, "device.key"), os.path.join(devices, "dev-%06d.key" % i))
    return devices


def start_broker(d, tcp, tls, mtls):
    conf = os.path.join(d, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("per_listener_settings false\nallow_anonymous true\nset_tcp_nodelay true\nmax_connections -1\n"
                "persistence false\nuser root\n"
                f"listener {tcp} 127.0.0.1\n"
                f"listener {tls} 127.0.0.1\ncafile {d}/ca.crt\ncertfile {d}/server.crt\nkeyfile {d}/server.key\n"
                f"listener {mtls} 127.0.0.1\ncafile {d}/ca.crt\ncertfile {d}/server.crt\nkeyfile {d}/server.key\n"
                "require_certificate true\n")
    proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    for port in (tcp, tls, mtls):
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


def cases(d, devices, tcp, tls, mtls):
    base = {"server": "127.0.0.1", "version": "3.1.1", "keepAliveSecs": 300, "connTimeoutSecs": 60,
            "clientIdPrefix": "dev-{{conn.test:6}}", "clientIdSuffix": False}
    secure = dict(base, port=tls, protocol="SSL")
    one = {"caFile": f"{d}/ca.crt", "clientCert": True, "clientCertFile": f"{d}/device.crt",
           "clientKeyFile": f"{d}/device.key"}
    return [
        ("TCP, one user name and password", dict(base, port=tcp, username="device", password="secret")),
        ("TCP, a user name and password per device",
         dict(base, port=tcp, username="{{client_id}}", password="pw-{{client_id}}")),
        ("TLS, no client certificate", dict(secure, tls={"caFile": f"{d}/ca.crt"})),
        ("TLS, one client certificate", dict(secure, port=mtls, tls=one)),
        ("TLS, a client certificate per device", dict(secure, port=mtls, tls=dict(
            one, clientCertFile=f"{devices}/dev-{{{{conn.test:6}}}}.crt",
            clientKeyFile=f"{devices}/dev-{{{{conn.test:6}}}}.key"))),
    ]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    if not os.path.exists(ENGINE):
        sys.exit(f"{ENGINE} missing: cargo build --release -p mqttload-testkit --bin mqttload-bench")
    with tempfile.TemporaryDirectory(prefix="mqttload-identities-bench-") as d:
        os.chmod(d, 0o755)
        make_certs(d)
        devices = device_files(d, count + WARMUP)
        tcp, tls, mtls = free_port(), free_port(), free_port()
        broker = start_broker(d, tcp, tls, mtls)
        rows = []
        try:
            print(f"{count} connections per case, one group, mosquitto 2.0 on loopback, {os.cpu_count()} cores")
            all_cases = cases(d, devices, tcp, tls, mtls)
            # a run not reported first: the broker's first thousands of connects are slower (its own warm-up)
            subprocess.run([ENGINE, "connections", json.dumps(all_cases[0][1]), str(count)], capture_output=True,
                           timeout=900, env=dict(os.environ, BENCH_WARMUP=str(WARMUP)))
            for label, settings in all_cases:
                load = os.getloadavg()[0]
                out = subprocess.run([ENGINE, "connections", json.dumps(settings), str(count)], capture_output=True,
                                     text=True, timeout=900, env=dict(os.environ, BENCH_WARMUP=str(WARMUP)))
                line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]
                print(f"  {label:<42} {line}  (load {load:.2f})", flush=True)
                rows.append((label, line, load))
        finally:
            broker.kill()
            broker.wait()
        print()
        print("| identities | connects/s | KiB per idle connection | load average |")
        print("|---|---|---|---|")
        for label, line, load in rows:
            try:
                rate = line.split("=")[1].split("connects/s")[0].strip()
                mem = line.split("resident memory")[1].split("KiB")[0].strip()
                print(f"| {label} | {rate} | {mem} | {load:.2f} |")
            except IndexError:
                print(f"| {label} | failed | {line} | {load:.2f} |")


if __name__ == "__main__":
    main()
