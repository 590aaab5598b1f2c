package io.mqttload.jmeter.gui;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Container;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.io.File;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.ComboBoxEditor;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.UIManager;
import javax.swing.plaf.BorderUIResource;

import org.apache.jorphan.gui.JMeterUIDefaults;

/**
 * A panel of labelled fields laid out on a grid: each row holds one or more "label: field" pairs, the pairs of
 * different rows line up in columns, and the last field of a row reaches to the right edge when it is a text
 * field. Also the small widget helpers the element GUIs share.
 */
final class Form extends JPanel {
    private static final long serialVersionUID = 1L;
    /** Client property of a field: its label, enabled and disabled with it. */
    private static final String LABEL = "mqttload.label";
    /** Client property of a field: the wrapper that holds it with other widgets (a Browse button). */
    private static final String WRAPPER = "mqttload.wrapper";
    /** Client property of a wrapper: the field it wraps, which its label describes. */
    private static final String WRAPPED = "mqttload.wrapped";
    /** Client property of a field that takes the row's spare width (see {@link #grow}). */
    private static final String GROW = "mqttload.grow";
    /**
     * Past every column a row may use; takes the spare width so that fields keep their natural size, unless a
     * field of the form grows (its weight outweighs the filler's).
     */
    private static final int FILLER_COLUMN = 20;
    private static final double FILLER_WEIGHT = 0.001;

    private int row;

    /** An untitled form. */
    Form() {
        super(new GridBagLayout());
        GridBagConstraints c = new GridBagConstraints();
        c.gridx = FILLER_COLUMN;
        c.gridy = 0;
        c.weightx = FILLER_WEIGHT;
        add(Box.createHorizontalStrut(0), c);
    }

    /** A form with a titled border. */
    Form(String title) {
        this();
        setBorder(BorderFactory.createTitledBorder(title));
    }

    /**
     * Adds a row of pairs: a label text (null or "" for none) followed by its field, repeated. The last field
     * spans the rest of the row.
     */
    Form row(Object... labelsAndFields) {
        if (labelsAndFields.length % 2 != 0) {
            throw new IllegalArgumentException("label/field pairs expected");
        }
        int x = 0;
        for (int i = 0; i < labelsAndFields.length; i += 2) {
            String text = (String) labelsAndFields[i];
            JComponent field = (JComponent) labelsAndFields[i + 1];
            boolean last = i + 2 == labelsAndFields.length;
            GridBagConstraints l = new GridBagConstraints();
            l.gridx = x++;
            l.gridy = row;
            // a text area's label faces its first line, not its middle
            boolean area = field instanceof JTextArea;
            l.anchor = area ? GridBagConstraints.FIRST_LINE_START : GridBagConstraints.LINE_START;
            l.insets = new Insets(area ? 6 : 3, i == 0 ? 4 : 14, 3, 6);
            if (text != null && !text.isEmpty()) {
                add(label(text, field), l);
            }
            GridBagConstraints f = new GridBagConstraints();
            f.gridx = x++;
            f.gridy = row;
            f.anchor = GridBagConstraints.LINE_START;
            f.insets = new Insets(3, 0, 3, 4);
            Component shown = field instanceof JTextArea ? scroll((JTextArea) field) : field;
            if (Boolean.TRUE.equals(field.getClientProperty(GROW))) {
                f.weightx = 1.0;
                f.fill = GridBagConstraints.HORIZONTAL;
            }
            if (last) {
                f.gridwidth = GridBagConstraints.REMAINDER;
                if (stretches(shown)) {
                    f.fill = GridBagConstraints.HORIZONTAL;
                }
            }
            add(shown, f);
        }
        row++;
        return this;
    }

    /** Adds a component across the whole row (a note, a sub-form). */
    Form full(JComponent c) {
        GridBagConstraints f = new GridBagConstraints();
        f.gridx = 0;
        f.gridy = row++;
        f.gridwidth = GridBagConstraints.REMAINDER;
        f.fill = GridBagConstraints.HORIZONTAL;
        f.anchor = GridBagConstraints.LINE_START;
        f.insets = new Insets(3, 4, 3, 4);
        add(c, f);
        return this;
    }

    private static boolean stretches(Component c) {
        if (c instanceof JTextField) {
            return ((JTextField) c).getColumns() > 8;
        }
        return c instanceof JScrollPane || c instanceof JPanel;
    }

    private static JLabel label(String text, JComponent field) {
        JComponent described = field.getClientProperty(WRAPPED) instanceof JComponent
                ? (JComponent) field.getClientProperty(WRAPPED) : field;
        JLabel label = new JLabel(text);
        label.setLabelFor(described);
        label.setToolTipText(described.getToolTipText());
        described.putClientProperty(LABEL, label);
        return label;
    }

    /** A text area in a scroll pane sized by its rows and columns, so long lines never widen the form. */
    private static JScrollPane scroll(JTextArea area) {
        JScrollPane pane = new AreaPane(area);
        area.putClientProperty(WRAPPER, pane);
        return pane;
    }

    /**
     * A scroll pane with a frame when neither the look nor JMeter frames it (Darklaf gives scroll panes none, and
     * only JMeter's own text area UI gives text areas one): a disabled text area would vanish into the panel.
     */
    private static final class AreaPane extends JScrollPane {
        private static final long serialVersionUID = 1L;

        AreaPane(JTextArea area) {
            super(area);
        }

        @Override
        public void updateUI() {
            super.updateUI();
            if (UIManager.getBorder("ScrollPane.border") == null
                    && UIManager.getBorder(JMeterUIDefaults.TEXTAREA_BORDER) == null) {
                Color line = UIManager.getColor("TextField.border.enabled");
                // a UI resource, so that the next look's UI replaces it
                setBorder(new BorderUIResource.LineBorderUIResource(line != null ? line : Color.GRAY));
            }
        }
    }

