package io.mqttload.migrate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a migration did, element by element, for the command's output and the GUI's dialog. */
public final class MigrationReport {
    /** One converted element and the lines about its properties. */
    public static final class Element {
        public final String title;
        private final List<String> lines = new ArrayList<>();
        private int notMapped;
        private int mapped;

        Element(String title) {
            this.title = title;
        }

        /** A property taken over with the same key and value. */
        void kept(String key, String shown) {
            mapped++;
            lines.add("  = " + key + " = " + shown);
        }

        /** A property renamed and/or given a new value so that it means the same to us. */
        void changed(String text) {
            mapped++;
            lines.add("  ~ " + text);
        }

        /** A property we added to keep XMeter's meaning (its default, or its behaviour). */
        void added(String text) {
            mapped++;
            lines.add("  + " + text);
        }

        /** A property we cannot honour: kept in the element, reported. */
        void notMapped(String text) {
            notMapped++;
            lines.add("  ! NOT MAPPED " + text);
        }

        /** A difference in behaviour worth knowing that no property expresses. */
        void note(String text) {
            lines.add("  i " + text);
        }

        public List<String> lines() {
            return Collections.unmodifiableList(lines);
        }

        public int notMapped() {
            return notMapped;
        }
    }

    private final List<Element> elements = new ArrayList<>();

    Element element(String title) {
        Element e = new Element(title);
        elements.add(e);
        return e;
    }

    public List<Element> elements() {
        return Collections.unmodifiableList(elements);
    }

    /** Properties (over all elements) that could not be mapped. */
    public int notMapped() {
        int n = 0;
        for (Element e : elements) {
            n += e.notMapped;
        }
        return n;
    }

    public int mapped() {
        int n = 0;
        for (Element e : elements) {
            n += e.mapped;
        }
        return n;
    }

    /** The whole report as text, one element after another, then a summary line. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (Element e : elements) {
            sb.append(e.title).append('\n');
            for (String l : e.lines) {
                sb.append(l).append('\n');
            }
        }
        sb.append(summary()).append('\n');
        return sb.toString();
    }

    public String summary() {
        if (elements.isEmpty()) {
            return "No XMeter MQTT elements found; the plan is copied unchanged.";
        }
        int bad = notMapped();
        return elements.size() + " XMeter element(s) converted, " + mapped() + " properties mapped, " + bad
                + " not mapped" + (bad > 0 ? " (lines marked '! NOT MAPPED': kept in the element, ignored by mqttload)"
                        : "") + ".";
    }
}
