#!/usr/bin/env python3
"""Side by side with the XMeter MQTT plugin 2.0.2 in one JMeter 5.6.3 (make bench-xmeter; part of make bench).

The plugin is built from its public source (github.com/xmeter-net/mqtt-jmeter, tag v2.0.2) into
target/bench-scratch/xmeter/, never into the repository; where it cannot be had (no network, no git, the
build fails) the bench prints one `XMeter comparison skipped: <why>` line and exits 0. Sources, first found:
  XMETER_JAR   a built mqtt-xmeter-2.0.2-jar-with-dependencies.jar
  XMETER_SRC   a clone of the repository (bare or not) holding the tag
  otherwise    git clone from GitHub
Its pom gains javax.xml.bind:jaxb-api 2.3.1 for the build: the plugin uses DatatypeConverter, which Java 11
and later no longer ship (JMeter 5.6.3 runs on 17).

Each case is one JMeter thread group of T threads, each connected once and then publishing one message per
sample (the shape of nearly every XMeter plan): ours is tools/bench/per_sample.jmx, theirs
tools/bench/xmeter_per_sample.jmx, both with a timestamp in the same 32-byte text on the same topic, and
JMeter's own default result settings (no -q file). Mosquitto (tuned: no in-flight or queue limits) and the
counting subscriber (mosquitto_sub) run on core 1, JMeter on core 0. Rounds interleave the two plugins.
  delivered/s      (delivered(N2) - delivered(N1)) / (span(N2) - span(N1)), span = the subscriber's first-to-last
                   arrival: the rate once warm (a run's own span includes the JIT's warm-up, which the
                   difference cancels, as it does for the CPU)
  CPU µs/message   JMeter process CPU, (CPU(N2) - CPU(N1)) / (delivered(N2) - delivered(N1)): JVM start-up
                   and warm-up cancel out in the difference
The median of the rounds is printed, with the load average beside each case.

    python3 tools/bench/xmeter.py [N2 messages per run] [rounds]     (N1 = N2 / 5; defaults 200000, 3)
"""
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import JMETER, ROOT, start_mosquitto, subscribe_count, wait_for_subscribe  # noqa: E402

TAG = "v2.0.2"
REPO_URL = "https://github.com/xmeter-net/mqtt-jmeter.git"
SCRATCH = os.path.join(ROOT, "target", "bench-scratch", "xmeter")
JAR_NAME = "mqtt-xmeter-2.0.2-jar-with-dependencies.jar"
OURS_PLAN = os.path.join(ROOT, "tools", "bench", "per_sample.jmx")
THEIRS_PLAN = os.path.join(ROOT, "tools", "bench", "xmeter_per_sample.jmx")
TOPIC = "mqttload/per-sample"
# (threads, QoS) of each case, as issue targets name them
CASES = [(1, 0), (10, 0), (10, 1)]
JAXB = """        <dependency>
            <groupId>javax.xml.bind</groupId>
            <artifactId>jaxb-api</artifactId>
            <version>2.3.1</version>
        </dependency>
    </dependencies>"""


class Skip(Exception):
    pass


def sh(cmd, timeout, **kw):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip(f"{cmd[0]}: {e}")
    if p.returncode != 0:
        tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
        raise Skip(f"{' '.join(cmd[:3])} failed: {' / '.join(tail)}")
    return p.stdout


