#!/usr/bin/env bash
# Installs what `make test` needs from Debian's packages when it is missing (mosquitto and its clients,
# Prometheus, InfluxDB, a JDK, Maven, make, openssl, CA roots, pytest, Xvfb for the GUI test); does nothing when everything is
# there. Run by `make test` (and so by .ci/run). Needs root (or sudo) only when something must be installed.
#   install-deps.sh platforms        also the cross toolchains of the multi-platform jar (what `make test` uses):
#                                    zig and cargo-zigbuild (PyPI), the Rust targets (rustup), mingw-w64, and
#                                    qemu-user-static with Debian's arm64 C library for the aarch64 unit tests
#   install-deps.sh platforms wine   and wine, for the Windows unit tests (make test-platforms)
#   install-deps.sh pictures         matplotlib, which draws the docs' dashboard picture (make dashboard-picture)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

platforms=false
wine=false
pictures=false
for a in "$@"; do
  case "$a" in
    platforms) platforms=true ;;
    wine) wine=true ;;
    pictures) pictures=true ;;
    *) echo "install-deps: unknown argument '$a' (platforms, wine, pictures)" >&2; exit 2 ;;
  esac
done

need=()
{ [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1; } || need+=(mosquitto)
{ command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_sub >/dev/null 2>&1; } || need+=(mosquitto-clients)
# the live-metrics test scrapes a running JMeter with a real Prometheus (started by the test on loopback)
{ [ -x /usr/bin/prometheus ] || command -v prometheus >/dev/null 2>&1; } || need+=(prometheus)
# and the Backend Listener test writes to a real InfluxDB 1.x (started by the test on loopback)
{ [ -x /usr/bin/influxd ] || command -v influxd >/dev/null 2>&1; } || need+=(influxdb)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v make >/dev/null 2>&1 || need+=(make)
# certificates for the TLS tests are made with the openssl CLI; "no CA file" tests need the system roots
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -s /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
python3 -c 'import xdist' >/dev/null 2>&1 || need+=(python3-pytest-xdist)
# the GUI test runs on a virtual display (xvfb-run needs xauth) and needs the JDK's X11 toolkit, which
# Debian ships in openjdk-17-jre, not in the -headless packages
{ command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; } || need+=(xvfb xauth)
java_home=""
command -v javac >/dev/null 2>&1 && java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
{ [ -n "$java_home" ] && [ -e "$java_home/lib/libawt_xawt.so" ]; } || need+=(openjdk-17-jre)
command -v objdump >/dev/null 2>&1 || need+=(binutils)
if $platforms; then
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
  command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
  [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
  python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
fi
if $wine; then
  command -v wine >/dev/null 2>&1 || need+=(wine wine64)
fi
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
# the end-to-end tests run on both cores (pytest-xdist): most of a JMeter run is its JVM starting, one core's work
python3 -c 'import xdist' >/dev/null 2>&1 || python3 -m pip install --break-system-packages 'pytest-xdist==3.6.1'
if $pictures; then
  # PyPI's, for the python3 that runs the tests (it may not be Debian's)
  python3 -c 'import matplotlib' >/dev/null 2>&1 || python3 -m pip install --break-system-packages 'matplotlib==3.9.2'
fi

if $platforms; then
  # zig links the Linux libraries against glibc 2.17's symbols without a sysroot (tools/build/build-native.sh);
  # the versions tested here
  python3 -c 'import ziglang' >/dev/null 2>&1 || python3 -m pip install --break-system-packages 'ziglang==0.17.1'
  command -v cargo-zigbuild >/dev/null 2>&1 || python3 -m pip install --break-system-packages 'cargo-zigbuild==0.24.1'
  command -v cargo-zigbuild >/dev/null 2>&1 \
    || { echo "install-deps: cargo-zigbuild was installed but is not on PATH ($(python3 -m site --user-base)/bin?)" >&2; exit 1; }
  command -v rustup >/dev/null 2>&1 \
    || { echo "install-deps: the cross builds need rustup (for 'rustup target add'); see https://rustup.rs" >&2; exit 1; }
  installed=$(rustup target list --installed)
  for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
  done
fi

for tool in "cargo fmt" "cargo clippy"; do
  $tool --version >/dev/null 2>&1 || { echo "install-deps: '$tool' is missing (rustup component add ${tool#cargo })" >&2; exit 1; }
done
