//! How a step reads: its line (the sample's message), its row of the table every sample carries
//! in its response data, and what the search concluded, worded so that a limit of ours is never
//! read as the broker's.

use std::fmt::Write as _;

use crate::sampler::config::{refer, Guards, Id, RateFinderConfig};
use crate::sampler::stats::LatencySummary;

use super::search::{Limit, Search, DROPS, LAG, LATENCY, LOSS};

/// A step as the table shows it.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) step: u32,
    pub(super) offered: f64,
    pub(super) send_rate: f64,
    pub(super) receive_rate: f64,
    pub(super) latency: Option<LatencySummary>,
    pub(super) lost: u64,
    pub(super) lag_p99_us: Option<u64>,
    pub(super) drops: Option<u64>,
    /// Guard bits; 0 = held.
    pub(super) broke: u8,
    /// Messages that found their connection's in-flight window full, of those handed over.
    pub(super) window_waits: Option<u64>,
    pub(super) handed: u64,
    pub(super) engine_busy: Option<f64>,
}

/// 1234.5 -> "1,235"; rates below 100 keep a decimal ("12.5").
pub(super) fn rate(r: f64) -> String {
    if r < 100.0 {
        return format!("{r:.1}");
    }
    let digits = format!("{:.0}", r.round());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ms(us: u64) -> String {
    let v = us as f64 / 1000.0;
    if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

fn opt_ms(us: Option<u64>) -> String {
    us.map_or_else(|| "-".into(), ms)
}

/// What each broken guard measured against its bound.
pub(super) fn broken_guards(row: &Row, g: &Guards) -> Vec<String> {
    let mut out = Vec::new();
    if row.broke & LATENCY != 0 {
        out.push(format!(
            "latency p99 {} ms > {} ms",
            opt_ms(row.latency.map(|l| l.p99)),
            ms(g.max_p99_us)
        ));
    }
    if row.broke & LOSS != 0 {
        out.push(format!("lost {} > {}", row.lost, g.max_lost));
    }
    if row.broke & LAG != 0 {
        out.push(format!(
            "schedule lag p99 {} ms > {} ms",
            opt_ms(row.lag_p99_us),
            ms(g.max_lag_us)
        ));
    }
    if row.broke & DROPS != 0 {
        out.push(format!(
            "the broker dropped {} message(s) ($SYS)",
            row.drops.unwrap_or(0)
        ));
    }
    out
}

/// The names of the broken guards, for MQTT_RATE_BROKE (the plugin writes the same from the
/// bits): "latency,loss".
pub(super) fn guard_names(broke: u8) -> String {
    [
        (LATENCY, "latency"),
        (LOSS, "loss"),
        (LAG, "lag"),
        (DROPS, "drops"),
    ]
    .iter()
    .filter(|(bit, _)| broke & bit != 0)
    .map(|(_, n)| *n)
    .collect::<Vec<_>>()
    .join(",")
}

/// The sample's message for the step.
pub(super) fn step_line(row: &Row, g: &Guards) -> String {
    let mut s = format!(
        "Rate step {} at {} msg/s: sent {}/s, received {}/s",
        row.step,
        rate(row.offered),
        rate(row.send_rate),
        rate(row.receive_rate)
    );
    match row.latency {
        Some(l) => {
            let _ = write!(s, "; latency p50 {} ms, p99 {} ms", ms(l.p50), ms(l.p99));
        }
        None => s.push_str("; no latency (nothing received)"),
    }
    let _ = write!(
        s,
        "; lost {}; lag p99 {} ms",
        row.lost,
        opt_ms(row.lag_p99_us)
    );
    if let Some(d) = row.drops {
        let _ = write!(s, "; broker dropped {d}");
    }
    if row.broke == 0 {
        s.push_str("; held");
    } else {
        let _ = write!(s, "; broke: {}", broken_guards(row, g).join(", "));
    }
    s
}

/// The search's conclusion, for its final sample.
pub(super) fn conclusion(search: &Search, rows: &[Row], config: &RateFinderConfig) -> String {
    let g = &config.guards;
    let best = match search.best() {
        Some((r, step)) => format!("highest rate held {} msg/s (step {step})", rate(r)),
        None => "no rate held".into(),
    };
    let Some((bad, step, limit)) = search.worst() else {
        return format!(
            "{best}; no limit found: every step held up to the maximum rate, {} msg/s (raise \
             the maximum rate to search further)",
            rate(config.max_rate)
        );
    };
    let row = rows.iter().rev().find(|r| r.step == step);
    let guards = row
        .map(|r| broken_guards(r, g).join(", "))
        .unwrap_or_default();
    let lag = row.map_or_else(|| "-".into(), |r| opt_ms(r.lag_p99_us));
    let at = rate(bad);
    let why = match limit {
        Limit::Broker => format!(
            "the limit is the broker's: {guards} at {at} msg/s (step {step}) while the load \
             generator kept its schedule (lag p99 {lag} ms <= {} ms)",
            ms(g.max_lag_us)
        ),
        Limit::Schedule => format!(
            "the limit is ours, not the broker's: the load generator could not keep its schedule \
             at {at} msg/s (step {step}: {guards}); measure the broker beyond this with more \
             JMeter engines or a faster load machine"
        ),
        Limit::Engine => format!(
            "the limit is ours, not the broker's: at {at} msg/s (step {step}: {guards}) the \
             engine's busiest I/O thread was busy {} of the time, so the load generator (its \
             receiving side, most likely) could not keep up; measure the broker beyond this with \
             more JMeter engines or a faster load machine",
            row.and_then(|r| r.engine_busy)
                .map_or_else(|| "-".into(), |b| format!("{:.0} %", b * 100.0))
        ),
        Limit::Window => {
            let waited = row
                .map(|r| format!("{} of {}", r.window_waits.unwrap_or(0), r.handed))
                .unwrap_or_default();
            format!(
                "the limit is ours, not the broker's: at {at} msg/s (step {step}: {guards}) the \
                 publishing connections' QoS 1/2 in-flight windows were full ({waited} messages \
                 waited for a slot), so messages waited in the load generator; add publishing \
                 connections or raise {} to tell whether the broker is the limit",
                refer(Id::MaxInflight)
            )
        }
        Limit::MaxRate => String::new(),
    };
    format!("{best}; {why}")
}

/// The table of the search so far, with its settings and (when over) its conclusion: the
/// response data of every sample.
pub(super) fn table(
    rows: &[Row],
    config: &RateFinderConfig,
    roles: (usize, usize),
    drops_watched: Option<bool>,
    end: Option<&str>,
) -> String {
    let g = &config.guards;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "MQTT Rate Finder: topic {}, QoS {}, {} subscriber(s), {} publisher(s), {}-byte padding, \
         steps of {:.1} s (drain up to {:.1} s)",
        config.topic,
        config.qos as u8,
        roles.0,
        roles.1,
        config.padding,
        config.step_duration.as_secs_f64(),
        config.drain.as_secs_f64()
    );
    let drops = match (&config.sys_root, drops_watched) {
        (None, _) => "not watched".to_string(),
        (Some(root), Some(true)) => format!("none ({root})"),
        (Some(root), _) => format!("none when {root} says ({root} has said nothing yet)"),
    };
    let _ = writeln!(
        s,
        "guards: latency p99 <= {} ms, lost <= {}, schedule lag p99 <= {} ms, broker drops: {drops}",
        ms(g.max_p99_us),
        g.max_lost,
        ms(g.max_lag_us)
    );
    let _ = writeln!(
        s,
        "{:>4}  {:>10}  {:>10}  {:>10}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>7}  result",
        "step",
        "offered/s",
        "sent/s",
        "recv/s",
        "p50 ms",
        "p99 ms",
        "lost",
        "lag p99",
        "drops",
        "io busy"
    );
    for r in rows {
        let result = if r.broke == 0 {
            "held".to_string()
        } else {
            format!("broke: {}", guard_names(r.broke))
        };
        let _ = writeln!(
            s,
            "{:>4}  {:>10}  {:>10}  {:>10}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>7}  {result}",
            r.step,
            rate(r.offered),
            rate(r.send_rate),
            rate(r.receive_rate),
            opt_ms(r.latency.map(|l| l.p50)),
            opt_ms(r.latency.map(|l| l.p99)),
            r.lost,
            opt_ms(r.lag_p99_us),
            r.drops.map_or_else(|| "-".into(), |d| d.to_string()),
            r.engine_busy
                .map_or_else(|| "-".into(), |b| format!("{:.0} %", b * 100.0)),
        );
    }
    if let Some(end) = end {
        let _ = writeln!(s, "{end}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::config::StepRule;

    fn config() -> RateFinderConfig {
        RateFinderConfig::from_json("{}").unwrap()
    }

    fn row(step: u32, offered: f64, broke: u8) -> Row {
        Row {
            step,
            offered,
            send_rate: offered,
            receive_rate: offered - 0.5,
            latency: Some(LatencySummary {
                count: 10,
                mean: 1_500,
                p50: 1_200,
                p90: 2_000,
                p99: if broke & LATENCY != 0 { 152_300 } else { 3_400 },
                max: 160_000,
                min: 800,
            }),
            lost: 0,
            lag_p99_us: Some(if broke & LAG != 0 { 25_000 } else { 950 }),
            drops: Some(0),
            broke,
            window_waits: Some(0),
            handed: 1_000,
            engine_busy: Some(0.25),
        }
    }

    #[test]
    fn rates_and_lines_read_well() {
        assert_eq!(
            (rate(12.345), rate(100.0), rate(1_234_567.4)),
            ("12.3".into(), "100".into(), "1,234,567".into())
        );
        let g = config().guards;
        assert_eq!(
            step_line(&row(3, 225.0, 0), &g),
            "Rate step 3 at 225 msg/s: sent 225/s, received 225/s; latency p50 1.20 ms, \
             p99 3.40 ms; lost 0; lag p99 0.95 ms; broker dropped 0; held"
        );
        assert!(step_line(&row(4, 1000.0, LATENCY), &g)
            .ends_with("; broke: latency p99 152.3 ms > 100.0 ms"));
        assert_eq!(guard_names(LATENCY | LAG | DROPS), "latency,lag,drops");
        assert_eq!(guard_names(0), "");
    }

    #[test]
    fn the_conclusion_names_whose_limit() {
        let c = config();
        let rows = [row(1, 100.0, 0), row(2, 150.0, LATENCY | LAG)];
        let mut s = Search::new(100.0, 1_000.0, StepRule::Factor(1.5), 0);
        s.record(100.0, None);
        s.record(150.0, Some(Limit::Schedule));
        let text = conclusion(&s, &rows, &c);
        assert!(
            text.starts_with(
                "highest rate held 100 msg/s (step 1); the limit is ours, not the broker's"
            ),
            "{text}"
        );
        assert!(
            text.contains("schedule lag p99 25.0 ms > 10.0 ms"),
            "{text}"
        );
        let mut b = Search::new(100.0, 1_000.0, StepRule::Factor(1.5), 0);
        b.record(100.0, None);
        b.record(150.0, Some(Limit::Broker));
        let rows = [row(1, 100.0, 0), row(2, 150.0, LATENCY)];
        let text = conclusion(&b, &rows, &c);
        assert!(text.contains("the limit is the broker's: latency p99 152.3 ms > 100.0 ms at 150 msg/s (step 2) while the load generator kept its schedule (lag p99 0.95 ms <= 10.0 ms)"), "{text}");
        let mut m = Search::new(100.0, 100.0, StepRule::Factor(1.5), 0);
        m.record(100.0, None);
        assert!(conclusion(&m, &rows[..1], &c).contains("no limit found"));
        let t = table(&rows, &c, (1, 2), Some(true), Some("done"));
        assert!(t.contains("1 subscriber(s), 2 publisher(s)"), "{t}");
        assert!(
            t.contains("broke: latency\n") && t.ends_with("done\n"),
            "{t}"
        );
    }
}
