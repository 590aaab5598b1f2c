package io.mqttload.jmeter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.mqttload.jni.ConnectionGroup;

/**
 * Registry of connection groups by name. Thread scope: one map per JMeter thread. Test scope: one map for
 * the whole test. Every group ever registered is also tracked so the end of the test frees it even when a
 * thread never ran its thread-finished hook.
 */
public final class Connections {
    private static final ThreadLocal<Map<String, ConnectionGroup>> THREAD = ThreadLocal.withInitial(HashMap::new);
    private static final ConcurrentHashMap<String, ConnectionGroup> TEST = new ConcurrentHashMap<>();
    private static final Set<ConnectionGroup> ALL = Collections.newSetFromMap(new ConcurrentHashMap<>());

    private Connections() {
    }

    private static String key(String name) {
        return name == null ? "" : name.trim();
    }

    /** This thread's group of that name, or null. */
    public static ConnectionGroup threadGroup(String name) {
        Map<String, ConnectionGroup> m = THREAD.get();
        String k = key(name);
        ConnectionGroup g = m.get(k);
        if (g != null && g.isClosed()) {
            m.remove(k);
            return null;
        }
        return g;
    }

    /** The test-wide group of that name, or null. */
    public static ConnectionGroup testGroup(String name) {
        String k = key(name);
        ConnectionGroup g = TEST.get(k);
        if (g != null && g.isClosed()) {
            TEST.remove(k, g);
            return null;
        }
        return g;
    }

    /** Lookup for Publish/Subscribe/Disconnect: the thread's own group first, then the test-wide one. */
    public static ConnectionGroup find(String name) {
        ConnectionGroup g = threadGroup(name);
        return g != null ? g : testGroup(name);
    }

    /**
     * The group registered under that name and scope when it was made from the same settings; otherwise a new
     * one from {@code factory} (the old one, if any, is closed). Exceptions of the factory propagate and leave
     * the registry unchanged.
     */
    public static ConnectionGroup obtain(boolean testScope, String name, String settingsKey,
                                         Supplier<ConnectionGroup> factory) {
        String k = key(name);
        if (!testScope) {
            Map<String, ConnectionGroup> m = THREAD.get();
            ConnectionGroup old = m.get(k);
            if (old != null && !old.isClosed() && old.sameSettings(settingsKey)) {
                return old;
            }
            ConnectionGroup g = factory.get();
            ALL.add(g);
            m.put(k, g);
            if (old != null) {
                closeQuietly(old);
            }
            return g;
        }
        ConnectionGroup[] replaced = new ConnectionGroup[1];
        ConnectionGroup g = TEST.compute(k, (kk, old) -> {
            if (old != null && !old.isClosed() && old.sameSettings(settingsKey)) {
                return old;
            }
            ConnectionGroup created = factory.get();
            ALL.add(created);
            replaced[0] = old;
            return created;
        });
        if (replaced[0] != null) {
            closeQuietly(replaced[0]);
        }
        return g;
    }

    /** Removes the group from the registry (this thread's and the test-wide map) and frees it. */
    public static void remove(ConnectionGroup group) {
        THREAD.get().values().removeIf(g -> g == group);
        TEST.values().removeIf(g -> g == group);
        closeQuietly(group);
    }

    /** Frees every group of the calling thread (its thread-finished hook). */
    public static void closeThread() {
        Map<String, ConnectionGroup> m = THREAD.get();
        List<ConnectionGroup> groups = new ArrayList<>(m.values());
        m.clear();
        THREAD.remove();
        for (ConnectionGroup g : groups) {
            closeQuietly(g);
        }
    }

    /** Frees every group of the test (test end). */
    public static void closeAll() {
        List<ConnectionGroup> groups = new ArrayList<>(ALL);
        groups.addAll(TEST.values());
        TEST.clear();
        THREAD.remove();
        for (ConnectionGroup g : groups) {
            closeQuietly(g);
        }
    }

    /** Number of live groups known (for tests and diagnostics). */
    public static int liveCount() {
        ALL.removeIf(ConnectionGroup::isClosed);
        return ALL.size();
    }

    private static void closeQuietly(ConnectionGroup g) {
        ALL.remove(g);
        try {
            g.close();
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not free " + g + ": " + e);
        }
    }
}
