"""JMeter's Stop (StopTestNow, as the GUI's Stop button and stoptest.sh send it) ends a blocked
Subscribe within a second, and the run finishes cleanly."""
import socket
import time

from conftest import PLANS, as_int, describe, rows_by_label


def _udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_stop_interrupts_a_blocked_subscribe(build, mosquitto, start_jmeter):
    port = _udp_port()
    run = start_jmeter(PLANS / "subscribe_only.jmx",
                       dict(mosquitto.props, topic="stop/never", count=1000000, sub_timeout=600000,
                            prefix="stopsub_",
                            **{"jmeterengine.nongui.port": port, "jmeterengine.nongui.maxport": port}))
    mosquitto.wait_for_log(r"Received SUBSCRIBE from stopsub_", timeout=120, proc=run.proc)
    time.sleep(0.5)  # the sampler is now blocked waiting for a million messages
    stopped_at = time.time()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"StopTestNow", ("127.0.0.1", port))
    rows = run.wait(timeout=60, check=False)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 1, describe(rows)
    sub = subs[0]
    assert sub["success"] == "false" and sub["responseMessage"] == "Interrupted", describe(rows)
    ended_ms = as_int(sub["timeStamp"]) + as_int(sub["elapsed"])
    assert ended_ms - stopped_at * 1000 < 1000, "Subscribe ended %d ms after Stop" % (ended_ms - stopped_at * 1000)
