package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MqttTextTest {
    @Test
    void loneSurrogatesFoundPairsAccepted() {
        assertEquals(-1, MqttText.loneSurrogate("a😀b日本"));
        assertEquals(1, MqttText.loneSurrogate("a\ud800b"));
        assertEquals(0, MqttText.loneSurrogate("\udc00"));
        assertEquals(2, MqttText.loneSurrogate("😀\ud83d"));
        assertEquals(0, MqttText.loneSurrogate("\ude00\ud83d")); // a pair in the wrong order is two lone halves
    }

    @Test
    void encodableNamesKeyCodePointAndPositionButNotTheValue() {
        BadSettingException e = assertThrows(BadSettingException.class,
                () -> MqttText.requireEncodable("mqtt.password", "secret😀\ud800"));
        assertEquals("mqtt.password", e.field());
        assertEquals("mqtt.password: contains a lone UTF-16 surrogate (U+D800) at character 8, which is not valid text",
                e.getMessage());
        assertDoesNotThrow(() -> MqttText.requireEncodable("k", "any \u0000 text 😀"));
    }

    @Test
    void mqttStringRefusesNul() {
        BadSettingException e = assertThrows(BadSettingException.class,
                () -> MqttText.requireMqttString(Keys.TOPIC_NAME, "topic", "a/b\u0000"));
        assertEquals(Keys.TOPIC_NAME, e.field());
        assertEquals("mqtt.topic_name: topic 'a/b\\u0000' contains U+0000 (NUL) at character 4, which MQTT does not"
                + " allow", e.getMessage());
    }

    @Test
    void mqttStringRefusesControlCharactersAndNoncharacters() {
        for (String bad : new String[] {"a\tb", "a\u0001", "\u007f", "a\u0085b", "x\uffff", "\ufdd0"}) {
            BadSettingException e = assertThrows(BadSettingException.class,
                    () -> MqttText.requireMqttString("k", "topic", bad), bad);
            assertEquals("k", e.field());
            assertTrue(e.getMessage().contains("advises against"), e.getMessage());
        }
        assertTrue(assertThrows(BadSettingException.class, () -> MqttText.requireMqttString("k", "topic", "😀\u0001"))
                .getMessage().contains("'😀\\u0001' contains the control character U+0001 at character 2"));
        for (String good : new String[] {"", "a/b", "$share/g/#", "ünï/日本/😀", "a b", "\u00a0", "\ufeff"}) {
            assertDoesNotThrow(() -> MqttText.requireMqttString("k", "topic", good), good);
        }
    }

    @Test
    void stripKeepsControlCharacters() {
        assertEquals("a b", MqttText.strip(" \t\r\n a b \n"));
        assertEquals("\u0000a", MqttText.strip(" \u0000a "));
        assertEquals("", MqttText.strip(" \t "));
    }

    @Test
    void printableEscapes() {
        assertEquals("a\\u0000\\u0009\\uD800\\uFFFF😀", MqttText.printable("a\u0000\t\ud800\uffff😀"));
    }
}
