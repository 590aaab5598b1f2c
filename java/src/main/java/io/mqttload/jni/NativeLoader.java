package io.mqttload.jni;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libmqttload: first from {@code java.library.path} ({@code System.loadLibrary("mqttload")}), else
 * from the plugin jar's {@code /native/<os>-<arch>/} folder, extracted to a temporary file.
 */
public final class NativeLoader {
    public static final String LIBRARY_NAME = "mqttload";

    private static boolean loaded;

    private NativeLoader() {
    }

    /** Loads the library once per class loader; UnsatisfiedLinkError when it cannot be found. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            System.loadLibrary(LIBRARY_NAME);
        } catch (UnsatisfiedLinkError fromLibraryPath) {
            loadFromJar(platform(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));
        }
        loaded = true;
    }

    private static void loadFromJar(String platform) {
        String resource = resourcePath(platform);
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(missingMessage(platform));
            }
            String fileName = libraryFileName(platform);
            int dot = fileName.lastIndexOf('.');
            File tmp = File.createTempFile(fileName.substring(0, dot) + "-", fileName.substring(dot));
            tmp.deleteOnExit();
            Files.copy(in, tmp.toPath(), StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.getAbsolutePath());
        } catch (IOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError(
                    "mqttload: cannot extract the native library " + resource + ": " + e.getMessage());
            err.initCause(e);
            throw err;
        }
    }

    /** {@code <os>-<arch>} as used in the jar: os = linux|macos|windows, arch = x86_64|aarch64. */
    public static String platform(String osName, String osArch) {
        return os(osName) + "-" + arch(osArch);
    }

    static String os(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) {
            return "linux";
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return "macos";
        }
        if (n.startsWith("windows")) {
            return "windows";
        }
        return n.replaceAll("[^a-z0-9]+", "");
    }

    static String arch(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64":
            case "x86_64":
            case "x86-64":
            case "x64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return a.replaceAll("[^a-z0-9_]+", "");
        }
    }

    /** File name of the library on that platform (what cargo produces). */
    public static String libraryFileName(String platform) {
        if (platform.startsWith("windows-")) {
            return LIBRARY_NAME + ".dll";
        }
        if (platform.startsWith("macos-")) {
            return "lib" + LIBRARY_NAME + ".dylib";
        }
        return "lib" + LIBRARY_NAME + ".so";
    }

    /** Resource path inside the plugin jar. */
    public static String resourcePath(String platform) {
        return "/native/" + platform + "/" + libraryFileName(platform);
    }

    static String missingMessage(String platform) {
        return "mqttload: no native library for platform " + platform + " (not on java.library.path, and "
                + resourcePath(platform) + " is not in the plugin jar); build from source with `make build`";
    }
}
