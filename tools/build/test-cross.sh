#!/usr/bin/env bash
# Runs the engine's Rust unit tests (`--lib`: codec, transport, sampler settings and statistics, JNI handles)
# built for another platform, on this x86-64 Linux machine:
#   linux-aarch64   cargo-zigbuild against glibc 2.17, run under qemu-user (qemu-aarch64-static) with
#                   Debian's arm64 C library (libc6-arm64-cross) as the sysroot
#   windows-x86_64  cargo with mingw-w64, run under wine (Debian's wine, wine64), with a stand-in for the
#                   bcryptprimitives.dll wine 8.0 lacks (tools/build/wine/bcryptprimitives.c, test use only)
# Release profile, so the dependencies built for the shipped library (tools/build/build-native.sh) are reused.
# The integration tests (native/tests/) start a Linux mosquitto and stay host-only.
# Usage: tools/build/test-cross.sh [linux-aarch64] [windows-x86_64]  (default: both). Prints the seconds of each.
set -euo pipefail
cd "$(dirname "$0")/../.."

CARGO=${CARGO:-cargo}
GLIBC=${GLIBC:-2.17}
platforms=("$@")
[ "${#platforms[@]}" -gt 0 ] || platforms=(linux-aarch64 windows-x86_64)

for p in "${platforms[@]}"; do
  start=$SECONDS
  echo "test-cross: $p"
  case "$p" in
    linux-aarch64)
      sysroot=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}
      [ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] \
        || { echo "test-cross: no arm64 C library in $sysroot (apt-get install libc6-arm64-cross)" >&2; exit 1; }
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L $sysroot" \
        cargo-zigbuild test --release -p mqttload --lib --target "aarch64-unknown-linux-gnu.$GLIBC" -- --test-threads=2
      ;;
    windows-x86_64)
      # a wine prefix of our own, made on first use (takes a while once)
      export WINEPREFIX=${WINEPREFIX:-$PWD/target/wine} WINEDEBUG=${WINEDEBUG:--all}
      [ -d "$WINEPREFIX/drive_c/windows/system32" ] || ${WINE:-wine} cmd /c exit 0 >/dev/null 2>&1 || true
      # Debian 12's wine 8.0 has no bcryptprimitives.dll, which Rust's std imports (ProcessPrng): our stand-in
      dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
      [ -e "$dll" ] || x86_64-w64-mingw32-gcc -shared -O2 -Wall -o "$dll" tools/build/wine/bcryptprimitives.c -ladvapi32
      CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=${WINE:-wine} \
        $CARGO test --release -p mqttload --lib --target x86_64-pc-windows-gnu -- --test-threads=2
      ;;
    *) echo "test-cross: unknown platform '$p'" >&2; exit 2 ;;
  esac
  echo "test-cross: $p done in $((SECONDS - start)) s"
done
