package io.mqttload.jmeter;

import java.io.File;

/**
 * The Broker Statistics sampler's settings: its own single connection (read as a Connect element's, from the
 * same keys, with one connection, a clean session and its own client id prefix unless set) and what it reads:
 * {@link #toJson()} is brokerStatsJson, {@link #connectJson()} the connection's connectJson.
 */
public final class BrokerStatsSettings {
    public final ConnectSettings connection;
    /** Without a trailing /. */
    public final String topicRoot;
    public final int firstTimeoutMs;

    private BrokerStatsSettings(PropertySource source, File baseDir) {
        connection = ConnectSettings.read(ownConnection(source), baseDir);
        Props p = new Props(source);
        String root = p.trimmed(Keys.SYS_TOPIC_ROOT, Keys.DEFAULT_SYS_TOPIC_ROOT);
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.isEmpty()) {
            throw new BadSettingException(Keys.SYS_TOPIC_ROOT, p.text(Keys.SYS_TOPIC_ROOT, ""),
                    "a topic root such as $SYS/broker is required");
        }
        if (root.contains("+") || root.contains("#")) {
            throw new BadSettingException(Keys.SYS_TOPIC_ROOT, root, "no wildcards: /# is added");
        }
        MqttText.requireMqttString(Keys.SYS_TOPIC_ROOT, "topic root", root);
        topicRoot = root;
        firstTimeoutMs = p.integer(Keys.SYS_FIRST_TIMEOUT, Keys.DEFAULT_SYS_FIRST_TIMEOUT_MS, 1, Integer.MAX_VALUE);
    }

    /**
     * The element's keys as a Connect element would read them, but always one connection with a clean session
     * and no will (this element has no fields for them), and our own client id prefix unless one is set.
     */
    static PropertySource ownConnection(PropertySource source) {
        return key -> {
            switch (key) {
                case Keys.CONN_CAPACITY:
                    return "1";
                case Keys.CONN_CLEAN_SESSION:
                    return "true";
                case Keys.WILL_TOPIC:
                case Keys.CONNECTION_NAME:
                    return "";
                case Keys.CLIENT_ID_PREFIX: {
                    String v = source.get(key);
                    return v == null || v.trim().isEmpty() ? Keys.DEFAULT_STATS_CLIENT_ID_PREFIX : v;
                }
                default:
                    return source.get(key);
            }
        };
    }

    public static BrokerStatsSettings read(PropertySource source) {
        return read(source, ConnectSettings.planDir());
    }

    public static BrokerStatsSettings read(PropertySource source, File baseDir) {
        return new BrokerStatsSettings(source, baseDir);
    }

    public String connectJson() {
        return connection.toJson();
    }

    /** The contract's brokerStatsJson. */
    public String toJson() {
        return Json.object().put("topicRoot", topicRoot).put("firstTimeoutMs", firstTimeoutMs).toString();
    }

    @Override
    public String toString() { // never the connection's secrets
        return "BrokerStatsSettings{" + connection + ", topicRoot='" + topicRoot + "', firstTimeoutMs="
                + firstTimeoutMs + "}";
    }
}
