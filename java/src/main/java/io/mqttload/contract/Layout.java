package io.mqttload.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** How an element's GUI arranges its settings: panels of rows, and tabs of panels. */
public final class Layout {
    private Layout() {
    }

    /**
     * A panel of the element's layout: one of its own, or one the description shares between elements
     * ({@code {"panel": "broker", "title": "..."}}, the title replacing the shared one's).
     */
    static Panel panel(Map<String, Object> m, Map<String, Object> shared) {
        Object name = m.get("panel");
        if (name == null) {
            return new Panel(m);
        }
        Object p = shared.get(name);
        if (p == null) {
            throw new IllegalStateException("mqttload description: no shared panel " + name);
        }
        return new Panel(Descriptions.map(p, String.valueOf(name)), Descriptions.optString(m, "title", ""));
    }

    /** A titled (or untitled) group of rows, or a row of tabs. */
    public static final class Panel {
        /** "" = no title. */
        public final String title;
        public final List<List<Item>> rows;
        /** Non-empty for a panel that is a row of tabs (then it has no rows). */
        public final List<Tab> tabs;

        Panel(Map<String, Object> m) {
            this(m, "");
        }

        private Panel(Map<String, Object> m, String title) {
            this.title = title.isEmpty() ? Descriptions.optString(m, "title", "") : title;
            List<List<Item>> rs = new ArrayList<>();
            Object raw = m.get("rows");
            if (raw instanceof List) {
                for (Object row : (List<?>) raw) {
                    List<Item> items = new ArrayList<>();
                    for (Object o : (List<?>) row) {
                        items.add(Item.of(o));
                    }
                    rs.add(Collections.unmodifiableList(items));
                }
            }
            rows = Collections.unmodifiableList(rs);
            tabs = Descriptions.list(m.get("tabs"), Tab::new);
        }
    }

    public static final class Tab {
        public final String title;
        public final List<Panel> panels;

        Tab(Map<String, Object> m) {
            title = Descriptions.string(m, "tab");
            panels = Descriptions.list(m.get("panels"), Panel::new);
        }
    }

    /** A cell of a row: a setting's field, a note, or a switch. */
    public static final class Item {
        /** The setting's key (a field, or what a switch governs); "" for a note. */
        public final String key;
        /** A note's text, or a switch's. */
        public final String text;
        /** A conditional note's other text, shown while {@code when} does not hold. */
        public final String otherwise;
        public final Condition when;
        /** A switch's tooltip and default. */
        public final String tip;
        public final String defaultText;
        public final boolean isSwitch;

        private Item(String key, String text, String otherwise, Condition when, String tip, String defaultText,
                     boolean isSwitch) {
            this.key = key;
            this.text = text;
            this.otherwise = otherwise;
            this.when = when;
            this.tip = tip;
            this.defaultText = defaultText;
            this.isSwitch = isSwitch;
        }

        static Item of(Object raw) {
            if (raw instanceof String) {
                return new Item((String) raw, "", "", null, "", "", false);
            }
            Map<String, Object> m = Descriptions.map(raw, "a layout item");
            if (m.containsKey("switch")) {
                return new Item(Descriptions.string(m, "switch"), Descriptions.string(m, "text"), "", null,
                        Descriptions.optString(m, "tip", ""), Descriptions.optString(m, "defaultText", ""), true);
            }
            Object when = m.get("when");
            return new Item("", Descriptions.string(m, "note"), Descriptions.optString(m, "otherwise", ""),
                    when == null ? null : Condition.of(Descriptions.map(when, "when")), "", "", false);
        }

        public boolean isField() {
            return !key.isEmpty() && !isSwitch;
        }

        public boolean isNote() {
            return key.isEmpty();
        }
    }
}
