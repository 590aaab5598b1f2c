"""The release archive as a user gets it (target/archive/mqttload-<version>.zip, `make dist`; `make test` packs it
from the multi-platform jar): unpacked into a fresh JMeter (a copy of the provisioned one without our jar), the
quickstart runs as MQTTLOAD-INSTALL.txt says, with nothing from the repository but the archive: the plan, the
results settings and summarize.py all come out of it, the dashboard gets its MQTT graphs.

Without an archive (a `make build` tree) the test is skipped, unless MQTTLOAD_REQUIRE_PLATFORMS=1 (`make test`)."""
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from conftest import JMETER, REPO, as_int, describe, ok, read_jtl, rows_by_label

VERSION = re.search(r"^  <version>(.*)</version>", (REPO / "pom.xml").read_text(), re.M).group(1)
ARCHIVE = REPO / "target" / "archive" / ("mqttload-%s.zip" % VERSION)


@pytest.fixture
def archive(build):
    if not ARCHIVE.is_file():
        if os.environ.get("MQTTLOAD_REQUIRE_PLATFORMS") == "1":
            pytest.fail("%s is missing: `make test` packs it (tools/build/dist.py)" % ARCHIVE)
        pytest.skip("no release archive: `make dist` makes it")
    return zipfile.ZipFile(ARCHIVE)


def test_the_archive_holds_what_a_user_needs_at_jmeters_paths(archive):
    names = set(archive.namelist())
    for name in ("lib/ext/mqttload-jmeter-%s.jar" % VERSION, "bin/mqttload.properties",
                 "bin/examples/mqttload/quickstart.jmx", "bin/examples/mqttload/README.md",
                 "bin/mqttload/summarize.py", "bin/mqttload/mqttload-dashboard.json",
                 "bin/mqttload/xmeter-upgrade.properties", "licenses/mqttload/LICENSE", "MQTTLOAD-INSTALL.txt"):
        assert name in names, name
    plans = {p.name for p in (REPO / "examples").glob("*.jmx")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("bin/examples/mqttload/") and n.endswith(".jmx")} \
        == plans
    jar = zipfile.ZipFile(archive.open("lib/ext/mqttload-jmeter-%s.jar" % VERSION))
    for lib in ("native/linux-x86_64/libmqttload.so", "native/linux-aarch64/libmqttload.so",
                "native/windows-x86_64/mqttload.dll"):
        assert lib in jar.namelist(), lib
    install = archive.read("MQTTLOAD-INSTALL.txt").decode()
    assert "@" not in install and VERSION in install and "linux-aarch64" in install, install
    # the Plugins Manager's entry names this archive (it unpacks zips into JMeter's home too)
    assert ("/mqttload-%s.zip" % VERSION) in (REPO / "plugins-manager.json").read_text()


def test_a_fresh_jmeter_runs_the_quickstart_as_install_says(archive, mosquitto, tmp_path):
    home = tmp_path / "apache-jmeter"
    shutil.copytree(JMETER.parent.parent, home, symlinks=True)
    for jar in (home / "lib" / "ext").glob("mqttload-jmeter-*.jar"):
        jar.unlink()  # a JMeter that never had the plugin
    archive.extractall(home)
    for script in (home / "bin").glob("*"):
        if script.is_file() and not script.suffix:
            script.chmod(0o755)
    install = (home / "MQTTLOAD-INSTALL.txt").read_text()
    # the command as INSTALL.txt writes it, with this test's broker
    command = re.search(r"\n    (bin/jmeter -n .*?)\n\n", install, re.S).group(1).replace("\\\n", " ")
    args = command.split()
    args = [a.replace("localhost", mosquitto.host).replace("1883", str(mosquitto.port)) for a in args]
    out = subprocess.run(args, cwd=str(home), capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = read_jtl(home / "quickstart.jtl")
    assert all(ok(r) for r in rows), describe(rows)
    subs = rows_by_label(rows, "MQTT Subscribe")
    assert len(subs) == 10 and sum(as_int(r["MQTT_SUB_RECEIVED"]) for r in subs) == 1000, describe(subs)
    assert all(as_int(r["MQTT_SUB_P99_US"]) > 0 for r in subs), describe(subs)
    js = (home / "quickstart-report" / "content" / "js" / "customGraph.js").read_text(encoding="utf-8")
    assert "custom_mqtt_1_messages" in js and "custom_mqtt_2_latency" in js
    summary = subprocess.run(["python3", "bin/mqttload/summarize.py", "quickstart.jtl"], cwd=str(home),
                             capture_output=True, text=True, check=True).stdout
    assert "subscribe    received 1000 " in summary and "lost 0 " in summary, summary
