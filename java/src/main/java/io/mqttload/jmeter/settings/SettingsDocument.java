package io.mqttload.jmeter.settings;

import java.io.File;
import java.nio.file.InvalidPathException;

import io.mqttload.contract.ElementSpec;
import io.mqttload.contract.Setting;

/**
 * The document an element sends to the engine: each of its settings that the element's properties hold, by
 * the engine's name for it, as JMeter holds the value (functions and variables already evaluated). Absent
 * settings are left out (the engine takes their defaults); the engine checks every value against the same
 * description. The only things done here are JMeter's: older spellings of a key are read, and a relative
 * file path is resolved against the test plan's folder.
 */
public final class SettingsDocument {
    private SettingsDocument() {
    }

    /** {@code element}'s document from {@code props}; relative paths resolve against {@code baseDir}. */
    public static String of(ElementSpec element, PropertySource props, File baseDir) {
        Json json = Json.object();
        for (Setting s : element.settings()) {
            String v = value(s, props);
            if (v == null) {
                continue;
            }
            json.put(s.id, s.isPath() ? resolve(v.trim(), baseDir) : v);
        }
        return json.toString();
    }

    /** The property's value, or that of an older spelling when it is blank; null when absent. */
    public static String value(Setting s, PropertySource props) {
        String v = props.get(s.key);
        if (v != null && !v.trim().isEmpty()) {
            return v;
        }
        for (String alias : s.aliases) {
            String a = props.get(alias);
            if (a != null && !a.trim().isEmpty()) {
                return a;
            }
        }
        return v;
    }

    /** "" stays "" (no file); otherwise an absolute path (a relative one against {@code baseDir}), normalized. */
    public static String resolve(String path, File baseDir) {
        if (path.isEmpty()) {
            return "";
        }
        File f = new File(path);
        if (!f.isAbsolute()) {
            File base = baseDir != null ? baseDir : new File(System.getProperty("user.dir", "."));
            f = new File(base, path);
        }
        f = f.getAbsoluteFile();
        try {
            return f.toPath().normalize().toString();
        } catch (InvalidPathException e) {
            return f.getPath(); // the engine reports that it cannot be read
        }
    }
}
