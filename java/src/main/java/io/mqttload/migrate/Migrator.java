package io.mqttload.migrate;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Rewrites the XMeter MQTT elements of a JMeter plan into ours at the text level: the element tags, their
 * testclass/guiclass attributes and the properties the mapping changes. Every other byte of the plan is copied
 * through as it was. Needs only the JDK (the command runs without JMeter on the class path).
 */
public final class Migrator {
    /** The rewritten plan and what was done. */
    public static final class Result {
        public final String xml;
        public final MigrationReport report;

        Result(String xml, MigrationReport report) {
            this.xml = xml;
            this.report = report;
        }
    }

    /** The property tags holding one value as text: the only children the mapping reads or changes. */
    private static final java.util.Set<String> SCALAR_PROPS = new java.util.HashSet<>(java.util.Arrays.asList(
            "stringProp", "boolProp", "intProp", "longProp", "floatProp", "doubleProp"));

    private final XmeterMapping.Options options;

    /** @param caFile PEM CA file for SSL/WSS Connects, or null to accept any certificate as XMeter did */
    public Migrator(String caFile) {
        this.options = new XmeterMapping.Options(caFile);
    }

    public Migrator() {
        this(null);
    }

    /** Reads a plan file (UTF-8, as JMeter writes it). */
    public static String read(Path in) throws MigrationException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new MigrationException("cannot read " + in + ": " + describe(e), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MigrationException(in + " is not UTF-8 text (JMeter plans are UTF-8)", e);
        }
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? kind : kind + ": " + m;
    }

    /** Migrates a plan file into another; the report says what was mapped. */
    public Result migrate(Path in, Path out) throws MigrationException {
        // The command line checks this itself, but every caller gets the guarantee: a plan the
        // migration cannot reproduce must never be lost to its own output.
        try {
            if (Files.exists(out) && Files.isSameFile(in, out)) {
                throw new MigrationException("the output must be another file than the input (" + in + ")");
            }
        } catch (IOException e) {
            // the input is unreadable: read() below says so
        }
        Result r = migrate(read(in));
        try {
            Files.write(out, r.xml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MigrationException("cannot write " + out + ": " + describe(e), e);
        }
        return r;
    }

    /** Migrates plan text. */
    public Result migrate(String xml) throws MigrationException {
        checkPlan(xml, "the input");
        MigrationReport report = new MigrationReport();
        XmlScanner scanner = new XmlScanner(xml);
        StringBuilder out = new StringBuilder(xml.length() + 1024);
        int copied = 0;
        int at = 0;
        XmlScanner.Tag tag;
        while ((tag = scanner.next(at)) != null) {
            at = tag.end;
            if (tag.closing) {
                continue;
            }
            XmeterMapping.Kind kind = kindOf(xml, tag);
            if (kind == null) {
                continue;
            }
            out.append(xml, copied, tag.start);
            at = rewriteElement(xml, scanner, tag, kind, out, report);
            copied = at;
        }
        out.append(xml, copied, xml.length());
        String result = out.toString();
        checkPlan(result, "the migrated plan"); // a rewrite bug must never write a broken plan
        return new Result(result, report);
    }

    private static XmeterMapping.Kind kindOf(String xml, XmlScanner.Tag tag) {
        XmeterMapping.Kind k = XmeterMapping.TEST_CLASSES.get(tag.name);
        if (k == null) {
            String testclass = tag.attribute(xml, "testclass");
            if (testclass != null) {
                k = XmeterMapping.TEST_CLASSES.get(testclass);
            }
        }
        return k;
    }

    /** Writes the converted element to {@code out}; returns the offset just past the original element. */
    private int rewriteElement(String xml, XmlScanner scanner, XmlScanner.Tag start, XmeterMapping.Kind kind,
            StringBuilder out, MigrationReport report) throws MigrationException {
        String testname = start.attribute(xml, "testname");
        String xmeterClass = XmeterMapping.TEST_CLASSES.containsKey(start.name) ? start.name
                : start.attribute(xml, "testclass");
        MigrationReport.Element rep = report.element("[" + scanner.position(start.start) + "] '"
                + (testname == null ? "" : testname) + "': " + xmeterClass.substring(xmeterClass.lastIndexOf('.') + 1)
                + " -> " + kind.testClass.substring(kind.testClass.lastIndexOf('.') + 1));
        ElementProps props = new ElementProps();
        int end;
        XmlScanner.Tag close = null;
        if (start.selfClosing) {
            end = start.end;
        } else {
            close = children(xml, scanner, start, props);
            end = close.end;
        }
        props.childIndent = childIndent(xml, start, props);
        XmeterMapping.apply(kind, props, rep, options);
        String guiclass = start.attribute(xml, "guiclass");
        if (guiclass != null && !XmeterMapping.GUI_CLASSES.containsKey(guiclass)) {
            rep.note("guiclass '" + guiclass + "' is not XMeter's; set to " + kind.guiClass);
        }
        String newName = XmeterMapping.TEST_CLASSES.containsKey(start.name) ? kind.testClass : start.name;
        String startTag = startTag(xml, start, newName, kind);
        if (props.isEmpty() && start.selfClosing) {
            out.append(startTag);
            return end;
        }
        if (start.selfClosing) { // properties were added to an element that had none
            out.append(startTag, 0, startTag.length() - 2).append('>');
            props.trailing = props.childIndent.substring(0, Math.max(1, props.childIndent.length() - 2));
            out.append(props.render()).append("</").append(newName).append('>');
            return end;
        }
        out.append(startTag).append(props.render()).append("</").append(newName).append('>');
        return end;
    }

    /** Reads the direct children of {@code start}; returns its closing tag. */
    private static XmlScanner.Tag children(String xml, XmlScanner scanner, XmlScanner.Tag start, ElementProps props)
            throws MigrationException {
        int at = start.end;
        while (true) {
            XmlScanner.Tag t = scanner.next(at);
            if (t == null) {
                throw new MigrationException("<" + start.name + "> at " + scanner.position(start.start)
                        + " is never closed");
            }
            if (t.closing) {
                if (!t.name.equals(start.name)) {
                    throw new MigrationException("</" + t.name + "> at " + scanner.position(t.start)
                            + " closes <" + start.name + ">");
                }
                props.trailing = xml.substring(at, t.start);
                return t;
            }
            String prefix = xml.substring(at, t.start);
            String name = t.attribute(xml, "name");
            boolean scalar = name != null && SCALAR_PROPS.contains(t.name);
            if (t.selfClosing) {
                props.add(new ElementProps.Prop(prefix, xml.substring(t.start, t.end), t.name, name,
                        scalar ? "" : null));
                at = t.end;
                continue;
            }
            XmlScanner.Tag childClose = closeOf(xml, scanner, t);
            boolean simple = scalar && scanner.next(t.end).start == childClose.start;
            String value = simple ? XmlText.decode(xml.substring(t.end, childClose.start)) : null;
            if (simple && xml.substring(t.end, childClose.start).contains("<")) {
                value = null; // CDATA or a comment inside: keep the property as written
            }
            props.add(new ElementProps.Prop(prefix, xml.substring(t.start, childClose.end), t.name, name, value));
            at = childClose.end;
        }
    }

    /** The closing tag matching {@code open} (nesting of any element counted). */
    private static XmlScanner.Tag closeOf(String xml, XmlScanner scanner, XmlScanner.Tag open)
            throws MigrationException {
        int depth = 0;
        int at = open.end;
        while (true) {
            XmlScanner.Tag t = scanner.next(at);
            if (t == null) {
                throw new MigrationException("<" + open.name + "> at " + scanner.position(open.start)
                        + " is never closed");
            }
            at = t.end;
            if (t.selfClosing) {
                continue;
            }
            if (!t.closing) {
                depth++;
            } else if (depth == 0) {
                return t;
            } else {
                depth--;
            }
        }
    }

    /** Newline plus the children's indentation, taken from the first child or from the element's own. */
    private static String childIndent(String xml, XmlScanner.Tag start, ElementProps props) {
        for (ElementProps.Prop p : props.all()) {
            int nl = p.prefix.lastIndexOf('\n');
            if (nl >= 0) {
                return p.prefix.substring(nl > 0 && p.prefix.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            }
        }
        int lineStart = xml.lastIndexOf('\n', start.start - 1);
        String own = xml.substring(lineStart + 1, start.start);
        String eol = lineStart > 0 && xml.charAt(lineStart - 1) == '\r' ? "\r\n" : "\n";
        return eol + (own.trim().isEmpty() ? own : "") + "  ";
    }

    /** The start tag with our tag name, testclass and guiclass; other attributes exactly as written. */
    private static String startTag(String xml, XmlScanner.Tag start, String newName, XmeterMapping.Kind kind) {
        StringBuilder sb = new StringBuilder();
        int nameStart = start.start + 1;
        sb.append('<').append(newName);
        int cursor = nameStart + start.name.length();
        int[] gui = start.attributes.get("guiclass");
        int[] test = start.attributes.get("testclass");
        int[][] edits = {gui, test};
        String[] values = {kind.guiClass, kind.testClass};
        // apply in document order
        if (gui != null && test != null && test[0] < gui[0]) {
            edits = new int[][] {test, gui};
            values = new String[] {kind.testClass, kind.guiClass};
        }
        for (int i = 0; i < edits.length; i++) {
            if (edits[i] == null) {
                continue;
            }
            sb.append(xml, cursor, edits[i][0]).append(values[i]);
            cursor = edits[i][1];
        }
        sb.append(xml, cursor, start.end);
        return sb.toString();
    }

    /** Well-formed XML whose root is jmeterTestPlan, else a MigrationException naming the place. */
    static void checkPlan(String xml, String what) throws MigrationException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // not a reason to refuse a plan
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            doc = b.parse(new InputSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            // At the end of the text (a truncated plan) the parser gives line -1: the end is the place then.
            String place = e.getLineNumber() > 0 ? "line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                    : new XmlScanner(xml).position(xml.length());
            throw new MigrationException(what + " is not well-formed XML (" + place + "): " + e.getMessage(), e);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new MigrationException(what + " cannot be parsed as XML: " + e.getMessage(), e);
        }
        String root = doc.getDocumentElement().getNodeName();
        if (!"jmeterTestPlan".equals(root)) {
            throw new MigrationException(what + " is not a JMeter test plan (root element <" + root
                    + ">, expected <jmeterTestPlan>)");
        }
    }
}
