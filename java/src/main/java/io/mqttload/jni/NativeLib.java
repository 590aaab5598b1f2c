package io.mqttload.jni;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine library (libmqttload) as a whole: loading it and starting the engine, once per JVM. Each class
 * that binds an engine object declares its own native methods and calls {@link #ensureInit()} in the factory
 * that makes its handle, the one way to reach them: not in a static initialiser, so that a test's subclass
 * with a made-up handle needs no library.
 */
public final class NativeLib {
    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");

    private static volatile boolean started;
    /** Why loading failed: a half-loaded library cannot be unloaded, so it is not tried again. */
    private static LinkageError loadFailure;

    private NativeLib() {
    }

    /**
     * Loads the library and starts the engine with {@code workerThreads} runtime workers (0 = one per core) and
     * at most {@code connectConcurrency} handshakes in flight (0 = the engine's default). Only the first call
     * that succeeds counts: the runtime cannot be resized once it runs. UnsatisfiedLinkError when the library
     * cannot be loaded.
     */
    public static void init(int workerThreads, int connectConcurrency) {
        if (started) {
            return;
        }
        synchronized (NativeLib.class) {
            if (started) {
                return;
            }
            load();
            configure(Math.max(0, workerThreads), Math.max(0, connectConcurrency));
            startEngineLog();
            started = true;
            LOG.info("mqttload: native engine {} loaded for {} from {}", version(), NativeLoader.loadedPlatform(),
                    NativeLoader.loadedFrom());
        }
    }

    /** Before a first native call: starts the engine with its defaults unless {@link #init} came first. */
    static void ensureInit() {
        init(0, 0);
    }

    private static void load() {
        if (loadFailure != null) {
            throw loadFailure;
        }
        try {
            NativeLoader.load();
        } catch (LinkageError e) {
            loadFailure = e;
            throw e;
        }
    }

    /** The engine's log is a convenience: when it cannot start, the engine runs silent. */
    private static void startEngineLog() {
        try {
            EngineLog.start();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("mqttload: engine events will not be logged: {}", e.toString());
        }
    }

    /**
     * Starts the engine's Prometheus endpoint on {@code host}:{@code port} (0: a free port), every series
     * labelled {@code engine}; returns the port it listens on. NativeException when it cannot listen there.
     */
    public static int startMetricsEndpoint(String host, int port, String engine) {
        ensureInit();
        return startMetrics(host, port, engine);
    }

    private static native int startMetrics(String host, int port, String engine);

    /** Before the runtime's first use; {@code connectConcurrency} 0 = the engine's default. */
    private static native void configure(int workerThreads, int connectConcurrency);

    private static native String version();
}
