package io.mqttload.jmeter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/** A connection group that needs no native library. */
class FakeGroup extends ConnectionGroup {
    private static long next = 1000;

    final AtomicInteger frees = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    volatile boolean connected;
    Outcome disconnectOutcome = new Outcome(true, "200", "Disconnected 1 connection(s).", 3_400_000L, 1, 0, 0,
            null, null);

    FakeGroup(String name, int connections, String settingsKey) {
        this(name, connections, false, settingsKey);
    }

    FakeGroup(String name, int connections, boolean resumable, String settingsKey) {
        super(nextHandle(), name, connections, resumable, settingsKey);
    }

    private static synchronized long nextHandle() {
        return next++;
    }

    @Override
    protected void free(long handle) {
        frees.incrementAndGet();
    }

    @Override
    public boolean isConnected() {
        return !isClosed() && connected;
    }

    @Override
    public void cancel() {
        cancels.incrementAndGet();
    }

    /** What {@link #connect} returns; null = no connect expected. */
    volatile Outcome connectOutcome;
    /** What {@link #connect} throws, if set. */
    volatile RuntimeException connectFailure;
    /** The Shutdown probe the last connect was given. */
    volatile BooleanSupplier connectProbe;

    @Override
    public Outcome connect(BooleanSupplier shutdownProbe) {
        connectProbe = shutdownProbe;
        if (connectFailure != null) {
            throw connectFailure;
        }
        if (connectOutcome != null) {
            connected = connectOutcome.success;
            return connectOutcome;
        }
        throw new AssertionError("no native connect expected");
    }

    /** Calls of disconnect(): "plain" or the disconnectJson given to disconnect(String). */
    final java.util.List<String> disconnects = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Outcome disconnect() {
        handle();
        connected = false;
        disconnects.add("plain");
        return disconnectOutcome;
    }

    /** What disconnect(String) throws (the engine refusing the settings), if set. */
    volatile SettingsException disconnectRefusal;

    @Override
    public Outcome disconnect(String disconnectJson) {
        handle();
        if (disconnectRefusal != null) {
            throw disconnectRefusal;
        }
        connected = false;
        disconnects.add(disconnectJson);
        return disconnectOutcome;
    }
}
