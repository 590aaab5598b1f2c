#!/bin/sh
# Immediate Stop of a non-GUI JMeter on this machine: stoptest.sh [UDP port, default 4445]
exec java -cp "$(dirname "$0")/ApacheJMeter.jar" org.apache.jmeter.util.ShutdownClient StopTestNow "$@"
