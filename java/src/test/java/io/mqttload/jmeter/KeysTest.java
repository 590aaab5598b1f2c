package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.Test;

import io.mqttload.contract.Description;
import io.mqttload.contract.ElementSpec;
import io.mqttload.contract.Setting;

/** Every key the Java side names is a setting (or an older spelling of one) in the description. */
class KeysTest {
    private static boolean described(String key) {
        for (ElementSpec e : Description.get().elements()) {
            for (Setting s : e.settings()) {
                if (s.key.equals(key) || s.aliases.contains(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void everyKeyIsDescribed() throws IllegalAccessException {
        for (Field f : Keys.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof String) {
                String v = (String) f.get(null);
                if (v.startsWith("mqtt.")) {
                    assertTrue(described(v), f.getName() + " = " + v + " is not in contract/settings.json");
                }
            }
        }
    }
}
