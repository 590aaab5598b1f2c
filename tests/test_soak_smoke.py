"""The soak commands still run (a small smoke: `make soak` and `make soak-fleet` measure, for
SOAK_MINUTES, on a release build)."""
import os
import subprocess
import sys

from conftest import REPO as ROOT, ensure_mosquitto


def soak_binary(name):
    # A debug build reuses what `cargo test` compiled; the figures come from the release build.
    subprocess.run(["cargo", "build", "-q", "-p", "mqttload-testkit", "--bin", name], cwd=ROOT, check=True,
                   timeout=900)
    path = ROOT / "target" / "debug" / name
    assert path.is_file(), path
    return path


def counters(out, first):
    line = next(l for l in out.splitlines() if l.startswith(first))
    return dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)


def test_fleet_soak_churns_answers_and_loses_nothing():
    """Three 10-second 'minutes' of 300 devices: a group churned each minute, commands answered, every
    telemetry message received, and the per-minute table of memory, open files and threads."""
    ensure_mosquitto()
    env = dict(os.environ, MQTTLOAD_SOAK_BIN=str(soak_binary("mqttload-soak-fleet")), SOAK_DEVICES="300",
               SOAK_MINUTE_S="10", SOAK_WARMUP="1", SOAK_TOLERANCE="0.5")
    out = subprocess.run([sys.executable, "tools/bench/soak.py", "--fleet", "3"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 0 and "soak: PASSED" in text, text[-4000:]
    assert "minute  rss_kib  open_files  threads" in text, text
    done = counters(text, "DONE")
    published = int(done["published"])
    assert published > 0 and int(done["received"]) - int(done["duplicates"]) == published, done
    assert done["lost_total"] == "0" and int(done["churned"]) >= 6, done
    assert int(done["requests"]) > 0 and done["replies"] == done["requests"], done


def test_the_soak_judge_tells_growth_from_a_passing_spike():
    sys.path.insert(0, str(ROOT / "tools" / "bench"))
    import soak
    warm = [70_000, 78_000, 80_000, 80_500, 81_000]
    steady = [81_000 + (i % 3) * 100 for i in range(60)]
    spiked = steady[:10] + [86_000] + steady[11:]  # one loaded minute, handed back the next
    creep = [81_000 + i * 60 for i in range(60)]  # 60 KiB a minute: 4.4 % in an hour
    assert soak.judge("rss", warm + steady, 5, "", 0.02)[0]
    ok, line = soak.judge("rss", warm + spiked, 5, "", 0.02)
    assert ok and "86000" in line, line  # the spike is still shown
    ok, line = soak.judge("rss", warm + creep, 5, "", 0.02)
    assert not ok and "NOT flat" in line, line
    # too short for windows: every minute counts
    assert not soak.judge("rss", warm + [81_000, 86_000, 81_000], 5, "", 0.02)[0]
