#!/usr/bin/env python3
"""`make bench`: every benchmark in one run, then every figure in one summary.

Runs, one after the other (each prints its progress as it goes): throughput engine alone vs through JMeter with
CPU per 1,000 messages and broker CPU (run.py), the 3.x in-flight window (mqttload-bench inflight), connects/s and
KiB per idle connection per protocol (connections.py), the per-sample cost against JMeter's floor
(per_sample.py), one message per sample side by side with the XMeter plugin (xmeter.py) and the paced
schedule's lag (mqttload-bench paced). Then prints their tables together, so the figures of one machine state
sit side by side. Each command's own arguments come from the environment: MESSAGES, CONNECTIONS, SAMPLES,
XMETER_MESSAGES / XMETER_ROUNDS (and XMETER_SRC / XMETER_JAR), PACED_CONNECTIONS / PACED_INTERVAL_MS /
PACED_SECONDS.

    python3 tools/bench/all.py
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "target", "release", "mqttload-bench")
PY = sys.executable


def env(name):
    return [os.environ[name]] if os.environ.get(name) else []


RUNS = [
    ("Throughput: engine alone and through JMeter (1,000 messages per sample); CPU per 1,000 messages",
     [PY, os.path.join(ROOT, "tools", "bench", "run.py")] + env("MESSAGES")),
    ("The 3.x in-flight window", [BENCH, "inflight"] + env("MESSAGES")),
    ("Connections: connects/s, memory per idle connection and one connection's throughput, per protocol",
     [PY, os.path.join(ROOT, "tools", "bench", "connections.py")] + env("CONNECTIONS")),
    ("Per-device identities: connects/s and memory per idle connection, shared and per device",
     [PY, os.path.join(ROOT, "tools", "bench", "identities.py")] + env("IDENTITY_CONNECTIONS")),
    ("Live metrics: their cost, endpoint off and on (scraped every second)",
     [PY, os.path.join(ROOT, "tools", "bench", "metrics_cost.py")] + env("MESSAGES")),
    ("Per-sample cost through JMeter against its floor (1 message per sample)",
     [PY, os.path.join(ROOT, "tools", "bench", "per_sample.py")] + env("SAMPLES")),
    ("Side by side with the XMeter plugin 2.0.2 (1 message per sample)",
     [PY, os.path.join(ROOT, "tools", "bench", "xmeter.py")]),
    ("Paced publishing: schedule lag",
     [BENCH, "paced", os.environ.get("PACED_CONNECTIONS", "10000"), os.environ.get("PACED_INTERVAL_MS", "10000"),
      os.environ.get("PACED_SECONDS", "30"), "0"]),
]


# lines of figures that are not in a table, by how they start
SUMMARY_LINES = ("QoS 0 at", "inflight qos", "paced: sent", "paced: OK", "paced: FAILED", "paced: CPU", "XMeter comparison skipped",
                 "targets: delivered rate")


def run(title, cmd):
    """Runs cmd, echoing its output; returns (its table and summary lines, ok)."""
    print("== %s\n$ %s" % (title, " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)),
          flush=True)
    kept = []
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    previous_in_table = False
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        table = line.startswith("|")
        # tables (a blank line before each) and the figure lines named in SUMMARY_LINES
        if table and not previous_in_table:
            kept.append("")
        if table or line.startswith(SUMMARY_LINES):
            kept.append(line.rstrip("\n"))
        previous_in_table = table
    return kept, proc.wait() == 0


def main():
    started = time.time()
    summary = []
    failed = []
    for title, cmd in RUNS:
        lines, ok = run(title, cmd)
        summary.append((title, lines))
        if not ok:
            failed.append(title)
        print(flush=True)
    print("=" * 100)
    print("mqttload benchmark summary (%s, %d cores, %.0f s)" % (time.strftime("%Y-%m-%d %H:%M"),
                                                                os.cpu_count() or 1, time.time() - started))
    for title, lines in summary:
        print("\n### " + title)
        print("\n".join(lines) if lines else "(no table: see its output above)")
    if failed:
        print("\nfailed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
