package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
        assertEquals("{\"server\":\"127.0.0.1\",\"port\":1883,\"version\":\"3.1\",\"connTimeoutSecs\":10,"
                + "\"keepAliveSecs\":300,\"clientIdPrefix\":\"conn_\",\"clientIdSuffix\":true,\"username\":\"\","
                + "\"password\":\"\",\"cleanSession\":true,\"connAttemptMax\":0,\"reconnAttemptMax\":0,"
                + "\"connections\":1,\"will\":null}", s.toJson());
    }

    @Test
    void blankNumbersMeanDefaults() {
        p.put(Keys.PORT, " ");
        p.put(Keys.CONN_TIMEOUT, "");
        assertEquals(1883, read().port);
        assertEquals(10, read().connTimeoutSecs);
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
    void nonTcpTransportNotSupportedYet() {
        p.put(Keys.PROTOCOL, "SSL");
        BadSettingException e = bad();
        assertEquals("mqtt.protocol", e.field());
        assertTrue(e.getMessage().contains("SSL") && e.getMessage().contains("not supported yet"), e.getMessage());
        p.put(Keys.PROTOCOL, "tcp");
        assertEquals(1883, read().port);
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
}
