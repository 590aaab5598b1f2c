package io.mqttload.jni;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libmqttload: first from {@code java.library.path} ({@code System.loadLibrary("mqttload")}), else
 * from the plugin jar's {@code /native/<os>-<arch>/} folder, extracted to a temporary file.
 *
 * <p>The system property {@value #PLATFORM_PROPERTY} names the platform to take from the jar instead of this
 * machine's (and skips {@code java.library.path}): for a platform this code names differently, and for tests.
 */
public final class NativeLoader {
    public static final String LIBRARY_NAME = "mqttload";
    public static final String PLATFORM_PROPERTY = "mqttload.native.platform";

    /** Platforms a jar may carry, in the order {@link #supported()} lists them. */
    static final String[] KNOWN_PLATFORMS = {
        "linux-x86_64", "linux-aarch64", "macos-x86_64", "macos-aarch64", "windows-x86_64", "windows-aarch64",
    };

    private static boolean loaded;
    private static String loadedFrom;
    private static String loadedPlatform;

    private NativeLoader() {
    }

    /** Loads the library once per class loader; UnsatisfiedLinkError when it cannot be found. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String forced = System.getProperty(PLATFORM_PROPERTY, "").trim();
        if (!forced.isEmpty()) {
            loadFromJar(forced);
        } else {
            String platform = currentPlatform();
            try {
                System.loadLibrary(LIBRARY_NAME);
                loadedFrom = onLibraryPath(System.getProperty("java.library.path", ""), platform);
                loadedPlatform = platform;
            } catch (UnsatisfiedLinkError fromLibraryPath) {
                loadFromJar(platform);
            }
        }
        loaded = true;
    }

    /** Where the library was loaded from (null before it is). */
    public static synchronized String loadedFrom() {
        return loadedFrom;
    }

    /** The platform whose library was loaded (null before it is). */
    public static synchronized String loadedPlatform() {
        return loadedPlatform;
    }

    /** This machine's platform, as {@link #platform(String, String)} names it. */
    public static String currentPlatform() {
        return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    private static void loadFromJar(String platform) {
        String resource = resourcePath(platform);
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(missingMessage(platform, jarName(), supported()));
            }
            String fileName = libraryFileName(platform);
            int dot = fileName.lastIndexOf('.');
            File tmp = File.createTempFile(fileName.substring(0, dot) + "-", fileName.substring(dot));
            tmp.deleteOnExit();
            Files.copy(in, tmp.toPath(), StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.getAbsolutePath());
            loadedFrom = tmp.getAbsolutePath() + " (extracted from " + jarName() + "!" + resource + ")";
            loadedPlatform = platform;
        } catch (IOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError(
                    "mqttload: cannot extract the native library " + resource + ": " + e.getMessage());
            err.initCause(e);
            throw err;
        }
    }

    /** The library's file in the first folder of the path that has it, else the path itself. */
    static String onLibraryPath(String libraryPath, String platform) {
        String name = libraryFileName(platform);
        for (String dir : libraryPath.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, name).isFile()) {
                return new File(dir, name).getAbsolutePath();
            }
        }
        return "java.library.path (" + libraryPath + ")";
    }

    /** The platforms whose library this jar carries. */
    static List<String> supported() {
        List<String> out = new ArrayList<>();
        for (String p : KNOWN_PLATFORMS) {
            if (NativeLoader.class.getResource(resourcePath(p)) != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** The plugin jar's file name (as the user sees it in lib/ext), or a description when not from a jar. */
    static String jarName() {
        try {
            CodeSource cs = NativeLoader.class.getProtectionDomain().getCodeSource();
            URL url = cs == null ? null : cs.getLocation();
            if (url != null && url.getPath().endsWith(".jar")) {
                return new File(url.getPath()).getName();
            }
        } catch (SecurityException e) {
            // fall through
        }
        return "the mqttload plugin jar";
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

    static String missingMessage(String platform, String jar, List<String> supported) {
        return "mqttload: no native library for " + platform + " in " + jar + " (" + resourcePath(platform)
                + ", and none on java.library.path); supported: "
                + (supported.isEmpty() ? "none" : String.join(", ", supported))
                + "; see docs/platforms.md: build the jar on this platform with `make build`";
    }
}
