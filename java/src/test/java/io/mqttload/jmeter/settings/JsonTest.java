package io.mqttload.jmeter.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void emptyObject() {
        assertEquals("{}", Json.object().toString());
    }

    @Test
    void scalarsInInsertionOrder() {
        String s = Json.object().put("b", "x").put("a", 1).put("n", -42L).put("t", true).put("f", false)
                .putNull("z").put("big", Long.MAX_VALUE).toString();
        assertEquals("{\"b\":\"x\",\"a\":1,\"n\":-42,\"t\":true,\"f\":false,\"z\":null,\"big\":9223372036854775807}", s);
    }

    @Test
    void nullStringAndNullObjectAreJsonNull() {
        assertEquals("{\"s\":null,\"o\":null}", Json.object().put("s", (String) null).put("o", (Json) null).toString());
    }

    @Test
    void nestedObject() {
        Json will = Json.object().put("topic", "t").put("qos", 1);
        assertEquals("{\"will\":{\"topic\":\"t\",\"qos\":1},\"x\":0}", Json.object().put("will", will).put("x", 0).toString());
    }

    @Test
    void escapesQuotesBackslashAndShortEscapes() {
        assertEquals("\"a\\\"b\\\\c\\/d\"".replace("\\/", "/"), Json.quote("a\"b\\c/d"));
        assertEquals("\"\\b\\f\\n\\r\\t\"", Json.quote("\b\f\n\r\t"));
    }

    @Test
    void escapesOtherControlCharacters() {
        assertEquals("\"\\u0000\\u0001\\u001f\\u007f\"", Json.quote("\u0000\u0001\u001f\u007f"));
    }

    @Test
    void nonAsciiWrittenAsIs() {
        assertEquals("\"héllo wörld ✓ 日本 😀\"", Json.quote("héllo wörld ✓ 日本 😀"));
        assertEquals("\"\u2028\"", Json.quote("\u2028"));
    }

    @Test
    void loneSurrogatesEscaped() {
        assertEquals("\"a\\ud800b\"", Json.quote("a\ud800b"));
        assertEquals("\"\\udc00\"", Json.quote("\udc00"));
        assertEquals("\"\\ud83d\"", Json.quote("\ud83d"));
    }

    @Test
    void keysAreEscapedToo() {
        assertEquals("{\"a\\\"\\n\":1}", Json.object().put("a\"\n", 1).toString());
    }

    @Test
    void nullKeyRejected() {
        assertThrows(NullPointerException.class, () -> Json.object().put(null, 1));
    }

    @Test
    void toStringIsRepeatable() {
        Json j = Json.object().put("a", 1);
        assertEquals(j.toString(), j.toString());
        j.put("b", 2);
        assertEquals("{\"a\":1,\"b\":2}", j.toString());
    }
}
