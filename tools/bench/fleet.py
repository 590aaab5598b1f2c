#!/usr/bin/env python3
"""The device-fleet run: examples/device-fleet.jmx against a Mosquitto started here with its stock limits
(20 in flight, 1,000 queued) and $SYS every second, through the provisioned JMeter, with the HTML dashboard.
Prints tools/for-users/summarize.py's figures, the paced schedule's lag, the connect figures and the broker's peak CPU
and memory.

    python3 tools/bench/fleet.py DEVICES [PER_THREAD [DURATION_S [INTERVAL_MS]]]     (make fleet)

Writes target/fleet/results.jtl, target/fleet/report/index.html and target/fleet/jmeter.log.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "for-users"))
from run import ROOT, JMETER, broker_cpu, free_port  # noqa: E402
import summarize  # noqa: E402  (tools/for-users/summarize.py)

OUT = os.path.join(ROOT, "target", "fleet")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    args = [int(a) for a in sys.argv[1:]]
    devices = args[0] if args else 10000
    per_thread = args[1] if len(args) > 1 else 1000
    duration = args[2] if len(args) > 2 else 60
    interval = args[3] if len(args) > 3 else 10000
    rate = int(os.environ.get("CONNECT_RATE", "1000"))
    if devices % per_thread:
        sys.exit("DEVICES must be a multiple of PER_THREAD")
    if not shutil.which("mosquitto") or not os.access(JMETER, os.X_OK):
        sys.exit("needs mosquitto and target/jmeter (make build)")
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the broker and JMeter inherit it
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        conf = os.path.join(d, "mosquitto.conf")
        with open(conf, "w") as f:
            # Mosquitto's defaults (max_inflight_messages 20, max_queued_messages 1000) stay as they are
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n"
                    "sys_interval 1\n")
            # BROKER_NODELAY=1: a tuned broker, Nagle off on its sockets (stock Mosquitto holds a small
            # message back until the client's TCP acknowledges the one before: up to its 40 ms delayed ACK)
            if os.environ.get("BROKER_NODELAY") == "1":
                f.write("set_tcp_nodelay true\n")
        broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            cpu0, t0 = broker_cpu(broker.pid), time.time()
            props = dict(devices=devices, per_thread=per_thread, duration_s=duration, interval_ms=interval,
                         connect_rate=rate)
            cmd = [JMETER, "-n", "-t", os.path.join(ROOT, "examples", "device-fleet.jmx"),
                   "-q", os.path.join(ROOT, "mqttload.properties"),
                   "-Jbroker.host=127.0.0.1", "-Jbroker.port=%d" % port,
                   "-l", os.path.join(OUT, "results.jtl"), "-j", os.path.join(OUT, "jmeter.log"),
                   "-e", "-o", os.path.join(OUT, "report")] + ["-J%s=%s" % kv for kv in props.items()]
            jm = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
            peak_rss = 0.0
            while jm.poll() is None:
                peak_rss = max(peak_rss, rss_mib(broker.pid))
                time.sleep(1)
            cpu = broker_cpu(broker.pid) - cpu0
            wall = time.time() - t0
        finally:
            broker.terminate()
            broker.wait(timeout=10)
    rows = summarize.read_jtl(os.path.join(OUT, "results.jtl"))
    if os.environ.get("BROKER_NODELAY") == "1":
        print("broker TUNED: set_tcp_nodelay true")
    print("device fleet: %d devices (%d threads x %d), telemetry every %d ms for %d s, connect rate %d/s"
          % (devices, devices // per_thread, per_thread, interval, duration, rate))
    for r in rows:
        if r.get("label") in ("Connect devices", "Telemetry") and r.get("threadName", "").endswith("-1"):
            print("  %-16s %s" % (r["label"], r["responseMessage"]))
    print("  broker (Mosquitto, stock limits): %.0f%% of one core over the run, peak RSS %.0f MiB"
          % (100 * cpu / wall, peak_rss))
    sys.argv = ["summarize", os.path.join(OUT, "results.jtl")]
    summarize.main(sys.argv)
    print("dashboard: %s" % os.path.join(OUT, "report", "index.html"))


if __name__ == "__main__":
    main()
