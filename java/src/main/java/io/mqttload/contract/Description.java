package io.mqttload.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description of every element's settings (contract/settings.json in the plugin jar), read once: what the
 * GUIs show, what a new element holds, and what the elements send to the engine, which checks the values
 * against the same description.
 */
public final class Description {
    private static volatile Description instance;

    private final Map<String, ElementSpec> elements = new LinkedHashMap<>();

    private Description(Map<String, Object> doc) {
        Map<String, Object> els = Descriptions.map(doc.get("elements"), "elements");
        Object panels = doc.get("panels");
        Map<String, Object> shared = panels == null ? Collections.emptyMap()
                : Descriptions.map(panels, "panels");
        for (Map.Entry<String, Object> e : els.entrySet()) {
            elements.put(e.getKey(),
                    new ElementSpec(e.getKey(), Descriptions.map(e.getValue(), e.getKey()), shared));
        }
        Object raw = doc.get("settings");
        if (!(raw instanceof List)) {
            throw new IllegalStateException("mqttload description: \"settings\" is not a list");
        }
        for (Object o : (List<?>) raw) {
            Map<String, Object> base = Descriptions.map(o, "a setting");
            Map<String, Object> in = Descriptions.map(base.get("in"), "\"in\" of " + base.get("key"));
            for (Map.Entry<String, Object> e : in.entrySet()) {
                ElementSpec element = elements.get(e.getKey());
                if (element == null) {
                    throw new IllegalStateException("mqttload description: " + base.get("key")
                            + " names an unknown element " + e.getKey());
                }
                Map<String, Object> merged = new LinkedHashMap<>(base);
                merged.remove("in");
                merged.putAll(Descriptions.map(e.getValue(), e.getKey()));
                element.add(new Setting(e.getKey(), merged, element.badSettingCode));
            }
        }
    }

    /** The description in the plugin's jar. */
    public static Description get() {
        Description d = instance;
        if (d == null) {
            synchronized (Description.class) {
                d = instance;
                if (d == null) {
                    d = new Description(Descriptions.load("settings.json"));
                    instance = d;
                }
            }
        }
        return d;
    }

    public ElementSpec element(String name) {
        ElementSpec e = elements.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no element " + name + " in the settings description");
        }
        return e;
    }

    public List<ElementSpec> elements() {
        return Collections.unmodifiableList(new ArrayList<>(elements.values()));
    }
}
