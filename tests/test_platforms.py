"""The plugin jar as shipped: one native library per supported platform, each built for the oldest system it
claims (glibc 2.17 on Linux), stripped; the elements registered the way JMeter 5.6 reads plugins; and the
elements usable in a JMeter that cannot load the library (only running them needs it).

The jar is the one in target/jmeter/lib/ext, built by `make test` with every platform (mvn package -Dplatforms).
A jar of `make build` has the host's library only: then the tests of the shipped libraries are skipped, unless
MQTTLOAD_REQUIRE_PLATFORMS=1 (set by `make test`) makes that a failure."""
import json
import os
import re
import struct
import subprocess
import zipfile

import pytest

from conftest import LIB_EXT, REPO, plugin_jars, rows_by_label

PLANS = REPO / "tests" / "plans"

# platform -> (file, format, machine): ELF e_machine / PE COFF machine
PLATFORMS = {
    "linux-x86_64": ("libmqttload.so", "elf", 62),
    "linux-aarch64": ("libmqttload.so", "elf", 183),
    "windows-x86_64": ("mqttload.dll", "pe", 0x8664),
}
GLIBC_MAX = (2, 17)
# stripped, dist profile (whole-library LTO): Windows 7.5 MB, December 2026, with the rate finder and clock
# offsets (thin LTO had it at 8.3 MB; the regex crate alone was 1.6 MB: reply checks use regex-lite). The budget
# keeps the one jar every platform shares a quick download: a size past it is a dependency to question.
MAX_LIBRARY_BYTES = 8 * 1024 * 1024
KINDS = ("Connect", "Publish", "Subscribe", "Unsubscribe", "Disconnect", "BrokerStats", "Request", "Responder",
         "RateFinder")
GUIS = ["io.mqttload.jmeter.gui.%sSamplerGui" % k for k in KINDS]
ELEMENTS = ["io.mqttload.jmeter.%sSampler" % k for k in KINDS]
# the elements examples/mqtt5.jmx holds
MQTT5_ELEMENTS = ["io.mqttload.jmeter.%sSampler" % k for k in ("Connect", "Publish", "Subscribe", "Disconnect")]


@pytest.fixture(scope="module")
def jar(build):
    jars = plugin_jars()
    assert len(jars) == 1, jars
    return zipfile.ZipFile(jars[0])


@pytest.fixture(scope="module")
def libraries(jar, tmp_path_factory):
    """platform -> the library extracted from the jar (a Path)."""
    out = tmp_path_factory.mktemp("native")
    found = {}
    for platform, (name, _, _) in PLATFORMS.items():
        entry = "native/%s/%s" % (platform, name)
        if entry in jar.namelist():
            path = out / platform / name
            path.parent.mkdir()
            path.write_bytes(jar.read(entry))
            found[platform] = path
    missing = [p for p in PLATFORMS if p not in found]
    if missing and os.environ.get("MQTTLOAD_REQUIRE_PLATFORMS") != "1":
        pytest.skip("the jar has no library for %s (a `make build` jar?); `make platforms` builds the one "
                    "that ships" % ", ".join(missing))
    return found


def machine(path, fmt):
    data = path.read_bytes()
    if fmt == "elf":
        assert data[:4] == b"\x7fELF" and data[4] == 2, "%s: not a 64-bit ELF file" % path
        return struct.unpack_from("<H", data, 18)[0]
    assert data[:2] == b"MZ", "%s: not a PE file" % path
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[pe:pe + 4] == b"PE\0\0", "%s: no PE header" % path
    return struct.unpack_from("<H", data, pe + 4)[0]


def test_jar_holds_a_library_for_every_platform(jar, libraries):
    names = set(jar.namelist())
    missing = [p for p in PLATFORMS if p not in libraries]
    assert not missing, "no library for %s in the jar; it has: %s" % (
        missing, sorted(n for n in names if n.startswith("native/")))
    for platform, (_, fmt, expected) in PLATFORMS.items():
        assert machine(libraries[platform], fmt) == expected, platform


def test_libraries_are_stripped_and_small(libraries):
    for platform, path in libraries.items():
        size = path.stat().st_size
        assert size <= MAX_LIBRARY_BYTES, "%s: %d bytes" % (platform, size)
        # `objdump -t` reads the static symbol table (ELF .symtab, PE COFF symbols); stripped, there is none
        symbols = subprocess.run(["objdump", "-t", str(path)], capture_output=True, text=True, check=True).stdout
        assert "no symbols" in symbols, "%s is not stripped: %s" % (platform, symbols[:500])
        sections = subprocess.run(["objdump", "-h", str(path)], capture_output=True, text=True, check=True).stdout
        assert ".debug_" not in sections, "%s carries debug information" % platform


