"""The bench commands still run (a small smoke: the figures themselves come from `make bench`)."""
import os
import subprocess
import sys

from conftest import REPO as ROOT, ensure_mosquitto


def run(args, env=None):
    out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, **(env or {})))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


def test_connections_bench_prints_memory_per_connection(build, bench_engine):
    ensure_mosquitto()
    out = run(["tools/bench/connections.py", "50"], {"PROTOCOLS": "TCP,WS", "MQTTLOAD_BENCH_ENGINE": str(bench_engine),
                                                     "THROUGHPUT_MESSAGES": "2000", "THROUGHPUT_ROUNDS": "1"})
    assert out.count("| TCP |") == 2 and out.count("| WS |") == 2 and "failed" not in out, out


def test_identities_bench_compares_shared_and_per_device_identities(build, bench_engine):
    ensure_mosquitto()
    out = run(["tools/bench/identities.py", "30"], {"MQTTLOAD_BENCH_ENGINE": str(bench_engine)})
    for row in ("TCP, one user name and password", "TCP, a user name and password per device",
                "TLS, no client certificate", "TLS, one client certificate", "TLS, a client certificate per device"):
        assert "| " + row + " |" in out, out
    assert "failed" not in out, out


def test_metrics_bench_compares_the_endpoint_off_and_on(build, bench_engine):
    ensure_mosquitto()
    out = run(["tools/bench/metrics_cost.py", "20000", "50"], {"MQTTLOAD_BENCH_ENGINE": str(bench_engine)})
    assert out.count("| off |") == 4 and out.count("| on |") == 2, out
    assert "| on (" in out and "failed" not in out, out


def test_per_sample_bench_prints_the_floor_and_our_samplers(build):
    ensure_mosquitto()
    out = run(["tools/bench/per_sample.py", "500"])
    for row in ("Java Request (floor)", "Publish QoS 0, 1 msg", "Publish QoS 1, 1 msg", "Subscribe, 1 msg"):
        assert "| " + row + " |" in out, out


def test_results_bench_compares_jmeters_defaults_with_our_settings(build):
    """make bench-results, small: JMeter's floor with its defaults, the tests' and the users' result settings."""
    ensure_mosquitto()
    out = run(["tools/bench/results_cost.py", "500", "1"])
    for name in ("JMeter's defaults", "tools/test/jmeter-test.properties", "mqttload.properties"):
        assert "| %s | " % name in out, out
    assert "x JMeter's defaults" in out, out


def test_scale_bench_holds_connections_through_distributed_mode(build):
    ensure_mosquitto()
    out = run(["tools/bench/scale.py", "2", "200", "3"])
    assert "held at once: 400 of 400" in out and "failed Connect samples 0" in out, out


def test_make_bench_collects_every_table_into_one_summary():
    """tools/bench/all.py (make bench) keeps each command's tables and figure lines for its summary."""
    sys.path.insert(0, str(ROOT / "tools" / "bench"))
    import all as bench_all
    fake = [sys.executable, "-c", "print('progress'); print('| a | b |'); print('|---|---|'); print('| 1 | 2 |');"
            "print('between'); print('| c |'); print('QoS 0 at 1 message/sample: 9 msg/s')"]
    kept, ok = bench_all.run("fake", fake)
    assert ok
    assert kept == ["", "| a | b |", "|---|---|", "| 1 | 2 |", "", "| c |", "QoS 0 at 1 message/sample: 9 msg/s"]


def test_request_bench_prints_round_trips_and_resources():
    """`make bench-request` at 20 devices for 2 s (a debug build: it reuses what `cargo test` compiled)."""
    ensure_mosquitto()
    subprocess.run(["cargo", "build", "-q", "-p", "mqttload-testkit", "--bin", "mqttload-bench-request"], cwd=ROOT,
                   check=True, timeout=900)
    out = subprocess.run([str(ROOT / "target" / "debug" / "mqttload-bench-request"), "20", "1000", "2", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "requests 40, matched 40, timeouts 0" in out.stdout and "devices answered 40" in out.stdout, out.stdout
    assert "round trip p50" in out.stdout and "load average" in out.stdout, out.stdout


def test_xmeter_bench_says_why_it_skips_without_the_plugins_source(tmp_path):
    # CI cannot reach GitHub: the comparison is skipped with its reason, and the bench does not fail
    out = run(["tools/bench/xmeter.py", "100", "1"], {"XMETER_SRC": str(tmp_path)})
    assert out.startswith("XMeter comparison skipped: no v2.0.2 source in " + str(tmp_path)), out
