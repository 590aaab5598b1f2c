package io.mqttload.jmeter.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mqttload.contract.Description;
import io.mqttload.contract.ElementSpec;

/** What an element hands the engine: its properties by the engine's names, as JMeter holds them. */
class SettingsDocumentTest {
    private static final ElementSpec CONNECT = Description.get().element("connect");

    private static String document(Map<String, String> props, File base) {
        return SettingsDocument.of(CONNECT, props::get, base);
    }

    @Test
    void propertiesGoByTheEnginesNamesAsTheyAre() {
        Map<String, String> p = new HashMap<>();
        p.put("mqtt.server", " broker ");
        p.put("mqtt.port", "18x3");
        p.put("mqtt.ca_file", "");
        p.put("mqtt.not_a_setting", "x");
        assertEquals("{\"server\":\" broker \",\"port\":\"18x3\",\"tls.caFile\":\"\"}", document(p, null));
    }

    @Test
    void relativePathsResolveAgainstThePlansFolder() {
        Map<String, String> p = new HashMap<>();
        p.put("mqtt.ca_file", " certs/../certs/ca.pem ");
        p.put("mqtt.clientcert_file_path", "/abs/client.p12");
        String json = document(p, new File("/plans/fleet"));
        assertEquals("{\"tls.caFile\":\"/plans/fleet/certs/ca.pem\",\"tls.clientCertFile\":\"/abs/client.p12\"}",
                json);
    }

    @Test
    void theXmeterSpellingIsReadWhenTheKeyIsBlank() {
        Map<String, String> p = new HashMap<>();
        p.put("mqtt.conn_attampt_max", "3");
        assertEquals("{\"connAttemptMax\":\"3\"}", document(p, null));
        p.put("mqtt.conn_attempt_max", "5");
        assertEquals("{\"connAttemptMax\":\"5\"}", document(p, null));
    }

    @Test
    void secretsAreScrubbedLongestFirst() {
        Map<String, String> p = new HashMap<>();
        p.put("mqtt.password", "abc");
        p.put("mqtt.clientcert_password", "xabcx");
        Secrets s = Secrets.of(CONNECT, p::get);
        assertEquals("*** and ***", s.scrub("xabcx and abc"));
        assertFalse(s.holdsSecret("nothing here"));
    }
}
