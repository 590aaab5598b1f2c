#!/bin/sh
# Makes rmi_keystore.jks (alias rmi, password changeit, valid 7 days) in the current folder: the key pair
# JMeter's controller and server engines use for RMI over TLS (distributed mode without
# server.rmi.ssl.disable=true). JMeter looks for it in the folder it is started from, or where the property
# server.rmi.ssl.keystore.file says; every machine needs the same file.
# keytool asks for the certificate's name; extra arguments go to keytool (e.g. -dname "CN=rmi").
keytool -genkeypair -keyalg RSA -keysize 2048 -alias rmi -keystore rmi_keystore.jks -storepass changeit \
  -keypass changeit -validity 7 "$@" || exit 1
echo "Give rmi_keystore.jks to every JMeter (controller and servers): in the folder JMeter is started from, or at the path in server.rmi.ssl.keystore.file"
