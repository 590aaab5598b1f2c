package io.mqttload.jmeter.settings;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.testelement.property.NullProperty;

/** Where settings readers get property values: a key's string value, or null when the key is absent. */
@FunctionalInterface
public interface PropertySource {
    String get(String key);

    /** A test element's properties (functions and ${variables} already evaluated at sample time). */
    static PropertySource of(TestElement element) {
        return key -> {
            JMeterProperty p = element.getProperty(key);
            return p == null || p instanceof NullProperty ? null : p.getStringValue();
        };
    }
}
