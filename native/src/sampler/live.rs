//! What one element's samples add to the live metrics (the engine's Prometheus endpoint), under the
//! element's name: samples, errors, bytes, the figures the contract gives a counter, and the
//! sample's distribution (latency, schedule lag, round trip or answer delay) as a histogram. The
//! handles are taken once, when the element's engine object is made; a sample adds to them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use super::outcome::{figure, SampleOutcome};
use crate::metrics::{enabled, Counter, Histogram, Labels, Pending, METRICS};

/// Which element, for its metrics' `sampler` label and its histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Connect,
    Publish,
    Subscribe,
    Request,
    Responder,
    Stats,
    RateFinder,
}

impl Kind {
    /// The element's name in `contract/results.json` and in the `sampler` label.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Connect => "connect",
            Kind::Publish => "publish",
            Kind::Subscribe => "subscribe",
            Kind::Request => "request",
            Kind::Responder => "responder",
            Kind::Stats => "stats",
            Kind::RateFinder => "ratefinder",
        }
    }

    /// The histogram its samples' distribution goes to.
    fn histogram(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Kind::Publish => (
                "mqttload_schedule_lag_us",
                "Paced Publish: how late each message left against its schedule, microseconds.",
            ),
            Kind::Subscribe | Kind::RateFinder => (
                "mqttload_latency_us",
                "Subscribe: end-to-end latency of each message that carried a timestamp, microseconds.",
            ),
            Kind::Request => (
                "mqttload_round_trip_us",
                "Request: round trip of each matched reply, microseconds (the commander's clock alone).",
            ),
            Kind::Responder => (
                "mqttload_answer_delay_us",
                "Responder: from a request's arrival to its reply leaving, microseconds.",
            ),
            Kind::Connect | Kind::Stats => return None,
        })
    }
}

/// One element's handles (per JMeter thread; threads of one element share the series).
#[derive(Debug)]
pub struct Live {
    samples: Arc<Counter>,
    errors: Arc<Counter>,
    bytes: Arc<Counter>,
    figures: Vec<(usize, Arc<Counter>)>,
    histogram: Option<Arc<Histogram>>,
}

impl Live {
    /// The handles of `kind`'s element named `label`; `more` labels after it (a Publish's QoS).
    pub fn new(kind: Kind, label: &str, more: Labels) -> Live {
        let mut labels: Labels = vec![
            ("element", label.to_string()),
            ("sampler", kind.name().into()),
        ];
        labels.extend(more);
        let counter = |name, help| METRICS.counter(name, help, labels.clone());
        Live {
            samples: counter("mqttload_samples_total", "JMeter samples of an element."),
            errors: counter(
                "mqttload_sample_errors_total",
                "Errors of an element's samples (its JMeter error count: failed messages, requests or connects).",
            ),
            bytes: counter(
                "mqttload_bytes_total",
                "Bytes of an element's samples (published or received payloads and headers, as the JTL's bytes).",
            ),
            figures: figure::METRICS
                .iter()
                .filter(|m| m.element == kind.name())
                .map(|m| (m.figure, counter(m.name, m.help)))
                .collect(),
            histogram: kind
                .histogram()
                .map(|(name, help)| METRICS.micros(name, help, labels.clone())),
        }
    }

    /// Adds a sample's figures (nothing while the endpoint is off).
    pub fn record(&self, o: &SampleOutcome) {
        self.record_after(o, None);
    }

    /// For a long sample (a paced schedule): what it adds while it runs, `figures` as running totals
    /// (the outcome's figure indices) and its distribution as observed.
    pub fn progress(&self, figures: &[usize]) -> Progress<'_> {
        let on = enabled();
        Progress {
            live: self,
            on,
            running: figures
                .iter()
                .filter_map(|f| {
                    let c = self.figures.iter().find(|(i, _)| i == f)?;
                    Some(Running {
                        figure: *f,
                        counter: c.1.clone(),
                        total: AtomicU64::new(0),
                        added: AtomicU64::new(0),
                    })
                })
                .collect(),
            streamed: AtomicBool::new(false),
        }
    }

    /// As [`Live::record`], less what `progress` already added while the sample ran.
    pub fn record_after(&self, o: &SampleOutcome, progress: Option<&Progress<'_>>) {
        if !enabled() {
            return;
        }
        self.samples.add(1);
        self.errors.add(o.error_count);
        self.bytes.add(o.bytes);
        for (i, c) in &self.figures {
            let before = progress
                .and_then(|p| p.running.iter().find(|r| r.figure == *i))
                .map_or(0, |r| r.added.load(Ordering::Relaxed));
            if let Ok(v @ 1..) = u64::try_from(o.stats[*i]) {
                c.add(v.saturating_sub(before));
            }
        }
        let streamed = progress.is_some_and(Progress::streamed);
        if let (Some(h), Some(d), false) = (&self.histogram, &o.distribution, streamed) {
            h.observe_batch(&d.values, d.sum);
        }
    }
}

