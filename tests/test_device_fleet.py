"""examples/device-fleet.jmx at small scale against a stock-limits Mosquitto publishing $SYS every second and
knowing each device (a password file: user d<t>-<n>, password pw-d<t>-<n>): the figures add up. Every device logs
in as itself, telemetry received by the backend = sent at QoS 1 (arrival 100%), the paced schedule sent what it
intended, every command was answered by exactly the targeted device and timed as a round trip, broker statistics
are in the results."""
import re
import subprocess

import summarize
from conftest import EXAMPLES, STOCK_LIMITS, Broker, as_int, describe, ok, rows_by_label

DEVICES, PER_THREAD, EVERY = 200, 50, 10
INTERVAL_MS, DURATION_S = 500, 3


def device_passwords(path):
    """A password file for every device of the plan, and the backend's, commander's and statistics' logins."""
    devices = ["d%d-%d" % (t, n) for t in range(1, DEVICES // PER_THREAD + 1) for n in range(PER_THREAD)]
    path.write_text("".join("%s:pw-%s\n" % (d, d) for d in devices) + "service:service-pw\n")
    subprocess.run(["mosquitto_passwd", "-U", str(path)], check=True, stdin=subprocess.DEVNULL, timeout=30)
    return devices


def test_device_fleet_figures_add_up(build, tmp_path, run_jmeter):
    # $SYS is readable by every authenticated client (Mosquitto's default without an ACL file)
    devices = device_passwords(tmp_path / "passwords")
    broker = Broker(tmp_path, password_file=tmp_path / "passwords",
                    extra_config=STOCK_LIMITS + ("sys_interval 1",)).start()
    try:
        rows = run_jmeter(EXAMPLES / "device-fleet.jmx", dict(
            broker.props, devices=DEVICES, per_thread=PER_THREAD, connect_rate=400, interval_ms=INTERVAL_MS,
            duration_s=DURATION_S, command_every=EVERY, settle_ms=2000, tail_s=3, qos=1,
            **{"mqtt.user_name": "service", "mqtt.password": "service-pw"}))
    finally:
        broker.stop()
    connects = rows_by_label(rows, "Connect devices")
    assert len(connects) == DEVICES // PER_THREAD and all(ok(r) for r in connects), describe(connects)
    assert all("connects/s" in r["responseMessage"] for r in connects), describe(connects)

    telemetry = rows_by_label(rows, "Telemetry")
    assert len(telemetry) == DEVICES // PER_THREAD and all(ok(r) for r in telemetry), describe(telemetry)
    sent = sum(as_int(r["MQTT_PUB_SENT"]) for r in telemetry)
    intended = sum(as_int(r["MQTT_PUB_INTENDED"]) for r in telemetry)
    assert sent == intended == DEVICES * DURATION_S * 1000 // INTERVAL_MS, describe(telemetry)

    backend = rows_by_label(rows, "Backend telemetry")
    assert all(ok(r) for r in backend), describe(backend)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in backend)
    assert received == sent, "backend got %d of %d" % (received, sent)
    assert sum(as_int(r["MQTT_SUB_LOST"], 0) for r in backend) == 0, describe(backend)

    # device d<t>-<n> is number (t - 1) * PER_THREAD + n; every EVERY-th one got one command
    commands = rows_by_label(rows, "Command")
    assert len(commands) == DEVICES // EVERY and all(ok(r) for r in commands), describe(commands)
    assert sum(as_int(r["MQTT_REQ_MATCHED"], 0) for r in commands) == len(commands), describe(commands)
    assert all(as_int(r["MQTT_REQ_RTT_P50_US"], 0) > 0 for r in commands), describe(commands)
    got = {}
    for r in rows_by_label(rows, "Device commands"):
        thread = int(r["threadName"].rsplit("-", 1)[1])
        got[thread] = got.get(thread, 0) + as_int(r["MQTT_RSP_ANSWERED"], 0)
    expected = {t: sum(1 for n in range(PER_THREAD) if ((t - 1) * PER_THREAD + n) % EVERY == 0)
                for t in range(1, DEVICES // PER_THREAD + 1)}
    assert got == expected, (got, expected)

    stats = rows_by_label(rows, "Broker statistics")
    assert stats and all(ok(r) for r in stats), describe(stats)
    assert max(as_int(r["MQTT_BROKER_CLIENTS"], 0) for r in stats) >= DEVICES, describe(stats)

    s = summarize.summarize(rows)
    assert s["broker"]["samples"] == len(stats) and s["broker"]["clients"] >= DEVICES, s["broker"]

    # every device logged in as itself (the broker's log: client id and user name)
    logins = set(re.findall(r"New client connected from \S+ as (d\d+-\d+) \(.*u'([^']*)'\)", broker.log_text()))
    assert logins == {(d, d) for d in devices}, sorted(logins)[:5]
