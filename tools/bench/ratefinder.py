#!/usr/bin/env python3
"""The rate finder's measured run: examples/rate-finder.jmx through the provisioned JMeter against a Mosquitto started
here, with its stock configuration ("stock": Mosquitto's default limits, 20 in flight and 1,000 queued per client,
Nagle on) and/or as the tests run it ("tuned": no in-flight or queue limit, Nagle off), both with $SYS every second.
Prints each search's step table (tools/for-users/summarize.py), the load average before and after, the broker's CPU.

    python3 tools/bench/ratefinder.py [stock|tuned|both]        (make rate-finder; RF_BROKERS=stock ...)

Properties of the plan come from RF_* variables: RF_CONNECTIONS (5), RF_SUBSCRIBERS (1), RF_QOS (1), RF_START (500),
RF_FACTOR (1.5), RF_MAX (200000), RF_STEP_MS (5000), RF_DRAIN_MS (2000), RF_P99_MS (50), RF_LAG_MS (10),
RF_REFINE (2), RF_PAYLOAD (64). Writes target/ratefinder/<broker>.jtl and <broker>-jmeter.log.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "for-users"))
from run import ROOT, JMETER, broker_cpu, free_port  # noqa: E402
import summarize  # noqa: E402  (tools/for-users/summarize.py)

OUT = os.path.join(ROOT, "target", "ratefinder")
BROKERS = {
    # Mosquitto's defaults stay as they are; only $SYS every second, so the drop guard sees drops in time
    "stock": "sys_interval 1\n",
    "tuned": "sys_interval 1\nset_tcp_nodelay true\nmax_queued_messages 0\nmax_inflight_messages 0\n",
}
PROPS = (("connections", "RF_CONNECTIONS", "5"), ("subscribers", "RF_SUBSCRIBERS", "1"), ("qos", "RF_QOS", "1"),
         ("start_rate", "RF_START", "500"), ("factor", "RF_FACTOR", "1.5"), ("max_rate", "RF_MAX", "200000"),
         ("step_ms", "RF_STEP_MS", "5000"), ("drain_ms", "RF_DRAIN_MS", "2000"), ("max_p99_ms", "RF_P99_MS", "50"),
         ("max_lag_ms", "RF_LAG_MS", "10"), ("refine_steps", "RF_REFINE", "2"), ("payload_bytes", "RF_PAYLOAD", "64"))


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(kind):
    """One search against a fresh Mosquitto of configuration `kind`; the JTL's path."""
    jtl = os.path.join(OUT, kind + ".jtl")
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        conf = os.path.join(d, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n" + BROKERS[kind])
        broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        before = load_average()
        try:
            cpu0, t0 = broker_cpu(broker.pid), time.time()
            props = {name: os.environ.get(env, default) for name, env, default in PROPS}
            cmd = [JMETER, "-n", "-t", os.path.join(ROOT, "examples", "rate-finder.jmx"),
                   "-q", os.path.join(ROOT, "mqttload.properties"),
                   "-Jbroker.host=127.0.0.1", "-Jbroker.port=%d" % port, "-l", jtl,
                   "-j", os.path.join(OUT, kind + "-jmeter.log")] + ["-J%s=%s" % kv for kv in props.items()]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            cpu, wall = broker_cpu(broker.pid) - cpu0, time.time() - t0
        finally:
            broker.terminate()
            broker.wait(timeout=10)
    after = load_average()
    print("rate finder against Mosquitto (%s: %s), %s" % (kind, BROKERS[kind].strip().replace("\n", ", "),
                                                         ", ".join("%s %s" % (k, v) for k, v in props.items())))
    print("  load average before %s, after %s; broker %.0f%% of one core over %.0f s"
          % (before, after, 100 * cpu / wall, wall))
    rows = summarize.read_jtl(jtl)
    summarize.print_rate_finder(rows)
    for r in rows:
        if summarize.is_rate_finder(r) and r.get("MQTT_RATE_DONE") == "1":
            print("  " + r["responseMessage"].split(". Done: ", 1)[-1])
    return jtl


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("RF_BROKERS", "both")
    kinds = ["stock", "tuned"] if which == "both" else [which]
    if any(k not in BROKERS for k in kinds):
        sys.exit("usage: ratefinder.py [stock|tuned|both]")
    if not shutil.which("mosquitto") or not os.access(JMETER, os.X_OK):
        sys.exit("needs mosquitto and target/jmeter (make build)")
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for k in kinds:
        run(k)


if __name__ == "__main__":
    main()
