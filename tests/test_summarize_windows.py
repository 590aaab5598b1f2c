"""tools/for-users/summarize.py's exclusion windows (--warmup, --rampdown, --from, --to, --report-range) and its
rate finder table, on JTLs written by the test (no JMeter, no broker): what a window keeps, the latency and rates
it changes, the report generator's dates, and the step table of a rate finder's rows."""
import csv
import subprocess
import sys
import time

import pytest

from conftest import REPO
import summarize  # tools/for-users/summarize.py (conftest puts tools/for-users on the path)

SUMMARIZE = REPO / "tools" / "for-users" / "summarize.py"
T0 = 1_700_000_000_000
COLUMNS = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName", "success",
           "SampleCount", "MQTT_SUB_RECEIVED", "MQTT_SUB_P50_US", "MQTT_SUB_P99_US", "MQTT_SUB_MAX_US",
           "MQTT_SUB_MEAN_US"]


def batch(second, received, p99_us):
    """A 1-s Subscribe batch starting `second` s into the run."""
    return {"timeStamp": str(T0 + second * 1000), "elapsed": "1000", "label": "MQTT Subscribe", "responseCode": "200",
            "responseMessage": "Received %d of message." % received, "threadName": "sub 1-1", "success": "true",
            "SampleCount": str(received), "MQTT_SUB_RECEIVED": str(received), "MQTT_SUB_P50_US": str(p99_us // 2),
            "MQTT_SUB_P99_US": str(p99_us), "MQTT_SUB_MAX_US": str(p99_us), "MQTT_SUB_MEAN_US": str(p99_us // 2)}


def run_rows():
    """20 s: a slow warm-up (2 batches of 100 at p99 90 ms), a steady middle (16 of 1,000 at p99 2 ms), a ramp-down
    (2 of 10 at p99 500 ms)."""
    rows = [batch(s, 100, 90_000) for s in range(2)]
    rows += [batch(s, 1000, 2_000) for s in range(2, 18)]
    rows += [batch(s, 10, 500_000) for s in range(18, 20)]
    return rows


def write(tmp_path, rows, columns=COLUMNS):
    path = tmp_path / "run.jtl"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def main(*argv):
    out = subprocess.run([sys.executable, str(SUMMARIZE)] + [str(a) for a in argv], capture_output=True, text=True,
                         timeout=60)
    return out.returncode, out.stdout, out.stderr


def test_durations_and_instants():
    assert [summarize.parse_duration(t) for t in ("10s", "500ms", "2m", "1.5", "0", "1h")] == \
        [10_000, 500, 120_000, 1_500, 0, 3_600_000]
    for bad in ("ten", "-5s", "5 parsecs", ""):
        with pytest.raises(ValueError):
            summarize.parse_duration(bad)
    assert summarize.parse_instant("1700000000") == T0
    assert summarize.parse_instant("1700000000250") == T0 + 250
    local = "2023-11-14T22:13:20.250"
    expected = int(time.mktime(time.strptime(local[:19], "%Y-%m-%dT%H:%M:%S"))) * 1000 + 250
    assert summarize.parse_instant(local) == expected
    assert summarize.parse_instant(local.replace("T", " ")) == expected
    with pytest.raises(ValueError):
        summarize.parse_instant("yesterday")


def test_a_window_keeps_the_samples_that_start_inside_it():
    rows = run_rows()
    # run: T0 .. T0 + 20 s; warm-up 2 s, ramp-down 2 s (the last batch starts at 19 s, ends at 20 s)
    window = summarize.exclusion_window(rows, warmup_ms=2000, rampdown_ms=2000)
    assert window == (T0 + 2000, T0 + 18000)
    kept = summarize.in_window(rows, window)
    # starts at 2 s .. 18 s inclusive (as JMeter's report generator keeps them): 16 steady batches and the first
    # ramp-down batch, which starts exactly at the window's end
    assert len(kept) == 17
    assert summarize.in_window(rows, (T0 + 2001, T0 + 17999)) == rows[3:18]
    # absolute ends, and the later of two starts / the earlier of two ends
    assert summarize.exclusion_window(rows, start_ms=T0 + 5000, end_ms=T0 + 6000) == (T0 + 5000, T0 + 6000)
    assert summarize.exclusion_window(rows, warmup_ms=3000, start_ms=T0 + 1000) == (T0 + 3000, T0 + 20000)
    assert summarize.exclusion_window([], warmup_ms=1) is None


def test_warmup_and_rampdown_change_latency_and_rates(tmp_path):
    path = write(tmp_path, run_rows())
    code, whole, err = main(path)
    assert code == 0, err
    assert "received 16220" in whole and "p99 500000 us" in whole, whole
    code, steady, err = main(path, "--warmup", "2s", "--rampdown=2.5s")
    assert code == 0, err
    # the 16 steady batches only: their p99, and their messages over the window's 15.5 s
    assert "received 16000" in steady and "p99 2000 us" in steady and "max 2000 us" in steady, steady
    assert "16 of 20 samples" in steady and "(15.50 s)" in steady, steady
    assert "messages/s   1032.3  over 15.50 s" in steady, steady
    code, absolute, err = main(path, "--from", str(T0 + 2000), "--to", str((T0 + 17500) / 1000))
    assert code == 0, err
    assert "received 16000" in absolute, absolute


def test_the_dashboard_window_in_jmeters_date_format(tmp_path):
    path = write(tmp_path, run_rows())
    code, out, err = main(path, "--warmup", "2s", "--rampdown", "2s", "--report-range")
    assert code == 0, err
    line = [x for x in out.splitlines() if x.startswith("dashboard")][0]
    start = time.strftime("%Y%m%d%H%M%S", time.localtime((T0 + 2000) // 1000)) + "000"
    end = time.strftime("%Y%m%d%H%M%S", time.localtime((T0 + 18000) // 1000)) + "000"
    assert line.endswith("jmeter -g JTL -o DIR -Jjmeter.reportgenerator.date_format=yyyyMMddHHmmssSSS "
                         "-Jjmeter.reportgenerator.start_date=%s -Jjmeter.reportgenerator.end_date=%s"
                         % (start, end)), line


def test_bad_options_name_themselves(tmp_path):
    path = write(tmp_path, run_rows())
    for args, words in ((["--warmup", "ten"], "not a duration: 'ten'"), (["--warmup"], "--warmup needs a value"),
                        (["--to", "soon"], "not an instant: 'soon'"), ([], "one JTL file expected")):
        code, out, err = main(*([path] if args or words != "one JTL file expected" else []) + args)
        assert code == 2 and words in err, (args, out, err)


RATE_COLUMNS = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName", "success",
                "SampleCount", "MQTT_RATE_STEP", "MQTT_RATE_OFFERED", "MQTT_RATE_SENT_PER_S",
                "MQTT_RATE_RECEIVED_PER_S", "MQTT_RATE_SENT", "MQTT_RATE_RECEIVED", "MQTT_RATE_LOST",
                "MQTT_RATE_P50_US", "MQTT_RATE_P99_US", "MQTT_RATE_LAG_P99_US", "MQTT_RATE_BROKER_DROPPED",
                "MQTT_RATE_ENGINE_BUSY", "MQTT_RATE_BROKE", "MQTT_RATE_MAX_OK", "MQTT_RATE_FIRST_BAD",
                "MQTT_RATE_LIMIT", "MQTT_RATE_DONE"]


def step(n, offered, p99_us, broke="", done=False, limit="", max_ok="", first_bad=""):
    return {"timeStamp": str(T0 + n * 3000), "elapsed": "3000", "label": "MQTT Rate Finder", "responseCode":
            "501" if broke else "200", "responseMessage": "Rate step %d at %s msg/s: ..." % (n, offered),
            "threadName": "finder 1-1", "success": "false" if broke else "true", "SampleCount": str(offered),
            "MQTT_RATE_STEP": str(n), "MQTT_RATE_OFFERED": str(offered), "MQTT_RATE_SENT_PER_S": str(offered),
            "MQTT_RATE_RECEIVED_PER_S": str(offered), "MQTT_RATE_SENT": str(offered),
            "MQTT_RATE_RECEIVED": str(offered), "MQTT_RATE_LOST": "0", "MQTT_RATE_P50_US": "1200",
            "MQTT_RATE_P99_US": str(p99_us), "MQTT_RATE_LAG_P99_US": "950", "MQTT_RATE_BROKER_DROPPED": "",
            "MQTT_RATE_ENGINE_BUSY": "12", "MQTT_RATE_BROKE": broke, "MQTT_RATE_MAX_OK": max_ok,
            "MQTT_RATE_FIRST_BAD": first_bad, "MQTT_RATE_LIMIT": limit, "MQTT_RATE_DONE": "1" if done else "0"}


def test_the_rate_finder_table(tmp_path):
    rows = [step(1, 1000, 3400, max_ok="1000"), step(2, 1500, 5100, max_ok="1500"),
            step(3, 2250, 152_300, broke="latency", done=True, limit="broker", max_ok="1500", first_bad="2250"),
            # a later sample of the thread repeats the variables: not a step
            dict(step(3, 2250, 152_300), label="MQTT Disconnect", responseMessage="Disconnected 3 connection(s)"),
            # a second search of the same element
            step(1, 1000, 3000, broke="lag", done=True, limit="load_generator", first_bad="1000")]
    searches = summarize.rate_finder_searches(rows)
    assert [len(s) for s in searches[("finder 1-1", "MQTT Rate Finder")]] == [3, 1]
    code, out, err = main(write(tmp_path, rows, RATE_COLUMNS))
    assert code == 0, err
    lines = out.splitlines()
    assert "  rate finder  MQTT Rate Finder (finder 1-1): 3 step(s)" in lines, out
    table = [x.split() for x in lines if x.startswith("       ")]
    assert table[0][:2] == ["1", "1,000"] and table[0][-1] == "held", out
    assert table[2][:2] == ["3", "2,250"] and table[2][5] == "152.30" and table[2][-2:] == ["broke:", "latency"], out
    assert "    highest rate held 1,500 msg/s, lowest broken 2,250 msg/s; limit: the broker's" in lines, out
    assert "    highest rate held none, lowest broken 1,000 msg/s; limit: ours (the load generator's), " \
           "not the broker's" in lines, out
