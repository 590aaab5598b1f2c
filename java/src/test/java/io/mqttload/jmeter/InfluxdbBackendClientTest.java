package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.visualizers.backend.BackendListenerContext;
import org.junit.jupiter.api.Test;

class InfluxdbBackendClientTest {
    @Test
    void theGuiOffersEveryParameterWithItsDefault() {
        Map<String, String> p = new InfluxdbBackendClient().getDefaultParameters().getArgumentsAsMap();
        assertEquals(InfluxdbBackendClient.DEFAULT_URL, p.get("influxdbUrl"));
        assertEquals("", p.get("influxdbToken"));
        assertEquals("", p.get("engine"));
        assertEquals("5000", p.get("interval_ms"));
    }

    @Test
    void aUrlThatIsNotOneIsNamedBeforeTheEngineIsTouched() {
        Arguments a = new Arguments();
        a.addArgument("influxdbUrl", "not a url");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InfluxdbBackendClient().setupTest(new BackendListenerContext(a)));
        assertTrue(e.getMessage().startsWith("InfluxDB URL (influxdbUrl) 'not a url' is not a URL"), e.getMessage());
    }
}
