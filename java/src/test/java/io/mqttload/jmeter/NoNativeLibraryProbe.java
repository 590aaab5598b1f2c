package io.mqttload.jmeter;

import java.awt.HeadlessException;
import java.lang.reflect.InvocationTargetException;

import org.apache.jmeter.gui.JMeterGUIComponent;
import org.apache.jmeter.testelement.TestElement;

import io.mqttload.jni.NativeLib;

/**
 * Run by {@link NoNativeLibraryTest} in a JVM of its own where libmqttload cannot be found. Initialises every
 * element and GUI class, builds, edits and copies each element, then checks that running one would need the
 * library. Exit 0 = all good, 3 = no usable AWT here, anything else = failure (printed).
 */
public final class NoNativeLibraryProbe {
    static final String[] GUIS = {
        "io.mqttload.jmeter.gui.ConnectSamplerGui",
        "io.mqttload.jmeter.gui.PublishSamplerGui",
        "io.mqttload.jmeter.gui.SubscribeSamplerGui",
        "io.mqttload.jmeter.gui.UnsubscribeSamplerGui",
        "io.mqttload.jmeter.gui.DisconnectSamplerGui",
        "io.mqttload.jmeter.gui.BrokerStatsSamplerGui",
        "io.mqttload.jmeter.gui.RequestSamplerGui",
        "io.mqttload.jmeter.gui.ResponderSamplerGui",
        "io.mqttload.jmeter.gui.RateFinderSamplerGui",
    };
    static final String[] ELEMENTS = {
        "io.mqttload.jmeter.ConnectSampler",
        "io.mqttload.jmeter.PublishSampler",
        "io.mqttload.jmeter.SubscribeSampler",
        "io.mqttload.jmeter.UnsubscribeSampler",
        "io.mqttload.jmeter.DisconnectSampler",
        "io.mqttload.jmeter.BrokerStatsSampler",
        "io.mqttload.jmeter.RequestSampler",
        "io.mqttload.jmeter.ResponderSampler",
        "io.mqttload.jmeter.RateFinderSampler",
    };
    static final int NO_AWT = 3;

    private NoNativeLibraryProbe() {
    }

    public static void main(String[] args) throws Exception {
        ClassLoader loader = NoNativeLibraryProbe.class.getClassLoader();
        for (String name : ELEMENTS) {
            TestElement element = (TestElement) Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
            element.setName("copy me");
            element.setProperty(Keys.TOPIC_NAME, "t/${n}");
            TestElement copy = (TestElement) element.clone();
            check(copy.getClass() == element.getClass() && "t/${n}".equals(copy.getPropertyAsString(Keys.TOPIC_NAME)),
                    name + ": clone lost a property");
        }
        for (String name : GUIS) {
            JMeterGUIComponent gui;
            try {
                gui = (JMeterGUIComponent) Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof HeadlessException) {
                    System.out.println("no usable AWT: " + e.getCause());
                    System.exit(NO_AWT);
                }
                throw e;
            }
            TestElement element = gui.createTestElement();
            element.setName("edited");
            gui.configure(element);
            TestElement saved = gui.createTestElement();
            gui.modifyTestElement(saved);
            check("edited".equals(saved.getName()), name + ": name not kept through configure/modify");
            check(saved.getPropertyAsString(TestElement.GUI_CLASS).equals(name),
                    name + ": element does not name its GUI (" + saved.getPropertyAsString(TestElement.GUI_CLASS) + ")");
        }
        // the elements above must have worked without the library: prove it is really absent here
        try {
            NativeLib.init(0, 0);
            fail("the native library loaded: the probe did not run without it");
        } catch (UnsatisfiedLinkError e) {
            check(String.valueOf(e.getMessage()).contains("no native library for linux-riscv64"), "unexpected error: " + e);
        }
        System.out.println("OK");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            fail(message);
        }
    }

    private static void fail(String message) {
        System.out.println("FAIL: " + message);
        System.exit(1);
    }
}
