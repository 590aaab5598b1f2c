#!/usr/bin/env python3
"""What the results settings cost per sample: JMeter's own floor (an empty Java Request, one thread) with
JMeter's default result settings, with tools/test/jmeter-test.properties and with mqttload.properties (what users
run with), side by side, ROUNDS rounds interleaved so that a change of the machine's load touches all three.
Each figure is the difference of two runs (N1 and N2 samples: JVM start-up and warm-up cancel out); the table gives
each round's CPU per sample of the JMeter process and the median, and the median's ratio to JMeter's defaults
(mqttload.properties' target: at most 1.3x).

    python3 tools/bench/results_cost.py [N2] [ROUNDS]      (make bench-results; N1 = N2 / 5)
"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from per_sample import run  # noqa: E402
from run import ROOT, start_mosquitto  # noqa: E402

SETTINGS = [
    ("JMeter's defaults", None),
    ("tools/test/jmeter-test.properties", os.path.join(ROOT, "tools", "test", "jmeter-test.properties")),
    ("mqttload.properties", os.path.join(ROOT, "mqttload.properties")),
]


def main():
    n2 = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    n1 = max(1, n2 // 5)
    cpu = {name: [] for name, _ in SETTINGS}
    with tempfile.TemporaryDirectory(prefix="mqttload-results-cost-") as workdir:
        broker, port = start_mosquitto(workdir, log_subscribes=True)
        log = os.path.join(workdir, "mosquitto.log")
        try:
            for r in range(rounds):
                for name, props in SETTINGS:
                    tag = "-%d-%d" % (r, SETTINGS.index((name, props)))
                    (c1, _), (c2, _) = (run("floor", 0, n, port, workdir, log, props, tag) for n in (n1, n2))
                    cpu[name].append((c2 - c1) / (n2 - n1) * 1e6)
                    print("  round %d  %-34s %.2f µs/sample  (load %.2f)" % (r + 1, name, cpu[name][-1],
                                                                            os.getloadavg()[0]), flush=True)
        finally:
            broker.terminate()
            broker.wait()
    base = statistics.median(cpu[SETTINGS[0][0]])
    print()
    print("JMeter's cost per sample by result settings: an empty Java Request, one thread, difference of %s and %s "
          "samples, %d rounds (load average now %.2f)" % (format(n1, ","), format(n2, ","), rounds,
                                                         os.getloadavg()[0]))
    print("| result settings | CPU µs/sample, each round | median | x JMeter's defaults |")
    print("|---|---|---|---|")
    for name, _ in SETTINGS:
        m = statistics.median(cpu[name])
        print("| %s | %s | %.2f | %.2f |" % (name, ", ".join("%.2f" % c for c in cpu[name]), m, m / base))


if __name__ == "__main__":
    main()
