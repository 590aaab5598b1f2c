#!/bin/sh
# Makes rmi_keystore.jks (alias rmi, password changeit, valid 7 days) in the current folder: the key pair
# JMeter's controller and server engines use for RMI over TLS (distributed mode without
# server.rmi.ssl.disable=true). Copy it into every engine's bin/ (or name it in server.rmi.ssl.keystore.file).
# keytool asks for the certificate's name; extra arguments go to keytool (e.g. -dname "CN=rmi").
keytool -genkeypair -keyalg RSA -keysize 2048 -alias rmi -keystore rmi_keystore.jks -storepass changeit \
  -keypass changeit -validity 7 "$@" || exit 1
echo "Copy rmi_keystore.jks into every JMeter's bin/ folder, or name it in the property server.rmi.ssl.keystore.file"
