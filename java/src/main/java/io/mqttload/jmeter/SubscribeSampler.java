package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.Subscriber;

/** MQTT Subscribe: subscribes once on the group, then each sample collects a batch of messages. */
public class SubscribeSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    /** JMeter variables set after each sample, with the stats index each one shows. */
    static final String[] VARIABLES = {
        "MQTT_SUB_RECEIVED", "MQTT_SUB_MEAN_US", "MQTT_SUB_P50_US", "MQTT_SUB_P90_US", "MQTT_SUB_P99_US",
        "MQTT_SUB_MAX_US", "MQTT_SUB_LOST", "MQTT_SUB_DUPLICATES", "MQTT_SUB_OUT_OF_ORDER",
        "MQTT_SUB_PENDING", "MQTT_SUB_LOST_TOTAL", "MQTT_SUB_DUPLICATES_TOTAL",
    };
    static final int[] STAT_INDEX = {
        Outcome.STAT_MESSAGES, Outcome.STAT_MEAN_US, Outcome.STAT_P50_US, Outcome.STAT_P90_US, Outcome.STAT_P99_US,
        Outcome.STAT_MAX_US, Outcome.STAT_LOST, Outcome.STAT_DUPLICATES, Outcome.STAT_OUT_OF_ORDER,
        Outcome.STAT_PENDING, Outcome.STAT_LOST_TOTAL, Outcome.STAT_DUPLICATES_TOTAL,
    };

    /** Per thread; re-created when the resolved settings change or the group is another one. */
    private transient Subscriber subscriber;

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        Outcome o = null;
        try {
            o = run(result, startMillis, startNanos);
        } finally {
            putVariables(o);
        }
    }

    private Outcome run(SampleResult result, long startMillis, long startNanos) {
        SubscribeSettings settings;
        try {
            settings = SubscribeSettings.read(properties());
        } catch (BadSettingException e) {
            Results.fail(result, startMillis, startNanos, SubscribeSettings.codeFor(e), e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(settings.connectionName);
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        String json = settings.toJson();
        Subscriber s = subscriber;
        if (s == null || s.isClosed() || !json.equals(s.json()) || !s.usableWith(group)) {
            closeSubscriber();
            try {
                subscriber = Subscriber.create(json);
            } catch (IllegalArgumentException e) {
                Results.fail(result, startMillis, startNanos, "512", e.getMessage());
                return null;
            }
        }
        using(group);
        Outcome o = subscriber.subscribe(group, shutdownProbe());
        Results.fillSubscribe(result, startMillis, o);
        long received = o.stat(Outcome.STAT_MESSAGES);
        if (o.success && received >= 0) {
            // The engine's own text may add a note (e.g. a reconnect since the last sample) after it.
            String m = o.responseMessage;
            result.setResponseMessage(m != null && m.startsWith(receivedMessage(received)) ? m
                    : receivedMessage(received));
            if (o.responseData == null) {
                result.setResponseData(result.getResponseMessage(), "UTF-8");
            }
        }
        return o;
    }

    /** "Received N of message." with N in plain digits (no locale separators). */
    static String receivedMessage(long n) {
        return "Received " + Long.toString(n) + " of message.";
    }

    /** Variable values for an outcome (all empty when null or not available). */
    static String[] variableValues(Outcome o) {
        String[] values = new String[VARIABLES.length];
        for (int i = 0; i < values.length; i++) {
            long v = o == null ? -1 : o.stat(STAT_INDEX[i]);
            values[i] = v < 0 ? "" : Long.toString(v);
        }
        return values;
    }

    /** What is missing from which publisher: {@code <id>:<n>} pairs, empty when nothing is. */
    static final String SHORTFALL_VARIABLE = "MQTT_SUB_SHORTFALL";

    /** The batch's arrival rate, received / (received + lost in gaps); empty without sequence numbers. */
    static final String ARRIVAL_RATE_VARIABLE = "MQTT_SUB_ARRIVAL_RATE";

    /**
     * Six decimals, rounded down, so that any loss reads below 1 (1 lost of 10 million is 0.999999, never
     * 1.000000); empty when the batch had no numbered message or the figures are unavailable.
     */
    static String arrivalRate(Outcome o) {
        long received = o == null ? -1 : o.stat(Outcome.STAT_MESSAGES);
        long lost = o == null ? -1 : o.stat(Outcome.STAT_LOST);
        if (received < 0 || lost < 0 || received + lost == 0) {
            return "";
        }
        return java.math.BigDecimal.valueOf(received)
                .divide(java.math.BigDecimal.valueOf(received + lost), 6, java.math.RoundingMode.DOWN)
                .toPlainString();
    }

    private static void putVariables(Outcome o) {
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars == null) {
            return;
        }
        String[] values = variableValues(o);
        for (int i = 0; i < values.length; i++) {
            vars.put(VARIABLES[i], values[i]);
        }
        vars.put(SHORTFALL_VARIABLE, o == null || o.shortfall == null ? "" : o.shortfall);
        vars.put(ARRIVAL_RATE_VARIABLE, arrivalRate(o));
    }

    private void closeSubscriber() {
        Subscriber s = subscriber;
        subscriber = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        try {
            closeSubscriber();
        } catch (RuntimeException | LinkageError e) {
            Log.warn("mqttload: could not free a subscriber: " + e);
        }
    }

    // Properties
    public String getTopics() {
        return getPropertyAsString(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC);
    }

    public void setTopics(String v) {
        setProperty(Keys.TOPIC_NAME, v);
    }

    public String getQos() {
        return getPropertyAsString(Keys.QOS_LEVEL, "0");
    }

    public void setQos(String v) {
        setProperty(Keys.QOS_LEVEL, v);
    }

    public String getSampleCondition() {
        return getPropertyAsString(Keys.SAMPLE_CONDITION, Keys.CONDITION_TIME_LABEL);
    }

    public void setSampleCondition(String v) {
        setProperty(Keys.SAMPLE_CONDITION, v);
    }

    public String getSampleConditionValue() {
        return getPropertyAsString(Keys.SAMPLE_CONDITION_VALUE, String.valueOf(Keys.DEFAULT_CONDITION_TIME_MS));
    }

    public void setSampleConditionValue(String v) {
        setProperty(Keys.SAMPLE_CONDITION_VALUE, v);
    }

    public String getSampleTimeout() {
        return getPropertyAsString(Keys.SAMPLE_TIMEOUT, String.valueOf(Keys.DEFAULT_SAMPLE_TIMEOUT_MS));
    }

    public void setSampleTimeout(String v) {
        setProperty(Keys.SAMPLE_TIMEOUT, v);
    }

    public boolean isAddTimestamp() {
        return getPropertyAsBoolean(Keys.ADD_TIMESTAMP, false);
    }

    public void setAddTimestamp(boolean v) {
        setProperty(Keys.ADD_TIMESTAMP, v);
    }

    public boolean isDebugResponse() {
        return getPropertyAsBoolean(Keys.DEBUG_RESPONSE, false);
    }

    public void setDebugResponse(boolean v) {
        setProperty(Keys.DEBUG_RESPONSE, v);
    }

    // MQTT 5.0
    public boolean isNoLocal() {
        return getPropertyAsBoolean(Keys.NO_LOCAL, false);
    }

    public void setNoLocal(boolean v) {
        setProperty(Keys.NO_LOCAL, v);
    }

    public boolean isRetainAsPublished() {
        return getPropertyAsBoolean(Keys.RETAIN_AS_PUBLISHED, false);
    }

    public void setRetainAsPublished(boolean v) {
        setProperty(Keys.RETAIN_AS_PUBLISHED, v);
    }

    public String getRetainHandling() {
        return getPropertyAsString(Keys.RETAIN_HANDLING, "0");
    }

    public void setRetainHandling(String v) {
        setProperty(Keys.RETAIN_HANDLING, v);
    }

    public String getSubscriptionIdentifier() {
        return getPropertyAsString(Keys.SUBSCRIPTION_IDENTIFIER, "0");
    }

    public void setSubscriptionIdentifier(String v) {
        setProperty(Keys.SUBSCRIPTION_IDENTIFIER, v);
    }
}
