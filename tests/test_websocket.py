"""MQTT over WebSocket (WS) and secure WebSocket (WSS) through JMeter against Mosquitto's websockets listeners.

The first tests check the listeners with a minimal WebSocket client written here (Python's standard library:
mosquitto_pub/mosquitto_sub 2.0 have no WebSocket transport); they need no plugin.
"""
import base64
import hashlib
import os
import socket
import ssl
import struct
import subprocess

import pytest

from conftest import (CONNECT_PLAN, EXAMPLES, assert_example_round_trip, assert_failed_connect, assert_round_trip,
                      connect_props)

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


# --------------------------------------------------- a tiny WebSocket MQTT client (for the listeners)

def ws_open(host, port, path="/mqtt", ssl_context=None, server_hostname=None, timeout=10):
    """Upgrade to WebSocket with subprotocol mqtt; returns (socket, HTTP status, headers dict)."""
    sock = socket.create_connection((host, port), timeout=timeout)
    if ssl_context is not None:
        sock = ssl_context.wrap_socket(sock, server_hostname=server_hostname or host)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
                 % (path.encode(), host.encode(), port, key))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if status == 101:
        accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
        assert headers.get("sec-websocket-accept") == accept, headers
    return sock, status, headers


def ws_send(sock, payload):
    """One masked binary frame (client frames are masked)."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x82, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x82, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x82, 0x80 | 127, n)
    mask = os.urandom(4)
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def ws_recv(sock):
    """The payload of the next (unmasked, unfragmented) frame from the server."""
    b0, b1 = _exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", _exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", _exact(sock, 8))[0]
    return _exact(sock, n)


def mqtt_connect_packet(client_id):
    cid = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(cid)) + cid
    return bytes([0x10, len(body)]) + body


def mqtt_publish_packet(topic, payload):
    t = topic.encode()
    body = struct.pack("!H", len(t)) + t + payload
    return bytes([0x30, len(body)]) + body


def ws_mqtt_publish(host, port, topic, payloads, client_id, ssl_context=None, path="/mqtt"):
    """CONNECT (asserts CONNACK 0), QoS 0 PUBLISHes, DISCONNECT, over a WebSocket."""
    sock, status, headers = ws_open(host, port, path, ssl_context)
    try:
        assert status == 101, (status, headers)
        assert headers.get("sec-websocket-protocol") == "mqtt", headers
        ws_send(sock, mqtt_connect_packet(client_id))
        assert ws_recv(sock) == b"\x20\x02\x00\x00"
        for p in payloads:
            ws_send(sock, mqtt_publish_packet(topic, p))
        ws_send(sock, b"\xe0\x00")
    finally:
        sock.close()


@pytest.mark.parametrize("listener", ["ws", "wss"])
def test_websocket_listeners_carry_mqtt(certs, secure_broker, listener):
    """Our WebSocket client publishes over WS / WSS, mosquitto_sub on TCP receives."""
    topic = "infra/%s" % listener
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(secure_broker.port),
                            "-i", "infra_%s_sub" % listener, "-t", topic, "-C", "3", "-W", "20"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        secure_broker.wait_for_log(r"Received SUBSCRIBE from infra_%s_sub" % listener, 10, proc=sub)
        ctx = ssl.create_default_context(cafile=certs["ca.pem"]) if listener == "wss" else None
        ws_mqtt_publish("127.0.0.1", secure_broker.ports[listener], topic, [b"a", b"b", b"c"],
                        "infra_%s_pub" % listener, ctx)
        out, err = sub.communicate(timeout=20)
    finally:
        if sub.poll() is None:
            sub.kill()
    assert out.decode().splitlines() == ["a", "b", "c"], err


def test_http_status_server_refuses_the_upgrade(http_status_server):
    srv = http_status_server(404)
    sock, status, _ = ws_open(srv.host, srv.port)
    sock.close()
    assert status == 404


# --------------------------------------------------------------------------- round trips in JMeter

def test_ws_round_trip(build, secure_broker, run_jmeter):
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", secure_broker.ports["ws"], "WS", roundtrip=True,
                                                  ws_path="/mqtt", topic="rt/ws", prefix="rt_ws_", count=200))
    assert_round_trip(rows, 200)


def test_wss_round_trip(build, certs, secure_broker, run_jmeter):
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", secure_broker.ports["wss"], "WSS", roundtrip=True,
                                                  ca=certs["ca.pem"], ws_path="/mqtt", topic="rt/wss",
                                                  prefix="rt_wss_", count=200))
    assert_round_trip(rows, 200)


def test_wss_checks_the_certificate_too(connect_matrix):
    """WSS to 127.0.0.1 without our CA: the same certificate error as SSL."""
    assert_failed_connect(connect_matrix["wss-unknown-ca"], "certificate is signed by an unknown authority")


def test_websocket_upgrade_refused_names_the_http_status(connect_matrix):
    """An HTTP/1.1 server answering the upgrade request with 404."""
    assert_failed_connect(connect_matrix["ws-upgrade-refused"], "WebSocket upgrade refused: HTTP 404")


# -------------------------------------------------------------------------------------- the example

def test_example_websocket_jmx(build, secure_broker, run_jmeter):
    rows = run_jmeter(EXAMPLES / "websocket.jmx", {"broker.host": "127.0.0.1",
                                                   "broker.ws_port": secure_broker.ports["ws"],
                                                   "broker.ws_path": "/mqtt"})
    assert_example_round_trip(rows)
