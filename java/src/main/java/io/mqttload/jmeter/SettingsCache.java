package io.mqttload.jmeter;

import java.util.List;
import java.util.function.Supplier;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.FunctionProperty;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.testelement.property.MultiProperty;
import org.apache.jmeter.testelement.property.PropertyIterator;

import io.mqttload.contract.Setting;

/**
 * An element's settings document, kept from one sample to the next while nothing in it can change: building it
 * reads and quotes every setting, which at one message per sample cost more than the publish itself. A document
 * is rebuilt on every sample when a property holds a function or a ${variable} (JMeter evaluates those per
 * sample), and after anything set a property (a script's {@code sampler.setProperty}) or JMeter restored one at
 * the iteration's end.
 */
final class SettingsCache {
    private int changes;
    private int changesAtRecovery;
    private String document;
    private int documentAt;

    /** A property was set or removed. */
    void changed() {
        changes++;
    }

    /** The element's properties as they are now are what JMeter restores after each iteration. */
    void baseline() {
        changes++;
        changesAtRecovery = changes;
    }

    /** JMeter restores the element's properties after each iteration: a change since the last one is undone. */
    void recovered() {
        if (changes != changesAtRecovery) {
            changes++;
            changesAtRecovery = changes;
        }
    }

    /**
     * The document of {@code element}'s {@code settings}: the kept one if nothing could have changed it, else a
     * new one from {@code build}.
     */
    String get(TestElement element, List<Setting> settings, Supplier<String> build) {
        if (document != null && documentAt == changes) {
            return document;
        }
        String built = build.get();
        boolean constant = element.isRunningVersion() && !evaluatedPerSample(element, settings);
        document = constant ? built : null;
        documentAt = changes;
        return built;
    }

    /** Only the element's own keys count: config elements in scope merge theirs in at every iteration. */
    private static boolean evaluatedPerSample(TestElement element, List<Setting> settings) {
        for (Setting s : settings) {
            if (evaluated(element.getProperty(s.key))) {
                return true;
            }
            for (String alias : s.aliases) {
                if (evaluated(element.getProperty(alias))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean evaluated(JMeterProperty p) {
        if (p instanceof FunctionProperty) {
            return true;
        }
        if (p instanceof MultiProperty) {
            PropertyIterator it = ((MultiProperty) p).iterator();
            while (it.hasNext()) {
                if (evaluated(it.next())) {
                    return true;
                }
            }
        }
        return false;
    }
}
