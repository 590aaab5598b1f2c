package io.mqttload.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BrokerStatsFiguresTest {
    @Test
    void figuresKeepTheEnginesOrderAndEmptyValues() {
        Map<String, String> m = BrokerStats.parseFigures("MQTT_BROKER_CLIENTS=3\nMQTT_BROKER_HEAP_BYTES=\n"
                + "MQTT_BROKER_MSGS_RECEIVED_PER_S=0.5\n");
        assertEquals(Arrays.asList("MQTT_BROKER_CLIENTS", "MQTT_BROKER_HEAP_BYTES", "MQTT_BROKER_MSGS_RECEIVED_PER_S"),
                Arrays.asList(m.keySet().toArray()));
        assertEquals("", m.get("MQTT_BROKER_HEAP_BYTES"));
        assertEquals("0.5", m.get("MQTT_BROKER_MSGS_RECEIVED_PER_S"));
        assertEquals(0, BrokerStats.parseFigures(null).size());
    }
}
