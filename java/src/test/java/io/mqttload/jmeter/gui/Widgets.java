package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JScrollBar;
import javax.swing.JTabbedPane;
import javax.swing.text.JTextComponent;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.BooleanProperty;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.testelement.property.PropertyIterator;

import io.mqttload.jmeter.BrokerStatsSampler;
import io.mqttload.jmeter.ConnectSampler;
import io.mqttload.jmeter.DisconnectSampler;
import io.mqttload.jmeter.UnsubscribeSampler;
import io.mqttload.jmeter.PublishSampler;
import io.mqttload.jmeter.RateFinderSampler;
import io.mqttload.jmeter.RequestSampler;
import io.mqttload.jmeter.ResponderSampler;
import io.mqttload.jmeter.SubscribeSampler;

/** What the GUI tests share: every element's GUI, walking their widgets, and filling every field of an element. */
final class Widgets {
    private Widgets() {
    }

    /** One of our element GUIs with the element it edits. */
    static final class Kind {
        final String name;
        final Supplier<MqttSamplerGui<?>> gui;
        final Supplier<TestElement> element;

        Kind(String name, Supplier<MqttSamplerGui<?>> gui, Supplier<TestElement> element) {
            this.name = name;
            this.gui = gui;
            this.element = element;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Kind> kinds() {
        List<Kind> k = new ArrayList<>();
        k.add(new Kind("connect", ConnectSamplerGui::new, ConnectSampler::new));
        k.add(new Kind("publish", PublishSamplerGui::new, PublishSampler::new));
        k.add(new Kind("subscribe", SubscribeSamplerGui::new, SubscribeSampler::new));
        k.add(new Kind("unsubscribe", UnsubscribeSamplerGui::new, UnsubscribeSampler::new));
        k.add(new Kind("disconnect", DisconnectSamplerGui::new, DisconnectSampler::new));
        k.add(new Kind("stats", BrokerStatsSamplerGui::new, BrokerStatsSampler::new));
        k.add(new Kind("request", RequestSamplerGui::new, RequestSampler::new));
        k.add(new Kind("responder", ResponderSamplerGui::new, ResponderSampler::new));
        k.add(new Kind("ratefinder", RateFinderSamplerGui::new, RateFinderSampler::new));
        return k;
    }

    /** Every component under {@code root}, depth first. */
    static List<Component> all(Component root) {
        List<Component> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Component c, List<Component> out) {
        out.add(c);
        if (c instanceof Container) {
            for (Component child : ((Container) c).getComponents()) {
                collect(child, out);
            }
        }
    }

    /** What an element GUI adds below JMeter's title panel (name and comments). */
    static Component content(MqttSamplerGui<?> gui) {
        return ((BorderLayout) gui.getLayout()).getLayoutComponent(BorderLayout.CENTER);
    }

    /**
     * The widgets a user edits below JMeter's title panel: text components, combo boxes, check boxes and buttons,
     * leaving out the parts of combo boxes and scroll bars.
     */
    static List<JComponent> inputs(MqttSamplerGui<?> gui) {
        List<JComponent> out = new ArrayList<>();
        for (Component c : all(content(gui))) {
            boolean input = c instanceof JTextComponent || c instanceof JComboBox || c instanceof JCheckBox
                    || c instanceof javax.swing.JButton;
            if (input && !inside(c, JScrollBar.class) && !insideCombo(c)) {
                out.add((JComponent) c);
            }
        }
        return out;
    }

    private static boolean insideCombo(Component c) {
        for (Container p = c.getParent(); p != null; p = p.getParent()) {
            if (p instanceof JComboBox) {
                return true;
            }
        }
        return false;
    }

    @SafeVarargs
    private static boolean inside(Component c, Class<? extends Component>... kinds) {
        for (Container p = c.getParent(); p != null; p = p.getParent()) {
            for (Class<? extends Component> k : kinds) {
                if (k.isInstance(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    static JTabbedPane tabs(Component root) {
        for (Component c : all(root)) {
            if (c instanceof JTabbedPane) {
                return (JTabbedPane) c;
            }
        }
        return null;
    }

    /** The widget bound to {@code key}. */
    @SuppressWarnings("unchecked")
    static <C extends JComponent> C field(MqttSamplerGui<?> gui, String key) {
        for (Fields.Field f : gui.boundFields()) {
            if (f.key().equals(key)) {
                return (C) f.component();
            }
        }
        throw new AssertionError("no field for " + key);
    }

    /**
     * Sets every bound property of {@code e} to a value unlike its default: check boxes flipped, the rest a
     * distinct text ({@code text} applied to the key). Returns what was set, by key.
     */
    static Map<String, String> fillAll(MqttSamplerGui<?> gui, TestElement e,
                                       java.util.function.Function<String, String> text) {
        TestElement defaults = defaults(gui, e);
        Map<String, String> set = new TreeMap<>();
        for (Fields.Field f : gui.boundFields()) {
            String k = f.key();
            if (f.component() instanceof JCheckBox) {
                boolean v = !defaults.getPropertyAsBoolean(k);
                e.setProperty(k, v);
                set.put(k, String.valueOf(v));
            } else {
                e.setProperty(k, text.apply(k));
                set.put(k, text.apply(k));
            }
        }
        return set;
    }

    /** What a cleared GUI writes into a fresh copy of {@code like}. */
    static TestElement defaults(MqttSamplerGui<?> gui, TestElement like) {
        gui.clearGui();
        TestElement d = (TestElement) like.clone();
        d.clear();
        gui.modifyTestElement(d);
        return d;
    }

    /** "key|PropertyType|value" per property, in the element's order (its saved order). */
    static List<String> saved(TestElement e) {
        List<String> out = new ArrayList<>();
        PropertyIterator it = e.propertyIterator();
        while (it.hasNext()) {
            JMeterProperty p = it.next();
            out.add(p.getName() + "|" + p.getClass().getSimpleName() + "|"
                    + p.getStringValue().replace("\n", "\\n"));
        }
        return out;
    }

    static boolean isBoolean(TestElement e, String key) {
        return e.getProperty(key) instanceof BooleanProperty;
    }
}
