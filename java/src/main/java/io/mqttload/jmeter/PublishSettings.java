package io.mqttload.jmeter;

import java.io.File;
import java.util.Collections;
import java.util.List;

/** The Publish sampler's settings; {@link #toJson()} is the contract's publishJson. */
public final class PublishSettings {
    public final String topic;
    public final int qos;
    public final boolean retain;
    public final String messageType;
    public final String message;
    /** Message type File: an absolute path (a relative one resolved against the plan's folder); else "". */
    public final String payloadFile;
    /** Message type Folder: an absolute path, as {@link #payloadFile}; else "". */
    public final String payloadFolder;
    public final int fixedLength;
    public final boolean freshRandom;
    public final String timestamp;
    public final int messagesPerSample;
    public final String target;
    public final int ackTimeoutMs;
    public final boolean endMarker;
    public final String connectionName;
    /** Pacing (see {@link Keys#PACE_MODE}); the other pace fields apply only when it is not burst. */
    public final String paceMode;
    public final int paceIntervalMs;
    /** Messages per second, per connection or per group as the mode says. */
    public final double paceRate;
    public final int paceDurationMs;
    public final long paceMessages;
    // MQTT 5.0 (sent as "v5" only when one differs from its default)
    /** Seconds; 0 = none. */
    public final long messageExpiry;
    public final String contentType;
    public final boolean payloadFormatUtf8;
    public final String responseTopic;
    public final String correlationData;
    public final List<String[]> userProperties;
    /** Use our own topic aliases (when the broker allows them). */
    public final boolean useTopicAlias;

    private PublishSettings(Props p, File baseDir) {
        topic = MqttText.strip(p.text(Keys.TOPIC_NAME, Keys.DEFAULT_TOPIC));
        if (topic.isEmpty()) {
            throw new BadSettingException(Keys.TOPIC_NAME, "", "a topic is required");
        }
        MqttText.requireMqttString(Keys.TOPIC_NAME, "topic", topic);
        if (topic.contains("+") || topic.contains("#")) {
            throw new BadSettingException(Keys.TOPIC_NAME, topic, "wildcards + and # are not allowed when publishing");
        }
        qos = p.qos(Keys.QOS_LEVEL);
        retain = p.bool(Keys.RETAINED_MESSAGE, false);
        messageType = p.choice(Keys.MESSAGE_TYPE, Keys.MESSAGE_TYPE_STRING,
                Keys.MESSAGE_TYPE_STRING, Keys.MESSAGE_TYPE_HEX, Keys.MESSAGE_TYPE_RANDOM,
                Keys.MESSAGE_TYPE_FILE, Keys.MESSAGE_TYPE_FOLDER);
        message = p.text(Keys.MESSAGE_TO_SENT, "");
        payloadFile = Keys.MESSAGE_TYPE_FILE.equals(messageType)
                ? required(Keys.PAYLOAD_FILE, ConnectSettings.resolve(p.trimmed(Keys.PAYLOAD_FILE, ""), baseDir),
                        "message type File needs a payload file")
                : "";
        payloadFolder = Keys.MESSAGE_TYPE_FOLDER.equals(messageType)
                ? required(Keys.PAYLOAD_FOLDER,
                        ConnectSettings.resolve(p.trimmed(Keys.PAYLOAD_FOLDER, ""), baseDir),
                        "message type Folder needs a payload folder")
                : "";
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
        endMarker = p.bool(Keys.END_MARKER, false);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
        paceMode = p.choice(Keys.PACE_MODE, Keys.PACE_BURST, Keys.PACE_BURST, Keys.PACE_INTERVAL,
                Keys.PACE_RATE_PER_CONNECTION, Keys.PACE_RATE_PER_GROUP);
        boolean paced = isPaced();
        paceIntervalMs = Keys.PACE_INTERVAL.equals(paceMode)
                ? p.integer(Keys.PACE_INTERVAL_MS, Keys.DEFAULT_PACE_INTERVAL_MS, 1, MAX_PACE_INTERVAL_MS)
                : Keys.DEFAULT_PACE_INTERVAL_MS;
        paceRate = paced && !Keys.PACE_INTERVAL.equals(paceMode)
                ? p.decimal(Keys.PACE_RATE, Double.parseDouble(Keys.DEFAULT_PACE_RATE), 0, MAX_PACE_RATE)
                : Double.parseDouble(Keys.DEFAULT_PACE_RATE);
        if (paceRate <= 0) {
            throw new BadSettingException(Keys.PACE_RATE, "0", "a rate must be above 0 messages per second");
        }
        paceDurationMs = paced ? p.integer(Keys.PACE_DURATION_MS, Keys.DEFAULT_PACE_DURATION_MS, 0,
                MAX_PACE_DURATION_MS) : Keys.DEFAULT_PACE_DURATION_MS;
        paceMessages = paced ? p.longInteger(Keys.PACE_MESSAGES, 0, 0, MAX_PACE_MESSAGES) : 0;
        if (paced && paceDurationMs == 0 && paceMessages == 0) {
            throw new BadSettingException(Keys.PACE_DURATION_MS, "0",
                    "a paced sample needs an end: set a duration, or a message cap (" + Keys.PACE_MESSAGES + ")");
        }
        messageExpiry = p.longInteger(Keys.MESSAGE_EXPIRY, 0, 0, Keys.MAX_FOUR_BYTE_INTEGER);
        contentType = p.text(Keys.CONTENT_TYPE, "");
        MqttText.requireMqttString(Keys.CONTENT_TYPE, "content type", contentType);
        payloadFormatUtf8 = p.bool(Keys.PAYLOAD_FORMAT_UTF8, false);
        responseTopic = MqttText.strip(p.text(Keys.RESPONSE_TOPIC, ""));
        MqttText.requireMqttString(Keys.RESPONSE_TOPIC, "response topic", responseTopic);
        if (responseTopic.contains("+") || responseTopic.contains("#")) {
            throw new BadSettingException(Keys.RESPONSE_TOPIC, responseTopic, "wildcards + and # are not allowed");
        }
        correlationData = p.text(Keys.CORRELATION_DATA, "");
        userProperties = Collections.unmodifiableList(p.userProperties(Keys.USER_PROPERTIES));
        useTopicAlias = p.bool(Keys.USE_TOPIC_ALIAS, false);
    }

