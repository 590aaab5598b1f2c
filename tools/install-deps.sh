#!/usr/bin/env bash
# Installs what `make test` needs from Debian's packages when it is missing (mosquitto and its clients,
# a JDK, Maven, make, openssl, CA roots, pytest, Xvfb for the GUI test); does nothing when everything is
# there. Run by `make test` (and so by .ci/run). Needs root (or sudo) only when something must be installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
{ [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1; } || need+=(mosquitto)
{ command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_sub >/dev/null 2>&1; } || need+=(mosquitto-clients)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v make >/dev/null 2>&1 || need+=(make)
# certificates for the TLS tests are made with the openssl CLI; "no CA file" tests need the system roots
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -s /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
# the GUI test runs on a virtual display (xvfb-run needs xauth) and needs the JDK's X11 toolkit, which
# Debian ships in openjdk-17-jre, not in the -headless packages
{ command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; } || need+=(xvfb xauth)
java_home=""
command -v javac >/dev/null 2>&1 && java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
{ [ -n "$java_home" ] && [ -e "$java_home/lib/libawt_xawt.so" ]; } || need+=(openjdk-17-jre)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root to install: ${need[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${need[*]}"
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${need[@]}" </dev/null
fi
python3 -c 'import pytest' >/dev/null 2>&1 || python3 -m pip install --break-system-packages pytest

for tool in "cargo fmt" "cargo clippy"; do
  $tool --version >/dev/null 2>&1 || { echo "install-deps: '$tool' is missing (rustup component add ${tool#cargo })" >&2; exit 1; }
done
