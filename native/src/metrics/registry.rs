//! The engine's live figures: counters, gauges and histograms by name and labels, kept in one
//! registry per process. A sampler takes its handles once (when its element is made) and adds to
//! them per sample, so a message costs nothing here; the exposition reads them when scraped.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;

/// Labels of a series, in the order they are shown; few and bounded (element, QoS, ...), never
/// one per connection.
pub type Labels = Vec<(&'static str, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A count that only grows (Prometheus `rate()`s it).
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down (connections up, a broker's message rate).
#[derive(Debug, Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }

    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Upper bounds of the latency buckets, microseconds: 50 µs to 10 s.
pub const MICROS_BUCKETS: [u64; 18] = [
    50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
    1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000,
];

/// Counts of observations per bucket (each bucket its own, summed when shown), their sum and
/// count: what a Prometheus histogram is.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [u64],
    /// One per bound, and one above the last.
    buckets: Vec<AtomicU64>,
    sum: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [u64]) -> Histogram {
        Histogram {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    /// `n` observations of `value`.
    pub fn observe_n(&self, value: u64, n: u64) {
        if n == 0 {
            return;
        }
        let i = self.bounds.partition_point(|b| *b < value);
        self.buckets[i].fetch_add(n, Ordering::Relaxed);
        self.sum
            .fetch_add(value.saturating_mul(n), Ordering::Relaxed);
        self.count.fetch_add(n, Ordering::Relaxed);
    }

    pub fn observe(&self, value: u64) {
        self.observe_n(value, 1);
    }

    /// A sample's observations at once: (value, how many) pairs and their exact sum.
    pub fn observe_batch(&self, values: &[(u64, u64)], sum: u64) {
        let mut count = 0;
        for (value, n) in values {
            let i = self.bounds.partition_point(|b| b < value);
            self.buckets[i].fetch_add(*n, Ordering::Relaxed);
            count += n;
        }
        self.sum.fetch_add(sum, Ordering::Relaxed);
        self.count.fetch_add(count, Ordering::Relaxed);
    }

    /// (upper bound, cumulative count) per bucket, the last one `None` (+Inf); the sum; the count.
    pub fn snapshot(&self) -> (Vec<(Option<u64>, u64)>, u64, u64) {
        let mut running = 0;
        let mut out = Vec::with_capacity(self.buckets.len());
        for (i, b) in self.buckets.iter().enumerate() {
            running += b.load(Ordering::Relaxed);
            out.push((self.bounds.get(i).copied(), running));
        }
        (
            out,
            self.sum.load(Ordering::Relaxed),
            self.count.load(Ordering::Relaxed),
        )
    }
}

/// Observations gathered where they happen (one task, no atomics) and handed to a [`Histogram`]
/// now and then: what a long sample streams while it runs.
#[derive(Debug)]
pub struct Pending {
    bounds: &'static [u64],
    buckets: Vec<u64>,
    sum: u64,
    count: u64,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            bounds: &MICROS_BUCKETS,
            buckets: vec![0; MICROS_BUCKETS.len() + 1],
            sum: 0,
            count: 0,
        }
    }
}

