package io.mqttload.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One element of the description: its name, menu label, settings in order, and GUI layout. */
public final class ElementSpec {
    public final String name;
    public final String label;
    public final String badSettingCode;
    public final String doc;
    public final List<Layout.Panel> layout;
    private final Map<String, Setting> settings = new LinkedHashMap<>();
    /** The settings in order, read on every sample: made once. */
    private List<Setting> inOrder = Collections.emptyList();

    ElementSpec(String name, Map<String, Object> m, Map<String, Object> sharedPanels) {
        this.name = name;
        label = Descriptions.string(m, "label");
        badSettingCode = Descriptions.string(m, "badSettingCode");
        doc = Descriptions.optString(m, "doc", "");
        layout = Descriptions.list(m.get("layout"), p -> Layout.panel(p, sharedPanels));
    }

    void add(Setting s) {
        settings.put(s.key, s);
        inOrder = Collections.unmodifiableList(new ArrayList<>(settings.values()));
    }

    /** Every setting, in the description's order (the order a new element writes its properties in). */
    public List<Setting> settings() {
        return inOrder;
    }

    /** The setting of that key; IllegalArgumentException when the element has none. */
    public Setting setting(String key) {
        Setting s = settings.get(key);
        if (s == null) {
            throw new IllegalArgumentException(name + " has no setting " + key);
        }
        return s;
    }

    public boolean has(String key) {
        return settings.containsKey(key);
    }
}
