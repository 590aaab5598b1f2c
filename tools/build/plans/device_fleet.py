"""Writes examples/device-fleet.jmx (kept as generated XML; edit the plan in JMeter's GUI or here)."""
P = lambda name, default: "${__P(%s,%s)}" % (name, default)
HOST, PORT, VER = P("broker.host", "localhost"), P("broker.port", "1883"), P("mqtt_version", "3.1.1")
DEVICES, PER_THREAD = P("devices", "1000"), P("per_thread", "100")
THREADS = "${__jexl3(%s / %s)}" % (DEVICES, PER_THREAD)
# the fleet's connect rate, shared by the device threads (each thread's group ramps at its share)
GROUP_RATE = "${__jexl3(%s / (%s / %s))}" % (P("connect_rate", "500"), DEVICES, PER_THREAD)
DURATION_MS = "${__jexl3(%s * 1000)}" % P("duration_s", "60")
# windows of 1 s for the backend and the statistics: connect ramp + settle + duration + tail
WINDOWS = "${__jexl3(%s / %s + %s / 1000 + %s + %s)}" % (DEVICES, P("connect_rate", "500"), P("settle_ms", "3000"),
                                                       P("duration_s", "60"), P("tail_s", "10"))
# a device's client id: d<thread>-<n>, so the commander can name every device (no random suffix)
DEVICE_ID = "d${__threadNum}-{{conn}}"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def props(d, indent):
    out = []
    for k, v in d.items():
        if isinstance(v, bool):
            out.append('%s<boolProp name="%s">%s</boolProp>' % (indent, k, "true" if v else "false"))
        else:
            out.append('%s<stringProp name="%s">%s</stringProp>' % (indent, k, esc(str(v))))
    return "\n".join(out)


class Node:
    def __init__(self, xml_open, xml_close, children=()):
        self.open, self.close, self.children = xml_open, xml_close, list(children)

    def render(self, depth):
        ind = "  " * depth
        body = "\n".join(c.render(depth + 1) for c in self.children)
        head = "\n".join(ind + line if line else line for line in self.open.split("\n"))
        tree = "%s<hashTree>\n%s%s</hashTree>" % (ind, body + "\n" if body else "", ind) if self.children \
            else "%s<hashTree/>" % ind
        return "%s\n%s%s\n%s" % (head, ind, self.close, tree) if self.close else "%s\n%s" % (head, tree)


def element(tag, gui, test, name, values, children=(), comment=None):
    attrs = 'guiclass="%s" testclass="%s" testname="%s" enabled="true"' % (gui, test, esc(name))
    inner = props(values, "  ")
    if comment:
        inner = props({"TestPlan.comments": comment}, "  ") + ("\n" + inner if inner else "")
    return Node("<%s %s>\n%s" % (tag, attrs, inner), "</%s>" % tag, children)


def mqtt(kind, name, values, comment=None):
    return element("io.mqttload.jmeter.%sSampler" % kind, "io.mqttload.jmeter.gui.%sSamplerGui" % kind,
                   "io.mqttload.jmeter.%sSampler" % kind, name, values, comment=comment)


def connect(name, prefix, connections, rate="", scope="thread", identity=None):
    """identity: the devices' own settings (client id without suffix, user name, password, identity file)."""
    values = {
        "mqtt.server": HOST, "mqtt.port": PORT, "mqtt.version": VER, "mqtt.protocol": "TCP",
        "mqtt.user_name": "${__P(mqtt.user_name,)}", "mqtt.password": "${__P(mqtt.password,)}",
        "mqtt.client_id_prefix": prefix, "mqtt.client_id_suffix": True,
        "mqtt.conn_keep_alive": P("keep_alive_s", "60"), "mqtt.conn_timeout": "30",
        "mqtt.conn_capacity": connections, "mqtt.connect_rate": rate, "mqtt.connection_scope": scope}
    values.update(identity or {})
    return mqtt("Connect", name, values)


def pause(name, ms):
    return element("TestAction", "TestActionGui", "TestAction", name,
                   {"ActionProcessor.duration": ms}).with_ints({"ActionProcessor.action": 1,
                                                               "ActionProcessor.target": 0})


def _with_ints(self, ints):
    extra = "\n".join('  <intProp name="%s">%d</intProp>' % kv for kv in ints.items())
    first, rest = self.open.split("\n", 1) if "\n" in self.open else (self.open, "")
    self.open = first + "\n" + extra + ("\n" + rest if rest else "")
    return self


Node.with_ints = _with_ints


def loop(name, count, children):
    return element("LoopController", "LoopControlPanel", "LoopController", name,
                   {"LoopController.loops": count, "LoopController.continue_forever": True}, children)