def xmeter_jar():
    """The plugin's jar, built here from its source when needed."""
    given = os.environ.get("XMETER_JAR")
    if given:
        if not os.path.isfile(given):
            raise Skip(f"XMETER_JAR={given} is not a file")
        return given
    src = os.path.join(SCRATCH, "src")
    built = os.path.join(src, "mqtt_jmeter", "target", JAR_NAME)
    # the build is reused when it came from the same source (the clone here, or XMETER_SRC)
    repo = os.environ.get("XMETER_SRC") or os.path.join(SCRATCH, "repo")
    origin = os.path.join(SCRATCH, "built-from")
    if os.path.isfile(built) and os.path.isfile(origin) and open(origin).read() == repo:
        return built
    if not os.environ.get("XMETER_SRC") and not os.path.isdir(repo):
        print(f"xmeter: cloning {REPO_URL} ({TAG})", flush=True)
        sh(["git", "clone", "--quiet", "--bare", "--depth", "1", "--branch", TAG, REPO_URL, repo], 300)
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    # git archive writes binary: piped straight into tar
    p = subprocess.run(f"git -C '{repo}' archive --format=tar {TAG} mqtt_jmeter | tar -x -C '{src}'",
                       shell=True, capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or not os.path.isfile(os.path.join(src, "mqtt_jmeter", "pom.xml")):
        raise Skip(f"no {TAG} source in {repo}: {p.stderr.strip()[-200:]}")
    pom = os.path.join(src, "mqtt_jmeter", "pom.xml")
    with open(pom) as f:
        text = f.read()
    with open(pom, "w") as f:
        f.write(text.replace("    </dependencies>", JAXB, 1))
    print("xmeter: building the plugin from source (Maven)", flush=True)
    sh([os.environ.get("MVN", "mvn"), "-B", "-ntp", "-q", "-f", pom, "package", "-DskipTests"], 900)
    if not os.path.isfile(built):
        raise Skip(f"the build made no {JAR_NAME}")
    with open(origin, "w") as f:
        f.write(repo)
    return built


def jmeter_home_with(jar):
    """A copy of target/jmeter whose lib/ext holds the XMeter plugin instead of ours."""
    ours = os.path.dirname(os.path.dirname(JMETER))
    home = os.path.join(SCRATCH, "jmeter")
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(ours, home, symlinks=True)
    ext = os.path.join(home, "lib", "ext")
    for name in os.listdir(ext):
        if name.startswith("mqttload-jmeter-"):
            os.remove(os.path.join(ext, name))
    shutil.copy(jar, ext)
    return os.path.join(home, "bin", "jmeter")


def count_arrivals(port, qos, ready, out):
    """Runs a subscriber on core 1; out gets (messages, first arrival, last arrival) when it ends."""
    p = subprocess.Popen(["taskset", "-c", "1", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", TOPIC,
                          "-q", str(qos), "-F", "%l", "-W", "3600"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out["proc"] = p
    ready.set()
    n, first, last = 0, None, None
    for _ in p.stdout:
        last = time.monotonic()
        first = first or last
        n += 1
    out["result"] = (n, first, last)


def one_run(jmeter, plan, threads, qos, messages, port, workdir, broker_log, tag):
    """(JMeter CPU seconds, messages delivered, seconds from the first arrival to the last, failed samples) of one
    JMeter run."""
    before = subscribe_count(broker_log, TOPIC)
    ready, out = threading.Event(), {}
    counter = threading.Thread(target=count_arrivals, args=(port, qos, ready, out))
    counter.start()
    ready.wait()
    wait_for_subscribe(broker_log, TOPIC, before)
    jtl = os.path.join(workdir, tag + ".jtl")
    cmd = ["taskset", "-c", "0", jmeter, "-n", "-t", plan, "-l", jtl, "-j", os.path.join(workdir, tag + ".log"),
           "-Jbroker.host=127.0.0.1", f"-Jbroker.port={port}", f"-Jpub={threads}", f"-Jqos={qos}",
           f"-Jsamples={messages // threads}", "-Jjmeter.save.saveservice.output_format=csv"]
    # the XMeter plugin logs every connect and disconnect to the console
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    time.sleep(1.0)  # the last messages reach the subscriber
    out["proc"].terminate()
    counter.join()
    if status != 0:
        sys.exit(f"jmeter failed for {tag}: status {status}")
    with open(jtl, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["label"] == "MQTT Publish"]
    failed = sum(1 for r in rows if r["success"] != "true")
    n, first, last = out["result"]
    span = last - first if n > 1 else 0.0
    return usage.ru_utime + usage.ru_stime, n, span, failed


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    args = sys.argv[1:]
    n2 = int(args[0]) if args else int(os.environ.get("XMETER_MESSAGES", "200000"))
    rounds = int(args[1]) if len(args) > 1 else int(os.environ.get("XMETER_ROUNDS", "3"))
    n1 = max(10, n2 // 5)
    try:
        theirs = jmeter_home_with(xmeter_jar())
    except Skip as e:
        print(f"XMeter comparison skipped: {e}")
        return
    plugins = {"mqttload": (JMETER, OURS_PLAN), "XMeter 2.0.2": (theirs, THEIRS_PLAN)}
    figures = {}  # (case, plugin) -> [(rate, cpu µs per message)]
    loads = {}
    with tempfile.TemporaryDirectory(prefix="mqttload-xmeter-") as workdir:
        broker, port = start_mosquitto(workdir, log_subscribes=True)
        os.sched_setaffinity(broker.pid, {1})
        broker_log = os.path.join(workdir, "mosquitto.log")
        try:
            for r in range(rounds):
                for case in CASES:
                    threads, qos = case
                    order = list(plugins) if r % 2 == 0 else list(reversed(plugins))
                    for name in order:
                        jmeter, plan = plugins[name]
                        tag = f"{name.split()[0]}-t{threads}-q{qos}-r{r}"
                        c1, d1, s1, f1 = one_run(jmeter, plan, threads, qos, n1, port, workdir, broker_log, tag + "-n1")
                        c2, d2, s2, f2 = one_run(jmeter, plan, threads, qos, n2, port, workdir, broker_log,
                                                 tag + "-n2")
                        # both as differences of the two runs: the JIT's warm-up, the same in both, cancels out
                        cpu = (c2 - c1) / (d2 - d1) * 1e6 if d2 > d1 else float("nan")
                        rate = (d2 - d1) / (s2 - s1) if s2 > s1 else 0.0
                        figures.setdefault((case, name), []).append((rate, cpu))
                        loads.setdefault(case, []).append(load())
                        print(f"  round {r + 1} {threads} thread(s) QoS {qos} {name}: {d2:,} of {n2:,} delivered, "
                              f"{rate:,.0f}/s, JMeter CPU {cpu:.2f} µs/message, failed samples {f1 + f2}, "
                              f"load {load()}", flush=True)
        finally:
            broker.terminate()
            broker.wait()
    print()
    print(f"side by side with the XMeter plugin 2.0.2, one message per sample, median of {rounds} interleaved "
          f"round(s) of {n1:,} and {n2:,} messages")
    print("| case | mqttload delivered/s | XMeter delivered/s | rate ratio | mqttload CPU µs/msg "
          "| XMeter CPU µs/msg | CPU ratio | load average |")
    print("|---|---|---|---|---|---|---|---|")
    for case in CASES:
        threads, qos = case
        ours = figures[(case, "mqttload")]
        them = figures[(case, "XMeter 2.0.2")]
        r_o, r_t = statistics.median(x[0] for x in ours), statistics.median(x[0] for x in them)
        c_o, c_t = statistics.median(x[1] for x in ours), statistics.median(x[1] for x in them)
        print(f"| QoS {qos}, {threads} thread(s) | {r_o:,.0f} | {r_t:,.0f} | {r_o / r_t:.2f}x | {c_o:.2f} "
              f"| {c_t:.2f} | {c_o / c_t:.2f}x | {loads[case][0]} .. {loads[case][-1]} |")
    print()
    print("targets: delivered rate >= 2x the XMeter plugin's, JMeter CPU per delivered message <= 0.5x, in every case")


if __name__ == "__main__":
    main()
