package io.mqttload.jmeter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plugin's logger (slf4j, as JMeter uses). Never give it a password or a connect JSON. */
final class Log {
    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");

    private Log() {
    }

    static void warn(String message) {
        LOG.warn(message);
    }

    static void debug(String message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(message);
        }
    }
}