def if_controller(name, condition, children):
    return element("IfController", "IfControllerPanel", "IfController", name,
                   {"IfController.condition": condition, "IfController.evaluateAll": False,
                    "IfController.useExpression": True}, children)


def thread_group(name, threads, children, comment):
    main = ('<elementProp name="ThreadGroup.main_controller" elementType="LoopController" '
            'guiclass="LoopControlPanel" testclass="LoopController" testname="Loop Controller" enabled="true">\n'
            '  <stringProp name="LoopController.loops">1</stringProp>\n'
            '  <boolProp name="LoopController.continue_forever">false</boolProp>\n</elementProp>')
    tg = element("ThreadGroup", "ThreadGroupGui", "ThreadGroup", name, {
        "ThreadGroup.on_sample_error": "continue", "ThreadGroup.num_threads": threads,
        "ThreadGroup.ramp_time": "0", "ThreadGroup.scheduler": False, "ThreadGroup.duration": "",
        "ThreadGroup.delay": "", "ThreadGroup.same_user_on_next_iteration": True}, children, comment)
    first, rest = tg.open.split("\n", 1)
    tg.open = first + "\n" + "\n".join("  " + l for l in main.split("\n")) + "\n" + rest
    return tg


TELEMETRY = ('{"device":"{{client_id}}","seq":{{seq}},"ts":{{time_ms}},"temp":{{random:150:350}},'
             '"pad":"${__RandomString(%s,abcdef0123456789)}"}') % P("pad_bytes", "16")

DEVICE_IDENTITY = {
    "mqtt.client_id_suffix": False,
    # each device logs in as itself: user name = its client id, password pw-<client id>, unless the run says
    # otherwise (-Jdevice_user=... -Jdevice_password=..., templates allowed) or gives an identity file
    "mqtt.user_name": P("device_user", "{{client_id}}"),
    "mqtt.password": P("device_password", "pw-{{client_id}}"),
    "mqtt.identity_file": P("identity_file", ""),
    "mqtt.identity_first_row": P("identity_first_row", "0"),
}

devices = thread_group("Devices", THREADS, [
    connect("Connect devices", DEVICE_ID, PER_THREAD, GROUP_RATE, identity=DEVICE_IDENTITY),
    loop("phases", "2", [
        mqtt("Responder", "Device commands", {
            "mqtt.responder_topic": "devices/{{client_id}}/cmd", "mqtt.responder_qos": "1",
            "mqtt.responder_timeout": "30000", "mqtt.reply_delay_ms": P("reply_delay_ms", "0"),
            "mqtt.responder_window_ms": "500", "mqtt.reply_payload": '{"ok":true,"device":"{{client_id}}"}'}),
        if_controller("first phase: publish telemetry", "${__jexl3(${__jm__phases__idx} == 0)}", [
            pause("Settle (every device and the backend subscribed)", P("settle_ms", "3000")),
            mqtt("Publish", "Telemetry", {
                "mqtt.topic_name": "devices/{{client_id}}/telemetry", "mqtt.qos_level": P("qos", "1"),
                "mqtt.message_type": "String", "mqtt.message_to_sent": TELEMETRY,
                "mqtt.timestamp_format": "precise", "mqtt.pace_mode": "interval",
                "mqtt.pace_interval_ms": P("interval_ms", "10000"), "mqtt.pace_duration_ms": DURATION_MS,
                "mqtt.ack_timeout": "30000"}),
            pause("Tail (commands and telemetry still on their way)", "${__jexl3(%s * 1000)}" % P("tail_s", "10")),
        ]),
    ]),
    mqtt("Disconnect", "Disconnect devices", {}),
], "Each thread is a group of per_thread devices (connections) d<thread>-<n>, each logging in as itself: they "
   "connect at the fleet's connect_rate, answer the commands sent to devices/<id>/cmd (MQTT Responder, in the "
   "background from its first sample on), publish telemetry to devices/<id>/telemetry every interval_ms for "
   "duration_s (paced by the engine, start times spread), then report the commands they answered.")

backend = thread_group("Backend", "1", [
    connect("Connect backend", "backend_", P("backend_connections", "1")),
    loop("one window a second", WINDOWS, [
        mqtt("Subscribe", "Backend telemetry", {
            "mqtt.topic_name": "$share/backend/devices/+/telemetry", "mqtt.qos_level": P("qos", "1"),
            "mqtt.sample_condition": "specified elapsed time (ms)", "mqtt.sample_condition_value": "1000",
            "mqtt.add_timestamp": True}),
    ]),
    mqtt("Disconnect", "Disconnect backend", {}),
], "The backend collects every device's telemetry through a shared subscription ($share/backend/...): "
   "one sample a second, so the dashboard draws the arrival rate and latency over time.")

