package io.mqttload.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineLogTest {
    private final List<String> seen = new ArrayList<>();

    private void record(int logger, int level, String message) {
        seen.add(logger + "/" + level + "/" + message);
    }

    @AfterEach
    void resetLevels() {
        for (String name : EngineLog.LOGGERS) {
            Configurator.setLevel(name, (Level) null);
        }
        Configurator.setLevel("io.mqttload.engine", Level.INFO);
    }

    @Test
    void batchesAreSplitIntoRecords() {
        char sep = EngineLog.SEPARATOR;
        EngineLog.deliver("12connection lost: client_id=c1" + sep + "34" + sep + "03loaded", this::record);
        assertEquals(List.of("1/2/connection lost: client_id=c1", "3/4/", "0/3/loaded"), seen);
    }

    @Test
    void malformedRecordsAreSkippedNotFatal() {
        char sep = EngineLog.SEPARATOR;
        EngineLog.deliver("9" + sep + "92unknown logger" + sep + "" + sep + "02ok", this::record);
        EngineLog.deliver(null, this::record);
        assertEquals(List.of("0/2/ok"), seen);
    }

    @Test
    void levelsFollowTheLoggingConfiguration() {
        Configurator.setLevel("io.mqttload.engine", Level.WARN);
        Configurator.setLevel("io.mqttload.engine.tls", Level.DEBUG);
        Configurator.setLevel("io.mqttload.engine.sampler", Level.OFF);
        Configurator.setLevel("io.mqttload.engine.session", Level.TRACE);
        int[] levels = EngineLog.levels();
        assertArrayEquals(new int[] {EngineLog.WARN, EngineLog.TRACE, EngineLog.WARN, EngineLog.DEBUG,
            EngineLog.OFF}, levels);
    }

    @Test
    void loggerNamesAreOurs() {
        for (String name : EngineLog.LOGGERS) {
            assertEquals(0, name.indexOf("io.mqttload.engine"), name);
        }
    }
}
