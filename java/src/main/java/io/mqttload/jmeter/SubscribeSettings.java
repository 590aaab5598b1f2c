package io.mqttload.jmeter;

/** The Subscribe sampler's settings; {@link #toJson()} is the contract's subscribeJson. */
public final class SubscribeSettings {
    public static final String CONDITION_TIME = "time";
    public static final String CONDITION_COUNT = "count";

    public final String topics;
    public final int qos;
    /** {@link #CONDITION_TIME} or {@link #CONDITION_COUNT}. */
    public final String condition;
    public final int conditionValue;
    public final int timeoutMs;
    public final boolean addTimestamp;
    public final boolean debugResponse;
    public final String connectionName;
    // MQTT 5.0 subscription options (sent as "v5" only when one differs from its default)
    public final boolean noLocal;
    public final boolean retainAsPublished;
    /** 0 send retained, 1 only for new subscriptions, 2 never. */
    public final int retainHandling;
    /** 0 = none. */
    public final int subscriptionIdentifier;

    private SubscribeSettings(Props p) {
        topics = topicFilters(p);
        qos = p.qos(Keys.QOS_LEVEL);
        String label = p.choice(Keys.SAMPLE_CONDITION, Keys.CONDITION_TIME_LABEL,
                Keys.CONDITION_TIME_LABEL, Keys.CONDITION_COUNT_LABEL, CONDITION_TIME, CONDITION_COUNT);
        condition = Keys.CONDITION_COUNT_LABEL.equals(label) || CONDITION_COUNT.equals(label)
                ? CONDITION_COUNT : CONDITION_TIME;
        if (CONDITION_COUNT.equals(condition)) {
            conditionValue = p.integer(Keys.SAMPLE_CONDITION_VALUE, Keys.DEFAULT_CONDITION_COUNT, 1, Integer.MAX_VALUE);
        } else {
            conditionValue = p.integer(Keys.SAMPLE_CONDITION_VALUE, Keys.DEFAULT_CONDITION_TIME_MS, 0, Integer.MAX_VALUE);
        }
        timeoutMs = p.integer(Keys.SAMPLE_TIMEOUT, Keys.DEFAULT_SAMPLE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        addTimestamp = p.bool(Keys.ADD_TIMESTAMP, false);
        debugResponse = p.bool(Keys.DEBUG_RESPONSE, false);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
        noLocal = p.bool(Keys.NO_LOCAL, false);
        retainAsPublished = p.bool(Keys.RETAIN_AS_PUBLISHED, false);
        retainHandling = retainHandling(p);
        subscriptionIdentifier = p.integer(Keys.SUBSCRIPTION_IDENTIFIER, 0, 0, Keys.MAX_SUBSCRIPTION_IDENTIFIER);
    }

    /** mqtt.topic_name as Subscribe and Unsubscribe take it: comma-separated filters, at least one, each valid text. */
    static String topicFilters(Props p) {
        String topics = MqttText.strip(p.text(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC));
        boolean anyTopic = false;
        for (String part : topics.split(",")) {
            String t = MqttText.strip(part);
            if (!t.isEmpty()) {
                anyTopic = true;
                MqttText.requireMqttString(Keys.TOPIC_NAME, "topic filter", t);
            }
        }
        if (!anyTopic) {
            throw new BadSettingException(Keys.TOPIC_NAME, topics, "at least one topic (filter) is required");
        }
        return topics;
    }

    /** 0..2; also accepts the GUI's labels ("2 - never"). */
    private static int retainHandling(Props p) {
        String v = p.trimmed(Keys.RETAIN_HANDLING, null);
        if (v != null) {
            for (int i = 0; i < Keys.RETAIN_HANDLING_LABELS.length; i++) {
                if (Keys.RETAIN_HANDLING_LABELS[i].equalsIgnoreCase(v)) {
                    return i;
                }
            }
        }
        return p.integer(Keys.RETAIN_HANDLING, 0, 0, 2);
    }

    /** True when some MQTT 5.0 option differs from its default (then the JSON carries "v5"). */
    public boolean hasV5() {
        return noLocal || retainAsPublished || retainHandling != 0 || subscriptionIdentifier != 0;
    }

    public static SubscribeSettings read(PropertySource source) {
        return new SubscribeSettings(new Props(source));
    }

    /**
     * Response code for a bad subscribe parameter (COMPAT.md 510-512): 510 sample condition or its value,
     * 511 QoS, 512 anything else (topics, timeout, flags).
     */
    public static String codeFor(BadSettingException e) {
        String f = e.field();
        if (Keys.SAMPLE_CONDITION.equals(f) || Keys.SAMPLE_CONDITION_VALUE.equals(f)) {
            return "510";
        }
        if (Keys.QOS_LEVEL.equals(f)) {
            return "511";
        }
        return "512";
    }

    /** subscribeJson of the contract. */
    public String toJson() {
        Json json = Json.object()
                .put("topics", topics)
                .put("qos", qos)
                .put("condition", condition)
                .put("conditionValue", conditionValue)
                .put("timeoutMs", timeoutMs)
                .put("addTimestamp", addTimestamp)
                .put("debugResponse", debugResponse);
        if (hasV5()) {
            json.put("v5", Json.object()
                    .put("noLocal", noLocal)
                    .put("retainAsPublished", retainAsPublished)
                    .put("retainHandling", retainHandling)
                    .put("subscriptionIdentifier", subscriptionIdentifier));
        }
        return json.toString();
    }

    @Override
    public String toString() {
        return "SubscribeSettings" + toJson() + (connectionName.isEmpty() ? "" : " on " + connectionName);
    }
}
