package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.testelement.ThreadListener;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

/** MQTT Connect: opens (or reuses) a connection group of 1..N connections. */
public class ConnectSampler extends MqttSampler implements ThreadListener, TestStateListener {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        ConnectSettings settings;
        try {
            settings = ConnectSettings.read(properties());
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.FAILED, e.getMessage());
            return;
        }
        String json = settings.toJson();
        String name = settings.connectionName;
        ConnectionGroup group;
        try {
            group = Connections.obtain(settings.testScope(), name, json,
                    () -> ConnectionGroup.create(json, name, settings.connections));
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.FAILED, settings.scrub(e.getMessage()));
            return;
        }
        using(group);
        synchronized (group) { // test-wide groups: one thread connects, the others then reuse
            if (group.isConnected()) {
                Results.ok(result, startMillis, startNanos, "Reused " + group.connections() + " connection(s) of "
                        + (name.isEmpty() ? "the thread's connection" : name));
                return;
            }
            Outcome o = group.connect();
            Results.fill(result, startMillis, o);
            if (!o.success && o.responseMessage != null) {
                result.setResponseMessage(settings.scrub(o.responseMessage));
            }
            result.setConnectTime(result.getTime());
        }
    }

    // ThreadListener
    @Override
    public void threadStarted() {
        // connections open lazily, in sample()
    }

    @Override
    public void threadFinished() {
        Connections.closeThread();
    }

    // TestStateListener
    @Override
    public void testStarted() {
        Connections.closeAll(); // leftovers of a previous run in the same JVM
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        Connections.closeAll();
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    // Properties
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
        return getPropertyAsString(Keys.VERSION, Keys.DEFAULT_VERSION);
    }

    public void setMqttVersion(String v) {
        setProperty(Keys.VERSION, v);
    }

    public String getConnTimeout() {
        return getPropertyAsString(Keys.CONN_TIMEOUT, String.valueOf(Keys.DEFAULT_CONN_TIMEOUT));
    }

    public void setConnTimeout(String v) {
        setProperty(Keys.CONN_TIMEOUT, v);
    }

    public String getProtocol() {
        return getPropertyAsString(Keys.PROTOCOL, Keys.PROTOCOL_TCP);
    }

    public void setProtocol(String v) {
        setProperty(Keys.PROTOCOL, v);
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
        return getPropertyAsString(Keys.CLIENT_ID_PREFIX, Keys.DEFAULT_CLIENT_ID_PREFIX);
    }

    public void setClientIdPrefix(String v) {
        setProperty(Keys.CLIENT_ID_PREFIX, v);
    }

    public boolean isClientIdSuffix() {
        return getPropertyAsBoolean(Keys.CLIENT_ID_SUFFIX, true);
    }

    public void setClientIdSuffix(boolean v) {
        setProperty(Keys.CLIENT_ID_SUFFIX, v);
    }

    public String getKeepAlive() {
        return getPropertyAsString(Keys.CONN_KEEP_ALIVE, String.valueOf(Keys.DEFAULT_KEEP_ALIVE));
    }

    public void setKeepAlive(String v) {
        setProperty(Keys.CONN_KEEP_ALIVE, v);
    }

    /** Reads the new spelling, else the XMeter misspelling mqtt.conn_attampt_max. */
    public String getConnAttemptMax() {
        String v = getPropertyAsString(Keys.CONN_ATTEMPT_MAX, "");
        return v.isEmpty() ? getPropertyAsString(Keys.CONN_ATTEMPT_MAX_OLD, "0") : v;
    }

    /** Writes the new spelling and drops the old one. */
    public void setConnAttemptMax(String v) {
        removeProperty(Keys.CONN_ATTEMPT_MAX_OLD);
        setProperty(Keys.CONN_ATTEMPT_MAX, v);
    }

    public String getReconnAttemptMax() {
        String v = getPropertyAsString(Keys.RECONN_ATTEMPT_MAX, "");
        return v.isEmpty() ? getPropertyAsString(Keys.RECONN_ATTEMPT_MAX_OLD, "0") : v;
    }

    public void setReconnAttemptMax(String v) {
        removeProperty(Keys.RECONN_ATTEMPT_MAX_OLD);
        setProperty(Keys.RECONN_ATTEMPT_MAX, v);
    }

    public String getCleanSession() {
        return getPropertyAsString(Keys.CONN_CLEAN_SESSION, "true");
    }

    public void setCleanSession(String v) {
        setProperty(Keys.CONN_CLEAN_SESSION, v);
    }

    public String getConnCapacity() {
        return getPropertyAsString(Keys.CONN_CAPACITY, "1");
    }

    public void setConnCapacity(String v) {
        setProperty(Keys.CONN_CAPACITY, v);
    }

    public String getWillTopic() {
        return getPropertyAsString(Keys.WILL_TOPIC, "");
    }

    public void setWillTopic(String v) {
        setProperty(Keys.WILL_TOPIC, v);
    }

    public String getWillMessage() {
        return getPropertyAsString(Keys.WILL_MESSAGE, "");
    }

    public void setWillMessage(String v) {
        setProperty(Keys.WILL_MESSAGE, v);
    }

    public String getWillQos() {
        return getPropertyAsString(Keys.WILL_QOS, "0");
    }

    public void setWillQos(String v) {
        setProperty(Keys.WILL_QOS, v);
    }

    public boolean isWillRetain() {
        return getPropertyAsBoolean(Keys.WILL_RETAIN, false);
    }

    public void setWillRetain(boolean v) {
        setProperty(Keys.WILL_RETAIN, v);
    }

    public String getConnectionScope() {
        return getPropertyAsString(Keys.CONNECTION_SCOPE, Keys.SCOPE_THREAD);
    }

    public void setConnectionScope(String v) {
        setProperty(Keys.CONNECTION_SCOPE, v);
    }
}
