//! Paced (open-loop) publishing: every connection of the group publishes one message every
//! interval for the sample's duration, on a schedule the engine keeps, not JMeter's threads.
//!
//! The group's connections share one schedule: with n connections publishing every I, message j
//! is due at j·I/n from the start, on connection j mod n. So each connection's first message is
//! offset by slot·I/n (a group of 10,000 never fires in lock-step) and one loop with one timer
//! drives the whole group, whatever its size: no task or timer per connection.
//!
//! Each message's timestamp is its intended send time, not the moment it went out: a subscriber's
//! end-to-end latency then includes any delay in sending (no coordinated omission). How late the
//! loop handed each message to its connection is the schedule's lag, reported per sample.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::client::{ClientError, PublishAck, Session};
use crate::metrics::Pending;

use super::acks::{await_acks, Tally};
use super::config::{Pace, PublishConfig};
use super::group::ConnectionGroup;
use super::live::Progress;
use super::outcome::{self, figure, SampleOutcome};
use super::shutdown::Shutdown;
use super::stats::Latencies;

/// Sends handed out between two looks at JMeter's Shutdown (and yields to the runtime) when the
/// loop is behind and never sleeps.
const CHECK_EVERY: u64 = 1024;
/// How often a schedule hands its progress to the live metrics (a scrape every second sees it).
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// A schedule that never waits for room (its sends count a full connection as a failure).
pub(super) fn no_wait(_: usize) -> Option<std::future::Ready<()>> {
    None
}

/// One sample's timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Schedule {
    /// One connection's interval.
    interval_nanos: u128,
    connections: u64,
    intended: u64,
    /// Where the schedule ends: the duration, or with a cap alone where the next message would
    /// have been due, so that back-to-back samples keep the rate.
    end: Duration,
}

fn nanos(n: u128) -> Duration {
    Duration::new(
        u64::try_from(n / 1_000_000_000).unwrap_or(u64::MAX),
        (n % 1_000_000_000) as u32,
    )
}

impl Schedule {
    pub(super) fn new(pace: &Pace, connections: usize) -> Schedule {
        let interval_nanos = pace.interval_nanos(connections);
        let n = connections.max(1) as u64;
        let d = pace.duration.as_nanos();
        // Message j is due at floor(j·I/n) < D  <=>  j < D·n/I.
        let in_duration = (d > 0).then(|| {
            u64::try_from((d * u128::from(n)).div_ceil(interval_nanos)).unwrap_or(u64::MAX)
        });
        let cap = (pace.messages > 0).then_some(pace.messages);
        let intended = match (in_duration, cap) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => 0,
        };
        let mut s = Schedule {
            interval_nanos,
            connections: n,
            intended,
            end: Duration::ZERO,
        };
        s.end = match cap {
            Some(c) if c == intended => s.at(c).min(if d > 0 { pace.duration } else { s.at(c) }),
            _ => pace.duration,
        };
        s
    }

    pub(super) fn intended(&self) -> u64 {
        self.intended
    }

    /// When message `j` is due, from the schedule's start.
    pub(super) fn at(&self, j: u64) -> Duration {
        nanos(u128::from(j) * self.interval_nanos / u128::from(self.connections))
    }

    /// Which of the connections (0..n) sends message `j`.
    pub(super) fn connection(&self, j: u64) -> usize {
        (j % self.connections) as usize
    }

    pub(super) fn end(&self) -> Duration {
        self.end
    }
}

/// What running a schedule did.
pub(super) struct Ran {
    /// Messages handed to `send`.
    pub handed: u64,
    /// How late each was handed (µs).
    pub lag: Latencies,
    /// JMeter's Shutdown ended the schedule before every message was handed out.
    pub stopped: bool,
    /// From the start to the schedule's end (or to where Shutdown ended it).
    pub span: Duration,
}

