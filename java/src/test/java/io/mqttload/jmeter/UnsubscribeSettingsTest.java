package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UnsubscribeSettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private UnsubscribeSettings read() {
        return UnsubscribeSettings.read(p::get);
    }

    @Test
    void defaults() {
        assertEquals("{\"topics\":\"test_topic\",\"timeoutMs\":10000}", read().toJson());
        assertEquals("", read().connectionName);
    }

    @Test
    void allValues() {
        p.put(Keys.TOPIC_NAME, " a, $share/g/b/# ");
        p.put(Keys.UNSUBSCRIBE_TIMEOUT, "2500");
        p.put(Keys.CONNECTION_NAME, " devices ");
        UnsubscribeSettings s = read();
        assertEquals("{\"topics\":\"a, $share/g/b/#\",\"timeoutMs\":2500}", s.toJson());
        assertEquals("devices", s.connectionName);
    }

    @Test
    void badValuesNameTheirKey() {
        p.put(Keys.TOPIC_NAME, " , ");
        assertEquals(Keys.TOPIC_NAME, assertThrows(BadSettingException.class, this::read).field());
        p.put(Keys.TOPIC_NAME, "a");
        p.put(Keys.UNSUBSCRIBE_TIMEOUT, "0");
        assertEquals(Keys.UNSUBSCRIBE_TIMEOUT, assertThrows(BadSettingException.class, this::read).field());
    }
}
