//! The Broker Statistics operation: one connection of its own subscribes to the broker's `$SYS`
//! tree and keeps the latest value of every topic; each sample reports that snapshot, a few
//! named figures (clients, message and byte rates, subscriptions, retained messages, memory) and
//! per-second rates of its own from consecutive totals, since brokers publish totals that a
//! JTL cannot difference by itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::client::{Delivery, MessageSink};
use crate::codec::QoS;

use super::config::{refer, BrokerStatsConfig, Id};
use super::group::ConnectionGroup;
use super::live::{self, Live};
use super::outcome::{self, SampleOutcome};
use super::shutdown::Shutdown;
use crate::metrics::{Gauge, Labels, METRICS};

/// Topics kept; beyond it (an EMQX publishing one event topic per client, say) they are counted.
const MAX_TOPICS: usize = 10_000;
/// A broker publishes its `$SYS` tree as one burst: a sample waits for this much quiet, so it
/// does not report half of a burst...
const BURST_QUIET: Duration = Duration::from_millis(30);
/// ...but never longer than this for it.
const BURST_WAIT: Duration = Duration::from_millis(500);
/// The first sample's settle after the first message: the retained tree arrives right after SUBACK.
const FIRST_QUIET: Duration = Duration::from_millis(100);
const FIRST_WAIT: Duration = Duration::from_secs(1);
const SUBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// How a figure is derived from the topics it is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The value as published.
    Value,
    /// Per second, from two consecutive totals.
    Rate,
    /// A moving average per minute (Mosquitto's `load/.../1min`), shown per second.
    PerMinute,
}

/// A named figure: its JMeter variable and the topics (relative to the root) that carry it, in
/// order of preference: the first pattern that matches any topic is used, and its matches are
/// added up (an EMQX cluster publishes one per node). `*` matches one level (EMQX's node name).
struct Figure {
    name: &'static str,
    /// Its gauge in the live metrics, and what it says.
    metric: &'static str,
    help: &'static str,
    kind: Kind,
    topics: &'static [&'static str],
}

/// Mosquitto's (`$SYS/broker`) and EMQX's (`$SYS/brokers`) names; docs/elements/broker-statistics.md lists them.
const FIGURES: &[Figure] = &[
    Figure {
        name: "MQTT_BROKER_CLIENTS",
        metric: "mqttload_broker_clients",
        help: "Clients connected to the broker ($SYS), from the last Broker Statistics sample.",
        kind: Kind::Value,
        topics: &[
            "clients/connected",
            "clients/active",
            "*/stats/connections/count",
        ],
    },
    Figure {
        name: "MQTT_BROKER_MSGS_RECEIVED_PER_S",
        metric: "mqttload_broker_msgs_received_per_s",
        help: "Messages the broker received per second ($SYS totals), from the last Broker Statistics sample.",
        kind: Kind::Rate,
        topics: &["publish/messages/received", "*/metrics/messages/received"],
    },
    Figure {
        name: "MQTT_BROKER_MSGS_SENT_PER_S",
        metric: "mqttload_broker_msgs_sent_per_s",
        help: "Messages the broker sent per second ($SYS totals), from the last Broker Statistics sample.",
        kind: Kind::Rate,
        topics: &["publish/messages/sent", "*/metrics/messages/sent"],
    },
    Figure {
        name: "MQTT_BROKER_BYTES_RECEIVED_PER_S",
        metric: "mqttload_broker_bytes_received_per_s",
        help: "Bytes the broker received per second ($SYS totals), from the last Broker Statistics sample.",
        kind: Kind::Rate,
        topics: &["bytes/received", "*/metrics/bytes/received"],
    },
    Figure {
        name: "MQTT_BROKER_BYTES_SENT_PER_S",
        metric: "mqttload_broker_bytes_sent_per_s",
        help: "Bytes the broker sent per second ($SYS totals), from the last Broker Statistics sample.",
        kind: Kind::Rate,
        topics: &["bytes/sent", "*/metrics/bytes/sent"],
    },
    Figure {
        name: "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S",
        metric: "mqttload_broker_msgs_received_1min_per_s",
        help: "The broker's own 1-minute average of messages received per second ($SYS).",
        kind: Kind::PerMinute,
        topics: &["load/publish/received/1min"],
    },
    Figure {
        name: "MQTT_BROKER_MSGS_SENT_1MIN_PER_S",
        metric: "mqttload_broker_msgs_sent_1min_per_s",
        help: "The broker's own 1-minute average of messages sent per second ($SYS).",
        kind: Kind::PerMinute,
        topics: &["load/publish/sent/1min"],
    },
    Figure {
        name: "MQTT_BROKER_SUBSCRIPTIONS",
        metric: "mqttload_broker_subscriptions",
        help: "Subscriptions the broker holds ($SYS).",
        kind: Kind::Value,
        topics: &["subscriptions/count", "*/stats/subscriptions/count"],
    },
    Figure {
        name: "MQTT_BROKER_RETAINED",
        metric: "mqttload_broker_retained",
        help: "Retained messages the broker holds ($SYS).",
        kind: Kind::Value,
        topics: &["retained messages/count", "*/stats/retained/count"],
    },
    Figure {
        name: "MQTT_BROKER_HEAP_BYTES",
        metric: "mqttload_broker_heap_bytes",
        help: "The broker's heap in use, bytes ($SYS).",
        kind: Kind::Value,
        topics: &["heap/current"],
    },
    Figure {
        name: "MQTT_BROKER_DROPPED",
        metric: "mqttload_broker_dropped",
        help: "Messages the broker dropped ($SYS total).",
        kind: Kind::Value,
        topics: &["publish/messages/dropped", "*/metrics/messages/dropped"],
    },
];

