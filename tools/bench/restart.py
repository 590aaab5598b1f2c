#!/usr/bin/env python3
"""A broker restart under a fleet, at scale: tests/test_broker_restart.py (tests/plans/broker_restart.jmx) with
DEVICES devices (paced QoS 1 telemetry, persistent sessions) and two backend subscribers, against a Mosquitto with
persistence on that is stopped (SIGTERM) and started again after 10 s. Prints the time from the restart until every
device is connected again, the reconnect storm's peak per second and handshakes in flight against the limits, the
latency spike of what was queued, loss and duplicates, and the machine's load average (before, highest while it ran,
after). The test's own checks hold as in the suite: a run that loses a QoS 1 message fails.

    python3 tools/bench/restart.py [DEVICES [PER_THREAD [CONNECT_RATE [INTERVAL_MS [DURATION_MS]]]]]
    (make bench-restart)

Defaults: 10,000 devices, 1,000 per JMeter thread, 1,000 connects/s for the fleet, telemetry every 10 s for 60 s.
Writes target/restart/figures.json and target/restart/pytest.log.
"""
import json
import os
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "restart")


def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main():
    args = [int(a) for a in sys.argv[1:]]
    devices, per_thread, rate, interval, duration = (args + [10000, 1000, 1000, 10000, 60000][len(args):])[:5]
    if devices % per_thread:
        sys.exit("DEVICES must be a multiple of PER_THREAD")
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the broker and JMeter inherit it
    if hard < devices + 1000:
        print("warning: open files limit %d: the broker and JMeter each hold a socket per device" % hard)
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ, RESTART_DEVICES=str(devices), RESTART_PER_THREAD=str(per_thread),
               RESTART_CONNECT_RATE=str(rate), RESTART_INTERVAL_MS=str(interval), RESTART_DURATION_MS=str(duration))
    # the highest 1-minute load average while it runs: the recovery time means little without it
    peak, done = [load1()], threading.Event()

    def watch():
        while not done.wait(5):
            peak.append(load1())

    threading.Thread(target=watch, daemon=True).start()
    started = time.monotonic()
    log_path = os.path.join(OUT, "pytest.log")
    with open(log_path, "w") as log:
        rc = subprocess.call([sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider",
                              os.path.join(ROOT, "tests", "test_broker_restart.py")],
                             cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    done.set()
    text = open(log_path, errors="replace").read()
    line = next((ln for ln in text.splitlines() if ln.startswith("FIGURES ")), None)
    if line is None:
        print(text[-4000:])
        sys.exit("no FIGURES line (pytest exit %d): see %s" % (rc, log_path))
    f = json.loads(line[len("FIGURES "):])
    f["load_peak"] = max(peak)
    f["wall_s"] = round(time.monotonic() - started, 1)
    f["passed"] = rc == 0
    with open(os.path.join(OUT, "figures.json"), "w") as out:
        json.dump(f, out, indent=1)
    print("broker restart under a fleet: %d devices (MQTT %s), connect rate %s/s, %d handshakes in flight at most"
          % (f["devices"], f["mqtt_version"], f["connect_rate"], f["handshakes"]))
    print("  outage                 %.1f s (broker stopped with SIGTERM, started again)" % f["outage_s"])
    print("  recovery               %.1f s from the restart until every device was connected again"
          % f["recovery_s"])
    print("  reconnects             peak %d/s, over %d s (%d/s on average), %d handshakes in flight at once"
          % (f["reconnect_peak_per_s"], f["reconnect_span_s"], f["reconnect_rate_per_s"], f["reconnect_in_flight"]))
    print("  first connects         peak %d/s, %d handshakes in flight at once"
          % (f["initial_peak_per_s"], f["initial_in_flight"]))
    print("  queued messages        latency spike %d ms" % f["latency_spike_ms"])
    print("  QoS 1 telemetry        sent %d, lost %s, duplicates %s" % (f["sent"], f["lost"], f["duplicates"]))
    print("  load average (1 min)   before %s, highest %.2f, after %s (%d cores)"
          % (f["load_before"], f["load_peak"], f["load_after"], os.cpu_count()))
    print("  test                   %s in %.0f s (%s)" % ("passed" if rc == 0 else "FAILED", f["wall_s"], log_path))
    return rc


if __name__ == "__main__":
    sys.exit(main())