/// A running total of one figure, and how much of it the counter has.
#[derive(Debug)]
struct Running {
    figure: usize,
    counter: Arc<Counter>,
    total: AtomicU64,
    added: AtomicU64,
}

/// What a long sample has added to its element's live metrics so far: a scrape during a paced
/// schedule of an hour sees its messages and lag as they go, not all at its end. The sample sets
/// running totals (a plain store) and gathers observations in a [`Pending`]; [`Progress::flush`],
/// a few times a second, hands them on.
#[derive(Debug)]
pub struct Progress<'a> {
    live: &'a Live,
    on: bool,
    running: Vec<Running>,
    streamed: AtomicBool,
}

impl Progress<'_> {
    /// Whether anything is recorded (the metrics are on).
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The running total of `figure` (an outcome figure index given to [`Live::progress`]).
    pub fn set(&self, figure: usize, total: u64) {
        if let Some(r) = self.running.iter().find(|r| r.figure == figure) {
            r.total.store(total, Ordering::Relaxed);
        }
    }

    /// Adds the running totals' growth and the gathered observations.
    pub fn flush(&self, pending: &mut Pending) {
        if !self.on {
            return;
        }
        for r in &self.running {
            let total = r.total.load(Ordering::Relaxed);
            let added = r.added.load(Ordering::Relaxed);
            if total > added {
                r.counter.add(total - added);
                r.added.store(total, Ordering::Relaxed);
            }
        }
        if let Some(h) = &self.live.histogram {
            if !pending.is_empty() {
                h.absorb(pending);
                self.streamed.store(true, Ordering::Relaxed);
            }
        }
    }

    fn streamed(&self) -> bool {
        self.streamed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::metrics::{enable, render, Pending};
    use crate::sampler::stats::Distribution;

    #[test]
    fn a_long_sample_streams_its_progress_and_its_record_adds_only_the_rest() {
        enable();
        let live = Live::new(Kind::Publish, "live test paced", Vec::new());
        let progress = live.progress(&[figure::PUB_SENT, figure::PUB_INTENDED]);
        let mut pending = Pending::default();
        pending.observe(80);
        progress.set(figure::PUB_SENT, 40);
        progress.set(figure::PUB_INTENDED, 50);
        progress.flush(&mut pending);
        let value = |name: &str| {
            let text = render(&METRICS, "e");
            let head =
                format!("{name}{{engine=\"e\",element=\"live test paced\",sampler=\"publish\"}} ");
            text.lines()
                .find_map(|l| l.strip_prefix(head.as_str()).map(str::to_string))
                .unwrap_or_default()
        };
        // a scrape during the sample sees it
        assert_eq!(value("mqttload_published_messages_total"), "40");
        assert_eq!(value("mqttload_intended_messages_total"), "50");
        assert_eq!(value("mqttload_schedule_lag_us_count"), "1");
        pending.observe(90);
        progress.flush(&mut pending);
        // the sample's end: its totals, not added twice; its distribution was streamed
        let mut o = SampleOutcome::ok("x", Duration::ZERO).with_publish(100, 100, 1.0, None);
        o.distribution = Some(Distribution {
            values: vec![(80, 1), (90, 1)],
            sum: 170,
        });
        live.record_after(&o, Some(&progress));
        assert_eq!(value("mqttload_published_messages_total"), "100");
        assert_eq!(value("mqttload_intended_messages_total"), "100");
        assert_eq!(value("mqttload_schedule_lag_us_count"), "2");
        assert_eq!(value("mqttload_samples_total"), "1");
    }

    #[test]
    fn a_sample_adds_its_figures_and_distribution() {
        enable();
        let live = Live::new(Kind::Subscribe, "live test sub", Vec::new());
        let mut o = SampleOutcome::ok("x", Duration::ZERO).with_messages(3);
        o.bytes = 30;
        o.stats[figure::LOST] = 2;
        o.distribution = Some(Distribution {
            values: vec![(80, 2), (2_000, 1)],
            sum: 2_160,
        });
        live.record(&o);
        live.record(&SampleOutcome::failed("501", "y", Duration::ZERO));
        let text = render(&METRICS, "e");
        let series = |name: &str| {
            format!("{name}{{engine=\"e\",element=\"live test sub\",sampler=\"subscribe\"")
        };
        for (name, v) in [
            ("mqttload_samples_total", "2"),
            ("mqttload_sample_errors_total", "1"),
            ("mqttload_bytes_total", "30"),
            ("mqttload_received_messages_total", "3"),
            ("mqttload_lost_messages_total", "2"),
            ("mqttload_latency_us_count", "3"),
            ("mqttload_latency_us_sum", "2160"),
        ] {
            assert!(
                text.contains(&format!("{}}} {v}\n", series(name))),
                "{name}: {text}"
            );
        }
        assert!(text.contains(&format!(
            "{},le=\"100\"}} 2\n",
            series("mqttload_latency_us_bucket")
        )));
    }
}
