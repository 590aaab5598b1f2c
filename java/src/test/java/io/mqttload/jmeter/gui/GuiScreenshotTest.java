package io.mqttload.jmeter.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Component;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.swing.JComboBox;
import javax.swing.JFrame;
import javax.swing.JScrollPane;
import javax.swing.JTabbedPane;
import javax.swing.JToolTip;
import javax.swing.LookAndFeel;
import javax.swing.SwingUtilities;
import javax.swing.UIManager;
import javax.swing.text.JTextComponent;

import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.gui.JMeterUIDefaults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mqttload.jmeter.Keys;

/**
 * Each element GUI on a real display (Xvfb in CI: the Makefile runs the Java tests under xvfb-run), in JMeter's
 * look (Darklaf's Darcula theme, JMeter 5.6's default) and in Swing's default one: placed as JMeter places it, in
 * a scroll pane as wide as JMeter's element panel on a 1024x768 screen, it needs no horizontal scroll bar (nor
 * a vertical one), with
 * its default values and with long ones, on every tab; nothing is cut off at the right; every field round-trips.
 * Screenshots of every tab go to target/gui-screenshots/&lt;look&gt;/; JMeter's look's are the docs' pictures
 * ({@link DocsPictures}).
 */
class GuiScreenshotTest {
    /**
     * The element panel's width on a 1024-pixel screen: 1024 less JMeter's tree (250 or so) is 750, and JMeter
     * 5.6.3's own first layout leaves 727 (measured under Xvfb); a little less, to be safe.
     */
    static final int PANEL_WIDTH = 720;
    /** 768 less the window's title, menu and tool bars (JMeter 5.6.3 leaves about 710). */
    static final int PANEL_HEIGHT = 700;
    static final File OUT = new File("target/gui-screenshots");

    private static LookAndFeel original;

    /** Once per run: what JMeter's GUI sets up before it shows an element. */
    private static void jmeterSetup() {
        if (original != null) {
            return;
        }
        original = UIManager.getLookAndFeel();
        // JMeter's message bundle, so that the title panel reads "Name:" and "Comments:" as in JMeter
        JMeterUtils.setLocale(Locale.ENGLISH);
        // JMeter's additions to every look (its text area UI and border, font scaling), as its GUI installs them
        JMeterUIDefaults.INSTANCE.install();
    }

    @AfterAll
    static void restore() throws Exception {
        if (original != null) {
            onEdt(() -> UIManager.setLookAndFeel(original));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"darklaf", "metal"})
    void everyGuiFitsAndIsPictured(String look) throws Exception {
        Assumptions.assumeFalse(GraphicsEnvironment.isHeadless(),
                "no display: the Makefile runs these tests under xvfb-run (Debian package xvfb)");
        onEdt(() -> {
            jmeterSetup();
            install(look);
        });
        List<String> report = new ArrayList<>();
        for (Widgets.Kind kind : Widgets.kinds()) {
            onEdt(() -> check(look, kind, report));
        }
        report.forEach(System.out::println);
    }

