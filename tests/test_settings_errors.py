"""Bad settings that used to be reported by their symptom (or not at all) fail their sample with a message
naming the setting by its label and property key: lone UTF-16 surrogates in any text, MQTT 5.0 Connect settings on a
3.x connection, an empty or bad port, U+0000 and control characters in topics and other MQTT strings.

Every case runs in ONE JMeter run of tests/plans/settings_errors.jmx (one thread per case; its header lists
the columns) against one Mosquitto; cells may hold JMeter functions such as ${__char(0xD800)}.
"""
import pytest

from conftest import PLANS, Broker, JMeterRun, describe, ok, rows_by_label

PLAN = PLANS / "settings_errors.jmx"
COLUMNS = ("case", "element", "connect_label", "version", "port", "client_id_prefix", "user_name",
           "session_expiry", "receive_maximum", "maximum_packet_size", "topic_alias_maximum",
           "request_response_info", "user_properties", "will_topic", "will_delay_interval", "will_message_expiry",
           "will_content_type", "topic", "payload")
LONE_HIGH = "${__char(0xD800)}"
NUL = "${__char(0)}"

# MQTT 5.0-only Connect settings: (property, a value that differs from its default, its label)
V5_CONNECT = [
    ("session_expiry", "60", "Session expiry"),
    ("receive_maximum", "10", "Receive maximum"),
    ("maximum_packet_size", "1024", "Maximum packet size"),
    ("topic_alias_maximum", "5", "Topic alias maximum"),
    ("request_response_info", "true", "Request response information"),
    ("user_properties", "source=mqttload", "User properties"),
    ("will_delay_interval", "5", "Delay interval"),
    ("will_message_expiry", "30", "Message expiry"),
    ("will_content_type", "text/plain", "Content type"),
]

# case -> (settings, expected response code, expected start of the response message; None = success)
CASES = {
    # controls: the plan itself works
    "ok-connect": (dict(), "200", None),
    "ok-v5-settings-on-5.0": (dict(version="5.0", session_expiry="60", user_properties="a=1"), "200", None),
    "ok-publish": (dict(element="publish", topic="mqttload/settings/ok", payload="hello"), "200", None),
    "ok-subscribe": (dict(element="subscribe", topic="mqttload/settings/ok"), "200", None),
    # 1. lone surrogates name the property (not "unreadable settings: unexpected end of hex escape ...")
    "client-id-lone-surrogate": (
        dict(client_id_prefix="conn_" + LONE_HIGH), "501",
        "Client id prefix (mqtt.client_id_prefix): contains a lone UTF-16 surrogate (U+D800) at character 6, which is not valid text"),
    "user-name-lone-surrogate": (
        dict(user_name="user${__char(0xDC00)}"), "501",
        "User name (mqtt.user_name): contains a lone UTF-16 surrogate (U+DC00) at character 5, which is not valid text"),
    "publish-topic-lone-surrogate": (
        dict(element="publish", topic="mqttload/" + LONE_HIGH), "502",
        "Topic (mqtt.topic_name): contains a lone UTF-16 surrogate (U+D800) at character 10, which is not valid text"),
    "publish-payload-lone-surrogate": (
        dict(element="publish", topic="mqttload/settings", payload="hello " + LONE_HIGH), "502",
        "Message (mqtt.message_to_sent): contains a lone UTF-16 surrogate (U+D800) at character 7, which is not valid text"),
    "subscribe-topic-lone-surrogate": (
        dict(element="subscribe", topic="mqttload/" + LONE_HIGH), "512",
        "Topics (mqtt.topic_name): contains a lone UTF-16 surrogate (U+D800) at character 10, which is not valid text"),
    # 3. port: empty (present in the plan, as the GUI saves an emptied field), not a number, out of range
    "port-empty": (dict(port=""), "501", "Port (mqtt.port): is empty; give a whole number between 1 and 65535"),
    "port-not-a-number": (dict(port="18x3"), "501", "Port (mqtt.port): not a whole number (got '18x3')"),
    "port-out-of-range": (dict(port="70000"), "501", "Port (mqtt.port): must be between 1 and 65535 (got '70000')"),
    # 4. U+0000 and control characters in MQTT strings
    "subscribe-topic-nul": (
        dict(element="subscribe", topic="mqttload/settings" + NUL), "512",
        r"Topics (mqtt.topic_name): topic filter 'mqttload/settings\u0000' contains U+0000 (NUL) at character 18, "
        "which MQTT does not allow"),
    "subscribe-topic-nul-in-list": (
        dict(element="subscribe", topic="mqttload/a, " + NUL + "mqttload/b"), "512",
        r"Topics (mqtt.topic_name): topic filter '\u0000mqttload/b' contains U+0000 (NUL) at character 1"),
    "publish-topic-nul": (
        dict(element="publish", topic="mqttload/settings" + NUL), "502",
        r"Topic (mqtt.topic_name): topic 'mqttload/settings\u0000' contains U+0000 (NUL) at character 18, "
        "which MQTT does not allow"),
    "publish-topic-control-character": (
        dict(element="publish", topic="mqttload/${__char(9)}settings"), "502",
        r"Topic (mqtt.topic_name): topic 'mqttload/\u0009settings' contains the control character U+0009 at character 10, "
        "which MQTT advises against"),
    "client-id-nul": (
        dict(client_id_prefix="conn" + NUL + "_"), "501",
        r"Client id prefix (mqtt.client_id_prefix): client id prefix 'conn\u0000_' contains U+0000 (NUL) at character 5"),
    "will-topic-nul": (
        dict(will_topic="will/" + NUL), "501", r"Will topic (mqtt.will_topic): will topic 'will/\u0000' contains U+0000 (NUL)"),
    # 2. every MQTT 5.0 Connect setting on a 3.x connection
    "v5-session-expiry-on-3.1": (
        dict(version="3.1", session_expiry="60"), "501",
        "Session expiry (mqtt.session_expiry): needs MQTT 5.0, but Version (mqtt.version) is 3.1 (got '60')"),
}
for key, value, label in V5_CONNECT:
    CASES["v5-%s-on-3.1.1" % key] = (
        {key: value}, "501",
        "%s (mqtt.%s): needs MQTT 5.0, but Version (mqtt.version) is 3.1.1 (got '" % (label, key))


