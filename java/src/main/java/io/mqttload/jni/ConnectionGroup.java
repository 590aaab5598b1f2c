package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/**
 * A native group of 1..N MQTT connections, made by the engine from a Connect element's settings document (or a
 * Broker Statistics element's, for its own connection).
 *
 * <p>A {@code shutdownProbe} (may be null) is asked by the engine, on the calling thread, every 200 ms while
 * an operation waits; once it answers true the operation ends at once with what it has (JMeter's Shutdown).
 */
public class ConnectionGroup extends NativeObject {
    private final String name;
    private final int connections;
    private final boolean resumable;
    private final String settingsKey;

    /** Wraps an existing handle (used by {@link #create} and by tests, which need no library). */
    protected ConnectionGroup(long handle, String name, int connections, boolean resumable, String settingsKey) {
        super(handle);
        this.name = name;
        this.connections = connections;
        this.resumable = resumable;
        this.settingsKey = settingsKey;
    }

    /**
     * Creates the native group from a Connect element's settings document, which the engine checks
     * ({@link SettingsException} when it refuses them). The document also tells whether a later Connect asks for
     * the same thing; it is never printed (it may hold a password). {@code name} is the connection name (the
     * group's key), {@code element} the Connect element's name (its samples' and live metrics' label).
     */
    public static ConnectionGroup create(String settings, String name, String element) {
        NativeLib.ensureInit();
        return wrap(nativeCreate(settings, element), name, settings);
    }

    /** The connection of a Broker Statistics element, from that element's settings document. */
    public static ConnectionGroup createForBrokerStats(String settings, String name) {
        NativeLib.ensureInit();
        return wrap(nativeCreateForBrokerStats(settings), name, settings);
    }

    /**
     * A test run starts, its previous run's groups closed: connections are numbered ({@code {{conn.test}}}) and
     * identity files read from the start again, so a plan run twice gives its devices the same identities.
     */
    public static void newTestRun() {
        NativeLib.ensureInit();
        nativeNewTestRun();
    }

    private static ConnectionGroup wrap(long handle, String name, String settings) {
        return new ConnectionGroup(handle, name, nativeConnections(handle), nativeIsResumable(handle), settings);
    }

    public String name() {
        return name;
    }

    public int connections() {
        return connections;
    }

    /**
     * Whether its connections hold a session the broker keeps (clean session off, or an MQTT 5.0 session
     * expiry): a Disconnect then keeps the group, so the thread's next Connect resumes the sessions with the
     * same client ids and subscriptions.
     */
    public boolean isResumable() {
        return resumable;
    }

    public boolean sameSettings(String otherKey) {
        return settingsKey != null && settingsKey.equals(otherKey);
    }

    /** Connects; ends early, failed, once {@code shutdownProbe} (may be null) answers true. */
    public Outcome connect(BooleanSupplier shutdownProbe) {
        return nativeConnect(handle(), shutdownProbe);
    }

    public Outcome disconnect() {
        return nativeDisconnect(handle());
    }

    /** DISCONNECT as a Disconnect element's settings document says (an MQTT 5.0 reason code, session expiry). */
    public Outcome disconnect(String settings) {
        return nativeDisconnectWith(handle(), settings);
    }

    /** UNSUBSCRIBE, as an Unsubscribe element's settings document says, waiting for every UNSUBACK. */
    public Outcome unsubscribe(String settings, BooleanSupplier shutdownProbe) {
        return nativeUnsubscribe(handle(), settings, shutdownProbe);
    }

    public boolean isConnected() {
        long h = rawHandle();
        return h != 0 && nativeIsConnected(h);
    }

    /** Ends operations blocked on this group now; no-op once closed. */
    public void cancel() {
        long h = rawHandle();
        if (h != 0) {
            nativeCancel(h);
        }
    }

    @Override
    protected void free(long handle) {
        nativeFree(handle);
    }

    @Override
    public String toString() { // never the settings: they may hold a password
        return "ConnectionGroup{name='" + name + "', connections=" + connections + ", closed=" + isClosed() + "}";
    }

    private static native long nativeCreate(String settings, String element);

    private static native long nativeCreateForBrokerStats(String settings);

    private static native void nativeNewTestRun();

    private static native int nativeConnections(long group);

    private static native boolean nativeIsResumable(long group);

    private static native Outcome nativeConnect(long group, BooleanSupplier shutdownProbe);

    private static native Outcome nativeDisconnect(long group);

    private static native Outcome nativeDisconnectWith(long group, String settings);

    private static native Outcome nativeUnsubscribe(long group, String settings, BooleanSupplier shutdownProbe);

    private static native boolean nativeIsConnected(long group);

    private static native void nativeCancel(long group);

    private static native void nativeFree(long group);
}
