package io.mqttload.jmeter;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.jmeter.util.JMeterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mqttload.jni.NativeLib;

/**
 * The engine's Prometheus endpoint, when JMeter's properties ask for it: started once per JVM, with the engine
 * (a failure to listen is logged, and the test goes on without it).
 */
final class MetricsEndpoint {
    /** JMeter property: port of the endpoint; unset or negative = off, 0 = a free port. */
    static final String PORT_PROPERTY = "mqttload.metrics.port";
    /** JMeter property: address it listens on (default loopback; 0.0.0.0 for every interface). */
    static final String HOST_PROPERTY = "mqttload.metrics.host";
    /** JMeter property: the engine label of every series (default host name:port). */
    static final String ENGINE_PROPERTY = "mqttload.metrics.engine";
    /** JMeter property: milliseconds the endpoint stays up after a test ends, for a last scrape (default 0). */
    static final String LINGER_PROPERTY = "mqttload.metrics.linger_ms";

    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");
    private static boolean asked;
    private static volatile boolean running;
    /** The test (its start time) the endpoint last lingered for: once per test, whatever the elements. */
    private static long lingeredFor = -1;

    private MetricsEndpoint() {
    }

    /** Starts the endpoint if the properties ask and it is not running yet. */
    static synchronized void startIfAsked() {
        if (asked) {
            return;
        }
        asked = true;
        int port;
        String host;
        try {
            port = JMeterUtils.getPropDefault(PORT_PROPERTY, -1);
            host = JMeterUtils.getPropDefault(HOST_PROPERTY, "127.0.0.1").trim();
        } catch (RuntimeException e) { // JMeter's properties not loaded (outside JMeter)
            return;
        }
        if (port < 0) {
            return;
        }
        try {
            int bound = NativeLib.startMetricsEndpoint(host, port, engineLabel(port));
            running = true;
            LOG.info("mqttload: metrics for Prometheus at http://{}:{}/metrics", host, bound);
        } catch (RuntimeException e) {
            LOG.error("mqttload: no metrics endpoint ({}={}): {}", PORT_PROPERTY, port, e.getMessage());
        }
    }

    /**
     * At a test's end: keeps the JVM (and so the endpoint) up for {@link #LINGER_PROPERTY} ms, once per test, so
     * that Prometheus scrapes the run's final figures before JMeter exits. Interrupted, it ends at once.
     */
    static void lingerAtTestEnd(long testStart) {
        if (!running) {
            return;
        }
        long ms;
        synchronized (MetricsEndpoint.class) {
            if (lingeredFor == testStart) {
                return;
            }
            lingeredFor = testStart;
            try {
                ms = JMeterUtils.getPropDefault(LINGER_PROPERTY, 0L);
            } catch (RuntimeException e) {
                return;
            }
        }
        if (ms <= 0) {
            return;
        }
        LOG.info("mqttload: metrics endpoint up {} ms more for a last scrape ({})", ms, LINGER_PROPERTY);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The engine label: {@link #ENGINE_PROPERTY} when set, else host name:port of the endpoint ({@code port} above
     * 0), else host name:process id.
     */
    static String engineLabel(int port) {
        String engine = "";
        try {
            engine = JMeterUtils.getPropDefault(ENGINE_PROPERTY, "").trim();
        } catch (RuntimeException e) { // JMeter's properties not loaded (outside JMeter)
        }
        if (!engine.isEmpty()) {
            return engine;
        }
        return hostName() + ":" + (port > 0 ? port : ProcessHandle.current().pid());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