/// Runs `schedule`, calling `send(connection, intended send time)` for each message when it is
/// due (late ones at once, in order), then waiting for the schedule's end. Shutdown ends it.
/// When `room(connection)` gives a wait (the connection holds all it may for a broker that is
/// not reading), the schedule waits with it: the lag grows and shows, nothing is skipped.
/// With `progress`, the lag streams to the live metrics as the schedule goes (the running totals
/// `send` sets with it go along at each flush).
pub(super) async fn run<F, R, W>(
    schedule: &Schedule,
    shutdown: &Shutdown,
    progress: Option<&Progress<'_>>,
    mut room: R,
    mut send: F,
) -> Ran
where
    F: FnMut(usize, SystemTime),
    R: FnMut(usize) -> Option<W>,
    W: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    let wall_start = crate::clock::now();
    let mut lag = Latencies::default();
    let progress = progress.filter(|p| p.is_on());
    let mut pending = Pending::default();
    let mut flushed = start;
    let mut j = 0u64;
    // One wait for the whole schedule; never polled again once complete.
    let ended = shutdown.requested();
    tokio::pin!(ended);
    while j < schedule.intended() {
        if j % CHECK_EVERY == CHECK_EVERY - 1 {
            if shutdown.is_requested() {
                break;
            }
            tokio::task::yield_now().await;
        }
        let offset = schedule.at(j);
        let due = start + offset;
        // After the yield: the lag counts the time the runtime took back.
        let mut now = Instant::now();
        if due > now {
            tokio::select! {
                biased;
                _ = &mut ended => break,
                _ = tokio::time::sleep_until(due) => {}
            }
            continue;
        }
        if let Some(wait) = room(schedule.connection(j)) {
            tokio::select! {
                biased;
                _ = &mut ended => break,
                _ = wait => {}
            }
            now = Instant::now();
        }
        let late = now.duration_since(due).as_micros();
        lag.record(i128::try_from(late).unwrap_or(i128::MAX));
        if let Some(p) = progress {
            pending.observe(u64::try_from(late).unwrap_or(u64::MAX));
            if now.duration_since(flushed) >= FLUSH_EVERY {
                p.flush(&mut pending);
                flushed = now;
            }
        }
        send(schedule.connection(j), wall_start + offset);
        j += 1;
    }
    if let Some(p) = progress {
        p.flush(&mut pending);
    }
    let stopped = j < schedule.intended();
    if !stopped && !shutdown.is_requested() {
        tokio::select! {
            biased;
            _ = &mut ended => {}
            _ = tokio::time::sleep_until(start + schedule.end()) => {}
        }
    }
    Ran {
        handed: j,
        lag,
        stopped,
        span: start.elapsed(),
    }
}

/// 1234567 -> "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One Publish sample as it runs: JMeter's Shutdown, when it started, its live metrics' progress.
pub(super) struct Sampling<'a> {
    pub shutdown: &'a Shutdown,
    pub started: std::time::Instant,
    pub progress: Option<&'a Progress<'a>>,
}