stats = thread_group("Broker statistics", "1", [
    loop("one sample a second", WINDOWS, [
        mqtt("BrokerStats", "Broker statistics", {
            "mqtt.server": HOST, "mqtt.port": PORT, "mqtt.version": VER, "mqtt.protocol": "TCP",
            "mqtt.user_name": "${__P(mqtt.user_name,)}", "mqtt.password": "${__P(mqtt.password,)}",
            "mqtt.sys_topic_root": P("sys_root", "$SYS/broker")}),
        element("ConstantTimer", "ConstantTimerGui", "ConstantTimer", "1 s", {"ConstantTimer.delay": "1000"}),
    ]),
], "The broker's own figures from $SYS every second (Mosquitto publishes them every sys_interval seconds, "
   "10 by default).")

commander = thread_group("Commands", "1", [
    connect("Connect commander", "commander_", "1"),
    pause("Wait until the devices listen", "${__jexl3(%s / %s * 1000 + %s)}" % (
        DEVICES, P("connect_rate", "500"), P("settle_ms", "3000"))),
    loop("commands", "${__jexl3(%s / %s)}" % (DEVICES, P("command_every", "10")), [
        mqtt("Request", "Command", {
            "mqtt.request_topic": "devices/d${__jexl3(1 + ${__jm__commands__idx} * %s / %s)}-"
                                  "${__jexl3(${__jm__commands__idx} * %s %% %s)}/cmd" % (
                                      P("command_every", "10"), PER_THREAD, P("command_every", "10"), PER_THREAD),
            "mqtt.request_qos": "1", "mqtt.requests_per_sample": "1",
            "mqtt.reply_timeout": P("command_timeout_ms", "5000"),
            "mqtt.request_payload": '{"cmd":"set-interval","seconds":30}',
            "mqtt.reply_topic": "replies/{{client_id}}",
            "mqtt.reply_check": "contains", "mqtt.reply_check_value": '"ok":true'}),
    ]),
    mqtt("Disconnect", "Disconnect commander", {}),
], "Sends one command to every command_every-th device (d<thread>-<n> in order), QoS 1, as a request: each "
   "sample waits for that device's reply and times the round trip.")

plan = element("TestPlan", "TestPlanGui", "TestPlan", "mqttload device fleet", {
    "TestPlan.functional_mode": False, "TestPlan.serialize_threadgroups": False,
    "TestPlan.tearDown_on_shutdown": True, "TestPlan.user_define_classpath": ""},
    [devices, backend, stats, commander],
    "Device fleet (docs/device-fleet.md). mqtt.user_name and mqtt.password are the backend's, commander's and "
    "statistics' login; device_user and device_password each device's.")

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!--
  The device-fleet test (docs/device-fleet.md). Generated by tools/build/plans/device_fleet.py; open it in
  JMeter's GUI as any plan. jmeter -n -t examples/device-fleet.jmx -q mqttload.properties -Jdevices=10000 ...
-->
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
"""
root = plan.render(2)
# the TestPlan's own tree holds the thread groups
import os
import sys
out = HEADER + root + "\n  </hashTree>\n</jmeterTestPlan>\n"
# what a GUI user looks at: a Summary Report, and a View Results Tree to enable
LISTENERS = """
      <ResultCollector guiclass="SummaryReport" testclass="ResultCollector" testname="Summary Report" enabled="true">
        <stringProp name="TestPlan.comments">What JMeter's GUI shows of a run: samples, response times, errors and throughput per element (MQTT bursts and batches; messages are in the JTL's SampleCount and the dashboard's MQTT graphs). Costs nothing in jmeter -n runs: it writes no file.</stringProp>
        <boolProp name="ResultCollector.error_logging">false</boolProp>
        <stringProp name="filename"></stringProp>
      </ResultCollector>
      <hashTree/>
      <ResultCollector guiclass="ViewResultsFullVisualizer" testclass="ResultCollector" testname="View Results Tree" enabled="false">
        <stringProp name="TestPlan.comments">Enable it in the GUI to see each sample's response (Subscribe: tick Put received payloads in the response data). Disabled: it holds every sample in memory.</stringProp>
        <boolProp name="ResultCollector.error_logging">false</boolProp>
        <stringProp name="filename"></stringProp>
      </ResultCollector>
      <hashTree/>"""
out = out.replace("</TestPlan>\n    <hashTree>", "</TestPlan>\n    <hashTree>" + LISTENERS, 1)
# every property with its default, at the end of the Test Plan comment (as every example has them)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import example_props  # noqa: E402
out = example_props.with_comment(out, example_props.properties(out))
open(sys.argv[1], "w").write(out)
