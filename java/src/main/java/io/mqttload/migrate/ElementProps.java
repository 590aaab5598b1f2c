package io.mqttload.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * The direct children of one element, as text: each keeps the exact bytes it had (and the whitespace before it)
 * unless the mapping renames it, changes its value or adds a new one. Only simple properties
 * ({@code stringProp}, {@code boolProp}, {@code intProp}, {@code longProp}, ...) are ever touched.
 */
final class ElementProps {
    /** One child element of the sampler. */
    static final class Prop {
        final String prefix;
        final String raw;
        final String tag;
        final String originalName;
        /** Decoded text of a simple property, null for anything with child elements. */
        final String originalValue;
        String name;
        String value;
        boolean removed;

        Prop(String prefix, String raw, String tag, String name, String value) {
            this.prefix = prefix;
            this.raw = raw;
            this.tag = tag;
            this.originalName = name;
            this.originalValue = value;
            this.name = name;
            this.value = value;
        }

        boolean simple() {
            return originalValue != null;
        }

        boolean changed() {
            return !java.util.Objects.equals(name, originalName) || !java.util.Objects.equals(value, originalValue);
        }

        String render() {
            if (raw != null && !changed()) {
                return prefix + raw;
            }
            return prefix + "<" + tag + " name=\"" + XmlText.encode(name) + "\">" + XmlText.encode(value) + "</"
                    + tag + ">";
        }
    }

    private final List<Prop> props = new ArrayList<>();
    /** Text after the last child (the closing tag's indentation). */
    String trailing = "";
    /** Whitespace put before added properties (a newline and the children's indentation). */
    String childIndent;

    void add(Prop p) {
        props.add(p);
    }

    List<Prop> all() {
        return props;
    }

    /** The simple property of that name (not removed), or null. */
    Prop get(String name) {
        for (Prop p : props) {
            if (!p.removed && name.equals(p.name) && p.simple()) {
                return p;
            }
        }
        return null;
    }

    /** The value of a simple property, or null when absent. */
    String value(String name) {
        Prop p = get(name);
        return p == null ? null : p.value;
    }

    /** Adds a new simple property after {@code after} (or at the end when that is absent). */
    Prop insert(String tag, String name, String value, String after) {
        Prop p = new Prop(childIndent, null, tag, name, value);
        Prop anchor = after == null ? null : get(after);
        int at = anchor == null ? props.size() : props.indexOf(anchor) + 1;
        props.add(at, p);
        return p;
    }

    boolean isEmpty() {
        return props.isEmpty();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        for (Prop p : props) {
            if (!p.removed) {
                sb.append(p.render());
            }
        }
        return sb.append(trailing).toString();
    }
}
