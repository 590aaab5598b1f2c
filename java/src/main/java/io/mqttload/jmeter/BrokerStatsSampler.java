package io.mqttload.jmeter;

import java.util.Collections;
import java.util.Map;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.jmeter.settings.Secrets;
import io.mqttload.jni.BrokerStats;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;

/**
 * MQTT Broker Statistics: on a connection of its own, subscribes to the broker's $SYS tree; each sample reports
 * the latest value of every $SYS topic (response data) and the figures below as JMeter variables, so they land
 * in the JTL beside the load's own figures.
 */
public class BrokerStatsSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    /** The variables set after each sample ("" when the broker does not publish the figure), engine order. */
    static final String[] VARIABLES = {
        "MQTT_BROKER_CLIENTS", "MQTT_BROKER_MSGS_RECEIVED_PER_S", "MQTT_BROKER_MSGS_SENT_PER_S",
        "MQTT_BROKER_BYTES_RECEIVED_PER_S", "MQTT_BROKER_BYTES_SENT_PER_S", "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S",
        "MQTT_BROKER_MSGS_SENT_1MIN_PER_S", "MQTT_BROKER_SUBSCRIPTIONS", "MQTT_BROKER_RETAINED",
        "MQTT_BROKER_HEAP_BYTES", "MQTT_BROKER_DROPPED",
    };

    /** Per thread: the element's own connection and its native state, made again when the settings change. */
    private final transient ThreadOwned<ConnectionGroup> group =
            new ThreadOwned<>("a broker statistics connection");
    private final transient ThreadOwned<BrokerStats> stats = new ThreadOwned<>("broker statistics");

    @Override
    protected String element() {
        return "stats";
    }

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        Map<String, String> figures = Collections.emptyMap();
        try {
            figures = run(result, startMillis, startNanos);
        } finally {
            putVariables(figures);
        }
    }

    private Map<String, String> run(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        Secrets secrets = secrets();
        ConnectionGroup g;
        BrokerStats b;
        try {
            g = group.from(json, s -> ConnectionGroup.createForBrokerStats(s, getName()));
            b = stats.from(json, doc -> BrokerStats.create(doc, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), secrets.scrub(e.getMessage()));
            return Collections.emptyMap();
        }
        using(g);
        Outcome o;
        try {
            o = b.sample(g, shutdownProbe());
        } catch (RuntimeException e) { // its text may quote a secret
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION, secrets.scrub(Results.messageOf(e)));
            return Collections.emptyMap();
        }
        Results.fill(result, startMillis, o);
        result.setResponseMessage(secrets.scrub(result.getResponseMessage()));
        return o.success ? b.figures() : Collections.<String, String>emptyMap();
    }

    /** Variable values from the engine's figures; every variable is set, "" when missing. */
    static String[] variableValues(Map<String, String> figures) {
        String[] values = new String[VARIABLES.length];
        for (int i = 0; i < VARIABLES.length; i++) {
            String v = figures.get(VARIABLES[i]);
            values[i] = v == null ? "" : v;
        }
        return values;
    }

    private static void putVariables(Map<String, String> figures) {
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars == null) {
            return;
        }
        String[] values = variableValues(figures);
        for (int i = 0; i < VARIABLES.length; i++) {
            vars.put(VARIABLES[i], values[i]);
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        try {
            ConnectionGroup g = group.current();
            if (g != null && !g.isClosed() && g.isConnected()) {
                g.disconnect(); // a clean DISCONNECT, so the broker does not count a dropped client
            }
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not disconnect a broker statistics connection: " + e);
        }
        stats.closeQuietly();
        group.closeQuietly();
    }
}
