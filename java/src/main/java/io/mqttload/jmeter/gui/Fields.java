package io.mqttload.jmeter.gui;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JPasswordField;
import javax.swing.text.JTextComponent;

import org.apache.jmeter.testelement.TestElement;

/**
 * The fields of one element GUI, each tied to its property key through the sampler's own getter and setter
 * (so booleans stay boolProp and the XMeter spellings are still read). configure, modifyTestElement and clear
 * walk this list, which keeps them from drifting apart; the order of registration is the order properties are
 * written, which is the order a new element saves them in.
 */
final class Fields<E extends TestElement> {

    /** One field: its property key, its widget, and how it moves between widget and element. */
    interface Field<E> {
        String key();

        /** The widget the user edits (the text component, combo or check box itself, not a wrapper). */
        JComponent component();

        void load(E element);

        void store(E element);

        void reset();
    }

    private final String element;
    private final List<Field<E>> all = new ArrayList<>();

    /** {@code element}: the help section of these fields ("connect", "publish", ...), see {@link Help}. */
    Fields(String element) {
        this.element = element;
    }

    <C extends JTextComponent> C text(String key, C c, Function<E, String> get, BiConsumer<E, String> set,
                                      String dflt) {
        return add(key, c, e -> c.setText(get.apply(e)), e -> set.accept(e, textOf(c)), () -> c.setText(dflt));
    }

    JComboBox<String> combo(String key, JComboBox<String> c, Function<E, String> get, BiConsumer<E, String> set,
                            String dflt) {
        return add(key, c, e -> Form.select(c, get.apply(e)), e -> set.accept(e, Form.value(c)),
                () -> Form.select(c, dflt));
    }

    JCheckBox check(String key, JCheckBox c, Predicate<E> get, BiConsumer<E, Boolean> set, boolean dflt) {
        return add(key, c, e -> c.setSelected(get.test(e)), e -> set.accept(e, c.isSelected()),
                () -> c.setSelected(dflt));
    }

    /** A field with its own conversions (e.g. a label shown for a stored number). */
    <C extends JComponent> C add(String key, C c, Consumer<E> load, Consumer<E> store, Runnable reset) {
        Help.apply(c, element, key);
        all.add(new Field<E>() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public JComponent component() {
                return c;
            }

            @Override
            public void load(E e) {
                load.accept(e);
            }

            @Override
            public void store(E e) {
                store.accept(e);
            }

            @Override
            public void reset() {
                reset.run();
            }
        });
        return c;
    }

    void load(E e) {
        all.forEach(f -> f.load(e));
    }

    void store(E e) {
        all.forEach(f -> f.store(e));
    }

    void reset() {
        all.forEach(Field::reset);
    }

    List<Field<E>> all() {
        return Collections.unmodifiableList(all);
    }

    private static String textOf(JTextComponent c) {
        return c instanceof JPasswordField ? new String(((JPasswordField) c).getPassword()) : c.getText();
    }
}
