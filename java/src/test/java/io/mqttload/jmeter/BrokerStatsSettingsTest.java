package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BrokerStatsSettingsTest {
    private final Map<String, String> p = new HashMap<>();

    private BrokerStatsSettings read() {
        return BrokerStatsSettings.read(p::get, new File("/plans"));
    }

    private BadSettingException bad() {
        return assertThrows(BadSettingException.class, this::read);
    }

    @Test
    void defaults() {
        BrokerStatsSettings s = read();
        assertEquals("{\"topicRoot\":\"$SYS/broker\",\"firstTimeoutMs\":15000}", s.toJson());
        String c = s.connectJson();
        assertTrue(c.contains("\"clientIdPrefix\":\"mqttload_stats_\""), c);
        assertTrue(c.contains("\"connections\":1"), c);
        assertTrue(c.contains("\"cleanSession\":true"), c);
        assertTrue(c.contains("\"will\":null") || !c.contains("\"will\""), c);
    }

    @Test
    void ownConnectionIgnoresGroupSettingsItHasNoFieldFor() {
        p.put(Keys.SERVER, "broker.example");
        p.put(Keys.PORT, "8883");
        p.put(Keys.PROTOCOL, Keys.PROTOCOL_SSL);
        p.put(Keys.CONN_CAPACITY, "500");
        p.put(Keys.CONN_CLEAN_SESSION, "false");
        p.put(Keys.WILL_TOPIC, "gone");
        p.put(Keys.CLIENT_ID_PREFIX, "stats-");
        p.put(Keys.USER_NAME, "admin");
        p.put(Keys.PASSWORD, "s3cret-pw");
        p.put(Keys.SYS_TOPIC_ROOT, " $SYS/brokers/ ");
        p.put(Keys.SYS_FIRST_TIMEOUT, "2500");
        BrokerStatsSettings s = read();
        assertEquals("{\"topicRoot\":\"$SYS/brokers\",\"firstTimeoutMs\":2500}", s.toJson());
        String c = s.connectJson();
        for (String part : new String[] {"\"server\":\"broker.example\"", "\"port\":8883", "\"protocol\":\"ssl\"",
            "\"connections\":1", "\"cleanSession\":true", "\"clientIdPrefix\":\"stats-\"", "\"username\":\"admin\""}) {
            assertTrue(c.toLowerCase().contains(part.toLowerCase()), part + " in " + c);
        }
        assertFalse(c.contains("gone"), c);
        assertFalse(s.toString().contains("s3cret-pw"), s.toString());
        assertEquals("login *** refused", s.connection.scrub("login s3cret-pw refused"));
    }

    @Test
    void badSettingsNameTheirProperty() {
        p.put(Keys.SYS_TOPIC_ROOT, "$SYS/#");
        assertEquals(Keys.SYS_TOPIC_ROOT, bad().field());
        p.put(Keys.SYS_TOPIC_ROOT, "/");
        assertEquals(Keys.SYS_TOPIC_ROOT, bad().field());
        p.put(Keys.SYS_TOPIC_ROOT, "$SYS/broker");
        p.put(Keys.SYS_FIRST_TIMEOUT, "0");
        assertEquals(Keys.SYS_FIRST_TIMEOUT, bad().field());
        p.put(Keys.SYS_FIRST_TIMEOUT, "soon");
        assertEquals(Keys.SYS_FIRST_TIMEOUT, bad().field());
        p.put(Keys.SYS_FIRST_TIMEOUT, "1000");
        p.put(Keys.PORT, "0");
        assertEquals(Keys.PORT, bad().field());
    }

    @Test
    void variablesAreEmptyWhenTheBrokerDoesNotPublishAFigure() {
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("MQTT_BROKER_CLIENTS", "3");
        figures.put("MQTT_BROKER_MSGS_RECEIVED_PER_S", "12.5");
        figures.put("MQTT_BROKER_HEAP_BYTES", "");
        String[] values = BrokerStatsSampler.variableValues(figures);
        assertEquals(BrokerStatsSampler.VARIABLES.length, values.length);
        assertEquals("3", values[0]);
        assertEquals("12.5", values[1]);
        for (int i = 2; i < values.length; i++) {
            assertEquals("", values[i], BrokerStatsSampler.VARIABLES[i]);
        }
    }
}
