package io.mqttload.migrate;

/** XML character references in attribute values and element text, both ways. */
final class XmlText {
    private XmlText() {
    }

    /** Resolves the five named entities and numeric references; anything else is left as written. */
    static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi < 0) {
                out.append(c);
                i++;
                continue;
            }
            String ref = s.substring(i + 1, semi);
            String rep = entity(ref);
            if (rep == null) {
                out.append(c);
                i++;
            } else {
                out.append(rep);
                i = semi + 1;
            }
        }
        return out.toString();
    }

    private static String entity(String ref) {
        switch (ref) {
            case "amp":
                return "&";
            case "lt":
                return "<";
            case "gt":
                return ">";
            case "quot":
                return "\"";
            case "apos":
                return "'";
            default:
                break;
        }
        try {
            if (ref.startsWith("#x") || ref.startsWith("#X")) {
                return new String(Character.toChars(Integer.parseInt(ref.substring(2), 16)));
            }
            if (ref.startsWith("#")) {
                return new String(Character.toChars(Integer.parseInt(ref.substring(1))));
            }
        } catch (IllegalArgumentException e) {
            return null; // not a reference we understand: kept verbatim
        }
        return null;
    }

    /** Escapes text for an element body or a double-quoted attribute, as JMeter's writer does. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&apos;");
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }
}