impl Pending {
    pub fn observe(&mut self, value: u64) {
        let i = self.bounds.partition_point(|b| *b < value);
        self.buckets[i] += 1;
        self.sum = self.sum.saturating_add(value);
        self.count += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl Histogram {
    /// Adds what `pending` gathered, and empties it.
    pub fn absorb(&self, pending: &mut Pending) {
        if pending.count == 0 || pending.buckets.len() != self.buckets.len() {
            return;
        }
        for (mine, n) in self.buckets.iter().zip(pending.buckets.iter_mut()) {
            if *n > 0 {
                mine.fetch_add(*n, Ordering::Relaxed);
                *n = 0;
            }
        }
        self.sum.fetch_add(pending.sum, Ordering::Relaxed);
        self.count.fetch_add(pending.count, Ordering::Relaxed);
        pending.sum = 0;
        pending.count = 0;
    }
}

#[derive(Debug, Clone)]
pub enum Series {
    Counter(Arc<Counter>),
    Gauge(Arc<Gauge>),
    Histogram(Arc<Histogram>),
}

/// A metric's name, what it says, its kind and its series by labels.
#[derive(Debug)]
pub struct Family {
    pub help: &'static str,
    pub kind: Kind,
    pub series: BTreeMap<Vec<(&'static str, String)>, Series>,
}

/// What brings gauges up to date before a scrape (counting live connections, say).
pub type ScrapeHook = Box<dyn Fn() + Send + Sync>;

/// Every family of the process, by name, and the hooks run before each scrape.
#[derive(Default)]
pub struct Registry {
    families: Mutex<BTreeMap<&'static str, Family>>,
    hooks: Mutex<Vec<ScrapeHook>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

/// The process's registry.
pub static METRICS: Lazy<Registry> = Lazy::new(Registry::default);

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on the samplers record their figures (the endpoint is up); before, they spend nothing.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

impl Registry {
    fn series(
        &self,
        name: &'static str,
        help: &'static str,
        kind: Kind,
        labels: Labels,
        make: impl FnOnce() -> Series,
    ) -> Series {
        let mut families = self
            .families
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let family = families.entry(name).or_insert_with(|| Family {
            help,
            kind,
            series: BTreeMap::new(),
        });
        family.series.entry(labels).or_insert_with(make).clone()
    }

    /// The counter `name` with `labels`, made at its first use; the same one after that.
    pub fn counter(&self, name: &'static str, help: &'static str, labels: Labels) -> Arc<Counter> {
        match self.series(name, help, Kind::Counter, labels, || {
            Series::Counter(Arc::default())
        }) {
            Series::Counter(c) => c,
            // A name is one kind; a caller asking for another gets a counter nobody shows.
            _ => Arc::default(),
        }
    }

    pub fn gauge(&self, name: &'static str, help: &'static str, labels: Labels) -> Arc<Gauge> {
        match self.series(name, help, Kind::Gauge, labels, || {
            Series::Gauge(Arc::default())
        }) {
            Series::Gauge(g) => g,
            _ => Arc::default(),
        }
    }

    /// A histogram of microseconds ([`MICROS_BUCKETS`]).
    pub fn micros(&self, name: &'static str, help: &'static str, labels: Labels) -> Arc<Histogram> {
        match self.series(name, help, Kind::Histogram, labels, || {
            Series::Histogram(Arc::new(Histogram::new(&MICROS_BUCKETS)))
        }) {
            Series::Histogram(h) => h,
            _ => Arc::new(Histogram::new(&MICROS_BUCKETS)),
        }
    }

    /// `hook` runs before each scrape.
    pub fn on_scrape(&self, hook: ScrapeHook) {
        self.hooks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(hook);
    }

    /// Runs the hooks (before a scrape reads the families).
    pub fn refresh(&self) {
        let hooks = self
            .hooks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for hook in hooks.iter() {
            hook();
        }
    }

    /// Runs `f` over every family, in name order (the exposition).
    pub fn each(&self, mut f: impl FnMut(&str, &Family)) {
        let families = self
            .families
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (name, family) in families.iter() {
            f(name, family);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_and_labels_give_the_same_series() {
        let r = Registry::default();
        let a = r.counter("t_total", "t", vec![("element", "A".into())]);
        let b = r.counter("t_total", "t", vec![("element", "A".into())]);
        let c = r.counter("t_total", "t", vec![("element", "B".into())]);
        a.add(2);
        b.add(3);
        c.add(1);
        assert_eq!((a.get(), c.get()), (5, 1));
    }

    #[test]
    fn pending_observations_land_in_the_same_buckets() {
        let h = Histogram::new(&MICROS_BUCKETS);
        let mut p = Pending::default();
        p.observe(50);
        p.observe(51);
        p.observe(99_000_000);
        h.absorb(&mut p);
        assert!(p.is_empty());
        h.absorb(&mut p); // nothing twice
        let (buckets, sum, count) = h.snapshot();
        assert_eq!(buckets[0], (Some(50), 1));
        assert_eq!(buckets[1], (Some(100), 2));
        assert_eq!(buckets.last(), Some(&(None, 3)));
        assert_eq!((sum, count), (50 + 51 + 99_000_000, 3));
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let h = Histogram::new(&MICROS_BUCKETS);
        h.observe(40);
        h.observe_n(50, 2); // a bound is inclusive
        h.observe(51);
        h.observe(99_000_000);
        let (buckets, sum, count) = h.snapshot();
        assert_eq!(buckets[0], (Some(50), 3));
        assert_eq!(buckets[1], (Some(100), 4));
        assert_eq!(buckets.last(), Some(&(None, 5)));
        assert_eq!((sum, count), (40 + 100 + 51 + 99_000_000, 5));
    }
}
