package io.mqttload.migrate.gui;

import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.swing.JFileChooser;
import javax.swing.JOptionPane;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;

import org.apache.jmeter.gui.GuiPackage;
import org.apache.jmeter.gui.action.LoadDraggedFile;
import org.apache.jmeter.gui.util.FileDialoger;

import io.mqttload.migrate.MigrationException;
import io.mqttload.migrate.Migrator;
import io.mqttload.migrate.SideBySide;

/**
 * Asks for an XMeter plan (the open plan's file by default: a plan whose XMeter classes are missing opens empty,
 * so the file, not the tree, is converted), writes {@code <name>-mqttload.jmx} beside it, shows what was mapped
 * and opens the converted plan.
 */
final class ConvertXmeterAction implements ActionListener {
    @Override
    public void actionPerformed(ActionEvent e) {
        GuiPackage gui = GuiPackage.getInstance();
        Component parent = gui == null ? null : gui.getMainFrame();
        String current = gui == null ? null : gui.getTestPlanFile();
        JFileChooser chooser = FileDialoger.promptToOpenFile(new String[] {".jmx"}, current);
        if (chooser == null || chooser.getSelectedFile() == null) {
            return;
        }
        Path in = chooser.getSelectedFile().toPath();
        Path out = SideBySide.target(in);
        if (Files.exists(out) && JOptionPane.showConfirmDialog(parent, out + " exists. Replace it?",
                ConvertXmeterMenu.LABEL, JOptionPane.YES_NO_OPTION) != JOptionPane.YES_OPTION) {
            return;
        }
        Migrator.Result result;
        try {
            result = new Migrator().migrate(in, out);
        } catch (MigrationException ex) {
            JOptionPane.showMessageDialog(parent, ex.getMessage(), ConvertXmeterMenu.LABEL, JOptionPane.ERROR_MESSAGE);
            return;
        }
        JTextArea text = new JTextArea("Wrote " + out + "\n\n" + result.report.toText());
        text.setEditable(false);
        text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, text.getFont().getSize()));
        JScrollPane scroll = new JScrollPane(text);
        scroll.setPreferredSize(new Dimension(900, 500));
        Object[] choices = {"Open the converted plan", "Close"};
        int choice = JOptionPane.showOptionDialog(parent, scroll, ConvertXmeterMenu.LABEL,
                JOptionPane.DEFAULT_OPTION, result.report.notMapped() > 0 ? JOptionPane.WARNING_MESSAGE
                        : JOptionPane.INFORMATION_MESSAGE, null, choices, choices[0]);
        if (choice == 0) {
            File f = out.toFile();
            LoadDraggedFile.loadProject(new ActionEvent(e.getSource(), e.getID(), "load"), f);
        }
    }
}