    static final int MAX_PACE_INTERVAL_MS = 3_600_000;
    static final double MAX_PACE_RATE = 1_000_000;
    static final int MAX_PACE_DURATION_MS = 86_400_000;
    static final long MAX_PACE_MESSAGES = 1_000_000_000L;

    /** Paced (open-loop) publishing instead of a burst (then the JSON carries "pace"). */
    public boolean isPaced() {
        return !Keys.PACE_BURST.equals(paceMode);
    }

    private Json paceJson() {
        return Json.object()
                .put("mode", paceMode)
                .put("intervalMs", paceIntervalMs)
                .put("rate", paceRate)
                .put("durationMs", paceDurationMs)
                .put("messages", paceMessages);
    }

    /** True when some MQTT 5.0 field differs from its default (then the JSON carries "v5"). */
    public boolean hasV5() {
        return messageExpiry != 0 || !contentType.isEmpty() || payloadFormatUtf8 || !responseTopic.isEmpty()
                || !correlationData.isEmpty() || !userProperties.isEmpty() || useTopicAlias;
    }

    private Json v5Json() {
        return Json.object()
                .put("messageExpiry", messageExpiry)
                .put("contentType", contentType)
                .put("payloadFormatUtf8", payloadFormatUtf8)
                .put("responseTopic", responseTopic)
                .put("correlationData", correlationData)
                .putPairs("userProperties", userProperties)
                .put("topicAlias", useTopicAlias);
    }

    private static String required(String key, String value, String why) {
        if (value.isEmpty()) {
            throw new BadSettingException(key, value, why);
        }
        return value;
    }

    /** Reads and validates; a relative payload file or folder resolves against the test plan's folder. */
    public static PublishSettings read(PropertySource source) {
        return read(source, ConnectSettings.planDir());
    }

    /** As {@link #read(PropertySource)}, relative paths resolving against {@code baseDir}. */
    public static PublishSettings read(PropertySource source, File baseDir) {
        return new PublishSettings(new Props(source), baseDir);
    }

    /** publishJson of the contract. */
    public String toJson() {
        Json json = Json.object()
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
                .put("ackTimeoutMs", ackTimeoutMs);
        if (endMarker) {
            json.put("endMarker", true);
        }
        if (!payloadFile.isEmpty()) {
            json.put("payloadFile", payloadFile);
        }
        if (!payloadFolder.isEmpty()) {
            json.put("payloadFolder", payloadFolder);
        }
        if (hasV5()) {
            json.put("v5", v5Json());
        }
        if (isPaced()) {
            json.put("pace", paceJson());
        }
        return json.toString();
    }

    @Override
    public String toString() {
        return "PublishSettings" + toJson() + (connectionName.isEmpty() ? "" : " on " + connectionName);
    }
}