    /**
     * The field with a "Browse..." button on its right that fills it from a file chooser opened in
     * {@code startDir} (or the folder of the current value).
     */
    static JPanel fileField(JTextField field, Supplier<File> startDir) {
        return chooserField(field, startDir, false);
    }

    private static JPanel chooserField(JTextField field, Supplier<File> startDir, boolean folders) {
        JPanel p = new JPanel(new BorderLayout(4, 0));
        p.add(field, BorderLayout.CENTER);
        JButton browse = new JButton("Browse...");
        browse.setToolTipText(folders ? "Choose the folder" : "Choose the file");
        browse.addActionListener(e -> {
            JFileChooser chooser = new JFileChooser();
            if (folders) {
                chooser.setFileSelectionMode(JFileChooser.DIRECTORIES_ONLY);
            }
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
        p.putClientProperty(WRAPPED, field);
        field.putClientProperty(WRAPPER, p);
        return p;
    }

    /** As {@link #fileField}, choosing a folder. */
    static JPanel folderField(JTextField field, Supplier<File> startDir) {
        return chooserField(field, startDir, true);
    }

    /** Marks a field that widens with the form, where it is not the last of its row. */
    static <C extends JComponent> C grow(C field) {
        field.putClientProperty(GROW, Boolean.TRUE);
        return field;
    }

    static JTextField text(int columns) {
        return new JTextField(columns);
    }

    /** A multi-line text field; it wraps long lines, so its width stays its columns'. */
    static JTextArea area(int rows, int columns) {
        JTextArea a = new JTextArea(rows, columns);
        a.setLineWrap(true);
        a.setWrapStyleWord(false);
        return a;
    }

    /**
     * A combo box as wide as {@code widest} whatever value it is given, so that a long ${variable} or an
     * unknown value never widens the form.
     */
    static JComboBox<String> combo(boolean editable, String widest, String... items) {
        JComboBox<String> c = new Combo(items);
        c.setEditable(editable);
        c.setPrototypeDisplayValue(widest);
        return c;
    }

    /**
     * A combo box whose width is its prototype's also when editable: the looks' editors ask for nine columns or
     * more, which would make a QoS box as wide as a topic field.
     */
    private static final class Combo extends JComboBox<String> {
        private static final long serialVersionUID = 1L;

        Combo(String[] items) {
            super(items);
        }

        @Override
        public void setEditor(ComboBoxEditor editor) {
            super.setEditor(editor);
            if (editor != null && editor.getEditorComponent() instanceof JTextField) {
                ((JTextField) editor.getEditorComponent()).setColumns(1);
            }
        }
    }

    /** A grey explanatory line. */
    static JLabel note(String text) {
        return new Note(text);
    }

    /** The field followed by a note on the same line, as one cell (the note does not widen a column). */
    static JPanel withNote(JComponent field, String note) {
        JPanel p = new JPanel(new FlowLayout(FlowLayout.LEADING, 0, 0));
        p.add(field);
        p.add(Box.createHorizontalStrut(8));
        p.add(note(note));
        p.putClientProperty(WRAPPED, field);
        field.putClientProperty(WRAPPER, p);
        return p;
    }

    /** Italic, in the look's colour of disabled text whether enabled or not (and after a look change). */
    private static final class Note extends JLabel {
        private static final long serialVersionUID = 1L;

        Note(String text) {
            super(text);
        }

        @Override
        public void updateUI() {
            super.updateUI();
            setFont(getFont().deriveFont(Font.ITALIC));
            Color grey = UIManager.getColor("Label.disabledForeground");
            if (grey != null) {
                setForeground(grey);
            }
        }
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

    /**
     * Enables or disables fields that apply or not, with their labels and wrappers (Browse button, scroll pane).
     * The values stay as they are and are saved as they are.
     */
    static void applies(boolean applies, JComponent... fields) {
        for (JComponent f : fields) {
            f.setEnabled(applies);
            Object label = f.getClientProperty(LABEL);
            if (label instanceof Component) {
                ((Component) label).setEnabled(applies);
            }
            Object wrapper = f.getClientProperty(WRAPPER);
            if (wrapper instanceof Container) {
                enableDeep((Container) wrapper, applies);
            }
        }
    }

    private static void enableDeep(Container c, boolean enabled) {
        c.setEnabled(enabled);
        for (Component child : c.getComponents()) {
            if (child instanceof Container) {
                enableDeep((Container) child, enabled);
            } else {
                child.setEnabled(enabled);
            }
        }
    }

    /** The label of a field laid out by {@link #row}. */
    static Optional<JLabel> label(JComponent field) {
        Object l = field.getClientProperty(LABEL);
        return l instanceof JLabel ? Optional.of((JLabel) l) : Optional.empty();
    }

    /** Whether a combo's value is a JMeter expression, which may become anything: then everything applies. */
    static boolean variable(JComboBox<String> combo) {
        return value(combo).contains("${");
    }

    /** Widgets side by side in one cell (check boxes that belong together). */
    static JPanel line(JComponent... widgets) {
        JPanel p = new JPanel(new FlowLayout(FlowLayout.LEADING, 0, 0));
        for (int i = 0; i < widgets.length; i++) {
            if (i > 0) {
                p.add(Box.createHorizontalStrut(16));
            }
            p.add(widgets[i]);
        }
        return p;
    }

    /** A check box whose text is its label. */
    static JCheckBox check(String text) {
        return new JCheckBox(text);
    }
}
