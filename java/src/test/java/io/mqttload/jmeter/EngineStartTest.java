package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineStartTest {
    @Test
    void anUnsetPropertyLeavesTheEnginesDefault() {
        assertEquals(0, EngineStart.intProperty("mqttload.test.no.such.property"));
    }
}