    private static void check(String look, Widgets.Kind kind, List<String> report) throws Exception {
        MqttSamplerGui<?> gui = kind.gui.get();
        JScrollPane pane = new JScrollPane(gui);
        JFrame frame = new JFrame(kind.name);
        frame.getContentPane().add(pane);
        frame.pack(); // makes the tree displayable, so that sizes are those of a real screen
        pane.setSize(PANEL_WIDTH, PANEL_HEIGHT);
        pane.validate();
        JTabbedPane tabs = Widgets.tabs(gui);
        int width = pane.getViewport().getWidth();
        eachTab(tabs, tab -> {
            String where = look + " " + kind.name + (tab.isEmpty() ? "" : " / " + tab);
            // the picture first: it shows what a failing check below is about
            File png = new File(OUT, look + "/" + kind.name + slug(tab) + ".png");
            screenshot(gui, width, png);
            if (DocsPictures.LOOK.equals(look)) {
                DocsPictures.picture(kind.name + slug(tab), gui, png);
            }
            fits(pane, gui, where + " (defaults)");
            Dimension own = Widgets.content(gui).getPreferredSize();
            report.add(String.format(Locale.ROOT, "%s: preferred %dx%d below JMeter's name and comments panel,"
                    + " %d high in all", where, own.width, own.height, gui.getPreferredSize().height));
        });
        // the same with every field applying (nothing greyed out)
        TestElement all = allApply(kind);
        if (all != null) {
            all.setName(gui.getStaticLabel());
            gui.configure(all);
            eachTab(tabs, tab -> {
                screenshot(gui, width, new File(OUT, look + "/" + kind.name + "-all-apply" + slug(tab) + ".png"));
                fits(pane, gui, look + " " + kind.name + " / " + tab + " (all apply)");
            });
        }
        // long values must not widen anything (text areas wrap, combo boxes keep their width)
        TestElement e = kind.element.get();
        String longText = "${__P(a.rather.long.property.name.to.see.that.nothing.widens,"
                + "with-a-long-default-value-too-0123456789-0123456789-0123456789)}";
        Map<String, String> set = Widgets.fillAll(gui, e, k -> longText);
        gui.configure(e);
        eachTab(tabs, tab -> fits(pane, gui, look + " " + kind.name + " / " + tab + " (long values)"));
        TestElement back = kind.element.get();
        gui.modifyTestElement(back);
        set.forEach((k, v) -> assertEquals(v, back.getPropertyAsString(k), kind.name + " " + k));
        if (kind.name.equals("publish")) {
            screenshot(tip(gui, Keys.TIMESTAMP_FORMAT), 0, new File(OUT, look + "/publish-timestamp-tooltip.png"));
        }
        frame.dispose();
    }

    interface TabTask {
        void run(String title) throws Exception;
    }

    /** Runs {@code task} on each tab selected in turn (once, titled "", when there are no tabs). */
    private static void eachTab(JTabbedPane tabs, TabTask task) throws Exception {
        int count = tabs == null ? 1 : tabs.getTabCount();
        for (int t = 0; t < count; t++) {
            if (tabs != null) {
                tabs.setSelectedIndex(t);
            }
            task.run(tabs == null ? "" : tabs.getTitleAt(t));
        }
    }

    /** An element of this kind with choices under which every field applies; null when they always do. */
    private static TestElement allApply(Widgets.Kind kind) {
        TestElement e = kind.element.get();
        switch (kind.name) {
            case "connect":
                e.setProperty(Keys.PROTOCOL, Keys.PROTOCOL_WSS);
                e.setProperty(Keys.VERSION, Keys.VERSION_5);
                e.setProperty(Keys.WILL_TOPIC, "last/will");
                e.setProperty(Keys.WILL_MESSAGE, "gone");
                e.setProperty(Keys.DUAL_SSL_AUTHENTICATION, true);
                e.setProperty(Keys.CA_FILE, "certs/ca.pem");
                e.setProperty(Keys.USER_PROPERTIES, "source=mqttload\nrun=${__time()}");
                return e;
            case "publish":
                e.setProperty(Keys.MESSAGE_TYPE, "${type}");
                e.setProperty(Keys.TIMESTAMP_FORMAT, Keys.TIMESTAMP_PRECISE);
                e.setProperty(Keys.MESSAGE_TO_SENT, "{\"temperature\": ${__Random(10,30)}}");
                return e;
            case "request":
                e.setProperty(Keys.REPLY_CHECK, "regex");
                return e;
            default:
                return null;
        }
    }

