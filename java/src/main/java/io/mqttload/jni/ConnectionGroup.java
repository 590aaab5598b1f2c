package io.mqttload.jni;

import java.util.function.BooleanSupplier;

/** A native group of 1..N MQTT connections, created from a connectJson document. */
public class ConnectionGroup extends NativeObject {
    private final String name;
    private final int connections;
    private final String settingsKey;
    private volatile boolean resumable;

    /** Wraps an existing handle (used by {@link #create} and by tests). */
    protected ConnectionGroup(long handle, String name, int connections, String settingsKey) {
        super(handle);
        this.name = name;
        this.connections = connections;
        this.settingsKey = settingsKey;
    }

    /**
     * Creates the native group. {@code settingsKey} identifies the settings (e.g. the JSON) so a caller can
     * tell whether a later Connect asks for the same thing; it is never printed.
     */
    public static ConnectionGroup create(String connectJson, String name, int connections) {
        return new ConnectionGroup(NativeLib.groupCreate(connectJson), name, connections, connectJson);
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

    public void setResumable(boolean resumable) {
        this.resumable = resumable;
    }

    public boolean sameSettings(String otherKey) {
        return settingsKey != null && settingsKey.equals(otherKey);
    }

    /** Connects; ends early, failed, once {@code shutdownProbe} (may be null) answers true. */
    public Outcome connect(BooleanSupplier shutdownProbe) {
        return NativeLib.groupConnect(handle(), shutdownProbe);
    }

    public Outcome disconnect() {
        return NativeLib.groupDisconnect(handle());
    }

    /** DISCONNECT with a reason code / session expiry (disconnectJson of the contract), then closes. */
    public Outcome disconnect(String disconnectJson) {
        return NativeLib.groupDisconnectWith(handle(), disconnectJson);
    }

    /** UNSUBSCRIBE (unsubscribeJson) on every connection, waiting for the UNSUBACKs. */
    public Outcome unsubscribe(String unsubscribeJson, BooleanSupplier shutdownProbe) {
        return NativeLib.groupUnsubscribe(handle(), unsubscribeJson, shutdownProbe);
    }

    public boolean isConnected() {
        long h = rawHandle();
        return h != 0 && NativeLib.groupIsConnected(h);
    }

    /** Ends operations blocked on this group now; no-op once closed. */
    public void cancel() {
        long h = rawHandle();
        if (h != 0) {
            NativeLib.cancel(h);
        }
    }

    @Override
    protected void free(long handle) {
        NativeLib.groupFree(handle);
    }

    @Override
    public String toString() { // never the settings: they may hold a password
        return "ConnectionGroup{name='" + name + "', connections=" + connections + ", closed=" + isClosed() + "}";
    }
}
