package io.mqttload.migrate;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The jar's Main-Class: {@code java -jar mqttload-jmeter-<v>.jar migrate [--ca-file FILE] IN.jmx OUT.jmx}.
 * Exit codes: 0 migrated (also when nothing needed it), 1 bad usage, 2 unreadable or invalid input,
 * 3 output not writable.
 */
public final class MigrateCommand {
    static final int OK = 0;
    static final int USAGE = 1;
    static final int BAD_INPUT = 2;
    static final int CANNOT_WRITE = 3;

    static final String USAGE_TEXT = String.join("\n",
            "usage: java -jar mqttload-jmeter.jar migrate [--ca-file CA.pem] IN.jmx OUT.jmx",
            "",
            "Rewrites the XMeter/EMQ MQTT elements (net.xmeter.samplers.*) of a JMeter plan into mqttload's,",
            "mapping their properties, and prints what it mapped and what it could not. Everything else in",
            "the plan is copied unchanged.",
            "  --ca-file CA.pem  SSL/WSS connects verify the broker against this CA (XMeter accepted any",
            "                    certificate; without this option the migrated Connect does the same:",
            "                    mqtt.tls_trust_all = true)");

    private MigrateCommand() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !"migrate".equals(args[0])) {
            err.println(args.length == 0 ? "no command given" : "unknown command '" + args[0] + "'");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String caFile = null;
        int i = 1;
        while (i < args.length && args[i].startsWith("--")) {
            if ("--ca-file".equals(args[i]) && i + 1 < args.length) {
                caFile = args[i + 1];
                i += 2;
            } else if ("--help".equals(args[i])) {
                out.println(USAGE_TEXT);
                return OK;
            } else {
                err.println("unknown option '" + args[i] + "'");
                err.println(USAGE_TEXT);
                return USAGE;
            }
        }
        if (args.length - i != 2) {
            err.println("give the input plan and the output plan");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Path in = Paths.get(args[i]);
        Path outPath = Paths.get(args[i + 1]);
        try {
            if (Files.exists(outPath) && Files.isSameFile(in, outPath)) {
                err.println("migrate: the output must be another file than the input (" + in + ")");
                return USAGE;
            }
        } catch (java.io.IOException e) {
            // the input is unreadable: reported below
        }
        Migrator.Result result;
        try {
            result = new Migrator(caFile).migrate(Migrator.read(in));
        } catch (MigrationException e) {
            err.println("migrate: " + e.getMessage());
            return BAD_INPUT;
        }
        out.println("Migrating " + in + " -> " + outPath);
        out.print(result.report.toText());
        try {
            Files.write(outPath, result.xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            err.println("migrate: cannot write " + outPath + ": " + Migrator.describe(e));
            return CANNOT_WRITE;
        }
        out.println("Wrote " + outPath);
        return OK;
    }
}
