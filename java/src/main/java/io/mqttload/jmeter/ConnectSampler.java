package io.mqttload.jmeter;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;

/** MQTT Connect: opens (or reuses) a connection group of 1..N connections. */
public class ConnectSampler extends MqttSampler implements ThreadListener {
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
        group.setResumable(!settings.cleanSession || settings.sessionExpiry > 0);
        synchronized (group) { // test-wide groups: one thread connects, the others then reuse
            if (group.isConnected()) {
                Results.ok(result, startMillis, startNanos, "Reused " + group.connections() + " connection(s) of "
                        + (name.isEmpty() ? "the thread's connection" : name));
                return;
            }
            BooleanSupplier shutdown = shutdownProbe();
            if (shutdown != null && shutdown.getAsBoolean()) {
                // Came while another thread held a test-wide group connecting: do not start a connect of our own,
                // or threads queued on the group would each wait out a poll interval in turn.
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION,
                        "Connect not started: JMeter shutdown came before it could start");
                return;
            }
            Outcome o;
            try {
                o = group.connect(shutdown);
            } catch (RuntimeException e) { // e.g. a NativeException: its text may quote a secret
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION, settings.scrub(Results.messageOf(e)));
                return;
            }
            Results.fill(result, startMillis, scrubbed(settings, o));
            result.setConnectTime(result.getTime());
        }
    }

    /** The outcome with both secrets replaced by *** in its message and response data. */
    static Outcome scrubbed(ConnectSettings settings, Outcome o) {
        String message = settings.scrub(o.responseMessage);
        byte[] data = o.responseData;
        if (data != null) {
            String text = new String(data, StandardCharsets.UTF_8);
            if (settings.holdsSecret(text)) {
                data = settings.scrub(text).getBytes(StandardCharsets.UTF_8);
            }
        }
        if (message == o.responseMessage && data == o.responseData) {
            return o;
        }
        return new Outcome(o.success, o.responseCode, message, o.elapsedNanos, o.sampleCount, o.errorCount, o.bytes,
                o.stats, data);
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
        super.testStarted();
        Connections.closeAll(); // leftovers of a previous run in the same JVM
    }

    @Override
    public void testEnded() {
        Connections.closeAll();
        super.testEnded();
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

    public boolean isDualSslAuthentication() {
        return getPropertyAsBoolean(Keys.DUAL_SSL_AUTHENTICATION, false);
    }

    public void setDualSslAuthentication(boolean v) {
        setProperty(Keys.DUAL_SSL_AUTHENTICATION, v);
    }

    public String getClientCertFile() {
        return getPropertyAsString(Keys.CLIENT_CERT_FILE_PATH, "");
    }

    public void setClientCertFile(String v) {
        setProperty(Keys.CLIENT_CERT_FILE_PATH, v);
    }

    public String getClientCertPassword() {
        return getPropertyAsString(Keys.CLIENT_CERT_PASSWORD, "");
    }

    public void setClientCertPassword(String v) {
        setProperty(Keys.CLIENT_CERT_PASSWORD, v);
    }

    public String getClientKeyFile() {
        return getPropertyAsString(Keys.CLIENT_KEY_FILE, "");
    }

    public void setClientKeyFile(String v) {
        setProperty(Keys.CLIENT_KEY_FILE, v);
    }

    public String getTlsMinVersion() {
        return getPropertyAsString(Keys.TLS_MIN_VERSION, Keys.DEFAULT_TLS_MIN_VERSION);
    }

    public void setTlsMinVersion(String v) {
        setProperty(Keys.TLS_MIN_VERSION, v);
    }

    public String getTlsServerName() {
        return getPropertyAsString(Keys.TLS_SERVER_NAME, "");
    }

    public void setTlsServerName(String v) {
        setProperty(Keys.TLS_SERVER_NAME, v);
    }

    public boolean isTlsVerifyHostname() {
        return getPropertyAsBoolean(Keys.TLS_VERIFY_HOSTNAME, true);
    }

    public void setTlsVerifyHostname(boolean v) {
        setProperty(Keys.TLS_VERIFY_HOSTNAME, v);
    }

    public boolean isTlsTrustAll() {
        return getPropertyAsBoolean(Keys.TLS_TRUST_ALL, false);
    }

    public void setTlsTrustAll(boolean v) {
        setProperty(Keys.TLS_TRUST_ALL, v);
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

    public String getMaxInflight() {
        return getPropertyAsString(Keys.MAX_INFLIGHT, "");
    }

    public void setMaxInflight(String v) {
        setProperty(Keys.MAX_INFLIGHT, v);
    }

    public String getBindAddress() {
        return getPropertyAsString(Keys.BIND_ADDRESS, "");
    }

    public void setBindAddress(String v) {
        setProperty(Keys.BIND_ADDRESS, v);
    }

    public String getConnectRate() {
        return getPropertyAsString(Keys.CONNECT_RATE, "");
    }

    public void setConnectRate(String v) {
        setProperty(Keys.CONNECT_RATE, v);
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

    // MQTT 5.0
    public String getSessionExpiry() {
        return getPropertyAsString(Keys.SESSION_EXPIRY, "0");
    }

    public void setSessionExpiry(String v) {
        setProperty(Keys.SESSION_EXPIRY, v);
    }

    public String getReceiveMaximum() {
        return getPropertyAsString(Keys.RECEIVE_MAXIMUM, String.valueOf(Keys.DEFAULT_RECEIVE_MAXIMUM));
    }

    public void setReceiveMaximum(String v) {
        setProperty(Keys.RECEIVE_MAXIMUM, v);
    }

    public String getMaximumPacketSize() {
        return getPropertyAsString(Keys.MAXIMUM_PACKET_SIZE, "0");
    }

    public void setMaximumPacketSize(String v) {
        setProperty(Keys.MAXIMUM_PACKET_SIZE, v);
    }

    public String getTopicAliasMaximum() {
        return getPropertyAsString(Keys.TOPIC_ALIAS_MAXIMUM, "0");
    }

    public void setTopicAliasMaximum(String v) {
        setProperty(Keys.TOPIC_ALIAS_MAXIMUM, v);
    }

    public boolean isRequestResponseInfo() {
        return getPropertyAsBoolean(Keys.REQUEST_RESPONSE_INFO, false);
    }

    public void setRequestResponseInfo(boolean v) {
        setProperty(Keys.REQUEST_RESPONSE_INFO, v);
    }

    public String getUserProperties() {
        return getPropertyAsString(Keys.USER_PROPERTIES, "");
    }

    public void setUserProperties(String v) {
        setProperty(Keys.USER_PROPERTIES, v);
    }

    public String getWillDelayInterval() {
        return getPropertyAsString(Keys.WILL_DELAY_INTERVAL, "0");
    }

    public void setWillDelayInterval(String v) {
        setProperty(Keys.WILL_DELAY_INTERVAL, v);
    }

    public String getWillMessageExpiry() {
        return getPropertyAsString(Keys.WILL_MESSAGE_EXPIRY, "0");
    }

    public void setWillMessageExpiry(String v) {
        setProperty(Keys.WILL_MESSAGE_EXPIRY, v);
    }

    public String getWillContentType() {
        return getPropertyAsString(Keys.WILL_CONTENT_TYPE, "");
    }

    public void setWillContentType(String v) {
        setProperty(Keys.WILL_CONTENT_TYPE, v);
    }
}
