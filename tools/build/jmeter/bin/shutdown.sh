#!/bin/sh
# Graceful Shutdown of a non-GUI JMeter on this machine: shutdown.sh [UDP port, default 4445]
exec java -cp "$(dirname "$0")/ApacheJMeter.jar" org.apache.jmeter.util.ShutdownClient Shutdown "$@"
