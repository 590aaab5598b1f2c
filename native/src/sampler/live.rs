//! What one element's samples add to the live metrics (the engine's Prometheus endpoint), under the
//! element's name: samples, errors, bytes, the figures the contract gives a counter, and the
//! sample's distribution (latency, schedule lag, round trip or answer delay) as a histogram. The
//! handles are taken once, when the element's engine object is made; a sample adds to them.

use std::sync::Arc;

use super::outcome::{figure, SampleOutcome};
use crate::metrics::{enabled, Counter, Histogram, Labels, METRICS};

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
        if !enabled() {
            return;
        }
        self.samples.add(1);
        self.errors.add(o.error_count);
        self.bytes.add(o.bytes);
        for (i, c) in &self.figures {
            if let Ok(v @ 1..) = u64::try_from(o.stats[*i]) {
                c.add(v);
            }
        }
        if let (Some(h), Some(d)) = (&self.histogram, &o.distribution) {
            h.observe_batch(&d.values, d.sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::metrics::{enable, render};
    use crate::sampler::stats::Distribution;

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
