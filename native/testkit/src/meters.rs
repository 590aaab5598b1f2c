//! What the benchmarks print beside their figures: the machine's load average, and a process's
//! CPU (cores busy) and resident memory, from /proc (Linux).

use std::time::Instant;

/// The 1-, 5- and 15-minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

pub fn one_minute_load() -> f64 {
    load_average()
        .split_whitespace()
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0.0)
}

/// CPU seconds (user + system) and resident KiB of a process, from /proc.
pub fn usage(pid: &str) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the fields after the command name, which may hold spaces
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let hz = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        n if n > 0 => n as f64,
        _ => 100.0,
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((ticks / hz, rss))
}

/// Cores busy between two readings, and the later RSS.
pub struct Meter {
    pid: String,
    last: (Instant, f64),
}

impl Meter {
    pub fn new(pid: String) -> Meter {
        let cpu = usage(&pid).map_or(0.0, |u| u.0);
        Meter {
            pid,
            last: (Instant::now(), cpu),
        }
    }

    pub fn read(&mut self) -> (f64, u64) {
        let now = Instant::now();
        let (cpu, rss) = usage(&self.pid).unwrap_or((self.last.1, 0));
        let busy = (cpu - self.last.1) / now.duration_since(self.last.0).as_secs_f64().max(1e-9);
        self.last = (now, cpu);
        (busy, rss)
    }
}