    /** No horizontal scroll bar, and no widget cut off at the right or squeezed below its preferred width. */
    private static void fits(JScrollPane pane, MqttSamplerGui<?> gui, String where) {
        gui.revalidate();
        pane.validate();
        layoutAll(pane);
        assertFalse(pane.getHorizontalScrollBar().isVisible(), where + ": horizontal scroll bar; preferred width "
                + gui.getPreferredSize().width + " > " + pane.getViewport().getWidth());
        assertFalse(pane.getVerticalScrollBar().isVisible(), where + ": vertical scroll bar; preferred height "
                + gui.getPreferredSize().height + " > " + pane.getViewport().getHeight());
        int right = pane.getViewport().getWidth();
        // JMeter's comment field (line-wrapped) asks for the width it has, so the GUI's own preferred width hides
        // ours: measure what lies below it too
        assertTrue(Widgets.content(gui).getPreferredSize().width <= right, where + ": preferred width "
                + Widgets.content(gui).getPreferredSize().width + " > " + right);
        for (Component c : Widgets.all(gui)) {
            if (!shown(c, gui) || c.getWidth() == 0) {
                continue;
            }
            Rectangle r = SwingUtilities.convertRectangle(c.getParent(), c.getBounds(), gui);
            assertTrue(r.x + r.width <= right, where + ": " + describe(c) + " ends at " + (r.x + r.width)
                    + " beyond " + right);
            if ((c instanceof JTextComponent || c instanceof JComboBox) && !inCombo(c)
                    && !(c.getParent() instanceof javax.swing.JViewport)) {
                Dimension p = c.getPreferredSize();
                assertTrue(c.getWidth() >= p.width, where + ": " + describe(c) + " squeezed to " + c.getWidth()
                        + " of " + p.width);
            }
        }
    }

    private static boolean inCombo(Component c) {
        return SwingUtilities.getAncestorOfClass(JComboBox.class, c) != null;
    }

    /** Visible along with every parent up to the GUI (widgets of other tabs are not). */
    private static boolean shown(Component c, Component gui) {
        for (Component p = c; p != null && p != gui; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    private static void layoutAll(Component c) {
        c.doLayout();
        if (c instanceof java.awt.Container) {
            for (Component child : ((java.awt.Container) c).getComponents()) {
                layoutAll(child);
            }
        }
    }

    private static String describe(Component c) {
        String tip = c instanceof javax.swing.JComponent ? ((javax.swing.JComponent) c).getToolTipText() : null;
        String key = tip == null ? "" : tip.replaceAll("(?s).*<code>(.*)</code>.*", "$1");
        return c.getClass().getSimpleName() + (key.isEmpty() ? "" : " (" + key + ")");
    }

    private static JToolTip tip(MqttSamplerGui<?> gui, String key) {
        javax.swing.JComponent field = Widgets.field(gui, key);
        JToolTip tip = field.createToolTip();
        tip.setTipText(field.getToolTipText());
        tip.setSize(tip.getPreferredSize());
        return tip;
    }

    /** Paints {@code c} at {@code width} (0: its own size) and its preferred height into a PNG. */
    private static void screenshot(javax.swing.JComponent c, int width, File file) throws IOException {
        Dimension size = width == 0 ? c.getSize() : new Dimension(width, Math.max(c.getPreferredSize().height, 100));
        c.setSize(size);
        layoutAll(c);
        BufferedImage img = new BufferedImage(size.width, size.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            c.printAll(g);
        } finally {
            g.dispose();
        }
        file.getParentFile().mkdirs();
        ImageIO.write(img, "png", file);
    }

    /** "Authentication & TLS" -> "-authentication-tls"; "" -> "". */
    private static String slug(String tab) {
        String s = tab.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "" : "-" + s;
    }

    /** JMeter 5.6's default look (Darklaf, Darcula theme), or Swing's cross-platform one. */
    private static void install(String look) throws Exception {
        if (look.equals("darklaf")) {
            Class<?> theme = Class.forName("com.github.weisj.darklaf.theme.Theme");
            Object darcula = Class.forName("com.github.weisj.darklaf.theme.DarculaTheme").getConstructor()
                    .newInstance();
            Class.forName("com.github.weisj.darklaf.LafManager").getMethod("install", theme).invoke(null, darcula);
        } else {
            UIManager.setLookAndFeel(UIManager.getCrossPlatformLookAndFeelClassName());
        }
    }

    interface EdtTask {
        void run() throws Exception;
    }

    private static void onEdt(EdtTask task) throws Exception {
        Exception[] failure = new Exception[1];
        Error[] error = new Error[1];
        SwingUtilities.invokeAndWait(() -> {
            try {
                task.run();
            } catch (Exception ex) {
                failure[0] = ex;
            } catch (Error err) {
                error[0] = err;
            }
        });
        if (error[0] != null) {
            throw error[0];
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
