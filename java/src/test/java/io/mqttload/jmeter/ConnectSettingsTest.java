package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.services.FileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectSettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private ConnectSettings read() {
        return ConnectSettings.read(p::get);
    }

    private BadSettingException bad() {
        return assertThrows(BadSettingException.class, this::read);
    }

    @Test
    void defaultsMatchCompat() {
        ConnectSettings s = read();
        assertEquals("127.0.0.1", s.server);
        assertEquals(1883, s.port);
        assertEquals("3.1", s.version);
        assertEquals(10, s.connTimeoutSecs);
        assertEquals(300, s.keepAliveSecs);
        assertEquals("conn_", s.clientIdPrefix);
        assertTrue(s.clientIdSuffix);
        assertEquals("", s.username);
        assertFalse(s.hasPassword());
        assertTrue(s.cleanSession);
        assertEquals(0, s.connAttemptMax);
        assertEquals(0, s.reconnAttemptMax);
        assertEquals(1, s.connections);
        assertEquals("", s.willTopic);
        assertEquals("", s.connectionName);
        assertEquals("thread", s.scope);
        assertEquals("TCP", s.protocol);
        assertEquals("", s.wsPath);
        assertEquals("", s.caFile);
        assertFalse(s.clientCert);
        assertEquals("", s.clientCertFile);
        assertFalse(s.hasClientCertPassword());
        assertEquals("", s.clientKeyFile);
        assertEquals("1.2", s.tlsMinVersion);
        assertEquals("", s.tlsServerName);
        assertTrue(s.tlsVerifyHostname);
        assertFalse(s.tlsTrustAll);
        assertFalse(s.usesTls());
        assertEquals("{\"server\":\"127.0.0.1\",\"port\":1883,\"version\":\"3.1\",\"connTimeoutSecs\":10,"
                + "\"keepAliveSecs\":300,\"clientIdPrefix\":\"conn_\",\"clientIdSuffix\":true,\"username\":\"\","
                + "\"password\":\"\",\"cleanSession\":true,\"connAttemptMax\":0,\"reconnAttemptMax\":0,"
                + "\"connections\":1,\"will\":null}", s.toJson()); // TCP: the issue-2 document, unchanged
    }

    @Test
    void blankNumbersMeanDefaults() {
        p.put(Keys.CONN_TIMEOUT, "");
        p.put(Keys.CONN_KEEP_ALIVE, " ");
        assertEquals(10, read().connTimeoutSecs);
        assertEquals(300, read().keepAliveSecs);
    }

    @Test
    void absentPortMeansTheDefaultButAnEmptyOneIsAnError() {
        assertEquals(1883, read().port); // an old plan without the key
        for (String blank : new String[] {"", " ", "\t"}) {
            p.put(Keys.PORT, blank);
            BadSettingException e = bad();
            assertEquals("mqtt.port", e.field());
            assertEquals("mqtt.port: is empty; give a port between 1 and 65535", e.getMessage());
        }
        p.put(Keys.PORT, " 8883 ");
        assertEquals(8883, read().port);
    }

    @Test
    void everyV5SettingOnA3xConnectionNamesItsKey() {
        String[][] cases = {
            {Keys.SESSION_EXPIRY, "60"},
            {Keys.RECEIVE_MAXIMUM, "10"},
            {Keys.MAXIMUM_PACKET_SIZE, "1024"},
            {Keys.TOPIC_ALIAS_MAXIMUM, "5"},
            {Keys.REQUEST_RESPONSE_INFO, "true"},
            {Keys.USER_PROPERTIES, "a=1\nb=2"},
            {Keys.WILL_DELAY_INTERVAL, "5"},
            {Keys.WILL_MESSAGE_EXPIRY, "30"},
            {Keys.WILL_CONTENT_TYPE, "text/plain"},
        };
        for (String version : new String[] {"3.1", "3.1.1"}) {
            for (String[] c : cases) {
                p.clear();
                p.put(Keys.VERSION, version);
                p.put(c[0], c[1]);
                BadSettingException e = bad();
                assertEquals(c[0], e.field());
                assertTrue(e.getMessage().startsWith(c[0] + ": needs MQTT 5.0, but mqtt.version is " + version + " ("),
                        e.getMessage());
                p.put(Keys.VERSION, "5.0");
                assertTrue(read().isV5(), c[0]);
            }
        }
        p.clear();
        p.put(Keys.SESSION_EXPIRY, "60");
        assertEquals("mqtt.session_expiry: needs MQTT 5.0, but mqtt.version is 3.1 (got '60')", bad().getMessage());
        p.put(Keys.SESSION_EXPIRY, "0"); // the defaults, as the GUI saves them, are fine
        p.put(Keys.RECEIVE_MAXIMUM, "65535");
        p.put(Keys.USER_PROPERTIES, "\n");
        assertFalse(read().isV5());
    }

    @Test
    void mqttStringsRefuseNulAndControlCharacters() {
        String[][] cases = {
            {Keys.CLIENT_ID_PREFIX, "conn\u0000_"},
            {Keys.USER_NAME, "us\u0001er"},
            {Keys.WILL_TOPIC, "will/\u0000"},
            {Keys.WILL_CONTENT_TYPE, "text\u0000"},
        };
        for (String[] c : cases) {
            p.clear();
            p.put(Keys.VERSION, "5.0");
            p.put(c[0], c[1]);
            BadSettingException e = bad();
            assertEquals(c[0], e.field());
            assertTrue(e.getMessage().contains(MqttText.printable(c[1])), e.getMessage());
        }
        p.clear();
        p.put(Keys.PASSWORD, "pass\u0000word"); // binary data in MQTT: any bytes
        p.put(Keys.WILL_TOPIC, " w \n");
        p.put(Keys.WILL_MESSAGE, "bye\u0000");
        assertEquals("w", read().willTopic);
    }

    @Test
    void loneSurrogateInAnyTextNamesTheKeyNotTheValue() {
        for (String key : new String[] {Keys.CLIENT_ID_PREFIX, Keys.USER_NAME, Keys.PASSWORD, Keys.SERVER,
            Keys.WILL_MESSAGE, Keys.CLIENT_CERT_PASSWORD}) {
            p.clear();
            p.put(key, "se\ud800cret");
            BadSettingException e = bad();
            assertEquals(key, e.field());
            assertEquals(key + ": contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text",
                    e.getMessage());
        }
    }

    @Test
    void allValuesRead() {
        p.put(Keys.SERVER, " broker.local ");
        p.put(Keys.PORT, "8883");
        p.put(Keys.VERSION, "3.1.1");
        p.put(Keys.CONN_TIMEOUT, "5");
        p.put(Keys.CONN_KEEP_ALIVE, "60");
        p.put(Keys.CLIENT_ID_PREFIX, "dev-");
        p.put(Keys.CLIENT_ID_SUFFIX, "false");
        p.put(Keys.USER_NAME, "bob");
        p.put(Keys.PASSWORD, "s3cr\"t");
        p.put(Keys.CONN_CLEAN_SESSION, "FALSE");
        p.put(Keys.CONN_ATTEMPT_MAX, "3");
        p.put(Keys.RECONN_ATTEMPT_MAX, "-1");
        p.put(Keys.CONN_CAPACITY, "100");
        p.put(Keys.WILL_TOPIC, "bye");
        p.put(Keys.WILL_MESSAGE, "gone \u00e9");
        p.put(Keys.WILL_QOS, "2");
        p.put(Keys.WILL_RETAIN, "true");
        p.put(Keys.CONNECTION_NAME, " shared ");
        p.put(Keys.CONNECTION_SCOPE, "TEST");
        ConnectSettings s = read();
        assertEquals("broker.local", s.server);
        assertEquals("shared", s.connectionName);
        assertTrue(s.testScope());
        assertEquals("{\"server\":\"broker.local\",\"port\":8883,\"version\":\"3.1.1\",\"connTimeoutSecs\":5,"
                + "\"keepAliveSecs\":60,\"clientIdPrefix\":\"dev-\",\"clientIdSuffix\":false,\"username\":\"bob\","
                + "\"password\":\"s3cr\\\"t\",\"cleanSession\":false,\"connAttemptMax\":3,\"reconnAttemptMax\":-1,"
                + "\"connections\":100,\"will\":{\"topic\":\"bye\",\"payload\":\"gone \u00e9\",\"qos\":2,\"retain\":true}}",
                s.toJson());
    }

    @Test
    void oldSpellingsRead() {
        p.put(Keys.CONN_ATTEMPT_MAX_OLD, "7");
        p.put(Keys.RECONN_ATTEMPT_MAX_OLD, "-1");
        ConnectSettings s = read();
        assertEquals(7, s.connAttemptMax);
        assertEquals(-1, s.reconnAttemptMax);
    }

    @Test
    void newSpellingWinsOverOld() {
        p.put(Keys.CONN_ATTEMPT_MAX_OLD, "7");
        p.put(Keys.CONN_ATTEMPT_MAX, "2");
        p.put(Keys.RECONN_ATTEMPT_MAX_OLD, "5");
        p.put(Keys.RECONN_ATTEMPT_MAX, "");
        ConnectSettings s = read();
        assertEquals(2, s.connAttemptMax);
        assertEquals(5, s.reconnAttemptMax);
    }

    @Test
    void badOldSpellingNamesTheOldKey() {
        p.put(Keys.CONN_ATTEMPT_MAX_OLD, "many");
        BadSettingException e = bad();
        assertEquals("mqtt.conn_attampt_max", e.field());
        assertTrue(e.getMessage().contains("many"), e.getMessage());
    }

    @Test
    void cleanSessionCaseInsensitive() {
        p.put(Keys.CONN_CLEAN_SESSION, "True");
        assertTrue(read().cleanSession);
        p.put(Keys.CONN_CLEAN_SESSION, " false ");
        assertFalse(read().cleanSession);
    }

    @Test
    void unresolvedCleanSessionVariableIsABadValue() {
        p.put(Keys.CONN_CLEAN_SESSION, "${clean}");
        BadSettingException e = bad();
        assertTrue(e.getMessage().startsWith("mqtt.conn_clean_session:"), e.getMessage());
        assertTrue(e.getMessage().contains("${clean}"), e.getMessage());
    }

    @Test
    void nonNumericPort() {
        p.put(Keys.PORT, "18x3");
        BadSettingException e = bad();
        assertEquals("mqtt.port", e.field());
        assertTrue(e.getMessage().contains("mqtt.port") && e.getMessage().contains("18x3"), e.getMessage());
    }

    @Test
    void portOutOfRange() {
        p.put(Keys.PORT, "65536");
        assertTrue(bad().getMessage().contains("between 1 and 65535"));
        p.put(Keys.PORT, "0");
        assertEquals("mqtt.port", bad().field());
    }

    @Test
    void badVersion() {
        p.put(Keys.VERSION, "4");
        BadSettingException e = bad();
        assertEquals("mqtt.version", e.field());
        assertTrue(e.getMessage().contains("'4'"), e.getMessage());
    }

    @Test
    void badWillQos() {
        p.put(Keys.WILL_QOS, "3");
        BadSettingException e = bad();
        assertEquals("mqtt.will_qos", e.field());
        assertTrue(e.getMessage().contains("3"));
    }

    @Test
    void attemptsBelowMinusOne() {
        p.put(Keys.RECONN_ATTEMPT_MAX, "-2");
        assertEquals("mqtt.reconn_attempt_max", bad().field());
    }

    @Test
    void capacityAtLeastOne() {
        p.put(Keys.CONN_CAPACITY, "0");
        assertEquals("mqtt.conn_capacity", bad().field());
    }

    @Test
    void badScope() {
        p.put(Keys.CONNECTION_SCOPE, "global");
        assertEquals("mqtt.connection_scope", bad().field());
    }

    @Test
    void serverRequiredAndHostOnly() {
        p.put(Keys.SERVER, "  ");
        assertEquals("mqtt.server", bad().field());
        p.put(Keys.SERVER, "tcp://host");
        assertEquals("mqtt.server", bad().field());
    }

    @Test
    void passwordNeverInToStringNorInErrors() {
        String secret = "Hunter2-Secret";
        p.put(Keys.PASSWORD, secret);
        p.put(Keys.USER_NAME, "bob");
        ConnectSettings s = read();
        assertTrue(s.hasPassword());
        assertFalse(s.toString().contains(secret), s.toString());
        assertTrue(s.toString().contains("password=***"));
        assertTrue(s.toJson().contains(secret)); // it must reach the native side
        assertEquals("bad login *** for bob", s.scrub("bad login " + secret + " for bob"));
        p.put(Keys.PORT, "x");
        assertFalse(bad().getMessage().contains(secret));
    }

    // ---- issue 3: protocols, WebSocket path, TLS ----

    @Test
    void everyProtocolCaseInsensitive() {
        String[][] cases = {{"tcp", "TCP"}, {"SSL", "SSL"}, {"ssl", "SSL"}, {"Ws", "WS"}, {" wss ", "WSS"}, {"", "TCP"}};
        for (String[] c : cases) {
            p.put(Keys.PROTOCOL, c[0]);
            ConnectSettings s = read();
            assertEquals(c[1], s.protocol, c[0]);
            boolean tls = c[1].equals("SSL") || c[1].equals("WSS");
            boolean ws = c[1].equals("WS") || c[1].equals("WSS");
            assertEquals(tls, s.usesTls(), c[0]);
            assertEquals(ws, s.usesWebSocket(), c[0]);
            String json = s.toJson();
            assertEquals(!c[1].equals("TCP"), json.contains("\"protocol\":\"" + c[1] + "\""), json);
            assertEquals(ws, json.contains("\"wsPath\":\"\""), json);
            assertEquals(tls, json.contains("\"tls\":{\"caFile\":\"\",\"clientCert\":false,\"clientCertFile\":\"\","
                    + "\"clientCertPassword\":\"\",\"clientKeyFile\":\"\",\"minVersion\":\"1.2\",\"serverName\":\"\","
                    + "\"verifyHostname\":true,\"trustAll\":false}}"), json);
        }
    }

    @Test
    void badProtocolNamesTheKeyAndTheChoices() {
        p.put(Keys.PROTOCOL, "QUIC");
        BadSettingException e = bad();
        assertEquals("mqtt.protocol", e.field());
        assertEquals("mqtt.protocol: must be one of TCP, SSL, WS, WSS (got 'QUIC')", e.getMessage());
    }

    @Test
    void wsPathKeptAndGivenALeadingSlash() {
        p.put(Keys.PROTOCOL, "WS");
        assertEquals("", read().wsPath); // XMeter's default: the engine dials "/"
        p.put(Keys.WS_PATH, " /mqtt ");
        assertEquals("/mqtt", read().wsPath);
        p.put(Keys.WS_PATH, "ws/mqtt");
        assertEquals("/ws/mqtt", read().wsPath);
        assertTrue(read().toJson().endsWith(",\"protocol\":\"WS\",\"wsPath\":\"/ws/mqtt\"}"), read().toJson());
        p.put(Keys.WS_PATH, "/");
        assertEquals("/", read().wsPath);
    }

    @Test
    void everyTlsKeyRead(@TempDir Path dir) {
        File ca = dir.resolve("ca.pem").toFile();
        p.put(Keys.PROTOCOL, "ssl");
        p.put(Keys.CA_FILE, " " + ca.getAbsolutePath() + " ");
        p.put(Keys.DUAL_SSL_AUTHENTICATION, "TRUE");
        p.put(Keys.CLIENT_CERT_FILE_PATH, dir.resolve("client.pem").toString());
        p.put(Keys.CLIENT_CERT_PASSWORD, "p12 \"pw\"");
        p.put(Keys.CLIENT_KEY_FILE, dir.resolve("client.key").toString());
        p.put(Keys.TLS_MIN_VERSION, "1.3");
        p.put(Keys.TLS_SERVER_NAME, " broker.example ");
        p.put(Keys.TLS_VERIFY_HOSTNAME, "false");
        p.put(Keys.TLS_TRUST_ALL, "True");
        ConnectSettings s = read();
        assertEquals("SSL", s.protocol);
        assertEquals(ca.getAbsolutePath(), s.caFile);
        assertTrue(s.clientCert);
        assertEquals(dir.resolve("client.pem").toString(), s.clientCertFile);
        assertTrue(s.hasClientCertPassword());
        assertEquals(dir.resolve("client.key").toString(), s.clientKeyFile);
        assertEquals("1.3", s.tlsMinVersion);
        assertEquals("broker.example", s.tlsServerName);
        assertFalse(s.tlsVerifyHostname);
        assertTrue(s.tlsTrustAll);
        String json = s.toJson();
        assertTrue(json.endsWith(",\"will\":null,\"protocol\":\"SSL\",\"tls\":{\"caFile\":" + Json.quote(s.caFile)
                + ",\"clientCert\":true,\"clientCertFile\":" + Json.quote(s.clientCertFile)
                + ",\"clientCertPassword\":\"p12 \\\"pw\\\"\",\"clientKeyFile\":" + Json.quote(s.clientKeyFile)
                + ",\"minVersion\":\"1.3\",\"serverName\":\"broker.example\",\"verifyHostname\":false,"
                + "\"trustAll\":true}}"), json);
    }

    @Test
    void tlsMinVersionSpellings() {
        for (String v : new String[] {"1.2", "TLSv1.2", "tls 1.2", "TLS1.2"}) {
            p.put(Keys.TLS_MIN_VERSION, v);
            assertEquals("1.2", read().tlsMinVersion, v);
        }
        p.put(Keys.TLS_MIN_VERSION, "TLSv1.3");
        assertEquals("1.3", read().tlsMinVersion);
        p.put(Keys.TLS_MIN_VERSION, " ");
        assertEquals("1.2", read().tlsMinVersion);
    }

    @Test
    void badTlsMinVersion() {
        p.put(Keys.TLS_MIN_VERSION, "1.1");
        BadSettingException e = bad();
        assertEquals("mqtt.tls_min_version", e.field());
        assertEquals("mqtt.tls_min_version: must be 1.2 or 1.3 (got '1.1')", e.getMessage());
    }

    @Test
    void badTlsBooleans() {
        p.put(Keys.TLS_VERIFY_HOSTNAME, "yes");
        assertEquals("mqtt.tls_verify_hostname", bad().field());
        p.remove(Keys.TLS_VERIFY_HOSTNAME);
        p.put(Keys.TLS_TRUST_ALL, "1");
        assertEquals("mqtt.tls_trust_all", bad().field());
        p.remove(Keys.TLS_TRUST_ALL);
        p.put(Keys.DUAL_SSL_AUTHENTICATION, "on");
        assertEquals("mqtt.dual_ssl_authentication", bad().field());
    }

    @Test
    void relativePathsResolveAgainstTheGivenFolder(@TempDir Path dir) {
        p.put(Keys.CA_FILE, "certs/ca.pem");
        p.put(Keys.CLIENT_CERT_FILE_PATH, "./client.p12");
        p.put(Keys.CLIENT_KEY_FILE, "../keys/client.key");
        ConnectSettings s = ConnectSettings.read(p::get, dir.toFile());
        assertEquals(dir.resolve("certs/ca.pem").toAbsolutePath().normalize().toString(), s.caFile);
        assertEquals(dir.resolve("client.p12").toAbsolutePath().normalize().toString(), s.clientCertFile);
        assertEquals(dir.getParent().resolve("keys/client.key").toAbsolutePath().normalize().toString(),
                s.clientKeyFile);
        assertTrue(new File(s.caFile).isAbsolute() && new File(s.clientKeyFile).isAbsolute());
    }

    @Test
    void relativePathsResolveAgainstTheTestPlanFolder(@TempDir Path dir) {
        FileServer fs = FileServer.getFileServer();
        try {
            fs.setBaseForScript(new File(dir.toFile(), "plan.jmx"));
            p.put(Keys.PROTOCOL, "WSS");
            p.put(Keys.CA_FILE, "ca.pem");
            p.put(Keys.CLIENT_CERT_FILE_PATH, "sub/client.p12");
            ConnectSettings s = read();
            assertEquals(dir.resolve("ca.pem").toAbsolutePath().normalize().toString(), s.caFile);
            assertEquals(dir.resolve("sub/client.p12").toAbsolutePath().normalize().toString(), s.clientCertFile);
            assertTrue(s.toJson().contains("\"caFile\":" + Json.quote(s.caFile)), s.toJson());
        } finally {
            fs.resetBase();
        }
    }

    @Test
    void withoutAPlanRelativePathsResolveAgainstTheWorkingDirectory() {
        FileServer.getFileServer().resetBase();
        p.put(Keys.CA_FILE, "ca.pem");
        assertEquals(new File(System.getProperty("user.dir"), "ca.pem").toPath().toAbsolutePath().normalize()
                .toString(), read().caFile);
    }

    @Test
    void absolutePathsKept(@TempDir Path dir) {
        String abs = dir.resolve("x/ca.pem").toAbsolutePath().toString();
        p.put(Keys.CA_FILE, abs);
        assertEquals(abs, ConnectSettings.read(p::get, new File("/elsewhere")).caFile);
    }

    @Test
    void tcpSendsNeitherTlsNorTheCertPassword() {
        p.put(Keys.CLIENT_CERT_PASSWORD, "P12-Secret-Value");
        p.put(Keys.CA_FILE, "ca.pem");
        String json = read().toJson();
        assertFalse(json.contains("P12-Secret-Value") || json.contains("tls") || json.contains("protocol"), json);
    }

    @Test
    void certPasswordIsASecret() {
        String pw = "P12-Secret-Value";
        String user = "User-Secret-Value-Longer";
        p.put(Keys.PASSWORD, user);
        p.put(Keys.CLIENT_CERT_PASSWORD, pw);
        p.put(Keys.PROTOCOL, "SSL");
        p.put(Keys.DUAL_SSL_AUTHENTICATION, "true");
        p.put(Keys.CLIENT_CERT_FILE_PATH, "/tmp/c.p12");
        ConnectSettings s = read();
        assertFalse(s.toString().contains(pw), s.toString());
        assertFalse(s.toString().contains(user), s.toString());
        assertTrue(s.toString().contains("clientCertPassword=***"), s.toString());
        assertTrue(s.toJson().contains(pw)); // it must reach the native side
        assertEquals("wrong password *** for PKCS#12 file '/tmp/c.p12' (user ***)",
                s.scrub("wrong password " + pw + " for PKCS#12 file '/tmp/c.p12' (user " + user + ")"));
        assertTrue(s.holdsSecret("x" + pw));
        assertFalse(s.holdsSecret(s.scrub("x" + pw + user)));
        p.put(Keys.TLS_MIN_VERSION, "9");
        BadSettingException e = bad();
        assertFalse(e.getMessage().contains(pw) || e.getMessage().contains(user), e.getMessage());
    }

    @Test
    void scrubRemovesASecretThatContainsTheOther() {
        p.put(Keys.PASSWORD, "abc");
        p.put(Keys.CLIENT_CERT_PASSWORD, "xxabcxx");
        ConnectSettings s = read();
        assertEquals("pw *** and ***", s.scrub("pw xxabcxx and abc"));
        assertEquals(null, s.scrub(null));
        p.clear();
        assertEquals("nothing to hide", read().scrub("nothing to hide"));
    }

    @Test
    void bindAddressCrossesOnlyWhenSet() {
        Map<String, String> m = new HashMap<>();
        org.junit.jupiter.api.Assertions.assertFalse(ConnectSettings.read(m::get).toJson().contains("bindAddress"));
        m.put(Keys.BIND_ADDRESS, " 127.0.0.2-127.0.0.9 ");
        String json = ConnectSettings.read(m::get).toJson();
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"bindAddress\":\"127.0.0.2-127.0.0.9\""), json);
    }

    @Test
    void maxInflightCrossesOnlyWhenSet() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put(Keys.MAX_INFLIGHT, "100");
        ConnectSettings c = ConnectSettings.read(m::get);
        assertEquals(100, c.maxInflight);
        org.junit.jupiter.api.Assertions.assertTrue(c.toJson().contains("\"maxInflight\":100"), c.toJson());
        m.put(Keys.MAX_INFLIGHT, "");
        org.junit.jupiter.api.Assertions.assertFalse(ConnectSettings.read(m::get).toJson().contains("maxInflight"));
        m.put(Keys.MAX_INFLIGHT, "70000");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ConnectSettings.read(m::get));
    }
}
