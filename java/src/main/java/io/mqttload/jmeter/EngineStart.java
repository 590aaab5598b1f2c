package io.mqttload.jmeter;

import org.apache.jmeter.util.JMeterUtils;

import io.mqttload.jni.NativeLib;

/** Starts the native engine with this JMeter's settings for it, before anything uses the engine. */
final class EngineStart {
    /** JMeter property: worker threads of the native runtime (0 = number of cores). */
    static final String RUNTIME_THREADS_PROPERTY = "mqttload.runtime.threads";
    /** JMeter property: TCP/TLS/WebSocket/MQTT handshakes in flight at once in this JMeter process (default 128). */
    static final String CONNECT_CONCURRENCY_PROPERTY = "mqttload.connect.concurrency";

    private static volatile boolean started;

    private EngineStart() {
    }

    /** Loads the library and starts the engine, once; UnsatisfiedLinkError when the library cannot load. */
    static void start() {
        if (!started) {
            NativeLib.init(intProperty(RUNTIME_THREADS_PROPERTY), intProperty(CONNECT_CONCURRENCY_PROPERTY));
            started = true;
            MetricsEndpoint.startIfAsked();
        }
    }

    /** A non-negative JMeter property; 0 (the engine's default) when unset or JMeter's properties are not loaded. */
    static int intProperty(String name) {
        try {
            return Math.max(0, JMeterUtils.getPropDefault(name, 0));
        } catch (RuntimeException e) { // JMeter properties not loaded (e.g. outside JMeter)
            return 0;
        }
    }
}
