package io.mqttload.contract;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reference tables of the docs (docs/elements/, docs/results.md), written from the settings and results
 * description: one table per element (its settings in the order its GUI shows them) and one per element that
 * sets JMeter variables.
 * {@link ReferenceTest} fails when the docs hold other tables than these, and rewrites them on request.
 */
final class Reference {
    private Reference() {
    }

    /** The marker lines around a generated table in the docs. */
    static String begin(String name) {
        return "<!-- reference:" + name + " (generated from contract/; `make docs` rewrites it) -->";
    }

    static String end(String name) {
        return "<!-- /reference:" + name + " -->";
    }

    /** Every generated table by name: "settings:connect", ..., "variables:subscribe", .... */
    static List<String[]> tables() {
        List<String[]> out = new ArrayList<>();
        for (ElementSpec e : Description.get().elements()) {
            out.add(new String[] {"settings:" + e.name, settings(e)});
        }
        Set<String> withVariables = new LinkedHashSet<>();
        Figures.all().stream().filter(f -> !f.variable.isEmpty()).forEach(f -> withVariables.add(f.element));
        for (String element : withVariables) {
            out.add(new String[] {"variables:" + element, variables(element)});
        }
        return out;
    }

    /** An element's settings in the order its GUI shows them, then those it does not show. */
    static String settings(ElementSpec e) {
        StringBuilder b = new StringBuilder();
        b.append("| field | property | default | values | what it does |\n|---|---|---|---|---|\n");
        Set<String> done = new LinkedHashSet<>();
        for (Layout.Panel p : e.layout) {
            for (Layout.Panel panel : panels(p)) {
                for (List<Layout.Item> row : panel.rows) {
                    for (Layout.Item item : row) {
                        if (item.isField() && done.add(item.key)) {
                            b.append(row(e, e.setting(item.key))).append('\n');
                        }
                    }
                }
            }
        }
        for (Setting s : e.settings()) {
            if (done.add(s.key)) {
                b.append(row(e, s)).append('\n');
            }
        }
        return b.toString();
    }

    private static List<Layout.Panel> panels(Layout.Panel p) {
        if (p.tabs.isEmpty()) {
            return List.of(p);
        }
        List<Layout.Panel> out = new ArrayList<>();
        p.tabs.forEach(t -> out.addAll(t.panels));
        return out;
    }

    private static String row(ElementSpec e, Setting s) {
        String field = s.gui.mirrorOf.isEmpty() ? s.label : "(not shown)";
        String property = "`" + s.key + "`" + (s.aliases.isEmpty() ? ""
                : " (also read: " + String.join(", ", s.aliases.stream().map(a -> "`" + a + "`").collect(Collectors.toList())) + ")");
        StringBuilder what = new StringBuilder(s.tip.replace("\n", " "));
        if (!s.usedWhen.isEmpty()) {
            List<String> when = new ArrayList<>();
            s.usedWhen.forEach(c -> when.add(describe(e, c)));
            what.append(" Used when ").append(String.join(" and ", when)).append('.');
        }
        for (Condition c : s.requires) {
            what.append(' ').append(Character.toUpperCase(c.why.charAt(0))).append(c.why.substring(1))
                    .append(" (").append(describe(e, c)).append(").");
        }
        if (s.xmeter) {
            what.append(" (The XMeter plugin's key.)");
        }
        return "| " + cell(field) + " | " + property + " | " + cell(s.defaultShown()) + " | " + cell(values(s))
                + " | " + cell(what.toString()) + " |";
    }

    private static String describe(ElementSpec e, Condition c) {
        return c.describe(e.has(c.key) ? e.setting(c.key).label : c.key);
    }

    /** What a setting takes: a range, its choices, or its kind. */
    static String values(Setting s) {
        switch (s.type) {
            case "int":
                return range(s.min, s.max, false) + (s.unit.isEmpty() ? "" : " " + s.unit);
            case "decimal":
                return (s.above != null ? range(s.above, s.max, true) : range(s.min, s.max, false))
                        + (s.unit.isEmpty() ? "" : " " + s.unit);
            case "bool":
                return "true, false";
            case "choice":
                return String.join(", ", s.choices.stream().map(c -> c.label).collect(Collectors.toList()));
            case "pairs":
                return "name=value lines";
            case "path":
                return s.gui.folder ? "a folder" : "a file";
            case "secret":
                return "text (secret)";
            default:
                return "text";
        }
    }

    private static String range(Number low, Number max, boolean exclusive) {
        String hi = max.longValue() == Integer.MAX_VALUE ? "" : plain(max);
        if (exclusive) {
            return "above " + plain(low) + (hi.isEmpty() ? "" : ", at most " + hi);
        }
        return hi.isEmpty() ? plain(low) + " or more" : plain(low) + "-" + hi;
    }

    private static String plain(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) ? Long.toString(n.longValue()) : n.toString();
    }

    /** The JMeter variables an element sets after each sample. */
    static String variables(String element) {
        StringBuilder b = new StringBuilder("| variable | unit | value |\n|---|---|---|\n");
        for (Figures.Figure f : Figures.variablesOf(element)) {
            b.append("| `").append(f.variable).append("` | ").append(cell(f.unit)).append(" | ")
                    .append(cell(f.doc.replace(" (the figure carries it times 1,000)", "")))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
