package io.mqttload.jni;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The functions a 64-bit ELF shared library exports (its dynamic symbol table), read from the file: what the
 * JVM can bind a native method to, without loading the library.
 */
final class ElfExports {
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    private static final int SECTION_HEADER = 64;
    private static final int SYMBOL = 24;

    private ElfExports() {
    }

    static boolean isElf64(Path file) throws IOException {
        byte[] head = new byte[5];
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, 5) == 5 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L'
                    && head[3] == 'F' && head[4] == 2;
        }
    }

    /** Names of the defined functions in the dynamic symbol table. */
    static Set<String> functions(Path file) throws IOException {
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(file));
        elf.order(elf.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int sections = Short.toUnsignedInt(elf.getShort(0x3c));
        int headers = Math.toIntExact(elf.getLong(0x28));
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < sections; i++) {
            int header = headers + i * SECTION_HEADER;
            if (elf.getInt(header + 4) != SHT_DYNSYM) {
                continue;
            }
            int symbols = Math.toIntExact(elf.getLong(header + 0x18));
            int size = Math.toIntExact(elf.getLong(header + 0x20));
            int strings = Math.toIntExact(elf.getLong(headers + elf.getInt(header + 0x28) * SECTION_HEADER + 0x18));
            for (int s = symbols; s < symbols + size; s += SYMBOL) {
                boolean defined = elf.getShort(s + 6) != 0;
                if (defined && (elf.get(s + 4) & 0xf) == STT_FUNC) {
                    out.add(string(elf, strings + elf.getInt(s)));
                }
            }
        }
        return out;
    }

    private static String string(ByteBuffer elf, int at) {
        int end = at;
        while (elf.get(end) != 0) {
            end++;
        }
        return new String(elf.array(), at, end - at, StandardCharsets.UTF_8);
    }
}
