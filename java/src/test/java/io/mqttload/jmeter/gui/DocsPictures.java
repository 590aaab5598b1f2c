package io.mqttload.jmeter.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Component;
import java.awt.Container;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import javax.swing.AbstractButton;
import javax.swing.CellRendererPane;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JTabbedPane;

/**
 * The element pictures in the docs (docs/images/elements/NAME.png, JMeter's look, new elements' values) and, beside
 * each, the texts it shows (NAME.txt: labels, check boxes and tab titles, in order). Each run of the screenshot test
 * compares what the GUI shows now with NAME.txt, so a field added, removed or renamed fails the test until
 * {@code make screenshots} ({@code -Dmqttload.writeScreenshots=true}) takes the picture again.
 */
final class DocsPictures {
    static final String LOOK = "darklaf";
    private static final File DIR = new File("docs/images/elements");
    private static final boolean WRITE = Boolean.getBoolean("mqttload.writeScreenshots");

    private DocsPictures() {
    }

    /** After {@code png} of {@code gui} was taken under the name {@code name}: records or checks it. */
    static void picture(String name, Component gui, File png) throws IOException {
        List<String> shown = new ArrayList<>();
        texts(gui, shown);
        String text = String.join("\n", shown) + "\n";
        File txt = new File(DIR, name + ".txt");
        if (WRITE) {
            DIR.mkdirs();
            Files.copy(png.toPath(), new File(DIR, name + ".png").toPath(), StandardCopyOption.REPLACE_EXISTING);
            Files.write(txt.toPath(), text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        assertTrue(txt.isFile() && new File(DIR, name + ".png").isFile(),
                "docs/images/elements/" + name + ".png is missing: run `make screenshots`");
        assertEquals(new String(Files.readAllBytes(txt.toPath()), StandardCharsets.UTF_8), text,
                "docs/images/elements/" + name + ".png shows other fields than the GUI has now: run `make screenshots`");
    }

    /** The texts a picture shows: of visible labels, buttons and tabs, depth first. */
    private static void texts(Component c, List<String> out) {
        // a combo box's value and renderers are values, not fields (and come and go with painting)
        if (!c.isVisible() || c instanceof JComboBox || c instanceof CellRendererPane) {
            return;
        }
        String t = null;
        if (c instanceof JLabel) {
            t = ((JLabel) c).getText();
        } else if (c instanceof AbstractButton) {
            t = ((AbstractButton) c).getText();
        }
        if (t != null && !t.isBlank()) {
            out.add(t.strip());
        }
        if (c instanceof JTabbedPane) {
            JTabbedPane tabs = (JTabbedPane) c;
            for (int i = 0; i < tabs.getTabCount(); i++) {
                out.add("[" + tabs.getTitleAt(i) + "]");
            }
            if (tabs.getSelectedComponent() != null) {
                texts(tabs.getSelectedComponent(), out);
            }
            return;
        }
        if (c instanceof Container) {
            for (Component child : ((Container) c).getComponents()) {
                texts(child, out);
            }
        }
    }
}
