"""Scripted MQTT brokers for fault injection only (a real Mosquitto cannot misbehave on purpose):
- ScriptedBroker answers CONNECT with the given CONNACK bytes and, after the first SUBSCRIBE, a SUBACK
  followed by scripted bytes;
- ResettingBroker (3.1.1) acknowledges nothing and resets the connection once more than `limit` QoS 1/2
  PUBLISHes are in flight, as a broker that enforces an in-flight limit a 3.x client cannot learn."""
import socket
import struct
import threading
import time


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def mqtt_str(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def connack_v5(properties=b""):
    return packet(0x20, b"\x00\x00" + varint(len(properties)) + properties)


def publish_v5(topic, payload, qos=0, pkid=1, properties=b""):
    body = mqtt_str(topic) + (struct.pack(">H", pkid) if qos else b"") + varint(len(properties)) + properties
    return packet(0x30 | (qos << 1), body + payload)


class ScriptedBroker:
    def __init__(self, connack, after_subscribe=b""):
        self.connack, self.after_subscribe = connack, after_subscribe
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.host, self.port = self.sock.getsockname()
        self.props = {"broker.host": self.host, "broker.port": str(self.port)}
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_packet(conn):
        head = conn.recv(1)
        if not head:
            return None, None
        length, shift = 0, 0
        while True:
            b = conn.recv(1)[0]
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        body = b""
        while len(body) < length:
            chunk = conn.recv(length - len(body))
            if not chunk:
                return None, None
            body += chunk
        return head[0] >> 4, body

    def _handle(self, conn):
        try:
            while True:
                kind, body = self._read_packet(conn)
                if kind is None:
                    return
                if kind == 1:  # CONNECT
                    conn.sendall(self.connack)
                elif kind == 8:  # SUBSCRIBE: SUBACK (granted QoS 1, v5 layout), then the script
                    conn.sendall(packet(0x90, body[:2] + b"\x00\x01") + self.after_subscribe)
                elif kind == 12:  # PINGREQ
                    conn.sendall(b"\xd0\x00")
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


class ResettingBroker(ScriptedBroker):
    def __init__(self, limit=20):
        self.limit = limit
        super().__init__(b"\x20\x02\x00\x00")

    def _handle(self, conn):
        in_flight = 0
        try:
            while True:
                kind, body = self._read_packet(conn)
                if kind is None:
                    return
                if kind == 1:
                    conn.sendall(self.connack)
                elif kind == 3 and body is not None:
                    in_flight += 1
                    if in_flight > self.limit:
                        # RST rather than FIN: what the client sees as "Connection reset by peer"
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        time.sleep(0.05)
                        return
        except OSError:
            pass
        finally:
            conn.close()


class DroppingBroker:
    """3.1.1: answers every CONNECT with CONNACK, then closes the connection `hold` seconds later (every
    connection, however many: asyncio, one thread), as a broker that drops its clients."""

    def __init__(self, hold=1.0):
        import asyncio
        self.hold = hold
        self.accepted = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.host, self.port = self.sock.getsockname()
        self.props = {"broker.host": self.host, "broker.port": str(self.port)}
        self.loop = asyncio.new_event_loop()
        self._server = None
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)

            async def start():
                self._server = await asyncio.start_server(self._handle, sock=self.sock, backlog=4096)
                ready.set()

            self.loop.run_until_complete(start())
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)

    async def _handle(self, reader, writer):
        import asyncio
        try:
            head = await reader.readexactly(1)
            length, shift = 0, 0
            while True:
                b = (await reader.readexactly(1))[0]
                length |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    break
            await reader.readexactly(length)
            if head[0] >> 4 == 1:
                self.accepted += 1
                writer.write(b"\x20\x02\x00\x00")
                await writer.drain()
                await asyncio.sleep(self.hold)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def close(self):
        def stop():
            if self._server:
                self._server.close()
            self.loop.stop()
        self.loop.call_soon_threadsafe(stop)
