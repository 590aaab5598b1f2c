package io.mqttload.jni;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rust engine's log in JMeter's log: a daemon thread takes the engine's records (already filtered by level
 * and rate-limited on the native side) and hands them to SLF4J under {@link #LOGGERS}. The engine only formats
 * what these loggers would show: their levels are sent at start and again every {@link #REFRESH_MILLIS}, so a
 * level changed in log4j2.xml or with {@code -Lio.mqttload.engine=DEBUG} takes effect.
 *
 * <p>Nothing here may break a test: any failure stops the bridge and the engine goes silent.
 */
public final class EngineLog {
    /** Same order as the native side's list: records name their logger by index. */
    static final String[] LOGGERS = {
        "io.mqttload.engine",
        "io.mqttload.engine.session",
        "io.mqttload.engine.transport",
        "io.mqttload.engine.tls",
        "io.mqttload.engine.sampler",
    };

    static final int OFF = 0;
    static final int ERROR = 1;
    static final int WARN = 2;
    static final int INFO = 3;
    static final int DEBUG = 4;
    static final int TRACE = 5;

    static final long REFRESH_MILLIS = 5_000;
    private static final long POLL_MILLIS = 1_000;
    /** Separates records in a batch from the engine; see {@link #deliver(String)}. */
    static final char SEPARATOR = '\u001e';

    private static final Logger[] SINKS = new Logger[LOGGERS.length];

    static {
        for (int i = 0; i < LOGGERS.length; i++) {
            SINKS[i] = LoggerFactory.getLogger(LOGGERS[i]);
        }
    }

    private static Thread drainer;

    private EngineLog() {
    }

    /** Starts the bridge once per JVM (the native library must be loaded). */
    static synchronized void start() {
        if (drainer != null) {
            return;
        }
        start(levels());
        Thread t = new Thread(EngineLog::drain, "mqttload-engine-log");
        t.setDaemon(true);
        drainer = t;
        t.start();
    }

    /**
     * Hands over what the engine has queued, suppression summaries included (at test end, so the last
     * "N similar events suppressed" line is not lost when JMeter exits).
     */
    public static void flush() {
        synchronized (EngineLog.class) {
            if (drainer == null || !drainer.isAlive()) {
                return;
            }
        }
        try {
            deliver(poll(0, true));
        } catch (RuntimeException | LinkageError e) {
            // the log must never fail a test
        }
    }

    private static void drain() {
        long nextRefresh = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                deliver(poll(POLL_MILLIS, false));
                if (System.nanoTime() - nextRefresh >= 0) {
                    setLevels(levels());
                    nextRefresh = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            try {
                stop();
            } catch (RuntimeException | LinkageError ignored) {
                // already silent
            }
            SINKS[0].warn("mqttload: the engine's log bridge stopped, engine events are no longer logged: {}",
                    e.toString());
        }
    }

    /** The level each of {@link #LOGGERS} shows, as the engine numbers levels. */
    static int[] levels() {
        int[] out = new int[SINKS.length];
        for (int i = 0; i < SINKS.length; i++) {
            out[i] = levelOf(SINKS[i]);
        }
        return out;
    }

    static int levelOf(Logger l) {
        if (l.isTraceEnabled()) {
            return TRACE;
        }
        if (l.isDebugEnabled()) {
            return DEBUG;
        }
        if (l.isInfoEnabled()) {
            return INFO;
        }
        if (l.isWarnEnabled()) {
            return WARN;
        }
        return l.isErrorEnabled() ? ERROR : OFF;
    }

    /** Where decoded records go: SLF4J, or a test's list. */
    interface Sink {
        void log(int logger, int level, String message);
    }

    private static final Sink SLF4J = (logger, level, message) -> log(SINKS[logger], level, message);

    private static void deliver(String batch) {
        deliver(batch, SLF4J);
    }

    /** A batch: records separated by {@link #SEPARATOR}, each two digits (logger, level) and the message. */
    static void deliver(String batch, Sink sink) {
        if (batch == null) {
            return;
        }
        int start = 0;
        while (start < batch.length()) {
            int end = batch.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = batch.length();
            }
            if (end - start >= 2) {
                int logger = batch.charAt(start) - '0';
                int level = batch.charAt(start + 1) - '0';
                if (logger >= 0 && logger < SINKS.length) {
                    sink.log(logger, level, batch.substring(start + 2, end));
                }
            }
            start = end + 1;
        }
    }

    static void log(Logger l, int level, String message) {
        switch (level) {
            case ERROR:
                l.error(message);
                break;
            case WARN:
                l.warn(message);
                break;
            case INFO:
                l.info(message);
                break;
            case DEBUG:
                l.debug(message);
                break;
            case TRACE:
                l.trace(message);
                break;
            default:
                break;
        }
    }

    private static native void start(int[] levels);

    private static native void setLevels(int[] levels);

    /** Waits up to waitMillis for records; null when none. flush: every pending suppression summary too. */
    private static native String poll(long waitMillis, boolean flush);

    private static native void stop();
}
