package io.mqttload.jmeter;

/** The Connect sampler's settings, read from its properties; {@link #toJson()} is the contract's connectJson. */
public final class ConnectSettings {
    public final String server;
    public final int port;
    public final String version;
    public final int connTimeoutSecs;
    public final int keepAliveSecs;
    public final String clientIdPrefix;
    public final boolean clientIdSuffix;
    public final String username;
    private final String password;
    public final boolean cleanSession;
    public final int connAttemptMax;
    public final int reconnAttemptMax;
    public final int connections;
    /** "" = no will. */
    public final String willTopic;
    public final String willMessage;
    public final int willQos;
    public final boolean willRetain;
    /** "" = the thread's default group. */
    public final String connectionName;
    /** {@link Keys#SCOPE_THREAD} or {@link Keys#SCOPE_TEST}. */
    public final String scope;

    private ConnectSettings(Props p) {
        String protocol = p.trimmed(Keys.PROTOCOL, Keys.PROTOCOL_TCP);
        if (!Keys.PROTOCOL_TCP.equalsIgnoreCase(protocol)) {
            throw new BadSettingException(Keys.PROTOCOL, protocol,
                    "transport " + protocol + " is not supported yet (only TCP)");
        }
        server = p.text(Keys.SERVER, Keys.DEFAULT_SERVER).trim();
        if (server.isEmpty()) {
            throw new BadSettingException(Keys.SERVER, "", "a host name or address is required");
        }
        if (server.contains("://") || server.contains("/") || server.contains(" ")) {
            throw new BadSettingException(Keys.SERVER, server, "give the host only (no scheme, path or spaces)");
        }
        port = p.integer(Keys.PORT, Keys.DEFAULT_PORT, 1, 65535);
        version = p.choice(Keys.VERSION, Keys.DEFAULT_VERSION, "3.1", "3.1.1", "5.0");
        connTimeoutSecs = p.integer(Keys.CONN_TIMEOUT, Keys.DEFAULT_CONN_TIMEOUT, 1, Integer.MAX_VALUE);
        keepAliveSecs = p.integer(Keys.CONN_KEEP_ALIVE, Keys.DEFAULT_KEEP_ALIVE, 0, 65535);
        clientIdPrefix = p.text(Keys.CLIENT_ID_PREFIX, Keys.DEFAULT_CLIENT_ID_PREFIX);
        clientIdSuffix = p.bool(Keys.CLIENT_ID_SUFFIX, true);
        username = p.text(Keys.USER_NAME, "");
        password = p.text(Keys.PASSWORD, "");
        cleanSession = p.bool(Keys.CONN_CLEAN_SESSION, true);
        connAttemptMax = p.integer(p.firstSet(Keys.CONN_ATTEMPT_MAX, Keys.CONN_ATTEMPT_MAX_OLD), 0, -1,
                Integer.MAX_VALUE);
        reconnAttemptMax = p.integer(p.firstSet(Keys.RECONN_ATTEMPT_MAX, Keys.RECONN_ATTEMPT_MAX_OLD), 0, -1,
                Integer.MAX_VALUE);
        connections = p.integer(Keys.CONN_CAPACITY, 1, 1, Integer.MAX_VALUE);
        willTopic = p.text(Keys.WILL_TOPIC, "").trim();
        willMessage = p.text(Keys.WILL_MESSAGE, "");
        willQos = p.qos(Keys.WILL_QOS);
        willRetain = p.bool(Keys.WILL_RETAIN, false);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
        scope = p.choice(Keys.CONNECTION_SCOPE, Keys.SCOPE_THREAD, Keys.SCOPE_THREAD, Keys.SCOPE_TEST);
    }

    /** Reads and validates; {@link BadSettingException} (an IllegalArgumentException) on a bad value. */
    public static ConnectSettings read(PropertySource source) {
        return new ConnectSettings(new Props(source));
    }

    public boolean hasPassword() {
        return !password.isEmpty();
    }

    /** Replaces the password in a text (e.g. a native error message) before it is shown. */
    public String scrub(String text) {
        if (text == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password, "***");
    }

    public boolean testScope() {
        return Keys.SCOPE_TEST.equals(scope);
    }

    /** connectJson of the contract. Holds the password: never log it. */
    public String toJson() {
        Json will = null;
        if (!willTopic.isEmpty()) {
            will = Json.object().put("topic", willTopic).put("payload", willMessage).put("qos", willQos)
                    .put("retain", willRetain);
        }
        return Json.object()
                .put("server", server)
                .put("port", port)
                .put("version", version)
                .put("connTimeoutSecs", connTimeoutSecs)
                .put("keepAliveSecs", keepAliveSecs)
                .put("clientIdPrefix", clientIdPrefix)
                .put("clientIdSuffix", clientIdSuffix)
                .put("username", username)
                .put("password", password)
                .put("cleanSession", cleanSession)
                .put("connAttemptMax", connAttemptMax)
                .put("reconnAttemptMax", reconnAttemptMax)
                .put("connections", connections)
                .put("will", will)
                .toString();
    }

    @Override
    public String toString() {
        return "ConnectSettings{server=" + server + ", port=" + port + ", version=" + version
                + ", connTimeoutSecs=" + connTimeoutSecs + ", keepAliveSecs=" + keepAliveSecs
                + ", clientIdPrefix=" + clientIdPrefix + ", clientIdSuffix=" + clientIdSuffix
                + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                + ", cleanSession=" + cleanSession + ", connAttemptMax=" + connAttemptMax
                + ", reconnAttemptMax=" + reconnAttemptMax + ", connections=" + connections
                + ", willTopic=" + willTopic + ", willQos=" + willQos + ", willRetain=" + willRetain
                + ", connectionName=" + connectionName + ", scope=" + scope + "}";
    }
}
