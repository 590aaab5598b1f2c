package io.mqttload.jmeter.gui;

import javax.swing.JComboBox;
import javax.swing.JComponent;

import io.mqttload.contract.Setting;

/** Tooltips: what a field does, its default and the property it is saved in, from the settings description. */
final class Help {
    private Help() {
    }

    /** Tooltip width: long enough for a sentence, narrow enough for a 1024-pixel screen. */
    private static final int WIDTH_PX = 380;

    /** The tooltip of a setting's field. */
    static String tip(Setting s) {
        return tip(s.tip, s.defaultShown(), s.key);
    }

    /** A tooltip: what the field does (lines split at \n), its default and the property it is saved in. */
    static String tip(String what, String dflt, String property) {
        return "<html><body style='width: " + WIDTH_PX + "px'>" + html(what).replace("\n", "<br>")
                + "<br><br>Default: <b>" + html(dflt) + "</b><br>Property: <code>" + html(property)
                + "</code></body></html>";
    }

    /** Puts the tooltip on the field (and on an editable combo's text field, which hides the combo's own). */
    static void apply(JComponent field, String tip) {
        field.setToolTipText(tip);
        if (field instanceof JComboBox) {
            JComboBox<?> combo = (JComboBox<?>) field;
            combo.addPropertyChangeListener("editor", e -> editorTip(combo));
            editorTip(combo);
        }
    }

    private static void editorTip(JComboBox<?> combo) {
        if (combo.getEditor() != null && combo.getEditor().getEditorComponent() instanceof JComponent) {
            ((JComponent) combo.getEditor().getEditorComponent()).setToolTipText(combo.getToolTipText());
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
