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

    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");
    private static boolean asked;

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
        String engine;
        try {
            port = JMeterUtils.getPropDefault(PORT_PROPERTY, -1);
            host = JMeterUtils.getPropDefault(HOST_PROPERTY, "127.0.0.1").trim();
            engine = JMeterUtils.getPropDefault(ENGINE_PROPERTY, "").trim();
        } catch (RuntimeException e) { // JMeter's properties not loaded (outside JMeter)
            return;
        }
        if (port < 0) {
            return;
        }
        try {
            int bound = NativeLib.startMetricsEndpoint(host, port, engine.isEmpty() ? hostName() + ":" + port : engine);
            LOG.info("mqttload: metrics for Prometheus at http://{}:{}/metrics", host, bound);
        } catch (RuntimeException e) {
            LOG.error("mqttload: no metrics endpoint ({}={}): {}", PORT_PROPERTY, port, e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
