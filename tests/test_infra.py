"""The test infrastructure itself: provisioned JMeter, our Mosquitto fixture, JTL parsing, the plugin jar.

None of these need the native engine to work (test_plugin_jar_* needs only the build)."""
import subprocess
import zipfile

from conftest import JMETER, LIB_EXT, PLANS, REPO, as_int, read_jtl, rows_by_label
from summarize import summarize


def test_jmeter_core_plan_runs_and_writes_html_report(jmeter_only, run_jmeter):
    rows = run_jmeter(PLANS / "core_smoke.jmx", {"threads": 2, "loops": 3}, report=True)
    assert len(rows_by_label(rows, "Debug Sampler")) == 6
    assert all(r["success"] == "true" and r["responseCode"] == "200" for r in rows)
    # tools/test/jmeter-test.properties: sample counts and our variables are saved
    assert all(as_int(r["SampleCount"]) == 1 for r in rows)
    assert "MQTT_SUB_RECEIVED" in rows[0] and "MQTT_SUB_OUT_OF_ORDER" in rows[0]


def test_jmeter_report_index_html(jmeter_only, start_jmeter):
    run = start_jmeter(PLANS / "core_smoke.jmx", {"threads": 1, "loops": 2}, report=True)
    run.wait()
    index = run.report_dir / "index.html"
    assert index.is_file() and index.stat().st_size > 1000
    assert (run.report_dir / "statistics.json").is_file()


def test_jmeter_starts_without_log4j_status_warnings(jmeter_only):
    """The provisioned JMeter's log4j2.xml keeps log4j's own deprecation notices (packages="...") quiet."""
    out = subprocess.run([str(JMETER), "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "5.6.3" in out.stdout + out.stderr, out.stdout + out.stderr
    assert "StatusConsoleListener" not in out.stdout + out.stderr, out.stdout + out.stderr


def test_mosquitto_fixture_round_trip_with_mosquitto_clients(mosquitto):
    sub = subprocess.Popen(["mosquitto_sub", "-h", mosquitto.host, "-p", str(mosquitto.port),
                            "-i", "infra_sub", "-t", "infra/t", "-q", "1", "-C", "3", "-v"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        mosquitto.wait_for_log(r"Received SUBSCRIBE from infra_sub", 10, proc=sub)
        subprocess.run(["mosquitto_pub", "-h", mosquitto.host, "-p", str(mosquitto.port),
                        "-t", "infra/t", "-q", "1", "-l"], input=b"a\nb\nc\n", check=True, timeout=10)
        out, _ = sub.communicate(timeout=10)
    finally:
        if sub.poll() is None:
            sub.kill()
    assert out.decode().splitlines() == ["infra/t a", "infra/t b", "infra/t c"]
    conf = mosquitto.conf.read_text()
    assert "listener %d 127.0.0.1" % mosquitto.port in conf and "set_tcp_nodelay true" in conf


def test_summarize_reads_csv_jtl_with_unset_variables(tmp_path):
    jtl = tmp_path / "x.jtl"
    jtl.write_text(
        'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,'
        'bytes,sentBytes,grpThreads,allThreads,URL,Latency,SampleCount,ErrorCount,IdleTime,Connect,'
        '"MQTT_SUB_RECEIVED","MQTT_SUB_MEAN_US","MQTT_SUB_P50_US","MQTT_SUB_P90_US","MQTT_SUB_P99_US",'
        '"MQTT_SUB_MAX_US","MQTT_SUB_LOST","MQTT_SUB_DUPLICATES","MQTT_SUB_OUT_OF_ORDER"\n'
        '1000,10,MQTT Publish,200,"Published 100 message(s)",P 1-1,text,true,,0,1900,1,2,null,0,100,0,0,0,'
        'null,null,null,null,null,null,null,null,null\n'
        '1005,500,MQTT Subscribe,200,"Received 100 of message.",S 1-1,text,true,,1900,0,1,2,null,0,100,0,0,0,'
        '100,200,150,300,400,450,0,0,0\n'
        '1600,400,MQTT Subscribe,501,"Received 0 of message. Timed out",S 1-1,text,false,,0,0,1,2,null,0,1,1,0,0,'
        '0,,,,,,0,0,0\n'
        # JMeter repeats a thread's variables on its later samples: this Disconnect must not count
        '2000,1,MQTT Disconnect,200,"Disconnected 1 connection(s)",S 1-1,text,true,,0,0,1,2,null,0,1,0,0,0,'
        '100,200,150,300,400,450,0,0,0\n')
    rows = read_jtl(jtl)
    s = summarize(rows)
    # the empty batch's SampleCount 1 is JMeter arithmetic, not a message: 100 + 100 + 0 + 1 (Disconnect)
    assert s["samples"] == 4 and s["messages"] == 201 and s["errors"] == 1
    assert s["sub_received"] == 100 and s["sub_mean_us"] == 200 and s["sub_p50_us"] == 150
    assert s["sub_p99_us"] == 400 and s["sub_lost"] == 0
    assert s["duration_s"] == 1.001
    out = subprocess.run(["python3", str(REPO / "tools" / "for-users" / "summarize.py"), str(jtl)],
                         capture_output=True, text=True, check=True).stdout
    assert "messages     201" in out and "errors       1" in out


def test_plugin_jar_holds_classes_and_native_library(build):
    jars = sorted(LIB_EXT.glob("mqttload-jmeter-*.jar"))
    assert len(jars) == 1, jars
    names = set(zipfile.ZipFile(jars[0]).namelist())
    assert "native/linux-x86_64/libmqttload.so" in names
    for cls in ("ConnectSampler", "PublishSampler", "SubscribeSampler", "DisconnectSampler",
                "BrokerStatsSampler"):
        assert "io/mqttload/jmeter/%s.class" % cls in names
    assert "io/mqttload/jni/NativeLib.class" in names


def test_every_example_shows_a_gui_user_its_results():
    """A plan opened in the GUI shows something when run: a Summary Report (no file: nothing written by jmeter -n),
    and a View Results Tree, disabled (it holds every sample in memory), to switch on."""
    import re as _re
    for plan in sorted((REPO / "examples").glob("*.jmx")):
        text = plan.read_text()
        summary = _re.search(r'<ResultCollector guiclass="SummaryReport"[^>]*enabled="(\w+)">.*?'
                             r'<stringProp name="filename">([^<]*)</stringProp>', text, _re.S)
        tree = _re.search(r'<ResultCollector guiclass="ViewResultsFullVisualizer"[^>]*enabled="(\w+)"', text)
        assert summary and summary.group(1) == "true" and summary.group(2) == "", plan.name
        assert tree and tree.group(1) == "false", plan.name
