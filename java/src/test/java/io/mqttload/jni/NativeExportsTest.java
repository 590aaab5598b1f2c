package io.mqttload.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every native method has its export in the library and every export has its native method. The JVM binds a
 * native method only at its first call, so a missing or misnamed export would otherwise first show in a test
 * run, as an UnsatisfiedLinkError.
 */
class NativeExportsTest {
    @Test
    void everyNativeMethodIsExportedAndNothingElse() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<String> declared = declaredNatives();
        assertTrue(declared.contains("Java_io_mqttload_jni_NativeLib_version"), declared.toString());
        List<Path> libraries = elfLibraries();
        Assumptions.assumeFalse(libraries.isEmpty(), "no ELF build of the library here");
        for (Path library : libraries) {
            Set<String> exported = ElfExports.functions(library).stream()
                    .filter(name -> name.startsWith("Java_"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(declared, exported, library.toString());
        }
    }

    @Test
    void namesAreMangledAsTheJvmLooksThemUp() {
        assertEquals("Java_io_mqttload_jni_Outcome_a_1b_000e9", shortName("io.mqttload.jni.Outcome", "a_b\u00e9"));
    }

    /** The short JNI name of each native method of the plugin's classes (none is overloaded). */
    static Set<String> declaredNatives() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Paths.get(NativeLib.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Assumptions.assumeTrue(Files.isDirectory(classes), "classes not in a folder: " + classes);
        List<String> names;
        try (Stream<Path> files = Files.walk(classes.resolve("io"))) {
            names = files.map(p -> classes.relativize(p).toString())
                    .filter(p -> p.endsWith(".class"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace(File.separatorChar, '.'))
                    .collect(Collectors.toList());
        }
        Set<String> out = new TreeSet<>();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, NativeExportsTest.class.getClassLoader());
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isNative(m.getModifiers())) {
                    assertTrue(out.add(shortName(c.getName(), m.getName())),
                            "overloaded native " + c.getName() + "." + m.getName() + " needs the long JNI name");
                }
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }

    /** The library as the tests load it (java.library.path), and each ELF one the jar's classes carry. */
    private static List<Path> elfLibraries() throws IOException, URISyntaxException {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Paths.get(dir, System.mapLibraryName(NativeLoader.LIBRARY_NAME)));
            }
        }
        for (String platform : NativeLoader.KNOWN_PLATFORMS) {
            URL url = NativeLoader.class.getResource(NativeLoader.resourcePath(platform));
            if (url != null && "file".equals(url.getProtocol())) {
                candidates.add(Paths.get(url.toURI()));
            }
        }
        List<Path> out = new ArrayList<>();
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && ElfExports.isElf64(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** As the JNI specification mangles a class and method name into the symbol the JVM looks for. */
    static String shortName(String className, String method) {
        return "Java_" + mangle(className).replace('.', '_') + "_" + mangle(method);
    }

    private static String mangle(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '_') {
                out.append("_1");
            } else if (c == '.' || (c < 128 && Character.isLetterOrDigit(c))) {
                out.append(c);
            } else {
                out.append(String.format("_0%04x", (int) c));
            }
        }
        return out.toString();
    }
}
