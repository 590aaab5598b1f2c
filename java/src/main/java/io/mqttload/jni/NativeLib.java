package io.mqttload.jni;

import java.util.function.BooleanSupplier;

import org.apache.jmeter.util.JMeterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every native entry point of the Rust engine (libmqttload). Loading this class loads the library
 * and starts the shared runtime with {@code mqttload.runtime.threads} workers (0 = one per core).
 *
 * <p>A {@code shutdownProbe} (may be null) is asked by the engine, on the calling thread, every 200 ms while
 * the operation waits; once it answers true the operation ends at once with what it has (JMeter's Shutdown).
 */
public final class NativeLib {
    /** JMeter property: worker threads of the native runtime (0 = number of cores). */
    public static final String RUNTIME_THREADS_PROPERTY = "mqttload.runtime.threads";
    /** JMeter property: TCP/TLS/WebSocket/MQTT handshakes in flight at once in this JMeter process (default 128). */
    public static final String CONNECT_CONCURRENCY_PROPERTY = "mqttload.connect.concurrency";

    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");

    static {
        NativeLoader.load();
        init(intProperty(RUNTIME_THREADS_PROPERTY, 0), intProperty(CONNECT_CONCURRENCY_PROPERTY, 0));
        startEngineLog();
        LOG.info("mqttload: native engine {} loaded for {} from {}", version(), NativeLoader.loadedPlatform(),
                NativeLoader.loadedFrom());
    }

    private NativeLib() {
    }

    /** The engine's log is a convenience: when it cannot start, the engine runs silent. */
    private static void startEngineLog() {
        try {
            EngineLog.start();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("mqttload: engine events will not be logged: {}", e.toString());
        }
    }

    /** A non-negative JMeter property; {@code dflt} when unset or JMeter's properties are not loaded. */
    private static int intProperty(String name, int dflt) {
        try {
            return Math.max(0, JMeterUtils.getPropDefault(name, dflt));
        } catch (RuntimeException e) { // JMeter properties not loaded (e.g. outside JMeter)
            return dflt;
        }
    }

    /** {@code connectConcurrency} 0 = the engine's default. */
    static native void init(int workerThreads, int connectConcurrency);

    public static native String version();

    public static native long groupCreate(String connectJson);

    public static native Outcome groupConnect(long group, BooleanSupplier shutdownProbe);

    public static native Outcome groupDisconnect(long group);

    /** MQTT 5.0 DISCONNECT with {"reasonCode":N,"sessionExpiry":S} (S = -1: not sent), then closes. */
    public static native Outcome groupDisconnectWith(long group, String disconnectJson);

    /** UNSUBSCRIBE with {"topics":"a, b/#","timeoutMs":N} on every connection, waiting for the UNSUBACKs. */
    public static native Outcome groupUnsubscribe(long group, String unsubscribeJson, BooleanSupplier shutdownProbe);

    public static native void groupFree(long group);

    public static native void cancel(long group);

    public static native boolean groupIsConnected(long group);

    public static native long publisherCreate(String publishJson);

    public static native Outcome publish(long group, long publisher, BooleanSupplier shutdownProbe);

    public static native void publisherFree(long publisher);

    public static native long subscriberCreate(String subscribeJson);

    public static native Outcome subscribe(long group, long subscriber, BooleanSupplier shutdownProbe);

    public static native void subscriberFree(long subscriber);

    /** Broker Statistics: its state (brokerStatsJson); the connection is a group from groupCreate. */
    public static native long brokerStatsCreate(String brokerStatsJson);

    public static native Outcome brokerStats(long group, long brokerStats, BooleanSupplier shutdownProbe);

    /** The last sample's figures, one NAME=value line each (value empty when not published). */
    public static native String brokerStatsFigures(long brokerStats);

    public static native void brokerStatsFree(long brokerStats);
}
