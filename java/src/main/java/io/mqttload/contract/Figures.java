package io.mqttload.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The figures a sample's outcome carries from the engine (contract/results.json): each one's place in the
 * outcome's figure array is its place in that list, on both sides, so neither side writes an index by hand.
 */
public final class Figures {
    private Figures() {
    }

    /** One figure: its name, index, unit, the element that reports it, and the JMeter variable it sets. */
    public static final class Figure {
        public final String name;
        public final int index;
        public final String unit;
        public final String element;
        /** "" when no variable shows it. */
        public final String variable;
        /** The variable shows the figure divided by this (1 = as is). */
        public final int scale;
        /** May be negative: not available is then {@link Long#MIN_VALUE} rather than -1. */
        public final boolean signed;
        public final String doc;

        /** Whether {@code value} stands for "not available". */
        public boolean unavailable(long value) {
            return signed ? value == Long.MIN_VALUE : value < 0;
        }

        Figure(int index, Map<String, Object> m) {
            this.index = index;
            name = Descriptions.string(m, "name");
            unit = Descriptions.optString(m, "unit", "");
            element = Descriptions.optString(m, "element", "");
            variable = Descriptions.optString(m, "variable", "");
            scale = Descriptions.optInt(m, "scale", 1);
            signed = Boolean.TRUE.equals(m.get("signed"));
            doc = Descriptions.optString(m, "doc", "");
        }
    }

    private static volatile List<Figure> all;

    public static List<Figure> all() {
        List<Figure> a = all;
        if (a == null) {
            List<Figure> out = new ArrayList<>();
            Object raw = Descriptions.load("results.json").get("figures");
            int i = 0;
            for (Object o : (List<?>) raw) {
                out.add(new Figure(i++, Descriptions.map(o, "a figure")));
            }
            a = Collections.unmodifiableList(out);
            all = a;
        }
        return a;
    }

    /** The index of the figure of that name; IllegalStateException when results.json has none. */
    public static int index(String name) {
        for (Figure f : all()) {
            if (f.name.equals(name)) {
                return f.index;
            }
        }
        throw new IllegalStateException("mqttload: no figure '" + name + "' in results.json");
    }

    /** How many figures an outcome carries. */
    public static int count() {
        return all().size();
    }

    /** The figures an element reports as JMeter variables, in order. */
    public static List<Figure> variablesOf(String element) {
        List<Figure> out = new ArrayList<>();
        for (Figure f : all()) {
            if (f.element.equals(element) && !f.variable.isEmpty()) {
                out.add(f);
            }
        }
        return out;
    }
}
