package io.mqttload.jmeter;

/** The Publish sampler's settings; {@link #toJson()} is the contract's publishJson. */
public final class PublishSettings {
    public final String topic;
    public final int qos;
    public final boolean retain;
    public final String messageType;
    public final String message;
    public final int fixedLength;
    public final boolean freshRandom;
    public final String timestamp;
    public final int messagesPerSample;
    public final String target;
    public final int ackTimeoutMs;
    public final String connectionName;

    private PublishSettings(Props p) {
        topic = p.text(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC).trim();
        if (topic.isEmpty()) {
            throw new BadSettingException(Keys.TOPIC_NAME, "", "a topic is required");
        }
        if (topic.contains("+") || topic.contains("#")) {
            throw new BadSettingException(Keys.TOPIC_NAME, topic, "wildcards + and # are not allowed when publishing");
        }
        qos = p.qos(Keys.QOS_LEVEL);
        retain = p.bool(Keys.RETAINED_MESSAGE, false);
        messageType = p.choice(Keys.MESSAGE_TYPE, Keys.MESSAGE_TYPE_STRING,
                Keys.MESSAGE_TYPE_STRING, Keys.MESSAGE_TYPE_HEX, Keys.MESSAGE_TYPE_RANDOM);
        message = p.text(Keys.MESSAGE_TO_SENT, "");
        fixedLength = p.integer(Keys.MESSAGE_TYPE_FIXED_LENGTH, Keys.DEFAULT_FIXED_LENGTH, 0, 268435455);
        freshRandom = p.bool(Keys.RANDOM_PER_MESSAGE, false);
        if (p.trimmed(Keys.TIMESTAMP_FORMAT, null) != null) {
            timestamp = p.choice(Keys.TIMESTAMP_FORMAT, Keys.TIMESTAMP_NONE,
                    Keys.TIMESTAMP_NONE, Keys.TIMESTAMP_XMETER, Keys.TIMESTAMP_PRECISE);
        } else {
            timestamp = p.bool(Keys.ADD_TIMESTAMP, false) ? Keys.TIMESTAMP_XMETER : Keys.TIMESTAMP_NONE;
        }
        messagesPerSample = p.integer(Keys.MESSAGES_PER_SAMPLE, 1, 1, Integer.MAX_VALUE);
        target = p.choice(Keys.PUBLISH_TARGET, Keys.TARGET_ALL, Keys.TARGET_ALL, Keys.TARGET_ROUND_ROBIN);
        ackTimeoutMs = p.integer(Keys.ACK_TIMEOUT, Keys.DEFAULT_ACK_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
    }

    public static PublishSettings read(PropertySource source) {
        return new PublishSettings(new Props(source));
    }

    /** publishJson of the contract. */
    public String toJson() {
        return Json.object()
                .put("topic", topic)
                .put("qos", qos)
                .put("retain", retain)
                .put("messageType", messageType)
                .put("message", message)
                .put("fixedLength", fixedLength)
                .put("freshRandom", freshRandom)
                .put("timestamp", timestamp)
                .put("messagesPerSample", messagesPerSample)
                .put("target", target)
                .put("ackTimeoutMs", ackTimeoutMs)
                .toString();
    }

    @Override
    public String toString() {
        return "PublishSettings" + toJson() + (connectionName.isEmpty() ? "" : " on " + connectionName);
    }
}
