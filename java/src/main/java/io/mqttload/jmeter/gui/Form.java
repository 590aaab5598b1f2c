package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.Objects;

import java.io.File;
import java.util.function.Supplier;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;

/** A titled panel of labelled fields, one per row (GridBagLayout), and small widget helpers. */
final class Form extends JPanel {
    private static final long serialVersionUID = 1L;
    private int row;

    Form(String title) {
        super(new GridBagLayout());
        setBorder(BorderFactory.createTitledBorder(title));
    }

    /** Adds "label: field"; returns the field. */
    <T extends JComponent> T row(String label, T field) {
        GridBagConstraints l = new GridBagConstraints();
        l.gridx = 0;
        l.gridy = row;
        l.anchor = GridBagConstraints.LINE_START;
        l.insets = new Insets(2, 4, 2, 8);
        JLabel jl = new JLabel(label);
        jl.setLabelFor(field);
        add(jl, l);
        GridBagConstraints f = new GridBagConstraints();
        f.gridx = 1;
        f.gridy = row;
        f.weightx = 1.0;
        f.fill = GridBagConstraints.HORIZONTAL;
        f.insets = new Insets(2, 0, 2, 4);
        add(field instanceof JTextArea ? new JScrollPane(field) : field, f);
        row++;
        return field;
    }

    /**
     * The field with a "Browse..." button on its right that fills it from a file chooser opened in
     * {@code startDir} (or the folder of the current value).
     */
    static JPanel fileField(JTextField field, Supplier<File> startDir) {
        JPanel p = new JPanel(new BorderLayout(4, 0));
        p.add(field, BorderLayout.CENTER);
        JButton browse = new JButton("Browse...");
        browse.addActionListener(e -> {
            JFileChooser chooser = new JFileChooser();
            String current = field.getText().trim();
            File dir = startDir.get();
            if (!current.isEmpty() && !current.contains("${")) {
                File f = new File(current);
                if (!f.isAbsolute() && dir != null) {
                    f = new File(dir, current);
                }
                chooser.setSelectedFile(f);
            } else if (dir != null) {
                chooser.setCurrentDirectory(dir);
            }
            if (chooser.showOpenDialog(p) == JFileChooser.APPROVE_OPTION && chooser.getSelectedFile() != null) {
                field.setText(chooser.getSelectedFile().getAbsolutePath());
            }
        });
        p.add(browse, BorderLayout.EAST);
        return p;
    }

    static JTextField text(int columns) {
        return new JTextField(columns);
    }

    static JComboBox<String> combo(boolean editable, String... items) {
        JComboBox<String> c = new JComboBox<>(items);
        c.setEditable(editable);
        return c;
    }

    /** Selects {@code value}, adding it first if the list lacks it (so unknown values round-trip). */
    static void select(JComboBox<String> combo, String value) {
        String v = value == null ? "" : value;
        for (int i = 0; i < combo.getItemCount(); i++) {
            if (Objects.equals(combo.getItemAt(i), v)) {
                combo.setSelectedIndex(i);
                return;
            }
        }
        if (combo.isEditable()) {
            combo.setSelectedItem(v);
        } else {
            combo.addItem(v);
            combo.setSelectedItem(v);
        }
    }

    /** The selected or typed value. */
    static String value(JComboBox<String> combo) {
        Object o = combo.isEditable() && combo.getEditor() != null ? combo.getEditor().getItem()
                : combo.getSelectedItem();
        if (o == null) {
            o = combo.getSelectedItem();
        }
        return o == null ? "" : o.toString();
    }
}
