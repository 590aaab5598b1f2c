package io.mqttload.jmeter.gui;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import javax.swing.JComponent;

import org.apache.jmeter.testelement.TestElement;

/**
 * The fields of one element GUI, each tied to its property key. configure, modifyTestElement and clear walk
 * this list, which keeps them from drifting apart; the order of registration is the order properties are
 * written, which is the order a new element saves them in.
 */
final class Fields {

    /** One field: its property key, its widget (null for a setting the GUI writes from another), and its moves. */
    interface Field {
        String key();

        /** The widget the user edits (the text component, combo or check box itself, not a wrapper). */
        JComponent component();

        void load(TestElement element);

        void store(TestElement element);

        void reset();
    }

    private final List<Field> all = new ArrayList<>();

    void add(String key, JComponent c, Consumer<TestElement> load, Consumer<TestElement> store, Runnable reset) {
        all.add(new Field() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public JComponent component() {
                return c;
            }

            @Override
            public void load(TestElement e) {
                load.accept(e);
            }

            @Override
            public void store(TestElement e) {
                store.accept(e);
            }

            @Override
            public void reset() {
                reset.run();
            }
        });
    }

    void load(TestElement e) {
        all.forEach(f -> f.load(e));
    }

    void store(TestElement e) {
        all.forEach(f -> f.store(e));
    }

    void reset() {
        all.forEach(Field::reset);
    }

    /** The fields a user sees (not those the GUI writes from another). */
    List<Field> visible() {
        List<Field> out = new ArrayList<>();
        for (Field f : all) {
            if (f.component() != null) {
                out.add(f);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
