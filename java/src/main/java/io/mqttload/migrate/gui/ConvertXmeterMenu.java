package io.mqttload.migrate.gui;

import javax.swing.JMenu;
import javax.swing.JMenuItem;
import javax.swing.MenuElement;

import org.apache.jmeter.gui.plugin.MenuCreator;

/**
 * Tools > "Convert XMeter MQTT elements...": JMeter 5.6.3 finds MenuCreators through ServiceLoader
 * (META-INF/services) and by scanning lib/ext, and only its GUI menu bar asks for them, so nothing here is
 * loaded in non-GUI runs.
 */
public class ConvertXmeterMenu implements MenuCreator {
    static final String LABEL = "Convert XMeter MQTT elements...";

    @Override
    public JMenuItem[] getMenuItemsAtLocation(MENU_LOCATION location) {
        if (location != MENU_LOCATION.TOOLS) {
            return new JMenuItem[0];
        }
        JMenuItem item = new JMenuItem(LABEL);
        item.addActionListener(new ConvertXmeterAction());
        return new JMenuItem[] {item};
    }

    @Override
    public JMenu[] getTopLevelMenus() {
        return new JMenu[0];
    }

    @Override
    public boolean localeChanged(MenuElement menu) {
        return false; // the label is not translated
    }

    @Override
    public void localeChanged() {
        // nothing to translate
    }
}
