//! How busy the engine's I/O threads were during a step (Linux: `/proc/self/task`). The schedule's
//! lag shows a load generator that cannot keep its timetable; a saturated I/O thread shows one
//! whose receiving side (a subscriber's session task decoding as fast as it can) is the limit
//! while the timetable still holds: the broker's figures then say nothing about the broker.
//!
//! Busy is the share of the time a thread was runnable: on a CPU, or waiting in the run queue
//! for one. CPU time alone would not do: on a machine shared with the broker (or loaded by
//! anything else) a thread that always has work gets only its share of a core, and would look
//! idle enough while it falls behind.

use std::collections::HashMap;
use std::time::Instant;

/// Thread names of the runtimes the samplers run on: the plugin's (`jni::runtime`) and the one
/// `#[tokio::test]` and the bench binaries start (tokio's default name).
const RUNTIME_THREADS: &[&str] = &["mqttload-io", "tokio-rt-worker"];

/// The runnable time of each runtime thread at one moment.
pub(super) struct Snapshot {
    at: Instant,
    /// Thread id -> nanoseconds on a CPU plus waiting for one.
    runnable: HashMap<u64, u64>,
}

/// The runtime threads' runnable times now; None where the system does not say (not Linux, or
/// a kernel without scheduler statistics).
pub(super) fn snapshot() -> Option<Snapshot> {
    let at = Instant::now();
    let mut runnable = HashMap::new();
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(name) = std::fs::read_to_string(entry.path().join("comm")) else {
            continue;
        };
        if !RUNTIME_THREADS.iter().any(|r| name.starts_with(r)) {
            continue;
        }
        if let Some(ns) = std::fs::read_to_string(entry.path().join("schedstat"))
            .ok()
            .as_deref()
            .and_then(parse_schedstat)
        {
            runnable.insert(tid, ns);
        }
    }
    (!runnable.is_empty()).then_some(Snapshot { at, runnable })
}

/// "<ns on a CPU> <ns waiting in the run queue> <time slices>" -> the first two added up.
fn parse_schedstat(line: &str) -> Option<u64> {
    let mut f = line.split_whitespace().map(|v| v.parse::<u64>().ok());
    Some(f.next()??.saturating_add(f.next()??))
}

/// The busiest runtime thread's runnable share of the time between two snapshots (0.0 to 1.0).
pub(super) fn busiest(before: &Snapshot, after: &Snapshot) -> Option<f64> {
    let wall = after.at.saturating_duration_since(before.at).as_nanos() as f64;
    if wall <= 0.0 {
        return None;
    }
    after
        .runnable
        .iter()
        .filter_map(|(tid, t)| before.runnable.get(tid).map(|b| t.saturating_sub(*b)))
        .map(|d| (d as f64 / wall).min(1.0))
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_lines() {
        assert_eq!(parse_schedstat("636416 198601 1\n"), Some(835_017));
        assert_eq!(parse_schedstat("12"), None);
        assert_eq!(parse_schedstat("x y z"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_spinning_runtime_thread_shows_as_busy_however_loaded_the_machine() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mqttload-io")
            .build()
            .unwrap();
        let busy = rt.block_on(async {
            tokio::spawn(async {
                let before = snapshot().expect("the runtime's thread is seen");
                let t = Instant::now();
                while t.elapsed() < std::time::Duration::from_millis(300) {
                    std::hint::spin_loop();
                }
                busiest(&before, &snapshot().unwrap())
            })
            .await
            .unwrap()
        });
        let busy = busy.expect("scheduler statistics");
        assert!(busy > 0.9, "{busy}");
    }
}
