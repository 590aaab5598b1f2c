package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SubscribeSettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private SubscribeSettings read() {
        return SubscribeSettings.read(p::get);
    }

    private BadSettingException bad() {
        return assertThrows(BadSettingException.class, this::read);
    }

    @Test
    void defaults() {
        assertEquals("{\"topics\":\"test_topic\",\"qos\":0,\"condition\":\"time\",\"conditionValue\":1000,"
                + "\"timeoutMs\":10000,\"addTimestamp\":false,\"debugResponse\":false}", read().toJson());
    }

    @Test
    void perConnectionTemplatesCrossAsTheyAre() {
        p.put(Keys.TOPIC_NAME, " cmd/{{conn}}/# , d/{{client_id}}");
        assertTrue(read().toJson().startsWith("{\"topics\":\"cmd/{{conn}}/# , d/{{client_id}}\","), read().toJson());
    }

    @Test
    void countDefaultIsOne() {
        p.put(Keys.SAMPLE_CONDITION, Keys.CONDITION_COUNT_LABEL);
        SubscribeSettings s = read();
        assertEquals("count", s.condition);
        assertEquals(1, s.conditionValue);
    }

    @Test
    void allValues() {
        p.put(Keys.TOPIC_NAME, "a, b/+");
        p.put(Keys.QOS_LEVEL, "1");
        p.put(Keys.SAMPLE_CONDITION, "number of received messages");
        p.put(Keys.SAMPLE_CONDITION_VALUE, "500");
        p.put(Keys.SAMPLE_TIMEOUT, "3000");
        p.put(Keys.ADD_TIMESTAMP, "true");
        p.put(Keys.DEBUG_RESPONSE, "TRUE");
        p.put(Keys.CONNECTION_NAME, "x");
        SubscribeSettings s = read();
        assertEquals("x", s.connectionName);
        assertEquals("{\"topics\":\"a, b/+\",\"qos\":1,\"condition\":\"count\",\"conditionValue\":500,"
                + "\"timeoutMs\":3000,\"addTimestamp\":true,\"debugResponse\":true}", s.toJson());
    }

    @Test
    void timeLabel() {
        p.put(Keys.SAMPLE_CONDITION, "specified elapsed time (ms)");
        p.put(Keys.SAMPLE_CONDITION_VALUE, "250");
        SubscribeSettings s = read();
        assertEquals("time", s.condition);
        assertEquals(250, s.conditionValue);
    }

    @Test
    void badValuesAndTheirCodes() {
        p.put(Keys.SAMPLE_CONDITION_VALUE, "1s");
        BadSettingException e = bad();
        assertEquals("mqtt.sample_condition_value", e.field());
        assertTrue(e.getMessage().contains("1s"));
        assertEquals("510", SubscribeSettings.codeFor(e));

        p.clear();
        p.put(Keys.SAMPLE_CONDITION, "forever");
        assertEquals("510", SubscribeSettings.codeFor(bad()));

        p.clear();
        p.put(Keys.SAMPLE_CONDITION, Keys.CONDITION_COUNT_LABEL);
        p.put(Keys.SAMPLE_CONDITION_VALUE, "0");
        assertEquals("510", SubscribeSettings.codeFor(bad()));

        p.clear();
        p.put(Keys.QOS_LEVEL, "3");
        e = bad();
        assertEquals("mqtt.qos_level", e.field());
        assertEquals("511", SubscribeSettings.codeFor(e));

        p.clear();
        p.put(Keys.TOPIC_NAME, " , ");
        e = bad();
        assertEquals("mqtt.topic_name", e.field());
        assertEquals("512", SubscribeSettings.codeFor(e));

        p.clear();
        p.put(Keys.SAMPLE_TIMEOUT, "0");
        assertEquals("512", SubscribeSettings.codeFor(bad()));
    }

    @Test
    void topicWithNulIsRefusedWith512NotTrimmed() {
        for (String topics : new String[] {"a/b\u0000", "\u0000a/b", "x, a/\u0000b ,y"}) {
            p.put(Keys.TOPIC_NAME, topics);
            BadSettingException e = bad();
            assertEquals("mqtt.topic_name", e.field());
            assertEquals("512", SubscribeSettings.codeFor(e));
            assertTrue(e.getMessage().contains("topic filter '"), e.getMessage());
            assertTrue(e.getMessage().contains("\\u0000") && e.getMessage().contains("' contains U+0000 (NUL)"),
                    e.getMessage());
        }
        p.put(Keys.TOPIC_NAME, "a/\tb");
        assertTrue(bad().getMessage().contains("control character U+0009"));
        p.put(Keys.TOPIC_NAME, " a ,\n b/# \n");
        assertEquals("a ,\n b/#", read().topics);
    }

    @Test
    void loneSurrogateInTopicIs512() {
        p.put(Keys.TOPIC_NAME, "a/\ud800");
        BadSettingException e = bad();
        assertEquals("mqtt.topic_name: contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid"
                + " text", e.getMessage());
        assertEquals("512", SubscribeSettings.codeFor(e));
    }
}