/// The Publish sample in paced mode, on the group's connections `live` (not empty); `send` hands
/// one slot's message, stamped with its intended time, to its connection (the Publish element's).
pub(super) async fn publish(
    mut send: impl FnMut(usize, &Session, SystemTime) -> Result<(u64, PublishAck), ClientError>,
    config: &PublishConfig,
    pace: &Pace,
    group: &ConnectionGroup,
    live: &[(usize, Arc<Session>)],
    sampling: Sampling<'_>,
) -> SampleOutcome {
    let Sampling {
        shutdown,
        started,
        progress,
    } = sampling;
    let schedule = Schedule::new(pace, live.len());
    let mut tally = Tally::new(config.qos);
    let mut pending: VecDeque<(u64, PublishAck)> = VecDeque::new();
    let mut handed = 0u64;
    // Every wait of the sample (for room to send, for acknowledgements) ends by then: the
    // schedule plus the ack timeout.
    let deadline = Instant::from_std(started) + schedule.end() + config.ack_timeout;
    let room = |i: usize| {
        let session: &Session = &live[i].1;
        (!session.has_room()).then_some(async move {
            let _ = super::acks::room(session, deadline, shutdown).await;
        })
    };
    let ran = run(&schedule, shutdown, progress, room, |i, at| {
        let (slot, session) = &live[i];
        if session.has_room() {
            let (len, ack) = match send(*slot, session, at) {
                Ok((len, ack)) => (len, Ok(ack)),
                Err(e) => (0, Err(e)),
            };
            pending.extend(tally.handed(len, ack));
        } else {
            // Still full at the deadline: not built, not numbered, counted as not sent.
            tally.not_sent(session.outbound_limit());
        }
        tally.drain(&mut pending);
        handed += 1;
        if let Some(p) = progress {
            p.set(figure::PUB_SENT, tally.sent);
            p.set(figure::PUB_INTENDED, handed);
        }
    })
    .await;
    await_acks(&mut tally, pending, deadline, shutdown).await;
    tally.collect_handed_lost(live);
    let intended = schedule.intended();
    let rate = tally.sent as f64 / ran.span.as_secs_f64().max(1e-9);
    let lag = ran.lag.summary();
    let mut text = format!(
        "Paced {} of {} message(s) over {:.1} s at {rate:.1} msg/s",
        thousands(tally.sent),
        thousands(intended),
        ran.span.as_secs_f64()
    );
    if let Some(l) = lag {
        text.push_str(&format!("; lag p50 {} µs, p99 {} µs", l.p50, l.p99));
    }
    let Tally {
        sent,
        bytes,
        cut_short,
        ..
    } = tally;
    let attempted = tally.attempted();
    let elapsed = started.elapsed();
    let mut o = if tally.clean() && !ran.stopped && sent == intended {
        SampleOutcome::ok(text, elapsed)
    } else {
        let mut parts = Vec::new();
        if ran.stopped {
            parts.push(format!(
                "JMeter shutdown ended the schedule after {} message(s)",
                thousands(ran.handed)
            ));
        }
        tally.shortfalls(config.ack_timeout, &mut parts);
        let code = if ran.stopped || cut_short > 0 {
            // The user ended the run (Stop's code); the message still names other failures.
            outcome::EXCEPTION
        } else if tally.all_lost() {
            outcome::NO_CONNECTION
        } else {
            outcome::FAILED
        };
        let mut o = SampleOutcome::failed(code, format!("{text}; {}", parts.join("; ")), elapsed);
        o.error_count = (attempted - sent).max(1);
        o
    };
    // A failed sample accounts for every message it tried, so error rates add up.
    let messages = if o.success { sent } else { attempted };
    o = o
        .with_messages(messages)
        .with_publish(sent, intended, rate, lag);
    o.bytes = bytes;
    o.distribution = ran.lag.distribution();
    if let Some(note) = group.notes() {
        o.message = format!("{} ({note})", o.message);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::super::config::PaceEvery;
    use super::*;

    fn pace(interval_ms: u64, duration_ms: u64, messages: u64) -> Pace {
        Pace {
            every: PaceEvery::Interval(Duration::from_millis(interval_ms)),
            duration: Duration::from_millis(duration_ms),
            messages,
        }
    }

    #[test]
    fn first_sends_spread_over_one_interval() {
        let s = Schedule::new(&pace(1000, 10_000, 0), 4);
        let first: Vec<(usize, Duration)> = (0..4).map(|j| (s.connection(j), s.at(j))).collect();
        assert_eq!(
            first,
            [0, 250, 500, 750]
                .map(Duration::from_millis)
                .into_iter()
                .enumerate()
                .collect::<Vec<_>>()
        );
        // each connection then every interval
        assert_eq!((s.connection(5), s.at(5)), (1, Duration::from_millis(1250)));
        // 10,000 connections every 10 s: one message each millisecond, none together
        let big = Schedule::new(&pace(10_000, 10_000, 0), 10_000);
        assert_eq!(big.intended(), 10_000);
        assert_eq!(big.at(1), Duration::from_millis(1));
        assert_eq!(big.at(9_999), Duration::from_millis(9_999));
        assert_eq!(big.connection(10_000), 0);
    }

    #[test]
    fn intended_counts() {
        // whole intervals: every connection once per interval
        assert_eq!(Schedule::new(&pace(100, 2000, 0), 200).intended(), 4000);
        // a part interval: only the connections whose offset falls inside it
        assert_eq!(Schedule::new(&pace(100, 150, 0), 10).intended(), 15);
        // the cap, with and without a duration
        let capped = Schedule::new(&pace(100, 2000, 7), 10);
        assert_eq!(
            (capped.intended(), capped.end()),
            (7, Duration::from_millis(70))
        );
        let only_cap = Schedule::new(&pace(100, 0, 3), 1);
        assert_eq!(
            (only_cap.intended(), only_cap.end()),
            (3, Duration::from_millis(300))
        );
        // a cap above what the duration holds changes nothing
        let loose = Schedule::new(&pace(100, 1000, 1_000_000), 2);
        assert_eq!(
            (loose.intended(), loose.end()),
            (20, Duration::from_secs(1))
        );
        let group = Pace {
            every: PaceEvery::RatePerGroup(50.0),
            duration: Duration::from_secs(2),
            messages: 0,
        };
        assert_eq!(Schedule::new(&group, 1000).intended(), 100);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[tokio::test]
    async fn messages_go_out_on_time_until_the_duration_ends() {
        let s = Schedule::new(&pace(40, 200, 0), 4);
        let t0 = SystemTime::now();
        let mut seen = Vec::new();
        let ran = run(&s, &Shutdown::never(), None, no_wait, |c, at| {
            seen.push((c, at, SystemTime::now()))
        })
        .await;
        assert_eq!((ran.handed, seen.len()), (20, 20));
        assert!(!ran.stopped);
        assert!(
            ran.span >= Duration::from_millis(200) && ran.span < Duration::from_millis(400),
            "{:?}",
            ran.span
        );
        for (j, (c, at, actual)) in seen.iter().enumerate() {
            assert_eq!(*c, j % 4);
            let offset = at.duration_since(t0).unwrap_or_default();
            let want = Duration::from_millis(10 * j as u64);
            assert!(
                offset.abs_diff(want) < Duration::from_millis(5),
                "{j}: {offset:?}"
            );
            // never early
            assert!(actual >= at, "{j}");
        }
        let lag = ran.lag.summary().expect("lag measured");
        assert_eq!(lag.count, 20);
        assert!(lag.p99 < 50_000, "{lag:?}");
    }

    #[tokio::test]
    async fn lag_shows_a_slow_sender_and_late_messages_still_go() {
        // Each send takes 15 ms, the schedule wants one every 5 ms: the loop falls behind.
        let s = Schedule::new(&pace(5, 50, 0), 1);
        let mut n = 0;
        let ran = run(&s, &Shutdown::never(), None, no_wait, |_, _| {
            n += 1;
            std::thread::sleep(Duration::from_millis(15));
        })
        .await;
        assert_eq!((ran.handed, n), (10, 10));
        let lag = ran.lag.summary().unwrap();
        assert!(lag.max >= 90_000, "{lag:?}");
        assert!(lag.p50 >= 20_000, "{lag:?}");
    }

    #[tokio::test]
    async fn the_cap_ends_the_schedule() {
        let s = Schedule::new(&pace(10, 60_000, 5), 1);
        let started = std::time::Instant::now();
        let ran = run(&s, &Shutdown::never(), None, no_wait, |_, _| {}).await;
        assert_eq!(ran.handed, 5);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn shutdown_ends_it_promptly() {
        let s = Schedule::new(&pace(100, 60_000, 0), 10);
        let (trigger, shutdown) = Shutdown::channel();
        let raise = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            trigger.raise();
            trigger
        });
        let started = std::time::Instant::now();
        let ran = run(&s, &shutdown, None, no_wait, |_, _| {}).await;
        let _trigger = raise.await;
        assert!(ran.stopped);
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        assert!((14..=17).contains(&ran.handed), "{}", ran.handed);
        // during the hold after the last message: prompt, and nothing was cut short
        let capped = Schedule::new(&pace(60_000, 0, 1), 1);
        let (trigger, shutdown) = Shutdown::channel();
        let raise = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            trigger.raise();
            trigger
        });
        let started = std::time::Instant::now();
        let ran = run(&capped, &shutdown, None, no_wait, |_, _| {}).await;
        let _trigger = raise.await;
        assert_eq!((ran.handed, ran.stopped), (1, false));
        assert!(started.elapsed() < Duration::from_millis(500));
    }
}
