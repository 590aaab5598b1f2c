#!/usr/bin/env python3
"""Packs the release archive, target/archive/mqttload-<version>.zip, from the multi-platform jar that
`make platforms` (or `make test`) built. Its paths are those of a JMeter installation, so it unpacks into
JMeter's home directory as it is, and JMeter Plugins Manager installs it the same way:

    lib/ext/mqttload-jmeter-<version>.jar     the plugin: every element, a native library per platform
    bin/mqttload.properties                   the results settings (-q bin/mqttload.properties)
    bin/examples/mqttload/*.jmx, README.md    the example plans and what their properties are
    bin/mqttload/summarize.py                 a JTL's MQTT figures in a few lines
    bin/mqttload/mqttload-dashboard.json      the Grafana dashboard
    bin/mqttload/xmeter-upgrade.properties    lines for bin/upgrade.properties (XMeter plans open as ours)
    licenses/mqttload/LICENSE
    MQTTLOAD-INSTALL.txt                      what to do with it

    python3 tools/build/dist.py            (make dist)
"""
import re
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def version():
    return re.search(r"^  <version>(.*)</version>", (REPO / "pom.xml").read_text(), re.M).group(1)


def contents(v):
    """archive path -> file in the repository (or bytes)."""
    jar = REPO / "target" / ("mqttload-jmeter-%s.jar" % v)
    if not jar.is_file():
        sys.exit("dist: %s is missing: make platforms builds it" % jar.relative_to(REPO))
    with zipfile.ZipFile(jar) as z:
        platforms = sorted({n.split("/")[1] for n in z.namelist() if n.startswith("native/") and n.count("/") == 2
                            and not n.endswith("/")})
    if len(platforms) < 3:
        sys.exit("dist: the jar holds the libraries of %s only: build it with `make platforms`" % platforms)
    files = {
        "lib/ext/mqttload-jmeter-%s.jar" % v: jar,
        "bin/mqttload.properties": REPO / "mqttload.properties",
        "bin/mqttload/summarize.py": REPO / "tools" / "for-users" / "summarize.py",
        "bin/mqttload/mqttload-dashboard.json": REPO / "tools" / "for-users" / "grafana" / "mqttload-dashboard.json",
        "bin/mqttload/xmeter-upgrade.properties": REPO / "tools" / "for-users" / "xmeter-upgrade.properties",
        "licenses/mqttload/LICENSE": REPO / "LICENSE",
        "bin/examples/mqttload/README.md": REPO / "examples" / "README.md",
    }
    for plan in sorted((REPO / "examples").glob("*.jmx")):
        files["bin/examples/mqttload/" + plan.name] = plan
    install = (REPO / "tools" / "build" / "dist" / "INSTALL.txt").read_text()
    files["MQTTLOAD-INSTALL.txt"] = install.replace("@VERSION@", v).replace(
        "@PLATFORMS@", ", ".join(platforms)).encode()
    return files


def main():
    v = version()
    out = REPO / "target" / "archive" / ("mqttload-%s.zip" % v)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, src in sorted(contents(v).items()):
            data = src if isinstance(src, bytes) else src.read_bytes()
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name.endswith(".py") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(out)
    print("dist: %s (%.1f MB)" % (out.relative_to(REPO), out.stat().st_size / 1e6))


if __name__ == "__main__":
    main()
