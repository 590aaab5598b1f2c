package io.mqttload.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile plans through the XMeter migration: random plans and mutations of the repository's XMeter and
 * example plans, for {@code mqttload.fuzz.seconds} (3 s by default: the smoke every {@code mvn package} runs;
 * {@code make fuzz} runs it for FUZZ_SECONDS). Each input must be refused with a message naming the place
 * (a line, or the root element) or give a plan that parses again and migrates to itself; as a file, the
 * command must never leave a broken output, never touch its input, and an external entity (a DOCTYPE
 * pointing at a local file or a named pipe) must never be read. {@code mqttload.fuzz.seed} replays a run;
 * a failing input is kept in target/fuzz/artifacts/migration/.
 */
class MigrationFuzzTest {
    private static final double SECONDS = Double.parseDouble(System.getProperty("mqttload.fuzz.seconds", "3"));
    private static final long SEED = Long.getLong("mqttload.fuzz.seed", System.nanoTime());

    /** Every refusal names where: the scanner's and the DOM parser's "line L, column C", or the root element. */
    private static final Pattern PLACE = Pattern.compile("line \\d+, column \\d+|root element <");

    /** Markup and text a .jmx breaks on, inserted anywhere. */
    private static final String[] TOKENS = {
        "<", ">", "/>", "</", "\"", "'", "=", "&", "&amp;", "&lt;", "&#0;", "&#x1F600;", "&#xD800;", "&undefined;",
        "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<?xml version=\"1.0\"?>", "<!DOCTYPE", "<!ENTITY", "<!>",
        "<hashTree>", "</hashTree>", "<hashTree/>", "<jmeterTestPlan>", "</jmeterTestPlan>",
        "<stringProp name=\"mqtt.version\">3.1</stringProp>", "<stringProp name=\"\"/>", "<boolProp name=\"x\">",
        "<elementProp name=\"a\" elementType=\"Arguments\">", "</elementProp>", "<collectionProp name=\"c\">",
        "net.xmeter.samplers.ConnectSampler", "net.xmeter.samplers.PubSampler", "net.xmeter.gui.SubSamplerUI",
        "testclass=\"net.xmeter.samplers.SubSampler\"", " guiclass=\"x\"", " testname=\"\u00e9\ud83d\ude00\"",
        "\r\n", "\r", "\t", "\u0000", "\u0001", "\ufffe", "\ufeff", "\ud800", "\udc00", "\ud83d\ude00", "\u2028",
    };

