#!/usr/bin/env python3
"""What the live metrics cost, side by side in one run: the JMeter throughput run of `make bench` (one publishing
and one subscribing connection, 1,000 messages per publish sample, QoS 1) with the Prometheus endpoint off and on,
the endpoint scraped every second while on, alternating (off, on, off, on): messages/s, the engine's CPU and the
whole JMeter process's per 1,000 messages. Then the memory of N idle connections (default 19,000, engine alone)
with the metrics off and on (scraped every second).

    python3 tools/bench/metrics_cost.py [messages] [connections]      (make bench-metrics)
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ENGINE, JMETER, free_port, jmeter, start_mosquitto  # noqa: E402


def scrape_every_second(port, stop):
    """Scrapes http://127.0.0.1:port/metrics each second until `stop` is set; how many scrapes answered."""
    answered = 0
    while not stop.wait(1.0):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=2) as r:
                answered += bool(r.read())
        except OSError:
            pass
    return answered


def throughput(messages, workdir, port):
    rows = []
    for i, on in enumerate((False, True, False, True)):
        extra, stop, scraper, scrapes = (), threading.Event(), None, [0]
        if on:
            mport = free_port()
            extra = ("-Jmqttload.metrics.port=%d" % mport,)
            scraper = threading.Thread(target=lambda: scrapes.__setitem__(0, scrape_every_second(mport, stop)))
            scraper.start()
        load = os.getloadavg()[0]
        rate, detail, kinds = jmeter(port, 1, messages, workdir, extra, name="-%d" % i)
        stop.set()
        if scraper:
            scraper.join()
        engine_cpu = kinds.get("engine (mqttload-io)", 0.0)
        total_cpu = sum(kinds.values())
        label = "on (%d scrapes)" % scrapes[0] if on else "off"
        print("  metrics %-16s %s  (load %.2f)" % (label, detail if rate else detail, load), flush=True)
        rows.append((label, rate, engine_cpu / messages * 1e6, total_cpu / messages * 1e6, load))
    print()
    print("| metrics | msg/s | engine CPU per 1,000 msgs (ms) | JMeter process CPU per 1,000 msgs (ms) | load average |")
    print("|---|---|---|---|---|")
    for label, rate, ecpu, tcpu, load in rows:
        print("| %s | %s | %.1f | %.1f | %.2f |" % (label, "{:,.0f}".format(rate) if rate else "failed", ecpu, tcpu, load))


def memory(connections, port):
    settings = {"server": "127.0.0.1", "port": port, "version": "3.1.1", "keepAliveSecs": 300,
                "clientIdPrefix": "mem_"}
    rows = []
    for on in (False, True, False, True):
        env = dict(os.environ, BENCH_WARMUP="500")
        if on:
            env["BENCH_METRICS"] = "1"
        load = os.getloadavg()[0]
        out = subprocess.run([ENGINE, "connections", json.dumps(settings), str(connections)], capture_output=True,
                             text=True, timeout=900, env=env)
        line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]
        label = "on" if on else "off"
        print("  metrics %-4s %s  (load %.2f)" % (label, line, load), flush=True)
        rows.append((label, line, load))
    print()
    print("| metrics | connects/s | KiB per idle connection | load average |")
    print("|---|---|---|---|")
    for label, line, load in rows:
        try:
            rate = line.split("=")[1].split("connects/s")[0].strip()
            mem = line.split("resident memory")[1].split("KiB")[0].strip()
            print("| %s | %s | %s | %.2f |" % (label, rate, mem, load))
        except IndexError:
            print("| %s | failed | %s | %.2f |" % (label, line, load))


def main():
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 19_000
    for path in (ENGINE, JMETER):
        if not os.path.exists(path):
            sys.exit(f"{path} missing: make build bench-engine")
    with tempfile.TemporaryDirectory(prefix="mqttload-metrics-bench-") as workdir:
        proc, port = start_mosquitto(workdir)
        try:
            print(f"throughput through JMeter, QoS 1, {messages} messages per run, metrics off and on:")
            throughput(messages, workdir, port)
            print()
            print(f"{connections} idle connections (engine alone), metrics off and on:")
            memory(connections, port)
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
