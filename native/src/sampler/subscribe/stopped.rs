//! Publisher streams of other JMeter engines that stopped while others went on, with no end marker
//! to say how many they sent: most often their engine ended early or died (a killed
//! `jmeter-server`). What such a publisher never sent is no loss of the broker's, and a subscriber
//! cannot know how much it was (the count died with the engine), so the sample names the streams,
//! what of them arrived and what is missing in their gaps, rather than leaving a shortfall nobody
//! accounts for.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use crate::clock;

/// Silence that never makes a stream stopped, however fast it published: a loaded machine's
/// pauses and a burst plan's gaps between bursts stay below it.
const MIN_SILENCE: Duration = Duration::from_secs(5);
/// A slow stream (a device every 10 s) is stopped only after this many of its own intervals.
const INTERVALS: u32 = 3;

struct Activity {
    first: SystemTime,
    last: SystemTime,
    received: u64,
}

/// When each publisher's messages arrived: the first, the last, how many.
#[derive(Default)]
pub(super) struct Activities(HashMap<u64, Activity>);

/// A stream that stopped: its publisher id, messages received, silence so far.
pub(super) struct Stopped {
    pub(super) publisher: u64,
    pub(super) received: u64,
    pub(super) silent: Duration,
}

impl Activities {
    #[inline]
    pub(super) fn seen(&mut self, publisher: u64, at: SystemTime) {
        self.0
            .entry(publisher)
            .and_modify(|a| {
                a.last = a.last.max(at);
                a.received += 1;
            })
            .or_insert(Activity {
                first: at,
                last: at,
                received: 1,
            });
    }

    /// The streams silent for MIN_SILENCE or INTERVALS of their own mean interval, whichever is
    /// longer, both until `now` and before the latest arrival of any other stream (the others went
    /// on: a run whose publishers all ended together has none). `heard` is the latest arrival of
    /// any stream, this engine's included, which are not recorded here (they say how many they
    /// sent); `counted` streams (ended by a marker, say) are left out: their loss is known exactly.
    pub(super) fn stopped(
        &self,
        now: SystemTime,
        heard: Option<SystemTime>,
        counted: impl Fn(u64) -> bool,
    ) -> Vec<Stopped> {
        let Some(latest) = self.0.values().map(|a| a.last).chain(heard).max() else {
            return Vec::new();
        };
        let mut out: Vec<Stopped> = self
            .0
            .iter()
            .filter(|(id, _)| !counted(**id))
            .filter_map(|(&publisher, a)| {
                let interval = a
                    .last
                    .duration_since(a.first)
                    .unwrap_or_default()
                    .checked_div(u32::try_from(a.received.saturating_sub(1)).unwrap_or(u32::MAX))
                    .unwrap_or_default();
                let threshold = MIN_SILENCE.max(interval.saturating_mul(INTERVALS));
                let behind = latest.duration_since(a.last).unwrap_or_default();
                let silent = now.duration_since(a.last).unwrap_or_default();
                (behind >= threshold && silent >= threshold).then_some(Stopped {
                    publisher,
                    received: a.received,
                    silent,
                })
            })
            .collect();
        out.sort_by_key(|s| s.publisher);
        out
    }
}

/// The sample's words for the stopped streams, one clause per engine (its tag, as the engine's
/// log shows it): "stopped: 5 publisher stream(s) of engine 3fa2c1 sent nothing for 8.1 s while
/// others went on and no end marker came (their JMeter engine ended or died?): 600 of their
/// messages received, 0 missing in gaps; what they did not send is not counted as lost".
pub(super) fn stopped_text(stopped: &[Stopped], missing_of: impl Fn(u64) -> u64) -> Option<String> {
    if stopped.is_empty() {
        return None;
    }
    // tag -> (streams, received, missing, longest silence)
    let mut by_engine: BTreeMap<u32, (u64, u64, u64, Duration)> = BTreeMap::new();
    for s in stopped {
        let e = by_engine
            .entry(clock::publisher_tag(s.publisher))
            .or_default();
        e.0 += 1;
        e.1 += s.received;
        e.2 += missing_of(s.publisher);
        e.3 = e.3.max(s.silent);
    }
    let clauses: Vec<String> = by_engine
        .iter()
        .map(|(tag, (streams, received, missing, silent))| {
            format!(
                "stopped: {streams} publisher stream(s) of engine {tag:06x} sent nothing for {:.1} s \
                 while others went on and no end marker came (their JMeter engine ended or died?): \
                 {received} of their messages received, {missing} missing in gaps; what they did \
                 not send is not counted as lost",
                silent.as_secs_f64()
            )
        })
        .collect();
    Some(clauses.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_000_000 + ms)
    }

    fn id(tag: u32, n: u64) -> u64 {
        clock::tagged(tag, n)
    }

    #[test]
    fn a_stream_that_stops_while_others_go_on_is_named() {
        let mut a = Activities::default();
        for i in 0..100 {
            a.seen(id(7, 1), at(i * 100)); // every 100 ms until 9.9 s
        }
        for i in 0..200 {
            a.seen(id(9, 1), at(i * 100)); // on until 19.9 s
        }
        let s = a.stopped(at(20_000), None, |_| false);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].publisher, s[0].received), (id(7, 1), 100));
        assert_eq!(s[0].silent, Duration::from_millis(10_100));
        let text = stopped_text(&s, |_| 2).unwrap();
        assert!(
            text.starts_with(
                "stopped: 1 publisher stream(s) of engine 000007 sent nothing for 10.1 s"
            ),
            "{text}"
        );
        assert!(
            text.contains("100 of their messages received, 2 missing in gaps"),
            "{text}"
        );
    }

    #[test]
    fn streams_that_all_end_together_or_are_counted_are_not() {
        let mut a = Activities::default();
        for i in 0..100 {
            a.seen(id(7, 1), at(i * 100));
            a.seen(id(9, 1), at(i * 100));
        }
        assert!(a.stopped(at(60_000), None, |_| false).is_empty());
        a.seen(id(9, 1), at(30_000));
        assert_eq!(a.stopped(at(60_000), None, |_| false).len(), 1);
        assert!(a.stopped(at(60_000), None, |p| p == id(7, 1)).is_empty());
    }

    #[test]
    fn streams_heard_but_not_recorded_count_as_going_on() {
        let mut a = Activities::default();
        for i in 0..100 {
            a.seen(id(7, 1), at(i * 100)); // until 9.9 s
        }
        // Alone, it is no stream that stopped while others went on...
        assert!(a.stopped(at(30_000), None, |_| false).is_empty());
        // ... but this engine's own streams (heard, not recorded) went on until 29.9 s.
        let s = a.stopped(at(30_000), Some(at(29_900)), |_| false);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].publisher, id(7, 1));
    }

    #[test]
    fn a_slow_stream_is_judged_by_its_own_interval() {
        let mut a = Activities::default();
        for i in 0..5 {
            a.seen(id(7, 1), at(i * 10_000)); // a device every 10 s, last at 40 s
        }
        for i in 0..650 {
            a.seen(id(9, 1), at(i * 100)); // on until 64.9 s
        }
        // 25 s of silence is less than three of its intervals
        assert!(a.stopped(at(65_000), None, |_| false).is_empty());
        for i in 650..750 {
            a.seen(id(9, 1), at(i * 100)); // on until 74.9 s
        }
        assert_eq!(a.stopped(at(75_000), None, |_| false).len(), 1);
    }
}