class Run:
    def __init__(self, rows, run):
        self.rows, self.run = rows, run

    def row(self, label):
        found = rows_by_label(self.rows, label)
        if len(found) != 1:
            pytest.fail("%r: %d rows\n%s\n%s" % (label, len(found), describe(self.rows), self.run.diagnostics()))
        return found[0]


@pytest.fixture(scope="module")
def settings_run(build, tmp_path_factory):
    """Every case of CASES in one JMeter run against one Mosquitto."""
    d = tmp_path_factory.mktemp("settings-errors")
    broker = Broker(d).start()
    run = None
    try:
        defaults = {"element": "connect", "version": "3.1.1", "port": str(broker.port),
                    "client_id_prefix": "settings_"}
        lines = ["\t".join(COLUMNS)]
        for name, (settings, _, _) in CASES.items():
            case = dict(defaults, case=name, **settings)
            case["connect_label"] = name if case["element"] == "connect" else "connect " + name
            values = [case.get(k, "") for k in COLUMNS]
            assert not any("\t" in v or "\n" in v for v in values), values
            lines.append("\t".join(values))
        tsv = d / "cases.tsv"
        tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = JMeterRun(d, PLAN, {"cases_file": tsv, "cases": len(CASES), "broker.host": broker.host},
                        name="settings")
        yield Run(run.wait(), run)
    finally:
        if run:
            run.kill()
        broker.stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_setting_names_its_property(settings_run, case):
    settings, code, message = CASES[case]
    row = settings_run.row(case)
    if settings.get("element", "connect") != "connect":  # its Connect was fine: the error is the sampler's own
        connect = settings_run.row("connect " + case)
        assert ok(connect), describe([connect])
    if message is None:
        assert ok(row) and row["responseCode"] == code, describe([row])
        return
    assert not ok(row) and row["responseCode"] == code, describe([row])
    assert row["responseMessage"].startswith(message), "expected %r\n%s" % (message, describe([row]))
