package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PublishSettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private PublishSettings read() {
        return PublishSettings.read(p::get);
    }

    private BadSettingException bad() {
        return assertThrows(BadSettingException.class, this::read);
    }

    @Test
    void defaults() {
        PublishSettings s = read();
        assertEquals("", s.connectionName);
        assertEquals("{\"topic\":\"test_topic\",\"qos\":0,\"retain\":false,\"messageType\":\"String\",\"message\":\"\","
                + "\"fixedLength\":1024,\"freshRandom\":false,\"timestamp\":\"none\",\"messagesPerSample\":1,"
                + "\"target\":\"all\",\"ackTimeoutMs\":10000}", s.toJson());
    }

    @Test
    void allValues() {
        p.put(Keys.TOPIC_NAME, "a/b");
        p.put(Keys.QOS_LEVEL, " 2 ");
        p.put(Keys.RETAINED_MESSAGE, "true");
        p.put(Keys.MESSAGE_TYPE, "random string with fixed length");
        p.put(Keys.MESSAGE_TO_SENT, "line1\nline2 \"q\"");
        p.put(Keys.MESSAGE_TYPE_FIXED_LENGTH, "64");
        p.put(Keys.RANDOM_PER_MESSAGE, "true");
        p.put(Keys.TIMESTAMP_FORMAT, "Precise");
        p.put(Keys.MESSAGES_PER_SAMPLE, "50");
        p.put(Keys.PUBLISH_TARGET, "round_robin");
        p.put(Keys.ACK_TIMEOUT, "2500");
        p.put(Keys.CONNECTION_NAME, "shared");
        PublishSettings s = read();
        assertEquals("shared", s.connectionName);
        assertEquals("{\"topic\":\"a/b\",\"qos\":2,\"retain\":true,\"messageType\":\"Random string with fixed length\","
                + "\"message\":\"line1\\nline2 \\\"q\\\"\",\"fixedLength\":64,\"freshRandom\":true,"
                + "\"timestamp\":\"precise\",\"messagesPerSample\":50,\"target\":\"round_robin\",\"ackTimeoutMs\":2500}",
                s.toJson());
    }

    @Test
    void pacedPublishingAddsItsObject() {
        p.put(Keys.PACE_MODE, " Interval ");
        p.put(Keys.PACE_INTERVAL_MS, "250");
        p.put(Keys.PACE_RATE, "not read in interval mode");
        p.put(Keys.PACE_DURATION_MS, "2000");
        PublishSettings s = read();
        assertTrue(s.isPaced());
        assertTrue(s.toJson().endsWith(",\"ackTimeoutMs\":10000,\"pace\":{\"mode\":\"interval\",\"intervalMs\":250,"
                + "\"rate\":1.0,\"durationMs\":2000,\"messages\":0}}"), s.toJson());
        p.put(Keys.PACE_MODE, "rate_per_group");
        p.put(Keys.PACE_RATE, "0.5");
        p.put(Keys.PACE_INTERVAL_MS, "not read in rate modes");
        p.put(Keys.PACE_DURATION_MS, "0");
        p.put(Keys.PACE_MESSAGES, "100");
        assertTrue(read().toJson().endsWith("\"pace\":{\"mode\":\"rate_per_group\",\"intervalMs\":1000,"
                + "\"rate\":0.5,\"durationMs\":0,\"messages\":100}}"), read().toJson());
    }

    @Test
    void burstIgnoresThePaceFields() {
        p.put(Keys.PACE_MODE, "burst");
        p.put(Keys.PACE_INTERVAL_MS, "x");
        p.put(Keys.PACE_RATE, "x");
        p.put(Keys.PACE_DURATION_MS, "x");
        p.put(Keys.PACE_MESSAGES, "x");
        PublishSettings s = read();
        assertTrue(!s.isPaced() && !s.toJson().contains("pace"), s.toJson());
    }

    @Test
    void badPaceValuesNameTheirKey() {
        String[][] cases = {
            {Keys.PACE_MODE, "fast", Keys.PACE_MODE},
            {Keys.PACE_INTERVAL_MS, "0", Keys.PACE_INTERVAL_MS},
            {Keys.PACE_INTERVAL_MS, "3600001", Keys.PACE_INTERVAL_MS},
            {Keys.PACE_DURATION_MS, "-1", Keys.PACE_DURATION_MS},
            {Keys.PACE_MESSAGES, "1.5", Keys.PACE_MESSAGES},
        };
        for (String[] c : cases) {
            p.clear();
            p.put(Keys.PACE_MODE, Keys.PACE_INTERVAL);
            p.put(c[0], c[1]);
            assertEquals(c[2], bad().field(), c[0] + "=" + c[1]);
        }
        for (String rate : new String[] {"0", "-2", "1000001", "NaN", "fast"}) {
            p.clear();
            p.put(Keys.PACE_MODE, Keys.PACE_RATE_PER_CONNECTION);
            p.put(Keys.PACE_RATE, rate);
            assertEquals(Keys.PACE_RATE, bad().field(), rate);
        }
        p.clear();
        p.put(Keys.PACE_MODE, Keys.PACE_INTERVAL);
        p.put(Keys.PACE_DURATION_MS, "0");
        BadSettingException e = bad();
        assertEquals(Keys.PACE_DURATION_MS, e.field());
        assertTrue(e.getMessage().contains("needs an end"), e.getMessage());
    }

    @Test
    void addTimestampMeansXmeterWhenNoFormat() {
        p.put(Keys.ADD_TIMESTAMP, "true");
        assertEquals("xmeter", read().timestamp);
        p.put(Keys.TIMESTAMP_FORMAT, "");
        assertEquals("xmeter", read().timestamp);
        p.put(Keys.TIMESTAMP_FORMAT, "none");
        assertEquals("none", read().timestamp);
    }

    @Test
    void hexLabel() {
        p.put(Keys.MESSAGE_TYPE, "Hex string");
        assertEquals("Hex string", read().messageType);
    }

    @Test
    void qosAsStringAndBadQos() {
        p.put(Keys.QOS_LEVEL, "1");
        assertEquals(1, read().qos);
        p.put(Keys.QOS_LEVEL, "3");
        BadSettingException e = bad();
        assertEquals("mqtt.qos_level", e.field());
        assertTrue(e.getMessage().contains("'3'") && e.getMessage().contains("0, 1 or 2"), e.getMessage());
        p.put(Keys.QOS_LEVEL, "${qos}");
        assertTrue(bad().getMessage().contains("${qos}"));
    }

    @Test
    void badValuesNameTheField() {
        p.put(Keys.MESSAGE_TYPE, "Binary");
        assertEquals("mqtt.message_type", bad().field());
        p.clear();
        p.put(Keys.MESSAGES_PER_SAMPLE, "0");
        assertEquals("mqtt.messages_per_sample", bad().field());
        p.clear();
        p.put(Keys.PUBLISH_TARGET, "one");
        assertEquals("mqtt.publish_target", bad().field());
        p.clear();
        p.put(Keys.TIMESTAMP_FORMAT, "iso");
        assertEquals("mqtt.timestamp_format", bad().field());
        p.clear();
        p.put(Keys.MESSAGE_TYPE_FIXED_LENGTH, "-1");
        assertEquals("mqtt.message_type_fixed_length", bad().field());
        p.clear();
        p.put(Keys.ACK_TIMEOUT, "soon");
        assertEquals("mqtt.ack_timeout", bad().field());
        p.clear();
        p.put(Keys.RETAINED_MESSAGE, "yes");
        assertEquals("mqtt.retained_message", bad().field());
    }

    @Test
    void topicWithNulOrControlCharactersNamesTheTopic() {
        p.put(Keys.TOPIC_NAME, "a/b\u0000");
        BadSettingException e = bad();
        assertEquals("mqtt.topic_name", e.field());
        assertEquals("mqtt.topic_name: topic 'a/b\\u0000' contains U+0000 (NUL) at character 4, which MQTT does not"
                + " allow", e.getMessage());
        p.put(Keys.TOPIC_NAME, "\u0000a/b"); // String.trim() would have dropped it
        assertEquals("mqtt.topic_name", bad().field());
        p.put(Keys.TOPIC_NAME, "a\u0007b");
        assertTrue(bad().getMessage().contains("control character U+0007"));
        p.put(Keys.TOPIC_NAME, " \ta/b\r\n");
        assertEquals("a/b", read().topic);
        p.put(Keys.MESSAGE_TO_SENT, "\u0000\u0001payload"); // payloads are bytes: anything goes
        assertEquals("\u0000\u0001payload", read().message);
    }

    @Test
    void v5TextsRefuseNul() {
        for (String key : new String[] {Keys.RESPONSE_TOPIC, Keys.CONTENT_TYPE, Keys.USER_PROPERTIES}) {
            p.clear();
            p.put(key, key.equals(Keys.USER_PROPERTIES) ? "a=\u0000" : "x\u0000");
            assertEquals(key, bad().field());
        }
        p.clear();
        p.put(Keys.CORRELATION_DATA, "id\u0000"); // binary data
        assertEquals("id\u0000", read().correlationData);
    }

    @Test
    void loneSurrogateInTopicOrPayloadNamesTheKey() {
        p.put(Keys.TOPIC_NAME, "a/\ud800");
        assertEquals("mqtt.topic_name: contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid"
                + " text", bad().getMessage());
        p.clear();
        p.put(Keys.MESSAGE_TO_SENT, "\udfff");
        assertEquals("mqtt.message_to_sent", bad().field());
    }

    @Test
    void topicRequiredWithoutWildcards() {
        p.put(Keys.TOPIC_NAME, " ");
        assertEquals("mqtt.topic_name", bad().field());
        p.put(Keys.TOPIC_NAME, "a/#");
        assertEquals("mqtt.topic_name", bad().field());
    }

    @Test
    void payloadFileAndFolderCrossOnlyForTheirType(@org.junit.jupiter.api.io.TempDir java.io.File dir) {
        p.put(Keys.PAYLOAD_FILE, "data/a.bin");
        p.put(Keys.PAYLOAD_FOLDER, "data");
        org.junit.jupiter.api.Assertions.assertFalse(read().toJson().contains("payload"), read().toJson());
        p.put(Keys.MESSAGE_TYPE, "File");
        PublishSettings s = PublishSettings.read(p::get, dir);
        String abs = new java.io.File(dir, "data/a.bin").getAbsolutePath();
        assertEquals(abs, s.payloadFile);
        assertTrue(s.toJson().contains("\"messageType\":\"File\""), s.toJson());
        assertTrue(s.toJson().endsWith(",\"payloadFile\":" + Json.quote(abs) + "}"), s.toJson());
        p.put(Keys.MESSAGE_TYPE, "folder");
        s = PublishSettings.read(p::get, dir);
        assertEquals("", s.payloadFile);
        assertTrue(s.toJson().endsWith(",\"payloadFolder\":" + Json.quote(new java.io.File(dir, "data")
                .getAbsolutePath()) + "}"), s.toJson());
        p.put(Keys.PAYLOAD_FOLDER, " ");
        assertEquals(Keys.PAYLOAD_FOLDER, bad().field());
        p.put(Keys.MESSAGE_TYPE, "File");
        p.remove(Keys.PAYLOAD_FILE);
        assertEquals(Keys.PAYLOAD_FILE, bad().field());
    }

    @Test
    void templatesCrossAsTheyAre() {
        p.put(Keys.TOPIC_NAME, "d/{{conn.test}}");
        p.put(Keys.MESSAGE_TO_SENT, "{\"id\":\"{{client_id}}\",\"n\":{{seq}}}");
        String json = read().toJson();
        assertTrue(json.contains("\"topic\":\"d/{{conn.test}}\""), json);
        assertTrue(json.contains("\"message\":\"{\\\"id\\\":\\\"{{client_id}}\\\",\\\"n\\\":{{seq}}}\""), json);
    }

    @Test
    void endMarkerCrossesOnlyWhenTicked() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put(Keys.TOPIC_NAME, "t");
        org.junit.jupiter.api.Assertions.assertFalse(PublishSettings.read(m::get).toJson().contains("endMarker"));
        m.put(Keys.END_MARKER, "true");
        PublishSettings s = PublishSettings.read(m::get);
        org.junit.jupiter.api.Assertions.assertTrue(s.endMarker);
        org.junit.jupiter.api.Assertions.assertTrue(s.toJson().contains("\"endMarker\":true"), s.toJson());
    }
}
