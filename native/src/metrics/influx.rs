//! The registry in InfluxDB's line protocol, for JMeter's Backend Listener: the same series as
//! the Prometheus endpoint, a point per series each time it is written.
//!
//! Counters and gauges carry `value`; a histogram carries its cumulative `count` and `sum` and,
//! when the interval since the previous write had observations, that interval's `p50`, `p90`,
//! `p99` and `mean` (µs): InfluxDB has no histogram type, and quantiles over the whole run would
//! hide what happens now.

use std::collections::HashMap;
use std::fmt::Write;

use super::registry::{Registry, Series};

/// Tag keys and values: a comma, an equals sign and a space are escaped; a line break cannot be
/// written at all and becomes a space.
fn tag(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ',' | '=' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("\\ "),
            c => out.push(c),
        }
    }
    out
}

/// A quantile of the observations between two cumulative snapshots, interpolated within its
/// bucket as Prometheus' `histogram_quantile` does (the first bucket starts at 0; one above the
/// last bound reads as the last bound).
fn quantile(q: f64, buckets: &[(Option<u64>, u64)], before: &[u64]) -> Option<f64> {
    let counts: Vec<u64> = buckets
        .iter()
        .enumerate()
        .map(|(i, (_, n))| n.saturating_sub(before.get(i).copied().unwrap_or(0)))
        .collect();
    let total = *counts.last()?;
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut lower = 0.0;
    let mut below = 0u64;
    for (i, (bound, _)) in buckets.iter().enumerate() {
        let cumulative = counts[i];
        let Some(upper) = bound.map(|b| b as f64) else {
            return Some(lower);
        };
        if cumulative as f64 >= rank {
            let inside = (cumulative - below) as f64;
            if inside == 0.0 {
                return Some(upper);
            }
            return Some(lower + (upper - lower) * (rank - below as f64) / inside);
        }
        lower = upper;
        below = cumulative;
    }
    Some(lower)
}

/// A series: its metric's name and its own labels.
type SeriesKey = (String, Vec<(&'static str, String)>);

/// A histogram as last written: cumulative bucket counts, sum, count.
type Written = (Vec<u64>, u64, u64);

/// Writes the registry as points; remembers each histogram's buckets as last written, so that
/// the next write's quantiles are of the interval between.
#[derive(Debug)]
pub struct LineWriter {
    engine: String,
    previous: HashMap<SeriesKey, Written>,
}

impl LineWriter {
    /// Every point tagged `engine`.
    pub fn new(engine: String) -> LineWriter {
        LineWriter {
            engine,
            previous: HashMap::new(),
        }
    }

    /// A point per series of `registry`, at `at_ns` (nanoseconds since the epoch).
    pub fn write(&mut self, registry: &Registry, at_ns: i64) -> String {
        registry.refresh();
        let mut out = String::new();
        let engine = tag(&self.engine);
        registry.each(|name, family| {
            for (own, series) in &family.series {
                let mut key = format!("{},engine={engine}", tag(name));
                for (k, v) in own {
                    let _ = write!(key, ",{}={}", tag(k), tag(v));
                }
                match series {
                    Series::Counter(c) => {
                        let _ = writeln!(out, "{key} value={}i {at_ns}", c.get());
                    }
                    Series::Gauge(g) => {
                        let v = g.get();
                        if v.is_finite() {
                            let _ = writeln!(out, "{key} value={v:?} {at_ns}");
                        }
                    }
                    Series::Histogram(h) => {
                        let (buckets, sum, count) = h.snapshot();
                        let cumulative: Vec<u64> = buckets.iter().map(|(_, n)| *n).collect();
                        let slot = self
                            .previous
                            .entry((name.to_string(), own.clone()))
                            .or_insert_with(|| (vec![0; cumulative.len()], 0, 0));
                        let _ = write!(out, "{key} count={count}i,sum={sum}i");
                        let (before, sum_before, count_before) = &*slot;
                        for (field, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
                            if let Some(v) = quantile(q, &buckets, before) {
                                let _ = write!(out, ",{field}={v:?}");
                            }
                        }
                        let n = count.saturating_sub(*count_before);
                        if n > 0 {
                            let mean = sum.saturating_sub(*sum_before) as f64 / n as f64;
                            let _ = write!(out, ",mean={mean:?}");
                        }
                        let _ = writeln!(out, " {at_ns}");
                        *slot = (cumulative, sum, count);
                    }
                }
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_gauges_and_tags_in_line_protocol() {
        let r = Registry::default();
        r.counter(
            "mqttload_x_total",
            "X.",
            vec![("element", "Pub, 1=a".into()), ("qos", "1".into())],
        )
        .add(7);
        r.gauge("mqttload_up", "Up.", Vec::new()).set(2.0);
        r.gauge("mqttload_nan", "Not a number.", Vec::new())
            .set(f64::NAN);
        let text = LineWriter::new("host a:1".into()).write(&r, 1_700_000_000_000_000_000);
        assert!(
            text.contains(
                "mqttload_x_total,engine=host\\ a:1,element=Pub\\,\\ 1\\=a,qos=1 value=7i 1700000000000000000\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("mqttload_up,engine=host\\ a:1 value=2.0 1700000000000000000\n"),
            "{text}"
        );
        assert!(!text.contains("mqttload_nan"), "{text}");
    }

    #[test]
    fn histogram_quantiles_are_of_the_interval_since_the_last_write() {
        let r = Registry::default();
        let h = r.micros("mqttload_lat_us", "L.", vec![("element", "Sub".into())]);
        for _ in 0..100 {
            h.observe(75); // the (50, 100] bucket
        }
        let mut w = LineWriter::new("e".into());
        let first = w.write(&r, 1);
        assert!(
            first.contains("mqttload_lat_us,engine=e,element=Sub count=100i,sum=7500i,p50=75.0,"),
            "{first}"
        );
        assert!(first.contains(",mean=75.0 1\n"), "{first}");
        // nothing new: the counts stay, no quantiles
        let idle = w.write(&r, 2);
        assert!(
            idle.contains("mqttload_lat_us,engine=e,element=Sub count=100i,sum=7500i 2\n"),
            "{idle}"
        );
        for _ in 0..10 {
            h.observe(2_000); // the (1,000, 2,500] bucket
        }
        let next = w.write(&r, 3);
        assert!(next.contains("count=110i,sum=27500i,p50=1750.0,"), "{next}");
        assert!(next.contains(",mean=2000.0 3\n"), "{next}");
    }

    #[test]
    fn quantile_above_the_last_bound_reads_as_the_last_bound() {
        let buckets = [(Some(10), 0), (Some(20), 1), (None, 3)];
        assert_eq!(quantile(0.99, &buckets, &[0, 0, 0]), Some(20.0));
        assert_eq!(quantile(0.2, &buckets, &[0, 0, 0]), Some(16.0));
        assert_eq!(quantile(0.5, &buckets, &[0, 1, 3]), None);
    }
}