/// The names of the figures, in the order `BrokerStats::figures` reports them.
pub fn figure_names() -> impl Iterator<Item = &'static str> {
    FIGURES.iter().map(|f| f.name)
}

/// A `$SYS` value as a number: "1234", "0.50", "12 seconds" (the first word); None for text
/// such as "mosquitto version 2.0.11".
fn parse_number(text: &str) -> Option<f64> {
    let v: f64 = text.split_whitespace().next()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Whether `topic` (relative to the root) matches `pattern`, where `*` is any one level.
fn matches(pattern: &str, topic: &str) -> bool {
    let mut p = pattern.split('/');
    let mut t = topic.split('/');
    loop {
        match (p.next(), t.next()) {
            (None, None) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// The figure's value from the latest values (relative topic -> text), before rates.
fn read(figure: &Figure, values: &BTreeMap<String, String>) -> Option<f64> {
    let found = figure.topics.iter().find_map(|pattern| {
        let found: Vec<f64> = values
            .iter()
            .filter(|(t, _)| matches(pattern, t))
            .filter_map(|(_, v)| parse_number(v))
            .collect();
        (!found.is_empty()).then_some(found)
    })?;
    // Nodes' values near f64::MAX add up to infinity (found by the sys_figures fuzz target):
    // no broker has such a count, and "inf" is no number for the JTL column.
    let sum: f64 = found.iter().sum();
    sum.is_finite().then_some(sum)
}

/// Plain digits for whole numbers, else two decimals without trailing zeros; no separators, so
/// the JTL column reads as a number.
fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "1,234" (rounded), for the response message.
fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs().round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// Per-second rates of the `Rate` figures from the totals of two broker publications.
#[derive(Default)]
struct Rates {
    /// The arrival of the newest live (not retained) message and the totals as they stood then.
    previous: Option<(Instant, HashMap<&'static str, f64>)>,
    current: HashMap<&'static str, f64>,
}

impl Rates {
    /// Takes the totals as they stand after the broker's publication that arrived at `tick`; a
    /// tick already seen changes nothing (the broker has published nothing new), a counter that
    /// went down (a broker restart) has no rate until the next publication.
    fn update(&mut self, tick: Option<Instant>, totals: HashMap<&'static str, f64>) {
        let Some(tick) = tick else { return };
        if let Some((before, old)) = &self.previous {
            if *before == tick {
                return;
            }
            let dt = tick.saturating_duration_since(*before).as_secs_f64();
            self.current.clear();
            for (name, now) in &totals {
                if let Some(then) = old.get(name) {
                    let rate = (now - then) / dt;
                    // Two publications a nanosecond apart can make a huge growth infinite.
                    if *now >= *then && dt > 0.0 && rate.is_finite() {
                        self.current.insert(name, rate);
                    }
                }
            }
        }
        self.previous = Some((tick, totals));
    }
}

#[derive(Default)]
struct Latest {
    /// Topic (relative to the root) -> its latest value, as text.
    values: BTreeMap<String, String>,
    /// Messages on topics beyond MAX_TOPICS.
    omitted: u64,
    messages: u64,
    last_message: Option<Instant>,
    /// Arrival of the newest message the broker published live (not a retained one sent at
    /// SUBACK): when the values were the broker's current ones.
    last_live: Option<Instant>,
}

struct Sink {
    /// "<root>/": stripped from the topics kept.
    prefix: String,
    /// MAX_TOPICS, except in a replay: a fuzz input of a few messages must be able to reach it.
    max_topics: usize,
    latest: Mutex<Latest>,
    notify: Notify,
    open: AtomicBool,
}

impl MessageSink for Sink {
    fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        let p = d.publish;
        self.receive(&p.topic, &p.payload, p.retain, Instant::now());
    }
}

impl Sink {
    fn new(root: &str, max_topics: usize) -> Sink {
        Sink {
            prefix: format!("{root}/"),
            max_topics,
            latest: Mutex::new(Latest::default()),
            notify: Notify::new(),
            open: AtomicBool::new(true),
        }
    }

    /// A publication that arrived at `at` (a parameter so that a replay decides the clock).
    fn receive(&self, topic: &str, payload: &[u8], retain: bool, at: Instant) {
        let topic = topic.strip_prefix(&self.prefix).unwrap_or(topic);
        let value = String::from_utf8_lossy(payload).trim().to_string();
        if let Ok(mut l) = self.latest.lock() {
            l.messages += 1;
            l.last_message = Some(at);
            if !retain {
                l.last_live = Some(at);
            }
            if l.values.len() < self.max_topics || l.values.contains_key(topic) {
                l.values.insert(topic.to_string(), value);
            } else {
                l.omitted += 1;
            }
        }
        self.notify.notify_waiters();
    }
}

/// What one sample reports from the values its sink holds (the connection's state aside).
#[doc(hidden)]
pub struct SysReport {
    pub figures: Figures,
    /// The response message, without the note on a lost connection.
    pub message: String,
    /// The response data: one `<root>/<topic> = <value>` line per topic kept.
    pub data: String,
    /// Topics kept, at most `MAX_TOPICS` (or a replay's limit).
    pub topics: usize,
    /// Messages on topics beyond them.
    pub omitted: u64,
}

/// None when a lock is poisoned.
fn report(sink: &Sink, rates: &mut Rates, root: &str) -> Option<SysReport> {
    let max_topics = sink.max_topics;
    let (values, omitted, tick) = match sink.latest.lock() {
        Ok(l) => (l.values.clone(), l.omitted, l.last_live),
        Err(_) => return None,
    };
    let totals: HashMap<&'static str, f64> = FIGURES
        .iter()
        .filter(|f| f.kind == Kind::Rate)
        .filter_map(|f| read(f, &values).map(|v| (f.name, v)))
        .collect();
    rates.update(tick, totals);
    let numbers: Vec<(&'static str, Option<f64>)> = FIGURES
        .iter()
        .map(|f| {
            let v = match f.kind {
                Kind::Value => read(f, &values),
                Kind::Rate => rates.current.get(f.name).copied(),
                Kind::PerMinute => read(f, &values).map(|v| v / 60.0),
            };
            (f.name, v)
        })
        .collect();
    let get = |name: &str| {
        numbers
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    };
    let rate = |own: &str, broker: &str| match get(own).or_else(|| get(broker)) {
        Some(v) => format!("{}/s", grouped(v)),
        None => "n/a".into(),
    };
    let message = format!(
        "clients {}, msgs in {}, out {}",
        get("MQTT_BROKER_CLIENTS").map_or("n/a".into(), grouped),
        rate(
            "MQTT_BROKER_MSGS_RECEIVED_PER_S",
            "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S"
        ),
        rate(
            "MQTT_BROKER_MSGS_SENT_PER_S",
            "MQTT_BROKER_MSGS_SENT_1MIN_PER_S"
        ),
    );
    let mut data = String::new();
    for (topic, value) in &values {
        data.push_str(&format!("{root}/{topic} = {value}\n"));
    }
    if omitted > 0 {
        data.push_str(&format!(
            "# {omitted} message(s) on topics beyond the first {max_topics} not kept\n"
        ));
    }
    Some(SysReport {
        figures: numbers
            .into_iter()
            .map(|(n, v)| (n, v.map(format_number)))
            .collect(),
        message,
        data,
        topics: values.len(),
        omitted,
    })
}

/// The Broker Statistics sampler's handling of a broker's `$SYS` publications without a broker
/// or a connection, at instants the caller gives: what the cargo-fuzz target `sys_figures`
/// (native/fuzz/) drives, so that hostile topics and payloads reach the same code a sample runs.
/// Its topic limit is the caller's, so that a fuzz input of a few messages can pass it.
#[doc(hidden)]
pub struct SysReplay {
    root: String,
    sink: Sink,
    rates: Rates,
}

impl SysReplay {
    pub fn new(root: &str, max_topics: usize) -> SysReplay {
        SysReplay {
            root: root.to_string(),
            sink: Sink::new(root, max_topics),
            rates: Rates::default(),
        }
    }

    pub fn receive(&self, topic: &str, payload: &[u8], retain: bool, at: Instant) {
        self.sink.receive(topic, payload, retain, at);
    }

    pub fn sample(&mut self) -> Option<SysReport> {
        report(&self.sink, &mut self.rates, &self.root)
    }
}

/// One sample's figures by variable name; None = the broker did not publish it (yet).
pub type Figures = Vec<(&'static str, Option<String>)>;

pub struct BrokerStats {
    config: BrokerStatsConfig,
    sink: Arc<Sink>,
    /// The group subscribed on (its id).
    bound_to: Mutex<Option<u64>>,
    rates: Mutex<Rates>,
    last_figures: Mutex<Figures>,
    /// Its live metrics and the broker's figures as gauges, once it has a name (`labelled`).
    live: Option<(Live, Vec<Arc<Gauge>>)>,
}

impl Drop for BrokerStats {
    fn drop(&mut self) {
        self.sink.open.store(false, Ordering::Release);
    }
}

impl BrokerStats {
    pub fn new(config: BrokerStatsConfig) -> BrokerStats {
        let sink = Arc::new(Sink::new(&config.topic_root, MAX_TOPICS));
        BrokerStats {
            config,
            sink,
            bound_to: Mutex::new(None),
            rates: Mutex::new(Rates::default()),
            last_figures: Mutex::new(figure_names().map(|n| (n, None)).collect()),
            live: None,
        }
    }

    /// Its name, under which its samples and the broker's figures (`mqttload_broker_clients`,
    /// ...) show in the live metrics.
    pub fn labelled(mut self, label: &str) -> BrokerStats {
        let labels: Labels = vec![("element", label.to_string())];
        let gauges = FIGURES
            .iter()
            .map(|f| METRICS.gauge(f.metric, f.help, labels.clone()))
            .collect();
        self.live = Some((Live::new(live::Kind::Stats, label, Vec::new()), gauges));
        self
    }

    /// The figures of the last sample (all None before the first, or after a failed one).
    pub fn figures(&self) -> Figures {
        self.last_figures
            .lock()
            .map(|g| g.clone())
            .unwrap_or_default()
    }

    fn set_figures(&self, f: Figures) {
        if let Ok(mut g) = self.last_figures.lock() {
            *g = f;
        }
    }

    fn messages(&self) -> u64 {
        self.sink.latest.lock().map(|l| l.messages).unwrap_or(0)
    }

    fn last_message(&self) -> Option<Instant> {
        self.sink.latest.lock().ok().and_then(|l| l.last_message)
    }

    /// Connects the group when it has no live connection, then subscribes `<root>/#` once.
    async fn ensure_subscribed(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> Result<(), SampleOutcome> {
        let started = Instant::now();
        if !group.has_connected() {
            let o = group.connect_until(shutdown).await;
            if !o.success {
                return Err(o);
            }
        }
        if *self.bound_to.lock().map_err(|_| poisoned(started))? == Some(group.id()) {
            return Ok(());
        }
        let Some((_, session)) = group.connected().into_iter().next() else {
            return Err(SampleOutcome::failed(
                outcome::NO_CONNECTION,
                group.not_connected_message(),
                started.elapsed(),
            ));
        };
        let filter = self.config.filter();
        let sink: Arc<dyn MessageSink> = self.sink.clone();
        let wait = session
            .subscribe(vec![(filter.clone(), QoS::AtMostOnce)], sink)
            .map_err(|e| {
                SampleOutcome::failed(
                    outcome::NO_CONNECTION,
                    format!("Subscribe to '{filter}' failed: {e}"),
                    started.elapsed(),
                )
            })?;
        let acked = tokio::select! {
            a = tokio::time::timeout(SUBACK_TIMEOUT, wait) => a,
            _ = shutdown.requested() => {
                return Err(SampleOutcome::failed(
                    outcome::EXCEPTION,
                    format!("Subscribe to '{filter}' failed: ended by JMeter shutdown before SUBACK"),
                    started.elapsed(),
                ));
            }
        };
        let why = match acked {
            Ok(Ok(Ok(codes))) => match codes.first() {
                Some(c) if !c.is_failure() => None,
                Some(c) => Some(format!(
                    "the broker refused it ({c:?}); is $SYS readable by this user?"
                )),
                None => Some("the broker's SUBACK had no return code".into()),
            },
            Ok(Ok(Err(e))) => Some(e.to_string()),
            Ok(Err(_)) => Some("the connection closed before SUBACK".into()),
            Err(_) => Some(format!(
                "no SUBACK within {} ms",
                SUBACK_TIMEOUT.as_millis()
            )),
        };
        if let Some(why) = why {
            return Err(SampleOutcome::failed(
                outcome::FAILED,
                format!("Subscribe to '{filter}' failed: {why}"),
                started.elapsed(),
            ));
        }
        if let Ok(mut g) = self.bound_to.lock() {
            *g = Some(group.id());
        }
        Ok(())
    }

    /// Waits until `messages()` passes `seen`, at most until `deadline`; false when it did not.
    async fn wait_for_message(&self, seen: u64, deadline: tokio::time::Instant) -> bool {
        loop {
            let notified = self.sink.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.messages() > seen {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.messages() > seen;
            }
        }
    }

    /// Waits until no message came for `quiet`, at most `limit`: the rest of a burst.
    async fn settle(&self, quiet: Duration, limit: Duration) {
        let end = tokio::time::Instant::now() + limit;
        loop {
            let Some(last) = self.last_message() else {
                return;
            };
            let idle = last.elapsed();
            if idle >= quiet {
                return;
            }
            let until = (tokio::time::Instant::now() + (quiet - idle)).min(end);
            tokio::time::sleep_until(until).await;
            if tokio::time::Instant::now() >= end {
                return;
            }
        }
    }

    pub async fn sample(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.sample_until(group, &Shutdown::never()).await
    }

    /// One snapshot. Until the broker's first `$SYS` message this waits for it (at most the
    /// first-sample timeout, ended by JMeter's Shutdown); after that it returns at once.
    pub async fn sample_until(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> SampleOutcome {
        let o = self.snapshot_sample(group, shutdown).await;
        if let Some((live, gauges)) = &self.live {
            live.record(&o);
            for (gauge, (_, value)) in gauges.iter().zip(self.figures()) {
                if let Some(v) = value.as_deref().and_then(|v| v.parse::<f64>().ok()) {
                    gauge.set(v);
                }
            }
        }
        o
    }

    async fn snapshot_sample(&self, group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
        let started = Instant::now();
        self.set_figures(figure_names().map(|n| (n, None)).collect());
        if let Err(o) = self.ensure_subscribed(group, shutdown).await {
            return o;
        }
        if self.messages() == 0 {
            let deadline = tokio::time::Instant::from_std(started) + self.config.first_timeout;
            let arrived = tokio::select! {
                a = self.wait_for_message(0, deadline) => a,
                _ = shutdown.requested() => {
                    return SampleOutcome::failed(
                        outcome::EXCEPTION,
                        format!(
                            "no $SYS messages under '{}' before JMeter's shutdown",
                            self.config.topic_root
                        ),
                        started.elapsed(),
                    );
                }
            };
            if !arrived {
                return SampleOutcome::failed(
                    outcome::FAILED,
                    format!(
                        "no $SYS messages within {} ms under '{}' (does the broker publish $SYS, \
                         and at what interval? Mosquitto: sys_interval, 10 s by default, 0 = never; \
                         the topic root is {})",
                        self.config.first_timeout.as_millis(),
                        self.config.topic_root,
                        refer(Id::TopicRoot)
                    ),
                    started.elapsed(),
                );
            }
            self.settle(FIRST_QUIET, FIRST_WAIT).await;
        } else {
            self.settle(BURST_QUIET, BURST_WAIT).await;
        }
        self.snapshot(group, started)
    }

    fn snapshot(&self, group: &ConnectionGroup, started: Instant) -> SampleOutcome {
        let report = match self.rates.lock() {
            Ok(mut rates) => report(&self.sink, &mut rates, &self.config.topic_root),
            Err(_) => None,
        };
        let Some(SysReport {
            figures,
            mut message,
            data,
            ..
        }) = report
        else {
            return poisoned(started);
        };
        if !group.is_connected() {
            message.push_str(&format!(
                " (values as last published: {})",
                group.not_connected_message()
            ));
        }
        self.set_figures(figures);
        let mut o = SampleOutcome::ok(message, started.elapsed());
        o.bytes = data.len() as u64;
        o.response_data = Some(data.into_bytes());
        o
    }
}

fn poisoned(started: Instant) -> SampleOutcome {
    SampleOutcome::failed(
        outcome::EXCEPTION,
        "broker statistics state is unusable after an internal error",
        started.elapsed(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(t, v)| (t.to_string(), v.to_string()))
            .collect()
    }

    fn figure(name: &str) -> &'static Figure {
        FIGURES.iter().find(|f| f.name == name).expect("a figure")
    }

    #[test]
    fn numbers_as_brokers_write_them() {
        assert_eq!(parse_number("1234"), Some(1234.0));
        assert_eq!(parse_number(" 0.5 "), Some(0.5));
        assert_eq!(parse_number("58.03"), Some(58.03));
        assert_eq!(parse_number("12 seconds"), Some(12.0));
        assert_eq!(parse_number("mosquitto version 2.0.11"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(format_number(1234.0), "1234");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(2.0 / 3.0), "0.67");
        assert_eq!(format_number(12.001), "12");
        assert_eq!(grouped(1234567.4), "1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(0.4), "0");
    }

    #[test]
    fn mosquitto_and_emqx_names() {
        let m = values(&[
            ("clients/connected", "3"),
            ("retained messages/count", "52"),
            ("load/publish/received/1min", "120.00"),
            ("version", "mosquitto version 2.0.11"),
        ]);
        assert_eq!(read(figure("MQTT_BROKER_CLIENTS"), &m), Some(3.0));
        assert_eq!(read(figure("MQTT_BROKER_RETAINED"), &m), Some(52.0));
        assert_eq!(
            read(figure("MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S"), &m),
            Some(120.0)
        );
        assert_eq!(read(figure("MQTT_BROKER_HEAP_BYTES"), &m), None);
        // Mosquitto 1.x called connected clients "active".
        let old = values(&[("clients/active", "7")]);
        assert_eq!(read(figure("MQTT_BROKER_CLIENTS"), &old), Some(7.0));
        // EMQX under $SYS/brokers: one tree per node, added up.
        let e = values(&[
            ("emqx@10.0.0.1/stats/connections/count", "10"),
            ("emqx@10.0.0.2/stats/connections/count", "5"),
            ("emqx@10.0.0.1/metrics/messages/received", "100"),
            ("emqx@10.0.0.1/clients/c1/connected", "{}"),
        ]);
        assert_eq!(read(figure("MQTT_BROKER_CLIENTS"), &e), Some(15.0));
        assert_eq!(
            read(figure("MQTT_BROKER_MSGS_RECEIVED_PER_S"), &e),
            Some(100.0)
        );
        assert!(matches(
            "*/stats/connections/count",
            "n/stats/connections/count"
        ));
        assert!(!matches(
            "*/stats/connections/count",
            "stats/connections/count"
        ));
        assert!(!matches("clients/connected", "clients/connected/x"));
    }

    #[test]
    fn rates_from_consecutive_totals() {
        let t0 = Instant::now();
        let totals = |v: f64| HashMap::from([("MQTT_BROKER_MSGS_RECEIVED_PER_S", v)]);
        let mut r = Rates::default();
        // Retained values only: no time the broker published them, no rate.
        r.update(None, totals(100.0));
        assert!(r.previous.is_none() && r.current.is_empty());
        r.update(Some(t0), totals(100.0));
        assert!(r.current.is_empty());
        r.update(Some(t0 + Duration::from_secs(2)), totals(1100.0));
        assert_eq!(
            r.current.get("MQTT_BROKER_MSGS_RECEIVED_PER_S"),
            Some(&500.0)
        );
        // Sampled again before the broker's next publication: the same rate.
        r.update(Some(t0 + Duration::from_secs(2)), totals(1100.0));
        assert_eq!(
            r.current.get("MQTT_BROKER_MSGS_RECEIVED_PER_S"),
            Some(&500.0)
        );
        // The counter did not change (the broker republishes only changes): 0/s.
        r.update(Some(t0 + Duration::from_secs(3)), totals(1100.0));
        assert_eq!(r.current.get("MQTT_BROKER_MSGS_RECEIVED_PER_S"), Some(&0.0));
        // A restarted broker starts from 0: no rate rather than a negative one.
        r.update(Some(t0 + Duration::from_secs(4)), totals(5.0));
        assert!(r.current.is_empty());
        r.update(Some(t0 + Duration::from_millis(4500)), totals(55.0));
        assert_eq!(
            r.current.get("MQTT_BROKER_MSGS_RECEIVED_PER_S"),
            Some(&100.0)
        );
    }

    #[test]
    fn figures_beyond_f64_are_unknown_not_inf() {
        // Found by the sys_figures fuzz target: two nodes near f64::MAX gave "inf" figures, and
        // publications a nanosecond apart an infinite rate.
        let mut replay = SysReplay::new("$SYS/brokers", MAX_TOPICS);
        let t0 = Instant::now();
        for node in ["a", "b"] {
            let topic = format!("$SYS/brokers/{node}/stats/connections/count");
            replay.receive(&topic, b"1e308", false, t0);
        }
        replay.receive("$SYS/brokers/a/metrics/messages/received", b"0", false, t0);
        let first = replay.sample().unwrap();
        let clients = first
            .figures
            .iter()
            .find(|(n, _)| *n == "MQTT_BROKER_CLIENTS");
        assert_eq!(clients, Some(&("MQTT_BROKER_CLIENTS", None)));
        let t1 = t0 + Duration::from_nanos(1);
        replay.receive(
            "$SYS/brokers/a/metrics/messages/received",
            b"1e300",
            false,
            t1,
        );
        let second = replay.sample().unwrap();
        for (name, value) in &second.figures {
            if let Some(v) = value {
                assert!(v.parse::<f64>().unwrap().is_finite(), "{name} = {v}");
            }
        }
    }

    #[test]
    fn sink_keeps_the_latest_value_per_topic_and_the_live_tick() {
        use crate::codec::Publish;
        let sink = Sink::new("$SYS/broker", MAX_TOPICS);
        let publish = |topic: &str, payload: &str, retain: bool| Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain,
            topic: topic.into(),
            pkid: 0,
            payload: bytes::Bytes::from(payload.to_string()),
            properties: Default::default(),
        };
        let deliver = |p: &Publish| {
            sink.on_message(&Delivery {
                publish: p,
                received_at: std::time::SystemTime::now(),
            })
        };
        deliver(&publish("$SYS/broker/clients/connected", "1", true));
        assert!(sink.latest.lock().expect("lock").last_live.is_none());
        deliver(&publish("$SYS/broker/clients/connected", "2\n", false));
        let l = sink.latest.lock().expect("lock");
        assert_eq!(
            l.values.get("clients/connected").map(String::as_str),
            Some("2")
        );
        assert_eq!(l.messages, 2);
        assert!(l.last_live.is_some());
    }
}
