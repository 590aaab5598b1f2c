package io.mqttload.migrate.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.ServiceLoader;

import javax.swing.JMenuItem;

import org.apache.jmeter.gui.plugin.MenuCreator;
import org.apache.jmeter.gui.plugin.MenuCreator.MENU_LOCATION;
import org.junit.jupiter.api.Test;

import io.mqttload.migrate.SideBySide;

class ConvertXmeterMenuTest {
    @Test
    void foundThroughServiceLoaderAsJmeterLooksForIt() {
        boolean found = false;
        for (MenuCreator c : ServiceLoader.load(MenuCreator.class)) {
            found |= c instanceof ConvertXmeterMenu;
        }
        assertTrue(found, "META-INF/services/org.apache.jmeter.gui.plugin.MenuCreator must name ConvertXmeterMenu");
    }

    @Test
    void oneItemInToolsOnly() {
        ConvertXmeterMenu menu = new ConvertXmeterMenu();
        for (MENU_LOCATION l : MENU_LOCATION.values()) {
            JMenuItem[] items = menu.getMenuItemsAtLocation(l);
            if (l == MENU_LOCATION.TOOLS) {
                assertEquals(1, items.length);
                assertEquals("Convert XMeter MQTT elements...", items[0].getText());
                assertEquals(1, items[0].getActionListeners().length);
            } else {
                assertEquals(0, items.length, l.name());
            }
        }
        assertEquals(0, menu.getTopLevelMenus().length);
    }

    @Test
    void convertedPlanGoesBesideTheOriginal() {
        assertEquals(Paths.get("/plans/load-mqttload.jmx"), SideBySide.target(Paths.get("/plans/load.jmx")));
        assertEquals(Paths.get("/plans/Load-mqttload.jmx"), SideBySide.target(Paths.get("/plans/Load.JMX")));
        assertEquals(Paths.get("plan.xml-mqttload.jmx"), SideBySide.target(Paths.get("plan.xml")));
    }
}
