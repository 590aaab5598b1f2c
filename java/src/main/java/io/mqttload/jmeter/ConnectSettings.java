package io.mqttload.jmeter;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.apache.jmeter.services.FileServer;

/**
 * The Connect sampler's settings, read from its properties; {@link #toJson()} is the contract's connectJson.
 * Secrets (the user password and the PKCS#12 password) are kept private: {@link #toString()} shows *** and
 * {@link #scrub(String)} removes them from any text before it is shown.
 */
public final class ConnectSettings {
    /** {@link Keys#PROTOCOL_TCP}, {@link Keys#PROTOCOL_SSL}, {@link Keys#PROTOCOL_WS} or {@link Keys#PROTOCOL_WSS}. */
    public final String protocol;
    /** WebSocket path; "" means "/". A path without a leading "/" gets one. */
    public final String wsPath;
    /** Absolute path of the PEM CA bundle; "" = the system's roots. */
    public final String caFile;
    /** Send a client certificate (two-way TLS). */
    public final boolean clientCert;
    /** Absolute path of the PKCS#12 or PEM client certificate; "" = none. */
    public final String clientCertFile;
    private final String clientCertPassword;
    /** Absolute path of the PEM private key (with a PEM certificate); "" = none. */
    public final String clientKeyFile;
    /** {@link Keys#TLS_1_2} or {@link Keys#TLS_1_3}. */
    public final String tlsMinVersion;
    /** SNI and the name to verify; "" = the server host. */
    public final String tlsServerName;
    public final boolean tlsVerifyHostname;
    /** Insecure: accept any certificate. */
    public final boolean tlsTrustAll;
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
    public final int maxInflight;
    /** Local addresses as the user wrote them; the engine parses the list and ranges. */
    public final String bindAddress;
    /** Connections started per second; 0 = all at once. */
    public final double connectRate;
    /** "" = no will. */
    public final String willTopic;
    public final String willMessage;
    public final int willQos;
    public final boolean willRetain;
    /** "" = the thread's default group. */
    public final String connectionName;
    /** {@link Keys#SCOPE_THREAD} or {@link Keys#SCOPE_TEST}. */
    public final String scope;
    // MQTT 5.0 (sent as "v5" only when version is 5.0)
    public final long sessionExpiry;
    public final int receiveMaximum;
    /** 0 = no limit advertised. */
    public final int maximumPacketSize;
    public final int topicAliasMaximum;
    public final boolean requestResponseInformation;
    /** [name, value] pairs, in order. */
    public final List<String[]> userProperties;
    public final long willDelayInterval;
    /** 0 = none. */
    public final long willMessageExpiry;
    public final String willContentType;

