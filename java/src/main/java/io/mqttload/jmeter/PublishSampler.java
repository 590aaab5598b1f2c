package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.Publisher;

/** MQTT Publish: publishes on the thread's (or a named) connection group. */
public class PublishSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    /** Per thread (samplers are cloned per thread); re-created when the resolved settings change. */
    private transient Publisher publisher;

    /** JMeter variables set after each sample (empty when not available), with the stats index each shows. */
    static final String[] VARIABLES = {
        "MQTT_PUB_SENT", "MQTT_PUB_INTENDED", "MQTT_PUB_LAG_P50_US", "MQTT_PUB_LAG_P99_US",
    };
    static final int[] STAT_INDEX = {
        Outcome.STAT_PUB_SENT, Outcome.STAT_PUB_INTENDED, Outcome.STAT_PUB_LAG_P50_US, Outcome.STAT_PUB_LAG_P99_US,
    };
    /** Messages sent per second, plain decimal (up to three decimals). */
    static final String RATE_VARIABLE = "MQTT_PUB_RATE";

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        Outcome o = null;
        try {
            o = run(result, startMillis, startNanos);
        } finally {
            putVariables(o);
        }
    }

    /** Variable values for an outcome ({@link #VARIABLES}, then the rate); empty when not available. */
    static String[] variableValues(Outcome o) {
        String[] values = new String[VARIABLES.length + 1];
        for (int i = 0; i < VARIABLES.length; i++) {
            long v = o == null ? -1 : o.stat(STAT_INDEX[i]);
            values[i] = v < 0 ? "" : Long.toString(v);
        }
        long milli = o == null ? -1 : o.stat(Outcome.STAT_PUB_RATE_MILLI);
        values[VARIABLES.length] = milli < 0 ? ""
                : java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
        return values;
    }

    private static void putVariables(Outcome o) {
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars == null) {
            return;
        }
        String[] values = variableValues(o);
        for (int i = 0; i < VARIABLES.length; i++) {
            vars.put(VARIABLES[i], values[i]);
        }
        vars.put(RATE_VARIABLE, values[VARIABLES.length]);
    }

    private Outcome run(SampleResult result, long startMillis, long startNanos) {
        PublishSettings settings;
        try {
            settings = PublishSettings.read(properties());
        } catch (IllegalArgumentException e) {
            Results.fail(result, startMillis, startNanos, Results.EXCEPTION, e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(settings.connectionName);
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        String json = settings.toJson();
        if (publisher == null || publisher.isClosed() || !json.equals(publisher.json())) {
            closePublisher();
            try {
                publisher = Publisher.create(json);
            } catch (IllegalArgumentException e) {
                Results.fail(result, startMillis, startNanos, Results.EXCEPTION, e.getMessage());
                return null;
            }
        }
        using(group);
        Outcome o = publisher.publish(group, shutdownProbe());
        Results.fill(result, startMillis, o);
        result.setSentBytes(Math.max(0L, o.bytes));
        return o;
    }

    private void closePublisher() {
        Publisher p = publisher;
        publisher = null;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        try {
            closePublisher();
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not free a publisher: " + e);
        }
    }

    // Properties
    public String getTopic() {
        return getPropertyAsString(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC);
    }

    public void setTopic(String v) {
        setProperty(Keys.TOPIC_NAME, v);
    }

    public String getQos() {
        return getPropertyAsString(Keys.QOS_LEVEL, "0");
    }

    public void setQos(String v) {
        setProperty(Keys.QOS_LEVEL, v);
    }

    public boolean isEndMarker() {
        return getPropertyAsBoolean(Keys.END_MARKER, false);
    }

    public void setEndMarker(boolean v) {
        setProperty(Keys.END_MARKER, v);
    }

    public boolean isRetained() {
        return getPropertyAsBoolean(Keys.RETAINED_MESSAGE, false);
    }

    public void setRetained(boolean v) {
        setProperty(Keys.RETAINED_MESSAGE, v);
    }

    public String getMessageType() {
        return getPropertyAsString(Keys.MESSAGE_TYPE, Keys.MESSAGE_TYPE_STRING);
    }

    public void setMessageType(String v) {
        setProperty(Keys.MESSAGE_TYPE, v);
    }

    public String getMessageLength() {
        return getPropertyAsString(Keys.MESSAGE_TYPE_FIXED_LENGTH, String.valueOf(Keys.DEFAULT_FIXED_LENGTH));
    }

    public void setMessageLength(String v) {
        setProperty(Keys.MESSAGE_TYPE_FIXED_LENGTH, v);
    }

    public String getMessage() {
        return getPropertyAsString(Keys.MESSAGE_TO_SENT, "");
    }

    public void setMessage(String v) {
        setProperty(Keys.MESSAGE_TO_SENT, v);
    }

    public String getPayloadFile() {
        return getPropertyAsString(Keys.PAYLOAD_FILE, "");
    }

    public void setPayloadFile(String v) {
        setProperty(Keys.PAYLOAD_FILE, v);
    }

    public String getPayloadFolder() {
        return getPropertyAsString(Keys.PAYLOAD_FOLDER, "");
    }

    public void setPayloadFolder(String v) {
        setProperty(Keys.PAYLOAD_FOLDER, v);
    }

    /** none|xmeter|precise; when unset, mqtt.add_timestamp true means xmeter. */
    public String getTimestampFormat() {
        String v = getPropertyAsString(Keys.TIMESTAMP_FORMAT, "");
        if (!v.isEmpty()) {
            return v;
        }
        return getPropertyAsBoolean(Keys.ADD_TIMESTAMP, false) ? Keys.TIMESTAMP_XMETER : Keys.TIMESTAMP_NONE;
    }

    /** Writes mqtt.timestamp_format and keeps mqtt.add_timestamp in step (for the XMeter plugin's readers). */
    public void setTimestampFormat(String v) {
        setProperty(Keys.TIMESTAMP_FORMAT, v);
        setProperty(Keys.ADD_TIMESTAMP, !Keys.TIMESTAMP_NONE.equalsIgnoreCase(v == null ? "" : v.trim()));
    }

    public boolean isRandomPerMessage() {
        return getPropertyAsBoolean(Keys.RANDOM_PER_MESSAGE, false);
    }

    public void setRandomPerMessage(boolean v) {
        setProperty(Keys.RANDOM_PER_MESSAGE, v);
    }

    public String getMessagesPerSample() {
        return getPropertyAsString(Keys.MESSAGES_PER_SAMPLE, "1");
    }

    public void setMessagesPerSample(String v) {
        setProperty(Keys.MESSAGES_PER_SAMPLE, v);
    }

    public String getPublishTarget() {
        return getPropertyAsString(Keys.PUBLISH_TARGET, Keys.TARGET_ALL);
    }

    public void setPublishTarget(String v) {
        setProperty(Keys.PUBLISH_TARGET, v);
    }

    public String getAckTimeout() {
        return getPropertyAsString(Keys.ACK_TIMEOUT, String.valueOf(Keys.DEFAULT_ACK_TIMEOUT_MS));
    }

    public void setAckTimeout(String v) {
        setProperty(Keys.ACK_TIMEOUT, v);
    }

    // Pacing
    public String getPaceMode() {
        return getPropertyAsString(Keys.PACE_MODE, Keys.PACE_BURST);
    }

    public void setPaceMode(String v) {
        setProperty(Keys.PACE_MODE, v);
    }

    public String getPaceIntervalMs() {
        return getPropertyAsString(Keys.PACE_INTERVAL_MS, String.valueOf(Keys.DEFAULT_PACE_INTERVAL_MS));
    }

    public void setPaceIntervalMs(String v) {
        setProperty(Keys.PACE_INTERVAL_MS, v);
    }

    public String getPaceRate() {
        return getPropertyAsString(Keys.PACE_RATE, Keys.DEFAULT_PACE_RATE);
    }

    public void setPaceRate(String v) {
        setProperty(Keys.PACE_RATE, v);
    }

    public String getPaceDurationMs() {
        return getPropertyAsString(Keys.PACE_DURATION_MS, String.valueOf(Keys.DEFAULT_PACE_DURATION_MS));
    }

    public void setPaceDurationMs(String v) {
        setProperty(Keys.PACE_DURATION_MS, v);
    }

    public String getPaceMessages() {
        return getPropertyAsString(Keys.PACE_MESSAGES, "0");
    }

    public void setPaceMessages(String v) {
        setProperty(Keys.PACE_MESSAGES, v);
    }

    // MQTT 5.0
    public String getMessageExpiry() {
        return getPropertyAsString(Keys.MESSAGE_EXPIRY, "0");
    }

    public void setMessageExpiry(String v) {
        setProperty(Keys.MESSAGE_EXPIRY, v);
    }

    public String getContentType() {
        return getPropertyAsString(Keys.CONTENT_TYPE, "");
    }

    public void setContentType(String v) {
        setProperty(Keys.CONTENT_TYPE, v);
    }

    public boolean isPayloadFormatUtf8() {
        return getPropertyAsBoolean(Keys.PAYLOAD_FORMAT_UTF8, false);
    }

    public void setPayloadFormatUtf8(boolean v) {
        setProperty(Keys.PAYLOAD_FORMAT_UTF8, v);
    }

    public String getResponseTopic() {
        return getPropertyAsString(Keys.RESPONSE_TOPIC, "");
    }

    public void setResponseTopic(String v) {
        setProperty(Keys.RESPONSE_TOPIC, v);
    }

    public String getCorrelationData() {
        return getPropertyAsString(Keys.CORRELATION_DATA, "");
    }

    public void setCorrelationData(String v) {
        setProperty(Keys.CORRELATION_DATA, v);
    }

    public String getUserProperties() {
        return getPropertyAsString(Keys.USER_PROPERTIES, "");
    }

    public void setUserProperties(String v) {
        setProperty(Keys.USER_PROPERTIES, v);
    }

    public boolean isUseTopicAlias() {
        return getPropertyAsBoolean(Keys.USE_TOPIC_ALIAS, false);
    }

    public void setUseTopicAlias(boolean v) {
        setProperty(Keys.USE_TOPIC_ALIAS, v);
    }
}
