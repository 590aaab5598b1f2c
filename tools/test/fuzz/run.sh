#!/usr/bin/env bash
# Runs cargo-fuzz targets one after another, each for FUZZ_SECONDS, on one core, and prints
# the execution counts. Usage: tools/test/fuzz/run.sh SECONDS TARGET...
# The corpus grows in target/fuzz/corpus/<target> (seeded from native/fuzz/corpus/<target>);
# crashes land in native/fuzz/artifacts/<target>/ and end the run with a non-zero exit.
# The target `migration` is the JUnit fuzzer of the XMeter plan migration (MigrationFuzzTest,
# run by Maven without the engine build); its failing inputs land in target/fuzz/artifacts/migration/.
set -uo pipefail

seconds=${1:?seconds}
shift
root=$(cd "$(dirname "$0")/../../.." && pwd)
cargo=${CARGO:-cargo}
sanitizer=${FUZZ_SANITIZER:-none}
# Safe Rust: what we look for are panics, overflow checks and debug assertions (cargo fuzz
# builds release with debug assertions), and hangs; FUZZ_SANITIZER=address adds ASan.

mvn=${MVN:-mvn}
rust=0
for t in "$@"; do
    [ "$t" = migration ] || rust=1
done

if [ $rust = 1 ] && ! $cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz missing: installing it from crates.io"
    $cargo install cargo-fuzz || exit 1
fi
if [ $rust = 1 ] && ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "cargo-fuzz needs a nightly toolchain: installing it"
    rustup toolchain install nightly --profile minimal || exit 1
fi

status=0
summary=()
for t in "$@"; do
    corpus="$root/target/fuzz/corpus/$t"
    log="$root/target/fuzz/$t.log"
    mkdir -p "$corpus"
    echo "== $t: $seconds s (log: $log)"
    if [ "$t" = migration ]; then
        summary_file="$root/target/fuzz/migration.summary"
        rm -f "$summary_file"
        # One JVM, one test class; the engine is not built (the migration needs only the JDK).
        (cd "$root" && nice -n 10 $mvn -B -ntp test -Dskip.cargo=true -Dtest=MigrationFuzzTest \
            -Dsurefire.failIfNoSpecifiedTests=false -Dmqttload.fuzz.seconds="$seconds" \
            ${FUZZ_SEED:+-Dmqttload.fuzz.seed=$FUZZ_SEED} >"$log" 2>&1)
        rc=$?
        runs=$(sed -n 's/^migration: \([0-9]*\) executions.*/\1/p' "$summary_file" 2>/dev/null)
        rate=$(sed -n 's/.* executions, \([0-9]*\) exec\/s.*/\1/p' "$summary_file" 2>/dev/null)
        cov="seed $(sed -n 's/.*seed \(-\?[0-9]*\).*/\1/p' "$summary_file" 2>/dev/null)"
        crash=$(grep -o 'saved as [^)]*' "$log" | tail -1)
        line="$t: ${runs:-?} executions, ${rate:-?} exec/s, $cov"
    else
        (cd "$root/native" && nice -n 10 $cargo +nightly fuzz run -s "$sanitizer" "$t" \
            "$corpus" "$root/native/fuzz/corpus/$t" -- \
            -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
            >"$log" 2>&1)
        rc=$?
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        crash=$(grep -o 'Test unit written to .*' "$log" | tail -1)
        line="$t: ${runs:-?} executions, ${rate:-?} exec/s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) files"
    fi
    if [ $rc -ne 0 ]; then
        status=1
        line="$line, FAILED (exit $rc) ${crash:-see the log}"
        grep -m1 -A12 -E "panicked|ERROR: libFuzzer|deadly signal|AssertionError|FAILURE" "$log" | head -20
    else
        line="$line, no crash"
    fi
    echo "$line"
    summary+=("$line")
done
echo "== fuzz summary ($seconds s per target)"
printf '%s\n' "${summary[@]}"
exit $status
