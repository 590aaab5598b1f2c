package io.mqttload.jmeter;

import java.util.ArrayList;
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
 * reads and quotes every setting, which at one message per sample cost more than the publish itself. A property
 * that holds a function or a ${variable} is evaluated again for every sample, and the document is rebuilt only
 * when one of them evaluates differently; it is rebuilt too after anything set a property (a script's
 * {@code sampler.setProperty}) or JMeter restored one at the iteration's end.
 */
final class SettingsCache {
    private int changes;
    private int changesAtRecovery;
    private String document;
    private int documentAt;
    /** The element's keys whose properties are evaluated per sample, and what they were when it was built. */
    private final List<String> evaluatedKeys = new ArrayList<>();
    private final List<String> evaluatedValues = new ArrayList<>();

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
        if (document != null && documentAt == changes && evaluateSame(element)) {
            return document;
        }
        String built = build.get();
        evaluatedKeys.clear();
        evaluatedValues.clear();
        document = null;
        if (element.isRunningVersion()) {
            for (Setting s : settings) {
                keepIfEvaluated(element, s.key);
                for (String alias : s.aliases) {
                    keepIfEvaluated(element, alias);
                }
            }
            document = built;
        }
        documentAt = changes;
        return built;
    }

    /** Only the element's own keys count: config elements in scope merge theirs in at every iteration. */
    private void keepIfEvaluated(TestElement element, String key) {
        JMeterProperty p = element.getProperty(key);
        if (evaluated(p)) {
            evaluatedKeys.add(key);
            evaluatedValues.add(p.getStringValue());
        }
    }

    /** Each evaluated property gives what it gave when the document was built. */
    private boolean evaluateSame(TestElement element) {
        for (int i = 0; i < evaluatedKeys.size(); i++) {
            if (!element.getProperty(evaluatedKeys.get(i)).getStringValue().equals(evaluatedValues.get(i))) {
                return false;
            }
        }
        return true;
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
