package io.mqttload.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The description the plugin ships: every element lays out each of its settings once, and no other. */
class DescriptionTest {
    private static void collect(Layout.Panel p, List<String> out) {
        for (List<Layout.Item> row : p.rows) {
            for (Layout.Item item : row) {
                if (!item.isNote()) {
                    out.add(item.key);
                }
            }
        }
        p.tabs.forEach(t -> t.panels.forEach(x -> collect(x, out)));
    }

    @Test
    void everyElementLaysOutEachOfItsSettingsOnce() {
        for (ElementSpec e : Description.get().elements()) {
            List<String> placed = new java.util.ArrayList<>();
            e.layout.forEach(p -> collect(p, placed));
            Set<String> fields = new HashSet<>();
            for (String key : placed) {
                assertTrue(e.has(key), e.name + " lays out " + key + ", which is not its setting");
            }
            for (Setting s : e.settings()) {
                long times = placed.stream().filter(s.key::equals).count();
                if (s.gui.mirrorOf.isEmpty()) {
                    assertTrue(times >= 1, e.name + " does not show " + s.key);
                    assertTrue(fields.add(s.key), e.name + ": " + s.key + " twice");
                } else {
                    assertEquals(0, times, e.name + " shows " + s.key + ", which the GUI writes from another");
                    assertTrue(e.has(s.gui.mirrorOf), e.name + ": " + s.key + " mirrors nothing");
                }
            }
        }
    }

    @Test
    void conditionsNameSettingsOfTheirElementOrNone() {
        for (ElementSpec e : Description.get().elements()) {
            for (Setting s : e.settings()) {
                List<Condition> all = new java.util.ArrayList<>(s.usedWhen);
                all.addAll(s.requires);
                all.addAll(s.gui.enabledWhen);
                for (Condition c : all) {
                    boolean anywhere = Description.get().elements().stream().anyMatch(x -> x.has(c.key));
                    assertTrue(anywhere, s + ": condition on unknown " + c.key);
                }
                for (Condition c : s.requires) {
                    assertFalse(c.why.isEmpty(), s + ": a requirement says why");
                }
            }
        }
    }

    @Test
    void defaultsAreValuesTheSettingTakes() {
        for (ElementSpec e : Description.get().elements()) {
            for (Setting s : e.settings()) {
                if (s.dflt == null || s.choices.isEmpty()) {
                    continue;
                }
                assertTrue(s.choice(s.defaultValue()) != null, s + ": default " + s.defaultValue());
            }
        }
    }
}