    private ConnectSettings(Props p, File baseDir) {
        protocol = p.choice(Keys.PROTOCOL, Keys.PROTOCOL_TCP, Keys.PROTOCOL_TCP, Keys.PROTOCOL_SSL, Keys.PROTOCOL_WS,
                Keys.PROTOCOL_WSS);
        server = p.text(Keys.SERVER, Keys.DEFAULT_SERVER).trim();
        if (server.isEmpty()) {
            throw new BadSettingException(Keys.SERVER, "", "a host name or address is required");
        }
        if (server.contains("://") || server.contains("/") || server.contains(" ")) {
            throw new BadSettingException(Keys.SERVER, server, "give the host only (no scheme, path or spaces)");
        }
        port = p.presentInteger(Keys.PORT, Keys.DEFAULT_PORT, 1, 65535, "a port");
        String v = p.choice(Keys.VERSION, Keys.DEFAULT_VERSION, Keys.VERSION_3_1, Keys.VERSION_3_1_1, Keys.VERSION_5,
                "5");
        version = "5".equals(v) ? Keys.VERSION_5 : v;
        connTimeoutSecs = p.integer(Keys.CONN_TIMEOUT, Keys.DEFAULT_CONN_TIMEOUT, 1, Integer.MAX_VALUE);
        keepAliveSecs = p.integer(Keys.CONN_KEEP_ALIVE, Keys.DEFAULT_KEEP_ALIVE, 0, 65535);
        clientIdPrefix = p.text(Keys.CLIENT_ID_PREFIX, Keys.DEFAULT_CLIENT_ID_PREFIX);
        MqttText.requireMqttString(Keys.CLIENT_ID_PREFIX, "client id prefix", clientIdPrefix);
        clientIdSuffix = p.bool(Keys.CLIENT_ID_SUFFIX, true);
        username = p.text(Keys.USER_NAME, "");
        MqttText.requireMqttString(Keys.USER_NAME, "user name", username);
        password = p.text(Keys.PASSWORD, "");
        cleanSession = p.bool(Keys.CONN_CLEAN_SESSION, true);
        connAttemptMax = p.integer(p.firstSet(Keys.CONN_ATTEMPT_MAX, Keys.CONN_ATTEMPT_MAX_OLD), 0, -1,
                Integer.MAX_VALUE);
        reconnAttemptMax = p.integer(p.firstSet(Keys.RECONN_ATTEMPT_MAX, Keys.RECONN_ATTEMPT_MAX_OLD), 0, -1,
                Integer.MAX_VALUE);
        connections = p.integer(Keys.CONN_CAPACITY, 1, 1, Integer.MAX_VALUE);
        maxInflight = p.integer(Keys.MAX_INFLIGHT, 0, 0, 65535);
        bindAddress = p.text(Keys.BIND_ADDRESS, "").trim();
        connectRate = p.decimal(Keys.CONNECT_RATE, 0, 0, Keys.MAX_CONNECT_RATE);
        willTopic = MqttText.strip(p.text(Keys.WILL_TOPIC, ""));
        MqttText.requireMqttString(Keys.WILL_TOPIC, "will topic", willTopic);
        willMessage = p.text(Keys.WILL_MESSAGE, "");
        willQos = p.qos(Keys.WILL_QOS);
        willRetain = p.bool(Keys.WILL_RETAIN, false);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
        scope = p.choice(Keys.CONNECTION_SCOPE, Keys.SCOPE_THREAD, Keys.SCOPE_THREAD, Keys.SCOPE_TEST);
        wsPath = wsPath(p.trimmed(Keys.WS_PATH, Keys.DEFAULT_WS_PATH));
        caFile = resolve(p.trimmed(Keys.CA_FILE, ""), baseDir);
        clientCert = p.bool(Keys.DUAL_SSL_AUTHENTICATION, false);
        clientCertFile = resolve(p.trimmed(Keys.CLIENT_CERT_FILE_PATH, ""), baseDir);
        clientCertPassword = p.text(Keys.CLIENT_CERT_PASSWORD, "");
        clientKeyFile = resolve(p.trimmed(Keys.CLIENT_KEY_FILE, ""), baseDir);
        tlsMinVersion = tlsVersion(p.trimmed(Keys.TLS_MIN_VERSION, Keys.DEFAULT_TLS_MIN_VERSION));
        tlsServerName = p.trimmed(Keys.TLS_SERVER_NAME, "");
        tlsVerifyHostname = p.bool(Keys.TLS_VERIFY_HOSTNAME, true);
        tlsTrustAll = p.bool(Keys.TLS_TRUST_ALL, false);
        sessionExpiry = p.longInteger(Keys.SESSION_EXPIRY, Keys.DEFAULT_SESSION_EXPIRY, 0, Keys.MAX_FOUR_BYTE_INTEGER);
        receiveMaximum = p.integer(Keys.RECEIVE_MAXIMUM, Keys.DEFAULT_RECEIVE_MAXIMUM, 1, 65535);
        maximumPacketSize = p.integer(Keys.MAXIMUM_PACKET_SIZE, Keys.DEFAULT_MAXIMUM_PACKET_SIZE, 0,
                Keys.MAX_PACKET_SIZE);
        topicAliasMaximum = p.integer(Keys.TOPIC_ALIAS_MAXIMUM, Keys.DEFAULT_TOPIC_ALIAS_MAXIMUM, 0, 65535);
        requestResponseInformation = p.bool(Keys.REQUEST_RESPONSE_INFO, false);
        userProperties = Collections.unmodifiableList(p.userProperties(Keys.USER_PROPERTIES));
        willDelayInterval = p.longInteger(Keys.WILL_DELAY_INTERVAL, 0, 0, Keys.MAX_FOUR_BYTE_INTEGER);
        willMessageExpiry = p.longInteger(Keys.WILL_MESSAGE_EXPIRY, 0, 0, Keys.MAX_FOUR_BYTE_INTEGER);
        willContentType = p.text(Keys.WILL_CONTENT_TYPE, "");
        MqttText.requireMqttString(Keys.WILL_CONTENT_TYPE, "will content type", willContentType);
        if (!isV5()) {
            refuseV5Settings();
        }
    }

