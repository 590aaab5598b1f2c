package io.mqttload.jmeter;

import java.util.Collections;
import java.util.Map;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.jni.BrokerStats;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

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

    /** Per thread: the element's own connection and its native state, re-created when the settings change. */
    private transient ConnectionGroup group;
    private transient String groupJson;
    private transient BrokerStats stats;

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
        BrokerStatsSettings settings;
        try {
            settings = BrokerStatsSettings.read(properties());
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.FAILED, e.getMessage());
            return Collections.emptyMap();
        }
        String connectJson = settings.connectJson();
        String json = settings.toJson();
        try {
            if (group == null || group.isClosed() || !connectJson.equals(groupJson)) {
                close();
                group = ConnectionGroup.create(connectJson, getName(), 1);
                groupJson = connectJson;
            }
            if (stats == null || stats.isClosed() || !json.equals(stats.json())) {
                closeStats();
                stats = BrokerStats.create(json);
            }
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.FAILED,
                    settings.connection.scrub(e.getMessage()));
            return Collections.emptyMap();
        }
        using(group);
        Outcome o;
        try {
            o = stats.sample(group, shutdownProbe());
        } catch (RuntimeException e) { // its text may quote a secret
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION,
                    settings.connection.scrub(Results.messageOf(e)));
            return Collections.emptyMap();
        }
        Results.fill(result, startMillis, o);
        result.setResponseMessage(settings.connection.scrub(result.getResponseMessage()));
        return o.success ? stats.figures() : Collections.<String, String>emptyMap();
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

    private void closeStats() {
        BrokerStats s = stats;
        stats = null;
        if (s != null) {
            s.close();
        }
    }

    private void close() {
        closeStats();
        ConnectionGroup g = group;
        group = null;
        groupJson = null;
        if (g != null) {
            g.close();
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        try {
            ConnectionGroup g = group;
            if (g != null && !g.isClosed() && g.isConnected()) {
                g.disconnect(); // a clean DISCONNECT, so the broker does not count a dropped client
            }
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not disconnect a broker statistics connection: " + e);
        }
        try {
            close();
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not free a broker statistics connection: " + e);
        }
    }

    // Properties: the connection's (Connect element keys) and the $SYS ones
    public String getServer() {
        return getPropertyAsString(Keys.SERVER, Keys.DEFAULT_SERVER);
    }

    public void setServer(String v) {
        setProperty(Keys.SERVER, v);
    }

    public String getPort() {
        return getPropertyAsString(Keys.PORT, String.valueOf(Keys.DEFAULT_PORT));
    }

    public void setPort(String v) {
        setProperty(Keys.PORT, v);
    }

    public String getMqttVersion() {
        return getPropertyAsString(Keys.VERSION, Keys.VERSION_3_1_1);
    }

    public void setMqttVersion(String v) {
        setProperty(Keys.VERSION, v);
    }

    public String getProtocol() {
        return getPropertyAsString(Keys.PROTOCOL, Keys.PROTOCOL_TCP);
    }

    public void setProtocol(String v) {
        setProperty(Keys.PROTOCOL, v);
    }

    public String getWsPath() {
        return getPropertyAsString(Keys.WS_PATH, Keys.DEFAULT_WS_PATH);
    }

    public void setWsPath(String v) {
        setProperty(Keys.WS_PATH, v);
    }

    public String getCaFile() {
        return getPropertyAsString(Keys.CA_FILE, "");
    }

    public void setCaFile(String v) {
        setProperty(Keys.CA_FILE, v);
    }

    public String getConnTimeout() {
        return getPropertyAsString(Keys.CONN_TIMEOUT, String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
    }

    public void setConnTimeout(String v) {
        setProperty(Keys.CONN_TIMEOUT, v);
    }

    public String getUserName() {
        return getPropertyAsString(Keys.USER_NAME, "");
    }

    public void setUserName(String v) {
        setProperty(Keys.USER_NAME, v);
    }

    public String getPassword() {
        return getPropertyAsString(Keys.PASSWORD, "");
    }

    public void setPassword(String v) {
        setProperty(Keys.PASSWORD, v);
    }

    public String getClientIdPrefix() {
        return getPropertyAsString(Keys.CLIENT_ID_PREFIX, Keys.DEFAULT_STATS_CLIENT_ID_PREFIX);
    }

    public void setClientIdPrefix(String v) {
        setProperty(Keys.CLIENT_ID_PREFIX, v);
    }

    public String getTopicRoot() {
        return getPropertyAsString(Keys.SYS_TOPIC_ROOT, Keys.DEFAULT_SYS_TOPIC_ROOT);
    }

    public void setTopicRoot(String v) {
        setProperty(Keys.SYS_TOPIC_ROOT, v);
    }

    public String getFirstTimeout() {
        return getPropertyAsString(Keys.SYS_FIRST_TIMEOUT, String.valueOf(Keys.DEFAULT_SYS_FIRST_TIMEOUT_MS));
    }

    public void setFirstTimeout(String v) {
        setProperty(Keys.SYS_FIRST_TIMEOUT, v);
    }
}
