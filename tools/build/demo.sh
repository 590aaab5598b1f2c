#!/usr/bin/env bash
# `make demo`: run examples/quickstart.jmx with the provisioned JMeter against
#   - the broker named by MQTT_BROKER=host:port, or
#   - an embedded rumqttd broker (tools/build/demo-broker, built by `make demo-broker`) on a free loopback port,
#     stopped at the end.
# JMeter settings: mqttload.properties (as users run it). Outputs: target/demo.jtl (CSV),
# target/demo-report/index.html, target/demo-jmeter.log; prints a summary.
set -euo pipefail
cd "$(dirname "$0")/../.."

JMETER=target/jmeter/bin/jmeter
PLAN=${PLAN:-examples/quickstart.jmx}
JTL=target/demo.jtl
REPORT=target/demo-report
BROKER_PID=

stop_broker() {
  if [ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BROKER_PID" 2>/dev/null || true
  fi
  BROKER_PID=
}
trap stop_broker EXIT

[ -x "$JMETER" ] || { echo "demo: $JMETER missing, run 'make build' first" >&2; exit 1; }

if [ -n "${MQTT_BROKER:-}" ]; then
  HOST=${MQTT_BROKER%:*}
  PORT=${MQTT_BROKER##*:}
  [ "$HOST" != "$MQTT_BROKER" ] || PORT=1883
  echo "demo: using broker $HOST:$PORT (MQTT_BROKER)"
else
  BROKER=target/demo-broker/release/mqttload-demo-broker
  [ -x "$BROKER" ] || { echo "demo: $BROKER missing, run 'make demo-broker'" >&2; exit 1; }
  HOST=127.0.0.1
  PORT=$(python3 tools/build/free_port.py)
  LOG=target/demo-broker.log
  "$BROKER" "$PORT" >"$LOG" 2>&1 &
  BROKER_PID=$!
  # ready once the port accepts a TCP connection
  for _ in $(seq 1 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$PORT" 2>/dev/null && break
    kill -0 "$BROKER_PID" 2>/dev/null || { echo "demo: broker exited:" >&2; cat "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$PORT" 2>/dev/null \
    || { echo "demo: broker not accepting on $PORT after 10 s" >&2; cat "$LOG" >&2; exit 1; }
  echo "demo: embedded rumqttd broker on $HOST:$PORT (pid $BROKER_PID)"
fi

rm -rf "$JTL" "$REPORT" target/demo-jmeter.log
set +e
"$JMETER" -n -t "$PLAN" -q mqttload.properties \
  -Jbroker.host="$HOST" -Jbroker.port="$PORT" \
  -l "$JTL" -j target/demo-jmeter.log -e -o "$REPORT"
RC=$?
set -e
stop_broker

if [ ! -s "$JTL" ]; then
  echo "demo: JMeter wrote no results (exit $RC); last lines of target/demo-jmeter.log:" >&2
  tail -n 40 target/demo-jmeter.log >&2 || true
  exit 1
fi
echo
python3 tools/for-users/summarize.py "$JTL"
echo
echo "HTML report: $REPORT/index.html   results: $JTL   JMeter log: target/demo-jmeter.log"
exit "$RC"