    /**
     * A 5.0-only setting on a 3.1 or 3.1.1 connection fails the sample: leaving it out would run a different
     * test than the plan asks for (a session that never expires, no user properties, ...).
     */
    private void refuseV5Settings() {
        v5Only(Keys.SESSION_EXPIRY, sessionExpiry != Keys.DEFAULT_SESSION_EXPIRY, sessionExpiry);
        v5Only(Keys.RECEIVE_MAXIMUM, receiveMaximum != Keys.DEFAULT_RECEIVE_MAXIMUM, receiveMaximum);
        v5Only(Keys.MAXIMUM_PACKET_SIZE, maximumPacketSize != Keys.DEFAULT_MAXIMUM_PACKET_SIZE, maximumPacketSize);
        v5Only(Keys.TOPIC_ALIAS_MAXIMUM, topicAliasMaximum != Keys.DEFAULT_TOPIC_ALIAS_MAXIMUM, topicAliasMaximum);
        v5Only(Keys.REQUEST_RESPONSE_INFO, requestResponseInformation, true);
        if (!userProperties.isEmpty()) {
            String[] first = userProperties.get(0);
            v5Only(Keys.USER_PROPERTIES, true, first[0] + "=" + first[1] + (userProperties.size() > 1 ? ", ..." : ""));
        }
        v5Only(Keys.WILL_DELAY_INTERVAL, willDelayInterval != 0, willDelayInterval);
        v5Only(Keys.WILL_MESSAGE_EXPIRY, willMessageExpiry != 0, willMessageExpiry);
        v5Only(Keys.WILL_CONTENT_TYPE, !willContentType.isEmpty(), willContentType);
    }

    private void v5Only(String key, boolean set, Object value) {
        if (set) {
            throw new BadSettingException(key, String.valueOf(value),
                    "needs MQTT 5.0, but " + Keys.VERSION + " is " + version);
        }
    }

    public boolean isV5() {
        return Keys.VERSION_5.equals(version);
    }

    /** The contract's "v5" object (sent when version is 5.0). */
    private Json v5Json() {
        return Json.object()
                .put("sessionExpiry", sessionExpiry)
                .put("receiveMaximum", receiveMaximum)
                .put("maximumPacketSize", maximumPacketSize)
                .put("topicAliasMaximum", topicAliasMaximum)
                .put("requestResponseInformation", requestResponseInformation)
                .put("requestProblemInformation", true)
                .putPairs("userProperties", userProperties)
                .put("willDelayInterval", willDelayInterval)
                .put("willMessageExpiry", willMessageExpiry)
                .put("willContentType", willContentType);
    }

    /**
     * Reads and validates; {@link BadSettingException} (an IllegalArgumentException) on a bad value. Relative
     * file paths resolve against the test plan's folder ({@link #planDir()}).
     */
    public static ConnectSettings read(PropertySource source) {
        return read(source, planDir());
    }

    /** As {@link #read(PropertySource)}, relative file paths resolving against {@code baseDir}. */
    public static ConnectSettings read(PropertySource source, File baseDir) {
        return new ConnectSettings(new Props(source), baseDir);
    }

    /** The test plan's folder (JMeter's FileServer base), else the working directory. */
    public static File planDir() {
        try {
            String base = FileServer.getFileServer().getBaseDir();
            if (base != null && !base.trim().isEmpty()) {
                return new File(base).getAbsoluteFile();
            }
        } catch (RuntimeException | LinkageError e) {
            // no FileServer (outside JMeter): the working directory
        }
        return new File(System.getProperty("user.dir", ".")).getAbsoluteFile();
    }

    /** "" stays "" (no file); otherwise an absolute path (a relative one against {@code baseDir}), normalized. */
    static String resolve(String path, File baseDir) {
        if (path.isEmpty()) {
            return "";
        }
        File f = new File(path);
        if (!f.isAbsolute()) {
            File base = baseDir != null ? baseDir : new File(System.getProperty("user.dir", "."));
            f = new File(base, path);
        }
        f = f.getAbsoluteFile();
        try {
            return f.toPath().normalize().toString();
        } catch (InvalidPathException e) {
            return f.getPath(); // the native side reports it cannot be read
        }
    }

    private static String wsPath(String v) {
        if (v.isEmpty() || v.startsWith("/")) {
            return v;
        }
        return "/" + v;
    }

    /** 1.2 or 1.3; also accepts TLSv1.2, TLS 1.3 and the like. */
    private static String tlsVersion(String v) {
        String s = v.toLowerCase(Locale.ROOT).replace(" ", "");
        if (s.startsWith("tlsv")) {
            s = s.substring(4);
        } else if (s.startsWith("tls")) {
            s = s.substring(3);
        }
        if (Keys.TLS_1_2.equals(s) || Keys.TLS_1_3.equals(s)) {
            return s;
        }
        throw new BadSettingException(Keys.TLS_MIN_VERSION, v, "must be 1.2 or 1.3");
    }

