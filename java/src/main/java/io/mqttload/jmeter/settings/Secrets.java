package io.mqttload.jmeter.settings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.mqttload.contract.ElementSpec;
import io.mqttload.contract.Setting;

/**
 * The secret values of an element's settings (passwords), so that no text the user sees quotes one: a message
 * from the engine or the OS passes through {@link #scrub} before it reaches a result.
 */
public final class Secrets {
    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    public static Secrets of(ElementSpec element, PropertySource props) {
        List<String> v = new ArrayList<>();
        for (Setting s : element.settings()) {
            if (s.isSecret()) {
                String secret = SettingsDocument.value(s, props);
                if (secret != null && !secret.isEmpty()) {
                    v.add(secret);
                }
            }
        }
        // the longer first, so that one that contains another leaves nothing behind
        v.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(v);
    }

    /** {@code text} with every secret replaced by ***. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : values) {
            out = out.replace(s, "***");
        }
        return out;
    }

    /** True when the text holds one of the secrets. */
    public boolean holdsSecret(String text) {
        return text != null && values.stream().anyMatch(text::contains);
    }
}
