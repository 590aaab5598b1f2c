package io.mqttload.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return MigrateCommand.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String stdout() {
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private String stderr() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void migratesAFileAndPrintsWhatItMapped() throws Exception {
        Path in = MigratorTest.repo().resolve("tests/plans/xmeter/ssl_client_cert.jmx");
        Path target = dir.resolve("out.jmx");
        assertEquals(MigrateCommand.OK, run("migrate", "--ca-file", "ca.pem", in.toString(), target.toString()));
        String text = new String(Files.readAllBytes(target), StandardCharsets.UTF_8);
        assertFalse(text.contains("net.xmeter"));
        assertTrue(text.contains("<stringProp name=\"mqtt.ca_file\">ca.pem</stringProp>"), text);
        assertTrue(stdout().contains("ConnectSampler -> ConnectSampler"), stdout());
        assertTrue(stdout().contains("+ mqtt.ca_file = 'ca.pem'"), stdout());
        assertTrue(stdout().contains("Wrote " + target), stdout());
    }

    @Test
    void usageAndInputErrorsHaveTheirExitCodes() throws Exception {
        assertEquals(MigrateCommand.USAGE, run());
        assertEquals(MigrateCommand.USAGE, run("convert", "a", "b"));
        assertEquals(MigrateCommand.USAGE, run("migrate", "only-one.jmx"));
        assertEquals(MigrateCommand.USAGE, run("migrate", "--bogus", "a", "b"));
        assertTrue(stderr().contains("usage:"), stderr());
        Path in = dir.resolve("in.jmx");
        assertEquals(MigrateCommand.BAD_INPUT, run("migrate", in.toString(), dir.resolve("o.jmx").toString()));
        assertTrue(stderr().contains("migrate: cannot read " + in + ": no such file"), stderr());
        Files.write(in, "<jmeterTestPlan/>".getBytes(StandardCharsets.UTF_8));
        assertEquals(MigrateCommand.USAGE, run("migrate", in.toString(), in.toString()));
        assertEquals(MigrateCommand.CANNOT_WRITE, run("migrate", in.toString(), dir.resolve("x/y.jmx").toString()));
        assertEquals(MigrateCommand.OK, run("migrate", in.toString(), dir.resolve("y.jmx").toString()));
        assertTrue(stdout().contains("No XMeter MQTT elements found"), stdout());
    }
}