    /** True for WS and WSS. */
    public boolean usesWebSocket() {
        return Keys.PROTOCOL_WS.equals(protocol) || Keys.PROTOCOL_WSS.equals(protocol);
    }

    /** True for SSL and WSS. */
    public boolean usesTls() {
        return Keys.PROTOCOL_SSL.equals(protocol) || Keys.PROTOCOL_WSS.equals(protocol);
    }

    public boolean hasClientCertPassword() {
        return !clientCertPassword.isEmpty();
    }

    public boolean hasPassword() {
        return !password.isEmpty();
    }

    /**
     * Replaces the secrets (user password, PKCS#12 password) in a text (e.g. a native error message) with ***
     * before it is shown. The longer secret goes first, so one that contains the other leaves nothing behind.
     */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String a = password;
        String b = clientCertPassword;
        if (a.length() < b.length()) {
            String t = a;
            a = b;
            b = t;
        }
        String out = text;
        if (!a.isEmpty()) {
            out = out.replace(a, "***");
        }
        if (!b.isEmpty()) {
            out = out.replace(b, "***");
        }
        return out;
    }

    /** True when the text holds one of the secrets. */
    public boolean holdsSecret(String text) {
        return text != null && ((!password.isEmpty() && text.contains(password))
                || (!clientCertPassword.isEmpty() && text.contains(clientCertPassword)));
    }

    public boolean testScope() {
        return Keys.SCOPE_TEST.equals(scope);
    }

    /** The contract's nested "tls" object (sent for SSL and WSS only). */
    private Json tlsJson() {
        return Json.object()
                .put("caFile", caFile)
                .put("clientCert", clientCert)
                .put("clientCertFile", clientCertFile)
                .put("clientCertPassword", clientCertPassword)
                .put("clientKeyFile", clientKeyFile)
                .put("minVersion", tlsMinVersion)
                .put("serverName", tlsServerName)
                .put("verifyHostname", tlsVerifyHostname)
                .put("trustAll", tlsTrustAll);
    }

    /**
     * connectJson of the contract. "protocol" is sent unless TCP, "wsPath" for WS and WSS (always, so "" keeps
     * XMeter's meaning "/"), "tls" for SSL and WSS. Holds the passwords: never log it.
     */
    public String toJson() {
        Json will = null;
        if (!willTopic.isEmpty()) {
            will = Json.object().put("topic", willTopic).put("payload", willMessage).put("qos", willQos)
                    .put("retain", willRetain);
        }
        Json json = Json.object()
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
                .put("will", will);
        if (maxInflight != 0) { // auto (0) leaves the document as it was before the key existed
            json.put("maxInflight", maxInflight);
        }
        if (!bindAddress.isEmpty()) {
            json.put("bindAddress", bindAddress);
        }
        if (connectRate > 0) {
            json.put("connectRate", connectRate);
        }
        // Only what the protocol uses: TCP sends the issue-2 document unchanged, and the PKCS#12 password
        // crosses only when TLS is on.
        if (!Keys.PROTOCOL_TCP.equals(protocol)) {
            json.put("protocol", protocol);
        }
        if (usesWebSocket()) {
            json.put("wsPath", wsPath);
        }
        if (usesTls()) {
            json.put("tls", tlsJson());
        }
        if (isV5()) {
            json.put("v5", v5Json());
        }
        return json.toString();
    }

    @Override
    public String toString() {
        return "ConnectSettings{protocol=" + protocol + ", server=" + server + ", port=" + port + ", version=" + version
                + ", connTimeoutSecs=" + connTimeoutSecs + ", keepAliveSecs=" + keepAliveSecs
                + ", clientIdPrefix=" + clientIdPrefix + ", clientIdSuffix=" + clientIdSuffix
                + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                + ", cleanSession=" + cleanSession + ", connAttemptMax=" + connAttemptMax
                + ", reconnAttemptMax=" + reconnAttemptMax + ", connections=" + connections
                + ", willTopic=" + willTopic + ", willQos=" + willQos + ", willRetain=" + willRetain
                + ", connectionName=" + connectionName + ", scope=" + scope + ", wsPath=" + wsPath
                + ", caFile=" + caFile + ", clientCert=" + clientCert + ", clientCertFile=" + clientCertFile
                + ", clientCertPassword=" + (clientCertPassword.isEmpty() ? "" : "***")
                + ", clientKeyFile=" + clientKeyFile + ", tlsMinVersion=" + tlsMinVersion
                + ", tlsServerName=" + tlsServerName + ", tlsVerifyHostname=" + tlsVerifyHostname
                + ", tlsTrustAll=" + tlsTrustAll
                + (isV5() ? ", v5=" + v5Json() : "") + "}";
    }
}
