"""A fault-injecting TCP proxy between the engine and a real broker: the network users meet in the field
(mobile links, congested uplinks, middleboxes that drop a connection without a word), on loopback.

    proxy = FaultProxy(broker.host, broker.port)     # listens on 127.0.0.1:proxy.port, forwards to the broker
    proxy.delay(up=0.020, down=0.020, jitter=0.002)  # added latency per direction (up = engine -> broker)
    proxy.bandwidth(up=20_000)                       # bytes/s cap per direction (None = no cap)
    proxy.stall(5.0)                                 # no bytes either way for 5 s; connections kept
    proxy.reset_mid_packet()                         # next chunk cut in two, then every connection reset (RST)
    proxy.black_hole()                               # bytes silently dropped both ways, no FIN or RST
    proxy.heal()                                     # back to a clean link (delays and caps stay)
    proxy.close()

Every connection accepted is paired with its own connection to the broker. Faults apply to every pair, the
current ones and those accepted later. A capped or stalled direction stops reading, so the sender meets
backpressure in its socket as it would on a real link (a slow reader on the broker's side); the receive
buffer of the engine-facing socket is kept small (`rcvbuf`) so that backpressure reaches the engine soon.
One asyncio loop in a daemon thread; the methods are safe to call from the test's thread.
"""
import asyncio
import random
import socket
import struct
import threading
import time

UP, DOWN = "up", "down"


class FaultProxy:
    def __init__(self, broker_host, broker_port, rcvbuf=64 * 1024):
        self.target = (broker_host, broker_port)
        self.rcvbuf = rcvbuf
        self.latency = {UP: 0.0, DOWN: 0.0}
        self.jitter = 0.0
        self.rate = {UP: None, DOWN: None}
        self.stalled_until = 0.0
        self.hole = False
        self._reset_armed = False
        self.accepted = 0
        self.bytes = {UP: 0, DOWN: 0}
        self.dropped = {UP: 0, DOWN: 0}
        self.resets = 0
        # seconds each delayed chunk was held, per direction: what the delay really added
        self.held = {UP: [], DOWN: []}
        self._pairs = set()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # inherited by accepted sockets; set before listen so the window scale is chosen for it
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.host, self.port = self.sock.getsockname()
        self.props = {"broker.host": self.host, "broker.port": str(self.port)}
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._server = None

        def run():
            asyncio.set_event_loop(self.loop)

            async def start():
                self._server = await asyncio.start_server(self._accept, sock=self.sock, backlog=1024)
                ready.set()

            self.loop.run_until_complete(start())
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True, name="fault-proxy").start()
        if not ready.wait(10):
            raise RuntimeError("fault proxy did not start")

    # ------------------------------------------------------------------------------- the faults

    def delay(self, up=0.0, down=0.0, jitter=0.0):
        self.latency = {UP: up, DOWN: down}
        self.jitter = jitter

    def bandwidth(self, up=None, down=None):
        self.rate = {UP: up, DOWN: down}

    def stall(self, seconds):
        self.stalled_until = time.monotonic() + seconds

    def black_hole(self):
        self.hole = True

    def reset_mid_packet(self):
        """The next chunk either way is cut: its first half is forwarded, then every connection, both
        sides, gets an RST."""
        self._reset_armed = True

    def heal(self):
        self.hole = False
        self.stalled_until = 0.0
        self._reset_armed = False

    def connections(self):
        return len(self._pairs)

    def close(self):
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)

    async def _shutdown(self):
        if self._server:
            self._server.close()
        for pair in list(self._pairs):
            pair.abort()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------------------ forwarding

    async def _accept(self, client_reader, client_writer):
        self.accepted += 1
        try:
            broker_reader, broker_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(client_writer)
            return
        pair = _Pair(self, client_writer, broker_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(pair.pump(client_reader, broker_writer, UP),
                                 pair.pump(broker_reader, client_writer, DOWN))
        finally:
            self._pairs.discard(pair)
            pair.abort()


class _Pair:
    def __init__(self, proxy, client_writer, broker_writer):
        self.proxy = proxy
        self.writers = (client_writer, broker_writer)
        self.closed = False

    def abort(self):
        if not self.closed:
            self.closed = True
            for w in self.writers:
                _reset(w)

    async def pump(self, reader, writer, direction):
        p = self.proxy
        last_release = 0.0
        # Chunks wait here for their release time: delays keep the byte order.
        queue = asyncio.Queue()
        sender = asyncio.ensure_future(self._send(queue, writer, direction))
        try:
            while not self.closed:
                while time.monotonic() < p.stalled_until and not self.closed:
                    await asyncio.sleep(0.005)
                rate = p.rate[direction]
                # with a cap: small reads, each followed by its share of time
                n = 65536 if not rate else max(1, min(65536, int(rate * 0.01)))
                data = await reader.read(n)
                if not data:
                    break
                if p.hole:
                    p.dropped[direction] += len(data)
                    continue
                if p._reset_armed:
                    p._reset_armed = False
                    p.resets += 1
                    half = data[:max(1, len(data) // 2)]
                    if len(half) < len(data):
                        writer.write(half)
                    await asyncio.sleep(0.001)
                    for pair in list(p._pairs):
                        pair.abort()
                    break
                p.bytes[direction] += len(data)
                now = time.monotonic()
                latency = p.latency[direction]
                if latency or p.jitter:
                    release = now + max(0.0, latency + random.uniform(-p.jitter, p.jitter))
                    last_release = max(last_release, release)
                    queue.put_nowait((last_release, data, now))
                else:
                    queue.put_nowait((0.0, data, None))
                if rate:
                    await asyncio.sleep(len(data) / rate)
                # backpressure: a writer that does not drain (a stalled receiver) stops this reader
                while queue.qsize() > 64 and not self.closed:
                    await asyncio.sleep(0.005)
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            queue.put_nowait(None)
            try:
                await sender
            except (OSError, asyncio.CancelledError):
                pass
            self.abort()

    async def _send(self, queue, writer, direction):
        p = self.proxy
        while True:
            item = await queue.get()
            if item is None or self.closed:
                return
            release, data, arrived = item
            wait = release - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if arrived is not None:
                p.held[direction].append(time.monotonic() - arrived)
            while time.monotonic() < p.stalled_until and not self.closed:
                await asyncio.sleep(0.005)
            if p.hole:
                p.dropped[direction] += len(data)
                continue
            writer.write(data)
            await writer.drain()


def _reset(writer):
    """Close with an RST (SO_LINGER 0), as a middlebox that kills a connection does."""
    try:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    except (OSError, AttributeError):
        pass
