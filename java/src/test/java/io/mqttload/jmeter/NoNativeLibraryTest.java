package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a platform with no bundled library the elements must still open, edit and copy (GUI and test element);
 * only running them needs the library. A JVM of its own, because a library once loaded stays loaded: there
 * java.library.path is an empty folder and os.arch names a platform the jar has no library for.
 */
class NoNativeLibraryTest {
    @Test
    void elementsAndGuisWorkWithoutTheLibrary(@TempDir Path empty) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = Arrays.asList(java,
                "-Djava.library.path=" + empty,
                "-Dos.arch=riscv64",
                "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"),
                NoNativeLibraryProbe.class.getName());
        Path out = empty.resolve("probe.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) { // a hang is a failure, not a wait for ever
            p.destroyForcibly().waitFor();
        }
        String output = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        Assumptions.assumeFalse(p.exitValue() == NoNativeLibraryProbe.NO_AWT, output);
        assertEquals(0, p.exitValue(), output);
        assertEquals("OK", output.trim().substring(output.trim().lastIndexOf('\n') + 1), output);
    }
}
