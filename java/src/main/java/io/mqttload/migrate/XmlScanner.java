package io.mqttload.migrate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the tags of a .jmx text by position, so that a rewrite can change a few of them and copy every other
 * byte through. Comments, processing instructions, CDATA and the DOCTYPE are stepped over; quoted attribute
 * values may hold '>' and '/'. Well-formedness as a whole is checked elsewhere (a DOM parse of input and output).
 */
final class XmlScanner {
    /** One tag: its text is {@code xml.substring(start, end)}. */
    static final class Tag {
        final int start;
        final int end;
        final String name;
        final boolean closing;
        final boolean selfClosing;
        /** Attribute name -> [value start, value end) in the document (the raw, still escaped, value). */
        final Map<String, int[]> attributes;

        Tag(int start, int end, String name, boolean closing, boolean selfClosing, Map<String, int[]> attributes) {
            this.start = start;
            this.end = end;
            this.name = name;
            this.closing = closing;
            this.selfClosing = selfClosing;
            this.attributes = attributes;
        }

        /** The decoded attribute value, or null when absent. */
        String attribute(String xml, String attr) {
            int[] r = attributes.get(attr);
            return r == null ? null : XmlText.decode(xml.substring(r[0], r[1]));
        }
    }

    private final String xml;

    XmlScanner(String xml) {
        this.xml = xml;
    }

    /** The next element tag at or after {@code from}, or null at the end of the text. */
    Tag next(int from) throws MigrationException {
        int i = from;
        while (true) {
            int lt = xml.indexOf('<', i);
            if (lt < 0) {
                return null;
            }
            if (xml.startsWith("<!--", lt)) {
                i = skipPast(lt, "-->");
            } else if (xml.startsWith("<![CDATA[", lt)) {
                i = skipPast(lt, "]]>");
            } else if (xml.startsWith("<?", lt)) {
                i = skipPast(lt, "?>");
            } else if (xml.startsWith("<!", lt)) {
                i = skipPast(lt, ">");
            } else {
                return tag(lt);
            }
        }
    }

    private int skipPast(int from, String end) throws MigrationException {
        int e = xml.indexOf(end, from);
        if (e < 0) {
            throw new MigrationException("unterminated markup at " + position(from));
        }
        return e + end.length();
    }

    private Tag tag(int lt) throws MigrationException {
        int i = lt + 1;
        boolean closing = i < xml.length() && xml.charAt(i) == '/';
        if (closing) {
            i++;
        }
        int nameStart = i;
        while (i < xml.length() && !isSpace(xml.charAt(i)) && xml.charAt(i) != '>' && xml.charAt(i) != '/') {
            i++;
        }
        String name = xml.substring(nameStart, i);
        if (name.isEmpty()) {
            throw new MigrationException("a tag without a name at " + position(lt));
        }
        Map<String, int[]> attrs = new LinkedHashMap<>();
        while (true) {
            while (i < xml.length() && isSpace(xml.charAt(i))) {
                i++;
            }
            if (i >= xml.length()) {
                throw new MigrationException("unterminated tag <" + name + " at " + position(lt));
            }
            char c = xml.charAt(i);
            if (c == '>') {
                return new Tag(lt, i + 1, name, closing, false, attrs);
            }
            if (c == '/' && xml.startsWith("/>", i)) {
                return new Tag(lt, i + 2, name, closing, true, attrs);
            }
            int an = i;
            while (i < xml.length() && xml.charAt(i) != '=' && !isSpace(xml.charAt(i)) && xml.charAt(i) != '>') {
                i++;
            }
            String attr = xml.substring(an, i);
            while (i < xml.length() && isSpace(xml.charAt(i))) {
                i++;
            }
            if (i >= xml.length() || xml.charAt(i) != '=' || attr.isEmpty()) {
                throw new MigrationException("malformed attribute in <" + name + " at " + position(lt));
            }
            i++;
            while (i < xml.length() && isSpace(xml.charAt(i))) {
                i++;
            }
            char q = i < xml.length() ? xml.charAt(i) : 0;
            if (q != '"' && q != '\'') {
                throw new MigrationException("unquoted attribute " + attr + " in <" + name + " at " + position(lt));
            }
            int close = xml.indexOf(q, i + 1);
            if (close < 0) {
                throw new MigrationException("unterminated attribute " + attr + " in <" + name + " at " + position(lt));
            }
            attrs.put(attr, new int[] {i + 1, close});
            i = close + 1;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** "line L, column C" of an offset (1-based), for messages. */
    String position(int offset) {
        return "line " + line(offset) + ", column " + (offset - xml.lastIndexOf('\n', offset - 1));
    }

    int line(int offset) {
        int line = 1;
        for (int k = 0; k < offset && k < xml.length(); k++) {
            if (xml.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }
}
