"""jmeter-server engines on loopback for the distributed-mode tests: each with its own registry and object ports, its
own engine.id and working folder, and the properties a user's engines get (mqttload.properties)."""
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import JMETER, REPO, free_port

PROPS = REPO / "mqttload.properties"
SERVER = JMETER.parent / "jmeter-server"
RMI = ["-Dserver.rmi.ssl.disable=true", "-Djava.rmi.server.hostname=127.0.0.1"]
ENV = dict(os.environ, HEAP="-Xms128m -Xmx512m")


class Engine:
    """A jmeter-server process with its own registry and object ports, its own engine.id and `extra`
    arguments (its own -J properties, say)."""

    def __init__(self, workdir, engine_id, extra=()):
        self.id = engine_id
        self.port, self.local_port = free_port(), free_port()
        self.dir = Path(workdir) / ("engine-" + engine_id)
        self.dir.mkdir()
        self.out = self.dir / "stdout.txt"
        cmd = [str(SERVER), "-Dserver_port=%d" % self.port, "-Dserver.rmi.localport=%d" % self.local_port,
               *RMI, "-Jengine.id=%s" % engine_id, "-q", str(PROPS), *extra]
        with open(self.out, "wb") as f:
            self.proc = subprocess.Popen(cmd, cwd=str(self.dir), stdin=subprocess.DEVNULL, stdout=f,
                                         stderr=subprocess.STDOUT, env=ENV)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Created remote object" in self.out.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail("jmeter-server %s not ready:\n%s\n%s" % (self.id, self.out.read_text(errors="replace"),
                                                            self.log_tail()))

    def log_tail(self):
        log = self.dir / "jmeter-server.log"
        return log.read_text(errors="replace")[-3000:] if log.is_file() else "(no jmeter-server.log)"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def running(*engines):
    """The engines, each ready for a controller; all stopped at the end, whatever happened."""
    try:
        for e in engines:
            e.wait_ready()
        yield list(engines)
    finally:
        for e in engines:
            e.stop()