def glibc_versions(path):
    out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=True).stdout
    return {tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", out)}


@pytest.mark.parametrize("platform", ["linux-x86_64", "linux-aarch64"])
def test_linux_library_needs_glibc_2_17_at_most(libraries, platform):
    versions = glibc_versions(libraries[platform])
    assert versions, "objdump -T found no GLIBC symbol versions in %s" % platform
    newest = max(versions)
    assert newest <= GLIBC_MAX, "%s needs GLIBC_%s" % (platform, ".".join(map(str, newest)))
    # and the JNI entry points are exported
    out = subprocess.run(["objdump", "-T", str(libraries[platform])], capture_output=True, text=True).stdout
    assert "Java_io_mqttload_jni_NativeLib_version" in out


def test_windows_library_needs_only_system_dlls(libraries):
    """No MinGW runtime DLL (libgcc_s, libwinpthread) to ship beside it: Windows itself has every import."""
    out = subprocess.run(["objdump", "-p", str(libraries["windows-x86_64"])], capture_output=True, text=True,
                         check=True).stdout
    dlls = {d.lower() for d in re.findall(r"DLL Name: (\S+)", out)}
    assert dlls, out[:2000]
    runtime = {d for d in dlls if d.startswith(("libgcc", "libwinpthread", "libstdc++"))}
    assert not runtime, "needs MinGW runtime DLLs: %s" % sorted(runtime)
    assert "Java_io_mqttload_jni_NativeLib_version" in out


def test_jar_registers_elements_for_jmeter_5_6(jar):
    manifest = jar.read("META-INF/MANIFEST.MF").decode()
    assert re.search(r"^JMeter-Skip-Class-Scanning: true\r?$", manifest, re.M), manifest
    listed = jar.read("META-INF/services/org.apache.jmeter.gui.JMeterGUIComponent").decode().split()
    assert sorted(listed) == sorted(GUIS)
    names = set(jar.namelist())
    for cls in listed:
        assert cls.replace(".", "/") + ".class" in names


def test_jmeter_menus_still_find_the_elements(build, tmp_path):
    """JMeter 5.6.3 builds its Add menus by scanning the jars (MenuFactory -> ClassFinder.findClassesThatExtend),
    which ignores JMeter-Skip-Class-Scanning; the attribute only skips the @JMeterService lookups."""
    probe = tmp_path / "MenuScan.java"
    probe.write_text("""
import org.apache.jmeter.gui.JMeterGUIComponent;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jorphan.reflect.ClassFinder;
public class MenuScan {
    @SuppressWarnings("deprecation")
    public static void main(String[] args) throws Exception {
        for (String c : ClassFinder.findClassesThatExtend(args, new Class<?>[] {JMeterGUIComponent.class, TestBean.class})) {
            if (c.startsWith("io.mqttload.")) System.out.println(c);
        }
    }
}
""")
    lib = LIB_EXT.parent
    out = subprocess.run(["java", "-Djava.awt.headless=true", "-cp", "%s/*:%s/*" % (lib, LIB_EXT), str(probe), str(LIB_EXT)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert sorted(out.stdout.split()) == sorted(GUIS), out.stdout + out.stderr


def test_elements_open_edit_and_save_without_the_library(build, start_jmeter, tmp_path):
    """A JMeter on a platform with no bundled library (os.arch riscv64): our elements load from a plan, go
    through their GUIs and save; only running one fails, naming the platform."""
    saved = tmp_path / "saved.jmx"
    run = start_jmeter(PLANS / "no_library.jmx",
                       {"plan.in": REPO / "examples" / "mqtt5.jmx", "plan.out": saved},
                       args=["-Dos.arch=riscv64", "-Djava.awt.headless=true"])
    rows = run.wait()
    edit = rows_by_label(rows, "Edit plan")
    assert len(edit) == 1 and edit[0]["success"] == "true", (edit, run.diagnostics())
    text = saved.read_text()
    for cls in MQTT5_ELEMENTS:
        assert re.search(r'<%s guiclass="%s"[^>]*testname="[^"]* \(edited\)"'
                         % (re.escape(cls), re.escape(cls.replace("jmeter.", "jmeter.gui.") + "Gui")), text), cls
    # the GUIs kept what the plan said (e.g. the 5.0 settings of examples/mqtt5.jmx)
    assert "$share/mqttload/mqttload/v5" in text and '<stringProp name="mqtt.version">5.0</stringProp>' in text
    connect = rows_by_label(rows, "MQTT Connect")
    assert len(connect) == 1 and connect[0]["success"] == "false", connect
    assert "no native library for linux-riscv64" in connect[0]["responseMessage"], connect


def test_plugins_manager_descriptor():
    """plugins-manager.json: the entry for jmeter-plugins.org's repository, true to this build."""
    entries = json.loads((REPO / "plugins-manager.json").read_text())
    assert isinstance(entries, list) and len(entries) == 1
    e = entries[0]
    for key in ("id", "name", "description", "helpUrl", "vendor", "markerClass", "componentClasses", "versions"):
        assert e.get(key), key
    assert e["markerClass"] in GUIS
    assert sorted(e["componentClasses"]) == sorted(ELEMENTS + GUIS)
    version = re.search(r"^  <version>(.*)</version>", (REPO / "pom.xml").read_text(), re.M).group(1)
    assert version in e["versions"], (version, list(e["versions"]))
    v = e["versions"][version]
    # the release archive (make dist): its paths are JMeter's, which the Plugins Manager unpacks zips into
    assert v["downloadUrl"].endswith("/mqttload-%s.zip" % version)
    assert v["libs"] == {} and v["depends"] == []
    assert v["minJmeterVersion"] == "5.6"


def test_license_matches_the_pom(jar):
    pom = (REPO / "pom.xml").read_text()
    assert "<name>Apache-2.0</name>" in pom
    text = (REPO / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert jar.read("META-INF/LICENSE").decode() == text
    assert 'license = "Apache-2.0"' in (REPO / "native" / "Cargo.toml").read_text()
