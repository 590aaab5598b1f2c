"""examples/quickstart.jmx against our Mosquitto: 10 bursts of 100 QoS 1 messages, 10 batches of 100 received."""
from conftest import EXAMPLES, as_int, describe, ok, rows_by_label


def test_quickstart_all_samples_ok_and_1000_messages_round_trip(build, mosquitto, run_jmeter):
    rows = run_jmeter(EXAMPLES / "quickstart.jmx", mosquitto.props)
    assert rows, "no samples"
    assert all(ok(r) for r in rows), "failed samples:\n" + describe([r for r in rows if not ok(r)])

    connects = rows_by_label(rows, "MQTT Connect")
    pubs = rows_by_label(rows, "MQTT Publish")
    subs = rows_by_label(rows, "MQTT Subscribe")
    discs = rows_by_label(rows, "MQTT Disconnect")
    assert len(connects) == 2 and len(discs) == 2
    assert len(pubs) == 10 and len(subs) == 10, describe(rows)

    published = sum(as_int(r["SampleCount"]) for r in pubs)
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    assert published == 1000
    assert received == 1000, describe(subs)

    for r in subs:
        mean = as_int(r["MQTT_SUB_MEAN_US"])
        assert mean is not None and mean > 0, describe([r])
        assert as_int(r["MQTT_SUB_LOST"]) == 0, describe([r])
        assert r["MQTT_SUB_ARRIVAL_RATE"] == "1.000000", describe([r])
        assert as_int(r["MQTT_SUB_DUPLICATES"]) == 0, describe([r])
        p50, p99, mx = (as_int(r[k]) for k in ("MQTT_SUB_P50_US", "MQTT_SUB_P99_US", "MQTT_SUB_MAX_US"))
        assert 0 < p50 <= p99 <= mx, describe([r])


def test_quickstart_report_dashboard(build, mosquitto, start_jmeter):
    run = start_jmeter(EXAMPLES / "quickstart.jmx", mosquitto.props, report=True)
    rows = run.wait()
    assert rows and (run.report_dir / "index.html").is_file()



def test_quickstart_takes_credentials_from_properties(build, auth_broker, start_jmeter, tmp_path):
    """Every example reads mqtt.user_name / mqtt.password with __P: the same plan runs against a broker that
    refuses anonymous clients. Given in a -q file (as README advises: JMeter itself logs -J values), the password
    appears in no result and not in jmeter.log."""
    from conftest import USER_NAME, USER_PASSWORD
    secrets = tmp_path / "secrets.properties"
    secrets.write_text("mqtt.user_name=%s\nmqtt.password=%s\n" % (USER_NAME, USER_PASSWORD))
    props = dict(auth_broker.props, **{"broker.port": str(auth_broker.ports["tcp"])})
    run = start_jmeter(EXAMPLES / "quickstart.jmx", props, args=("-q", str(secrets)))
    rows = run.wait()
    assert rows and all(ok(r) for r in rows), describe([r for r in rows if not ok(r)])
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in rows_by_label(rows, "MQTT Subscribe"))
    assert received == 1000
    assert not any(USER_PASSWORD in v for r in rows for v in r.values() if v)
    assert USER_PASSWORD not in run.log.read_text(errors="replace")
