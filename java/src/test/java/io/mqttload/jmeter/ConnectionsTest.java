package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
    @AfterEach
    void cleanup() {
        Connections.closeAll();
    }

    @Test
    void threadScopeIsPerThread() throws Exception {
        FakeGroup g = new FakeGroup("", 1, "k");
        assertSame(g, Connections.obtain(false, "", "k", () -> g));
        assertSame(g, Connections.find(""));
        assertSame(g, Connections.find(null));
        AtomicReference<Object> other = new AtomicReference<>("unset");
        Thread t = new Thread(() -> other.set(Connections.find("")));
        t.start();
        t.join();
        assertNull(other.get());
    }

    @Test
    void sameSettingsReuseDifferentSettingsReplace() {
        FakeGroup g1 = new FakeGroup("a", 1, "k1");
        assertSame(g1, Connections.obtain(false, "a", "k1", () -> g1));
        assertSame(g1, Connections.obtain(false, "a", "k1", () -> {
            throw new AssertionError("must reuse");
        }));
        FakeGroup g2 = new FakeGroup("a", 1, "k2");
        assertSame(g2, Connections.obtain(false, "a", "k2", () -> g2));
        assertEquals(1, g1.frees.get());
        assertTrue(g1.isClosed());
    }

    @Test
    void factoryFailureLeavesRegistryUnchanged() {
        assertThrows(IllegalArgumentException.class, () -> Connections.obtain(true, "t", "k", () -> {
            throw new IllegalArgumentException("port: bad");
        }));
        assertNull(Connections.find("t"));
    }

    @Test
    void testScopeVisibleFromOtherThreadsThreadFirst() throws Exception {
        FakeGroup shared = new FakeGroup("s", 1, "k");
        Connections.obtain(true, "s", "k", () -> shared);
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> seen.set(Connections.find("s")));
        t.start();
        t.join();
        assertSame(shared, seen.get());
        FakeGroup own = new FakeGroup("s", 1, "k");
        Connections.obtain(false, "s", "k", () -> own);
        assertSame(own, Connections.find("s"));
    }

    @Test
    void removeFreesAndForgets() {
        FakeGroup g = new FakeGroup("r", 1, "k");
        Connections.obtain(true, "r", "k", () -> g);
        Connections.remove(g);
        assertNull(Connections.find("r"));
        assertEquals(1, g.frees.get());
    }

    @Test
    void closeThreadFreesOnlyThisThreadsGroups() {
        FakeGroup mine = new FakeGroup("", 1, "k");
        FakeGroup shared = new FakeGroup("s", 1, "k");
        Connections.obtain(false, "", "k", () -> mine);
        Connections.obtain(true, "s", "k", () -> shared);
        Connections.closeThread();
        assertEquals(1, mine.frees.get());
        assertEquals(0, shared.frees.get());
        assertNull(Connections.find(""));
        assertSame(shared, Connections.find("s"));
    }

    @Test
    void closeAllFreesEverythingIncludingOtherThreads() throws Exception {
        FakeGroup[] inThread = new FakeGroup[1];
        Thread t = new Thread(() -> {
            inThread[0] = new FakeGroup("", 1, "k");
            Connections.obtain(false, "", "k", () -> inThread[0]);
        });
        t.start();
        t.join();
        FakeGroup shared = new FakeGroup("s", 1, "k");
        Connections.obtain(true, "s", "k", () -> shared);
        assertEquals(2, Connections.liveCount());
        Connections.closeAll();
        assertEquals(1, inThread[0].frees.get());
        assertEquals(1, shared.frees.get());
        assertEquals(0, Connections.liveCount());
        Connections.closeAll();
        assertEquals(1, shared.frees.get());
    }

    @Test
    void closedGroupsAreNotFound() {
        FakeGroup g = new FakeGroup("c", 1, "k");
        Connections.obtain(false, "c", "k", () -> g);
        g.close();
        assertNull(Connections.find("c"));
    }
}
