#!/usr/bin/env bash
# Cross-builds libmqttload (dist profile: release, whole-library LTO, stripped) for the platforms the plugin jar ships, and stages
# each library where the jar build picks it up: target/native/<os>-<arch>/<file> (names as NativeLoader
# expects). Usage: tools/build/build-native.sh [platform...]; default: every platform in PLATFORMS below.
#
#   linux-x86_64, linux-aarch64  cargo-zigbuild against glibc 2.17 (zig's own glibc stubs: no sysroot)
#   windows-x86_64               cargo with Debian's mingw-w64 (x86_64-pc-windows-gnu)
#   macos-x86_64, macos-aarch64  not in the default set: linking needs Apple's SDK (SDKROOT=...), see
#                                docs/platforms.md; asked for by name, they are tried with cargo-zigbuild
#
# Prints the seconds and the size of every library. Install what it needs: tools/build/install-deps.sh platforms.
set -euo pipefail
cd "$(dirname "$0")/../.."

PLATFORMS=(linux-x86_64 linux-aarch64 windows-x86_64)
CARGO=${CARGO:-cargo}
# zig's glibc version suffix: the oldest glibc the Linux libraries may need
GLIBC=${GLIBC:-2.17}

platforms=("$@")
[ "${#platforms[@]}" -gt 0 ] || platforms=("${PLATFORMS[@]}")

build() { # platform -> rust triple, built file
  case "$1" in
    linux-x86_64) triple=x86_64-unknown-linux-gnu; file=libmqttload.so ;;
    linux-aarch64) triple=aarch64-unknown-linux-gnu; file=libmqttload.so ;;
    windows-x86_64) triple=x86_64-pc-windows-gnu; file=mqttload.dll ;;
    macos-x86_64) triple=x86_64-apple-darwin; file=libmqttload.dylib ;;
    macos-aarch64) triple=aarch64-apple-darwin; file=libmqttload.dylib ;;
    *) echo "build-native: unknown platform '$1' (want one of: ${PLATFORMS[*]} macos-x86_64 macos-aarch64)" >&2; exit 2 ;;
  esac
  case "$1" in
    linux-*) $CARGO zigbuild --profile dist -p mqttload --lib --target "$triple.$GLIBC" ;;
    macos-*) $CARGO zigbuild --profile dist -p mqttload --lib --target "$triple" ;;
    windows-*) $CARGO build --profile dist -p mqttload --lib --target "$triple" ;;
  esac
  mkdir -p "target/native/$1"
  cp "target/$triple/dist/$file" "target/native/$1/$file"
}

for p in "${platforms[@]}"; do
  start=$SECONDS
  echo "build-native: $p"
  build "$p"
  echo "build-native: $p done in $((SECONDS - start)) s: target/native/$p/$file $(stat -c %s "target/native/$p/$file") bytes"
done