    /** Property values the mapping parses: numbers, versions, booleans at their edges. */
    private static final String[] VALUES = {
        "", " ", "0", "-1", "65536", "2147483648", "9223372036854775808", "1e309", "NaN", "3.1", "3.1.1", "5",
        "5.0", "true", "TRUE", "false", "yes", "ssl", "wss", "ws", "tcp", "${__P(port,1883)}", "${x", "&lt;&amp;",
        "<![CDATA[<x>]]>", "<!-- c -->", "\u00e9\ud83d\ude00", "a\nb", "fusesource", "paho",
    };

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);
    private List<String> seeds;
    private List<String> names;
    private String secret;
    private Path secretFile;
    private Path fifo;
    private final AtomicBoolean fifoOpened = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Migrator migrator = new Migrator();

    private long runs;
    private long accepted;
    private long refused;
    private long files;
    private long entities;

    @Test
    void hostilePlansAreRefusedWithAPlaceOrMigrateToAPlanThatParses() throws Exception {
        seeds = loadSeeds();
        names = namesIn(seeds);
        secret = "SECRET-" + UUID.randomUUID();
        secretFile = dir.resolve("secret.txt");
        Files.write(secretFile, secret.getBytes(StandardCharsets.UTF_8));
        Thread watcher = watchFifo();
        long start = System.nanoTime();
        long deadline = start + (long) (SECONDS * 1e9);
        try {
            do {
                String input = next();
                runs++;
                String where = "input " + runs;
                try {
                    check(input);
                    if (runs % 20 == 0) {
                        files++;
                        checkFile(input);
                    }
                } catch (AssertionError | RuntimeException | StackOverflowError e) {
                    Path saved = save(input);
                    throw new AssertionError(where + " (seed " + SEED + ", saved as " + saved + "): " + e, e);
                }
            } while (System.nanoTime() < deadline);
        } finally {
            done.set(true);
            releaseFifo(watcher);
        }
        assertFalse(fifoOpened.get(), "an external entity was read: the named pipe was opened");
        double secs = (System.nanoTime() - start) / 1e9;
        String summary = String.format(Locale.ROOT,
                "migration: %d executions, %.0f exec/s, %d accepted, %d refused, %d through files, %d with entities,"
                        + " %.1f s, seed %d",
                runs, runs / secs, accepted, refused, files, entities, secs, SEED);
        System.out.println(summary);
        Path log = MigratorTest.repo().resolve("target/fuzz");
        Files.createDirectories(log);
        Files.write(log.resolve("migration.summary"), (summary + "\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(accepted > 0 && refused > 0, summary);
    }

    /** The properties of one plan text. */
    private void check(String input) throws Exception {
        Migrator.Result r;
        try {
            r = migrator.migrate(input);
        } catch (MigrationException e) {
            refused++;
            String m = String.valueOf(e.getMessage());
            assertTrue(PLACE.matcher(m).find(), "a refusal that names no place: " + m);
            assertFalse(m.contains(secret), "a refusal shows the secret file: " + m);
            return;
        }
        accepted++;
        assertFalse(r.xml.contains(secret), "the secret file's content in the migrated plan");
        assertFalse(r.report.toText().contains(secret), "the secret file's content in the report");
        Migrator.checkPlan(r.xml, "the migrated plan");
        if (!input.contains(XmeterMapping.XMETER_SAMPLERS)) {
            assertEquals(input, r.xml, "a plan without XMeter elements changed");
            assertTrue(r.report.elements().isEmpty());
        }
        Migrator.Result again = migrator.migrate(r.xml);
        assertEquals(r.xml, again.xml, "migrating the migrated plan changed it");
    }

    /** Through files, as the command and the GUI run it. */
    private void checkFile(String input) throws Exception {
        Path in = dir.resolve("in.jmx");
        Path out = dir.resolve("out.jmx");
        Files.deleteIfExists(out);
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(8) == 0) {
            bytes = Arrays.copyOf(bytes, bytes.length + 2);
            bytes[bytes.length - 2] = (byte) 0xC3; // a truncated UTF-8 sequence, then a lone continuation byte
            bytes[bytes.length - 1] = (byte) 0x28;
        }
        Files.write(in, bytes);
        long modified = Files.getLastModifiedTime(in).toMillis();

        int code = command("migrate", in.toString(), out.toString());
        assertTrue(code == MigrateCommand.OK || code == MigrateCommand.BAD_INPUT, "exit code " + code);
        if (code == MigrateCommand.OK) {
            Migrator.checkPlan(Migrator.read(out), "the written plan");
        } else {
            assertFalse(Files.exists(out), "a refused plan still wrote its output");
        }
        // an existing output is left alone when the input is refused
        Files.write(out, "old".getBytes(StandardCharsets.UTF_8));
        if (command("migrate", in.toString(), out.toString()) != MigrateCommand.OK) {
            assertEquals("old", new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        }

        assertEquals(MigrateCommand.USAGE, command("migrate", in.toString(), in.toString()));
        assertEquals(MigrateCommand.USAGE, command("migrate", in.toString(), dir.resolve(".").resolve("in.jmx")
                .toString()));
        try {
            migrator.migrate(in, in);
            fail("Migrator.migrate(in, in) wrote over its input");
        } catch (MigrationException e) {
            assertTrue(e.getMessage().contains("another file"), e.getMessage());
        }
        Path link = dir.resolve("link.jmx");
        Files.deleteIfExists(link);
        boolean linked;
        try {
            Files.createSymbolicLink(link, in);
            linked = true;
        } catch (UnsupportedOperationException | IOException e) {
            linked = false; // no symbolic links here (Windows without the privilege)
        }
        if (linked) {
            assertEquals(MigrateCommand.USAGE, command("migrate", in.toString(), link.toString()));
        }
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(in)), "the input file changed");
        assertEquals(modified, Files.getLastModifiedTime(in).toMillis(), "the input file was written");
    }

    private int command(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = MigrateCommand.run(args, new PrintStream(o, true), new PrintStream(e, true));
        String text = new String(o.toByteArray(), StandardCharsets.UTF_8)
                + new String(e.toByteArray(), StandardCharsets.UTF_8);
        assertFalse(text.contains(secret), "the command printed the secret file's content");
        return code;
    }

    // ---- inputs

    private String next() {
        int kind = random.nextInt(10);
        String s;
        if (kind == 0) {
            s = randomPlan();
        } else {
            s = seeds.get(random.nextInt(seeds.size()));
            int n = 1 + random.nextInt(random.nextBoolean() ? 2 : 8);
            for (int i = 0; i < n; i++) {
                s = mutate(s);
            }
        }
        if (random.nextInt(8) == 0) {
            entities++;
            s = withEntity(s);
        }
        return s;
    }

    private String mutate(String s) {
        if (s.isEmpty()) {
            return token();
        }
        int at = random.nextInt(s.length() + 1);
        int len = Math.min(s.length() - Math.min(at, s.length()), 1 + random.nextInt(random.nextBoolean() ? 8 : 400));
        switch (random.nextInt(13)) {
            case 0:
                return s.substring(0, at) + s.substring(at + len);
            case 1:
                return s.substring(0, at + len) + s.substring(at, at + len) + s.substring(at + len);
            case 2:
            case 3:
                return s.substring(0, at) + token() + s.substring(at);
            case 4:
                return s.substring(0, at) + (char) random.nextInt(0x10000) + s.substring(Math.min(s.length(), at + 1));
            case 5: {
                String other = seeds.get(random.nextInt(seeds.size()));
                int from = random.nextInt(other.length());
                int to = Math.min(other.length(), from + random.nextInt(2000));
                return s.substring(0, at) + other.substring(from, to) + s.substring(at);
            }
            case 6:
                return s.substring(0, at);
            case 7:
                return random.nextBoolean() ? s.replace("\n", "\r\n") : s.replace("\n", "");
            case 8:
                return replaceOne(s, PROP_VALUE, m -> m.group(1) + value() + m.group(3));
            case 9:
                return replaceOne(s, ELEMENT, m -> ""); // a whole property or element gone
            case 10:
                return replaceOne(s, ELEMENT, m -> m.group() + m.group()); // one twice
            case 11:
                return replaceOne(s, CLASS, m -> names.get(random.nextInt(names.size())));
            default:
                return replaceOne(s, ATTRIBUTE, m -> m.group(1) + "=\"" + XmlText.encode(value()) + "\"");
        }
    }

    private static final Pattern PROP_VALUE = Pattern.compile("(<(\\w+Prop) name=\"[^\"]*\">)([^<]*)(?=</\\2>)");
    private static final Pattern ELEMENT = Pattern.compile("<(\\w+Prop|hashTree)\\b[^>]*?(/>|>[^<]*</\\1>)");
    private static final Pattern CLASS = Pattern.compile("net\\.xmeter\\.[\\w.]+|io\\.mqttload\\.[\\w.]+");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\b(?:name|testname|testclass|guiclass|enabled))"
            + "=\"[^\"]*\"");

    private String replaceOne(String s, Pattern p, java.util.function.Function<Matcher, String> with) {
        Matcher m = p.matcher(s);
        int hits = 0;
        while (hits < 500 && m.find()) {
            hits++;
        }
        if (hits == 0) {
            return s;
        }
        int pick = random.nextInt(hits);
        m.reset();
        for (int i = 0; i <= pick; i++) {
            m.find();
        }
        return s.substring(0, m.start()) + with.apply(m) + s.substring(m.end());
    }

    private String token() {
        return TOKENS[random.nextInt(TOKENS.length)];
    }

    private String value() {
        if (random.nextInt(20) == 0) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(100_000);
            for (int i = 0; i < n; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            return sb.toString();
        }
        return VALUES[random.nextInt(VALUES.length)];
    }

    /** A plan of XMeter, our and other elements with properties from the seeds, nested at random. */
    private String randomPlan() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<jmeterTestPlan version=\"1.2\">\n");
        sb.append("<hashTree>\n");
        tree(sb, random.nextInt(4));
        sb.append("</hashTree>\n</jmeterTestPlan>\n");
        return sb.toString();
    }

    private void tree(StringBuilder sb, int depth) {
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String cls = names.get(random.nextInt(names.size()));
            String tag = random.nextBoolean() ? cls : "TestElement";
            sb.append('<').append(tag).append(" guiclass=\"").append(names.get(random.nextInt(names.size())))
                    .append("\" testclass=\"").append(cls).append("\" testname=\"").append(XmlText.encode(value()))
                    .append('"');
            int props = random.nextInt(6);
            if (props == 0 && random.nextBoolean()) {
                sb.append("/>\n");
            } else {
                sb.append(">\n");
                for (int p = 0; p < props; p++) {
                    String type = random.nextBoolean() ? "stringProp" : random.nextBoolean() ? "boolProp" : "intProp";
                    sb.append("  <").append(type).append(" name=\"").append(PROP_NAMES.get(random.nextInt(
                            PROP_NAMES.size()))).append("\">").append(XmlText.encode(value())).append("</")
                            .append(type).append(">\n");
                }
                sb.append("</").append(tag).append(">\n");
            }
            if (depth > 0 && random.nextBoolean()) {
                sb.append("<hashTree>\n");
                tree(sb, depth - 1);
                sb.append("</hashTree>\n");
            } else {
                sb.append("<hashTree/>\n");
            }
        }
    }

    private static final List<String> PROP_NAMES = new ArrayList<>();

    /**
     * A DOCTYPE whose entities point at the secret file or the named pipe, used in the plan: an XXE-capable parse
     * would copy the file into the output or open the pipe.
     */
    private String withEntity(String s) {
        String file = secretFile.toUri().toString();
        String pipe = fifo != null ? fifo.toUri().toString() : file;
        String[] doctypes = {
            "<!DOCTYPE jmeterTestPlan [<!ENTITY xxe SYSTEM \"" + file + "\">]>",
            "<!DOCTYPE jmeterTestPlan [<!ENTITY xxe SYSTEM \"" + pipe + "\">]>",
            "<!DOCTYPE jmeterTestPlan [<!ENTITY % p SYSTEM \"" + pipe + "\"> %p;]>",
            "<!DOCTYPE jmeterTestPlan SYSTEM \"" + pipe + "\">",
            "<!DOCTYPE jmeterTestPlan [<!ENTITY xxe SYSTEM \"" + file + "\"><!ENTITY b \"&xxe;&xxe;\">]>",
        };
        String doctype = doctypes[random.nextInt(doctypes.length)];
        int decl = s.startsWith("<?xml") ? s.indexOf("?>") + 2 : 0;
        String out = s.substring(0, Math.max(0, decl)) + "\n" + doctype + s.substring(Math.max(0, decl));
        String ref = random.nextBoolean() ? "&xxe;" : "&b;";
        String withRef = replaceOne(out, PROP_VALUE, m -> m.group(1) + ref + m.group(3));
        if (random.nextBoolean()) {
            withRef = withRef.replace("testname=\"", "testname=\"" + ref);
        }
        if (random.nextInt(4) == 0) {
            withRef = withRef.replaceFirst("<hashTree>", "<hashTree><xi:include href=\"" + file
                    + "\" parse=\"text\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"/>");
        }
        return withRef;
    }

    // ---- the named pipe: opening it to read is what reading an external entity does

    /**
     * A writer blocks in open() until someone opens the pipe to read; only the parser could, before the end, so the
     * watcher returning early means an entity was resolved. Not on systems without mkfifo (the secret file's content
     * is still checked there).
     */
    private Thread watchFifo() throws InterruptedException {
        Path p = dir.resolve("entity.pipe");
        try {
            Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            if (mk.waitFor() != 0 || !Files.exists(p)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        fifo = p;
        Thread t = new Thread(() -> {
            try (OutputStream o = new FileOutputStream(p.toFile())) {
                if (!done.get()) {
                    fifoOpened.set(true);
                }
                o.write(secret.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the reader went away: the flag already says what matters
            }
        }, "fuzz-fifo-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void releaseFifo(Thread watcher) throws InterruptedException {
        if (watcher == null) {
            return;
        }
        try (InputStream i = new FileInputStream(fifo.toFile())) {
            i.read(new byte[64]);
        } catch (IOException e) {
            // the watcher has gone already
        }
        watcher.join(5000);
    }

    // ---- seeds

    private static List<String> loadSeeds() throws IOException, MigrationException {
        Path repo = MigratorTest.repo();
        List<String> out = new ArrayList<>();
        for (String d : new String[] {"tests/plans/xmeter", "examples"}) {
            try (Stream<Path> files = Files.list(repo.resolve(d))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".jmx")).sorted().collect(Collectors.toList())) {
                    String xml = Migrator.read(p);
                    out.add(xml);
                    if (d.contains("xmeter")) {
                        out.add(xml); // the XMeter plans are what the migration is about: twice the weight
                        out.add(xml);
                    }
                }
            }
        }
        assertFalse(out.isEmpty(), "no seed plans under " + repo);
        return out;
    }

    /** The element classes (XMeter's, ours, JMeter's) and property names of the seeds. */
    private static List<String> namesIn(List<String> seeds) {
        TreeSet<String> classes = new TreeSet<>(XmeterMapping.TEST_CLASSES.keySet());
        classes.addAll(XmeterMapping.GUI_CLASSES.keySet());
        TreeSet<String> props = new TreeSet<>();
        Pattern cls = Pattern.compile("(?:testclass|guiclass)=\"([^\"]+)\"");
        Pattern prop = Pattern.compile("Prop name=\"([^\"]+)\"");
        for (String s : seeds) {
            Matcher m = cls.matcher(s);
            while (m.find()) {
                classes.add(m.group(1));
            }
            m = prop.matcher(s);
            while (m.find()) {
                props.add(m.group(1));
            }
        }
        synchronized (PROP_NAMES) {
            PROP_NAMES.clear();
            PROP_NAMES.addAll(props);
            PROP_NAMES.add("");
        }
        return new ArrayList<>(classes);
    }

    private static Path save(String input) {
        try {
            Path d = MigratorTest.repo().resolve("target/fuzz/artifacts/migration");
            Files.createDirectories(d);
            Path f = d.resolve(String.format("crash-%08x.jmx", input.hashCode()));
            Files.write(f, input.getBytes(StandardCharsets.UTF_8));
            return f;
        } catch (IOException e) {
            return Paths.get("(not saved: " + e.getMessage() + ")");
        }
    }
}
