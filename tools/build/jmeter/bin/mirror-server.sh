#!/bin/sh
# JMeter's HTTP mirror server (echoes requests back): mirror-server.sh [port, default 8081]
LIB="$(cd "$(dirname "$0")/../lib" && pwd)"
exec java $JVM_ARGS -cp "$LIB/ext/*:$LIB/*" org.apache.jmeter.protocol.http.control.HttpMirrorServer "$@"
