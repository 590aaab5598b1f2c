package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** MQTT 5.0 fields (issue 4): defaults, each key, user properties, when "v5" appears, range errors. */
class V5SettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private static final String V3_CONNECT = "{\"server\":\"127.0.0.1\",\"port\":1883,\"version\":\"3.1\","
            + "\"connTimeoutSecs\":10,\"keepAliveSecs\":300,\"clientIdPrefix\":\"conn_\",\"clientIdSuffix\":true,"
            + "\"username\":\"\",\"password\":\"\",\"cleanSession\":true,\"connAttemptMax\":0,\"reconnAttemptMax\":0,"
            + "\"connections\":1,\"will\":null";
    private static final String V3_PUBLISH = "{\"topic\":\"test_topic\",\"qos\":0,\"retain\":false,"
            + "\"messageType\":\"String\",\"message\":\"\",\"fixedLength\":1024,\"freshRandom\":false,"
            + "\"timestamp\":\"none\",\"messagesPerSample\":1,\"target\":\"all\",\"ackTimeoutMs\":10000";
    private static final String V3_SUBSCRIBE = "{\"topics\":\"test_topic\",\"qos\":0,\"condition\":\"time\","
            + "\"conditionValue\":1000,\"timeoutMs\":10000,\"addTimestamp\":false,\"debugResponse\":false";
    private static final String V5_CONNECT_DEFAULTS = "\"v5\":{\"sessionExpiry\":0,\"receiveMaximum\":65535,"
            + "\"maximumPacketSize\":0,\"topicAliasMaximum\":0,\"requestResponseInformation\":false,"
            + "\"requestProblemInformation\":true,\"userProperties\":[],\"willDelayInterval\":0,"
            + "\"willMessageExpiry\":0,\"willContentType\":\"\"}";

    private ConnectSettings connect() {
        return ConnectSettings.read(p::get);
    }

    private PublishSettings publish() {
        return PublishSettings.read(p::get);
    }

    private SubscribeSettings subscribe() {
        return SubscribeSettings.read(p::get);
    }

    private DisconnectSettings disconnect() {
        return DisconnectSettings.read(p::get);
    }

    /** Every v5 key set to its default value, as the GUI saves them. */
    private void putV5Defaults() {
        p.put(Keys.SESSION_EXPIRY, "0");
        p.put(Keys.RECEIVE_MAXIMUM, "65535");
        p.put(Keys.MAXIMUM_PACKET_SIZE, "0");
        p.put(Keys.TOPIC_ALIAS_MAXIMUM, "0");
        p.put(Keys.REQUEST_RESPONSE_INFO, "false");
        p.put(Keys.USER_PROPERTIES, "");
        p.put(Keys.WILL_DELAY_INTERVAL, "0");
        p.put(Keys.WILL_MESSAGE_EXPIRY, "0");
        p.put(Keys.WILL_CONTENT_TYPE, "");
        p.put(Keys.MESSAGE_EXPIRY, "0");
        p.put(Keys.CONTENT_TYPE, "");
        p.put(Keys.PAYLOAD_FORMAT_UTF8, "false");
        p.put(Keys.RESPONSE_TOPIC, "");
        p.put(Keys.CORRELATION_DATA, "");
        p.put(Keys.USE_TOPIC_ALIAS, "false");
        p.put(Keys.NO_LOCAL, "false");
        p.put(Keys.RETAIN_AS_PUBLISHED, "false");
        p.put(Keys.RETAIN_HANDLING, "0");
        p.put(Keys.SUBSCRIPTION_IDENTIFIER, "0");
        p.put(Keys.DISCONNECT_REASON_CODE, "0");
        p.put(Keys.DISCONNECT_SESSION_EXPIRY, "");
    }

    // --- v3 documents unchanged ---

    @Test
    void v3DocumentsAreExactlyTodays() {
        assertEquals(V3_CONNECT + "}", connect().toJson());
        assertEquals(V3_PUBLISH + "}", publish().toJson());
        assertEquals(V3_SUBSCRIBE + "}", subscribe().toJson());
        assertFalse(disconnect().needsV5());
    }

    @Test
    void v3DocumentsUnchangedWhenTheV5KeysHoldTheirDefaults() {
        putV5Defaults();
        p.put(Keys.VERSION, "3.1.1");
        assertEquals(V3_CONNECT.replace("\"3.1\"", "\"3.1.1\"") + "}", connect().toJson());
        assertEquals(V3_PUBLISH + "}", publish().toJson());
        assertEquals(V3_SUBSCRIBE + "}", subscribe().toJson());
        assertFalse(disconnect().needsV5());
    }

    // --- connect ---

    @Test
    void connectDefaults() {
        ConnectSettings s = connect();
        assertEquals(0, s.sessionExpiry);
        assertEquals(65535, s.receiveMaximum);
        assertEquals(0, s.maximumPacketSize);
        assertEquals(0, s.topicAliasMaximum);
        assertFalse(s.requestResponseInformation);
        assertTrue(s.userProperties.isEmpty());
        assertEquals(0, s.willDelayInterval);
        assertEquals(0, s.willMessageExpiry);
        assertEquals("", s.willContentType);
        assertFalse(s.isV5());
    }

    @Test
    void connectV5AlwaysCarriesV5() {
        p.put(Keys.VERSION, "5.0");
        assertEquals(V3_CONNECT.replace("\"3.1\"", "\"5.0\"") + "," + V5_CONNECT_DEFAULTS + "}", connect().toJson());
    }

    @Test
    void connectEveryV5Key() {
        p.put(Keys.VERSION, "5.0");
        p.put(Keys.SESSION_EXPIRY, "4294967295");
        p.put(Keys.RECEIVE_MAXIMUM, "10");
        p.put(Keys.MAXIMUM_PACKET_SIZE, "268435460");
        p.put(Keys.TOPIC_ALIAS_MAXIMUM, "65535");
        p.put(Keys.REQUEST_RESPONSE_INFO, "true");
        p.put(Keys.USER_PROPERTIES, "a=1\n\n  b=x=y  \r\nc=");
        p.put(Keys.WILL_DELAY_INTERVAL, "30");
        p.put(Keys.WILL_MESSAGE_EXPIRY, "60");
        p.put(Keys.WILL_CONTENT_TYPE, "text/plain");
        String json = connect().toJson();
        assertTrue(json.endsWith(",\"will\":null,\"v5\":{\"sessionExpiry\":4294967295,\"receiveMaximum\":10,"
                + "\"maximumPacketSize\":268435460,\"topicAliasMaximum\":65535,\"requestResponseInformation\":true,"
                + "\"requestProblemInformation\":true,\"userProperties\":[[\"a\",\"1\"],[\"b\",\"x=y\"],[\"c\",\"\"]],"
                + "\"willDelayInterval\":30,\"willMessageExpiry\":60,\"willContentType\":\"text/plain\"}}"), json);
    }

    @Test
    void connectV5AfterTls() {
        p.put(Keys.VERSION, "5.0");
        p.put(Keys.PROTOCOL, "SSL");
        String json = connect().toJson();
        assertTrue(json.contains(",\"tls\":{"), json);
        assertTrue(json.endsWith("}," + V5_CONNECT_DEFAULTS + "}"), json);
    }

    @Test
    void versionChoices() {
        for (String v : new String[] {"3.1", "3.1.1", "5.0"}) {
            p.put(Keys.VERSION, v);
            assertEquals(v, connect().version);
        }
        p.put(Keys.VERSION, " 5 ");
        assertEquals("5.0", connect().version);
        p.put(Keys.VERSION, "4");
        assertEquals(Keys.VERSION, assertThrows(BadSettingException.class, this::connect).field());
    }

    @Test
    void connectRangesNameTheKey() {
        rangeError(Keys.SESSION_EXPIRY, "4294967296", "-1", this::connect);
        rangeError(Keys.RECEIVE_MAXIMUM, "0", "65536", this::connect);
        rangeError(Keys.MAXIMUM_PACKET_SIZE, "-1", "268435461", this::connect);
        rangeError(Keys.TOPIC_ALIAS_MAXIMUM, "-1", "65536", this::connect);
        rangeError(Keys.WILL_DELAY_INTERVAL, "-1", "4294967296", this::connect);
        rangeError(Keys.WILL_MESSAGE_EXPIRY, "-1", "4294967296", this::connect);
        p.put(Keys.REQUEST_RESPONSE_INFO, "yes");
        assertEquals(Keys.REQUEST_RESPONSE_INFO, assertThrows(BadSettingException.class, this::connect).field());
    }

    private void rangeError(String key, String low, String high, Runnable read) {
        for (String v : new String[] {low, high, "abc"}) {
            p.put(key, v);
            BadSettingException e = assertThrows(BadSettingException.class, read::run, key + "=" + v);
            assertEquals(key, e.field());
            assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(v), e.getMessage());
        }
        p.remove(key);
    }

    // --- user properties ---

    @Test
    void userPropertiesParsing() {
        List<String[]> l = Props.parseUserProperties("k", " a=b \n\n\t\nsource=mqttload\r\nx==\n=v\nsp ace = v a l \n");
        assertEquals(5, l.size());
        assertPair("a", "b", l.get(0));
        assertPair("source", "mqttload", l.get(1));
        assertPair("x", "=", l.get(2));
        assertPair("", "v", l.get(3));
        assertPair("sp ace ", " v a l", l.get(4));
        assertTrue(Props.parseUserProperties("k", null).isEmpty());
        assertTrue(Props.parseUserProperties("k", "  \n \n").isEmpty());
    }

    @Test
    void userPropertiesKeepOrderAndDuplicates() {
        List<String[]> l = Props.parseUserProperties("k", "a=1\na=2\nb=3");
        assertPair("a", "1", l.get(0));
        assertPair("a", "2", l.get(1));
        assertPair("b", "3", l.get(2));
    }

    @Test
    void userPropertyLineWithoutEqualsNamesKeyAndLine() {
        BadSettingException e = assertThrows(BadSettingException.class,
                () -> Props.parseUserProperties(Keys.USER_PROPERTIES, "a=1\n\nnoequals\n"));
        assertEquals(Keys.USER_PROPERTIES, e.field());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("noequals"), e.getMessage());
    }

    @Test
    void userPropertiesEscapedInJson() {
        p.put(Keys.USER_PROPERTIES, "q\"uote=back\\slash\nü=ß");
        String json = publish().toJson();
        assertTrue(json.contains("\"userProperties\":[[\"q\\\"uote\",\"back\\\\slash\"],[\"ü\",\"ß\"]]"), json);
    }

    private static void assertPair(String name, String value, String[] pair) {
        assertEquals(2, pair.length);
        assertEquals(name, pair[0]);
        assertEquals(value, pair[1]);
    }

    // --- publish ---

    @Test
    void publishDefaults() {
        PublishSettings s = publish();
        assertEquals(0, s.messageExpiry);
        assertEquals("", s.contentType);
        assertFalse(s.payloadFormatUtf8);
        assertEquals("", s.responseTopic);
        assertEquals("", s.correlationData);
        assertTrue(s.userProperties.isEmpty());
        assertFalse(s.useTopicAlias);
        assertFalse(s.hasV5());
    }

    @Test
    void publishEachKeyAloneAddsV5() {
        String[][] cases = {
            {Keys.MESSAGE_EXPIRY, "60", "\"messageExpiry\":60,"},
            {Keys.CONTENT_TYPE, "application/json", "\"contentType\":\"application/json\","},
            {Keys.PAYLOAD_FORMAT_UTF8, "true", "\"payloadFormatUtf8\":true,"},
            {Keys.RESPONSE_TOPIC, "reply/1", "\"responseTopic\":\"reply/1\","},
            {Keys.CORRELATION_DATA, "abc", "\"correlationData\":\"abc\","},
            {Keys.USER_PROPERTIES, "a=b", "\"userProperties\":[[\"a\",\"b\"]]"},
            {Keys.USE_TOPIC_ALIAS, "true", "\"topicAlias\":true}"},
        };
        for (String[] c : cases) {
            p.clear();
            p.put(c[0], c[1]);
            String json = publish().toJson();
            assertTrue(json.startsWith(V3_PUBLISH + ",\"v5\":{"), json);
            assertTrue(json.contains(c[2]), c[0] + ": " + json);
        }
    }

    @Test
    void publishFullV5Object() {
        p.put(Keys.MESSAGE_EXPIRY, "4294967295");
        p.put(Keys.CONTENT_TYPE, "text/plain");
        p.put(Keys.PAYLOAD_FORMAT_UTF8, "true");
        p.put(Keys.RESPONSE_TOPIC, "r");
        p.put(Keys.CORRELATION_DATA, "c");
        p.put(Keys.USER_PROPERTIES, "source=mqttload\nrun=1");
        p.put(Keys.USE_TOPIC_ALIAS, "true");
        assertEquals(V3_PUBLISH + ",\"v5\":{\"messageExpiry\":4294967295,\"contentType\":\"text/plain\","
                + "\"payloadFormatUtf8\":true,\"responseTopic\":\"r\",\"correlationData\":\"c\","
                + "\"userProperties\":[[\"source\",\"mqttload\"],[\"run\",\"1\"]],\"topicAlias\":true}}",
                publish().toJson());
    }

    @Test
    void publishRangesNameTheKey() {
        rangeError(Keys.MESSAGE_EXPIRY, "-1", "4294967296", this::publish);
        p.put(Keys.RESPONSE_TOPIC, "r/#");
        assertEquals(Keys.RESPONSE_TOPIC, assertThrows(BadSettingException.class, this::publish).field());
        p.remove(Keys.RESPONSE_TOPIC);
        p.put(Keys.USER_PROPERTIES, "x");
        assertEquals(Keys.USER_PROPERTIES, assertThrows(BadSettingException.class, this::publish).field());
    }

    // --- subscribe ---

    @Test
    void subscribeDefaults() {
        SubscribeSettings s = subscribe();
        assertFalse(s.noLocal);
        assertFalse(s.retainAsPublished);
        assertEquals(0, s.retainHandling);
        assertEquals(0, s.subscriptionIdentifier);
        assertFalse(s.hasV5());
    }

    @Test
    void subscribeEachKeyAloneAddsV5() {
        String[][] cases = {
            {Keys.NO_LOCAL, "true", "\"noLocal\":true,"},
            {Keys.RETAIN_AS_PUBLISHED, "true", "\"retainAsPublished\":true,"},
            {Keys.RETAIN_HANDLING, "2", "\"retainHandling\":2,"},
            {Keys.RETAIN_HANDLING, "1 - only for new subscriptions", "\"retainHandling\":1,"},
            {Keys.SUBSCRIPTION_IDENTIFIER, "268435455", "\"subscriptionIdentifier\":268435455}"},
        };
        for (String[] c : cases) {
            p.clear();
            p.put(c[0], c[1]);
            String json = subscribe().toJson();
            assertTrue(json.startsWith(V3_SUBSCRIBE + ",\"v5\":{"), json);
            assertTrue(json.contains(c[2]), c[0] + ": " + json);
        }
        p.clear();
        p.put(Keys.NO_LOCAL, "true");
        assertEquals(V3_SUBSCRIBE + ",\"v5\":{\"noLocal\":true,\"retainAsPublished\":false,\"retainHandling\":0,"
                + "\"subscriptionIdentifier\":0}}", subscribe().toJson());
    }

    @Test
    void subscribeRangesNameTheKeyAndUse512() {
        rangeError(Keys.RETAIN_HANDLING, "-1", "3", this::subscribe);
        rangeError(Keys.SUBSCRIPTION_IDENTIFIER, "-1", "268435456", this::subscribe);
        p.put(Keys.SUBSCRIPTION_IDENTIFIER, "268435456");
        assertEquals("512", SubscribeSettings.codeFor(assertThrows(BadSettingException.class, this::subscribe)));
    }

    @Test
    void sharedSubscriptionFilterPassesThrough() {
        p.put(Keys.TOPIC_NAME, "$share/mqttload/mqttload/v5");
        assertEquals("$share/mqttload/mqttload/v5", subscribe().topics);
    }

    // --- disconnect ---

    @Test
    void disconnectDefaultsAndKeys() {
        DisconnectSettings d = disconnect();
        assertEquals(0, d.reasonCode);
        assertEquals(-1, d.sessionExpiry);
        assertFalse(d.needsV5());
        assertEquals("{\"reasonCode\":0,\"sessionExpiry\":-1}", d.toJson());
        p.put(Keys.DISCONNECT_REASON_CODE, "4");
        assertTrue(disconnect().needsV5());
        assertEquals("{\"reasonCode\":4,\"sessionExpiry\":-1}", disconnect().toJson());
        p.put(Keys.DISCONNECT_REASON_CODE, "0");
        p.put(Keys.DISCONNECT_SESSION_EXPIRY, " 3600 ");
        assertTrue(disconnect().needsV5());
        assertEquals("{\"reasonCode\":0,\"sessionExpiry\":3600}", disconnect().toJson());
        p.put(Keys.DISCONNECT_SESSION_EXPIRY, "  ");
        assertFalse(disconnect().needsV5());
    }

    @Test
    void disconnectRangesNameTheKey() {
        rangeError(Keys.DISCONNECT_REASON_CODE, "-1", "256", this::disconnect);
        rangeError(Keys.DISCONNECT_SESSION_EXPIRY, "-1", "4294967296", this::disconnect);
    }
}
