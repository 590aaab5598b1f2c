"""User name and password against a Mosquitto password file (`auth_broker`: allow_anonymous false).

Refusals run in the shared `connect_matrix` JMeter run (tests/conftest.py: matrix_cases)."""
import socket

import pytest

from conftest import (CONNECT_PLAN, USER_NAME, USER_PASSWORD, assert_failed_connect, assert_round_trip,
                      connect_props)


def test_connack_server_answers_connect_with_its_code(connack_server):
    srv = connack_server(4)
    connect = b"\x10\x10\x00\x04MQTT\x04\x02\x00\x3c\x00\x04abcd"
    with socket.create_connection((srv.host, srv.port), timeout=5) as s:
        s.sendall(connect)
        assert s.recv(4) == b"\x20\x02\x00\x04"


def test_right_credentials_round_trip(build, auth_broker, run_jmeter):
    rows = run_jmeter(CONNECT_PLAN, connect_props("127.0.0.1", auth_broker.port, roundtrip=True, user=USER_NAME,
                                                  password=USER_PASSWORD, topic="auth/ok", prefix="auth_ok_",
                                                  count=100))
    assert_round_trip(rows, 100)


@pytest.mark.parametrize("case", ["auth-wrong-password", "auth-unknown-user", "auth-no-credentials"])
def test_mosquitto_refuses_wrong_credentials_with_connack_5(connect_matrix, case):
    """Mosquitto 2.0 answers a failed password check (and a missing one) with CONNACK 5, not 4."""
    c = connect_matrix[case]
    assert_failed_connect(c, "not authorized (CONNACK return code 5)")
    password = connect_matrix.cases[case].get("password", "")
    if password:
        assert password not in c["responseMessage"]


def test_bad_user_name_or_password_connack_4(connect_matrix):
    """A broker answering CONNACK 4 (a fake one here; e.g. HiveMQ or EMQX do): the code in words."""
    c = connect_matrix["connack-4"]
    assert_failed_connect(c, "bad user name or password (CONNACK return code 4)")
    assert "not-the-password" not in c["responseMessage"]
