//! The search itself, apart from any network: which rate the next step offers, what a step's
//! figures say about the guards, and whose limit the search found.

use crate::sampler::config::{Guards, StepRule};

/// Guard bits of the `rfBroke` figure.
pub(super) const LATENCY: u8 = 1;
pub(super) const LOSS: u8 = 2;
pub(super) const LAG: u8 = 4;
pub(super) const DROPS: u8 = 8;

/// A step at least this close to the maximum rate ran at the maximum (float steps).
const AT_MAX: f64 = 1e-9;
/// A runtime thread busy this share of a step's schedule was saturated.
const SATURATED: f64 = 0.9;
/// The share of a step's messages that found their connection's in-flight window full before
/// the publishers' windows, not the broker, count as what held the rate back.
const WINDOW_SHARE: f64 = 0.01;

/// Whose limit a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// A broker guard (latency, loss, drops) broke while the load generator kept up.
    Broker,
    /// Ours: the engine's schedule fell behind (the lag guard broke).
    Schedule,
    /// Ours: the publishers' QoS 1/2 in-flight windows were full, so messages waited in the
    /// load generator before the broker saw them; more connections or a larger window may go on.
    Window,
    /// None: every step held up to the maximum rate.
    MaxRate,
    /// Ours: an engine I/O thread was saturated (a subscriber's session decoding as fast as it
    /// could, say) while the schedule still held.
    Engine,
}

impl Limit {
    /// The `rfLimit` figure.
    pub(super) fn code(self) -> u64 {
        match self {
            Limit::Broker => 1,
            Limit::Schedule => 2,
            Limit::Window => 3,
            Limit::MaxRate => 4,
            Limit::Engine => 5,
        }
    }
}

/// What a step measured that the guards judge.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Measured {
    pub(super) p99_us: Option<u64>,
    pub(super) lost: u64,
    pub(super) lag_p99_us: Option<u64>,
    /// Growth of the broker's dropped total; None when not known.
    pub(super) drops: Option<u64>,
    /// Messages handed to a connection whose in-flight window was already full, of `handed`;
    /// None when the window is not known (QoS 0, or the broker's to say).
    pub(super) window_waits: Option<u64>,
    pub(super) handed: u64,
    /// The busiest engine I/O thread's share of the schedule's time; None when not known.
    pub(super) engine_busy: Option<f64>,
}

/// The guards `m` broke (bits), and when any did, whose limit that is. Our own limits come
/// first: when the schedule fell behind, every message left late and so arrived late, and the
/// broker's figures say nothing about the broker. Full in-flight windows come after the broker's
/// own word: a broker that drops messages while our windows held some back (so it got fewer than
/// offered) has found its limit, whoever else slowed down.
pub(super) fn judge(m: &Measured, g: &Guards) -> (u8, Option<Limit>) {
    let mut broke = 0;
    if m.p99_us.is_some_and(|p| p > g.max_p99_us) {
        broke |= LATENCY;
    }
    if m.lost > g.max_lost {
        broke |= LOSS;
    }
    if m.lag_p99_us.is_some_and(|p| p > g.max_lag_us) {
        broke |= LAG;
    }
    if m.drops.is_some_and(|d| d > 0) {
        broke |= DROPS;
    }
    if broke == 0 {
        return (0, None);
    }
    let window_full = m
        .window_waits
        .is_some_and(|w| w > 0 && w as f64 >= m.handed as f64 * WINDOW_SHARE);
    let limit = if broke & LAG != 0 {
        Limit::Schedule
    } else if m.engine_busy.is_some_and(|b| b >= SATURATED) {
        Limit::Engine
    } else if broke & DROPS == 0 && window_full {
        Limit::Window
    } else {
        Limit::Broker
    };
    (broke, Some(limit))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Climb,
    /// Halving the gap between the highest rate held and the lowest broken, this many more.
    Refine(u32),
    Done,
}

/// One search: from the start rate up by the step rule, then optionally refined.
#[derive(Debug, Clone)]
pub(super) struct Search {
    start: f64,
    max: f64,
    rule: StepRule,
    refine_steps: u32,
    phase: Phase,
    /// The last rate the climb offered.
    climbed: Option<f64>,
    /// The highest rate held, and its step number.
    best: Option<(f64, u32)>,
    /// The lowest rate broken, its step number and whose limit it was.
    worst: Option<(f64, u32, Limit)>,
    steps: u32,
}

impl Search {
    pub(super) fn new(start: f64, max: f64, rule: StepRule, refine_steps: u32) -> Search {
        Search {
            start,
            max,
            rule,
            refine_steps,
            phase: Phase::Climb,
            climbed: None,
            best: None,
            worst: None,
            steps: 0,
        }
    }

    /// A fresh search with the same settings.
    pub(super) fn restarted(&self) -> Search {
        Search::new(self.start, self.max, self.rule, self.refine_steps)
    }

    /// The next step's rate; None once the search is over.
    pub(super) fn next_rate(&self) -> Option<f64> {
        match self.phase {
            Phase::Climb => Some(match self.climbed {
                None => self.start.min(self.max),
                Some(last) => self.rule.next(last).min(self.max),
            }),
            Phase::Refine(_) => match (self.best, self.worst) {
                (Some((ok, _)), Some((bad, _, _))) => Some((ok + bad) / 2.0),
                _ => None,
            },
            Phase::Done => None,
        }
    }

    /// The step numbers so far (the next step is this plus one).
    pub(super) fn steps(&self) -> u32 {
        self.steps
    }

    /// A step at `rate` held (`limit` None) or broke.
    pub(super) fn record(&mut self, rate: f64, limit: Option<Limit>) {
        self.steps += 1;
        let step = self.steps;
        match limit {
            None => {
                if self.best.is_none_or(|(b, _)| rate > b) {
                    self.best = Some((rate, step));
                }
            }
            Some(l) => {
                if self.worst.is_none_or(|(w, _, _)| rate < w) {
                    self.worst = Some((rate, step, l));
                }
            }
        }
        self.phase = match (self.phase, limit) {
            (Phase::Climb, None) if rate >= self.max * (1.0 - AT_MAX) => Phase::Done,
            (Phase::Climb, None) => {
                self.climbed = Some(rate);
                Phase::Climb
            }
            (Phase::Climb, Some(_)) if self.refine_steps > 0 && self.best.is_some() => {
                Phase::Refine(self.refine_steps)
            }
            (Phase::Refine(left), _) if left > 1 => Phase::Refine(left - 1),
            _ => Phase::Done,
        };
    }

    pub(super) fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The highest rate held and its step.
    pub(super) fn best(&self) -> Option<(f64, u32)> {
        self.best
    }

    /// The lowest rate broken, its step and whose limit.
    pub(super) fn worst(&self) -> Option<(f64, u32, Limit)> {
        self.worst
    }

    /// Once done: whose limit was found (the lowest broken step's: the nearest to the limit).
    pub(super) fn limit(&self) -> Option<Limit> {
        if !self.is_done() {
            return None;
        }
        Some(self.worst.map_or(Limit::MaxRate, |(_, _, l)| l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guards() -> Guards {
        Guards {
            max_p99_us: 50_000,
            max_lost: 0,
            max_lag_us: 10_000,
        }
    }

    fn calm() -> Measured {
        Measured {
            p99_us: Some(2_000),
            lost: 0,
            lag_p99_us: Some(1_000),
            drops: Some(0),
            window_waits: Some(0),
            handed: 1_000,
            engine_busy: Some(0.3),
        }
    }

    #[test]
    fn a_calm_step_holds() {
        assert_eq!(judge(&calm(), &guards()), (0, None));
        // nothing measured is nothing broken (no $SYS, QoS 0)
        let unknown = Measured {
            drops: None,
            window_waits: None,
            ..calm()
        };
        assert_eq!(judge(&unknown, &guards()), (0, None));
    }

    #[test]
    fn broker_guards_are_the_brokers_while_the_schedule_held() {
        let slow = Measured {
            p99_us: Some(80_000),
            ..calm()
        };
        assert_eq!(judge(&slow, &guards()), (LATENCY, Some(Limit::Broker)));
        let lossy = Measured { lost: 3, ..calm() };
        assert_eq!(judge(&lossy, &guards()), (LOSS, Some(Limit::Broker)));
        let dropping = Measured {
            drops: Some(5),
            ..calm()
        };
        assert_eq!(judge(&dropping, &guards()), (DROPS, Some(Limit::Broker)));
    }

    #[test]
    fn a_late_schedule_is_never_the_brokers() {
        let behind = Measured {
            p99_us: Some(900_000),
            lost: 10,
            lag_p99_us: Some(300_000),
            ..calm()
        };
        assert_eq!(
            judge(&behind, &guards()),
            (LATENCY | LOSS | LAG, Some(Limit::Schedule))
        );
        // a full in-flight window: ours too, unless too rare to matter
        let windowed = Measured {
            p99_us: Some(90_000),
            window_waits: Some(400),
            ..calm()
        };
        assert_eq!(judge(&windowed, &guards()), (LATENCY, Some(Limit::Window)));
        let rare = Measured {
            window_waits: Some(5),
            ..windowed
        };
        let dropping = Measured {
            drops: Some(12),
            ..windowed
        };
        assert_eq!(
            judge(&dropping, &guards()),
            (LATENCY | DROPS, Some(Limit::Broker))
        );
        assert_eq!(judge(&rare, &guards()), (LATENCY, Some(Limit::Broker)));
        // a saturated I/O thread (our receiving side, say) is ours while the schedule held
        let saturated = Measured {
            lost: 40,
            engine_busy: Some(0.97),
            ..calm()
        };
        assert_eq!(judge(&saturated, &guards()), (LOSS, Some(Limit::Engine)));
    }

    #[test]
    fn climbs_by_factor_and_stops_at_the_first_broken_step() {
        let mut s = Search::new(100.0, 100_000.0, StepRule::Factor(2.0), 0);
        let mut rates = Vec::new();
        while let Some(r) = s.next_rate() {
            rates.push(r);
            s.record(r, (r > 500.0).then_some(Limit::Broker));
        }
        assert_eq!(rates, [100.0, 200.0, 400.0, 800.0]);
        assert_eq!(s.best(), Some((400.0, 3)));
        assert_eq!(s.worst(), Some((800.0, 4, Limit::Broker)));
        assert_eq!((s.limit(), s.steps()), (Some(Limit::Broker), 4));
    }

    #[test]
    fn adds_and_reaches_the_maximum_exactly() {
        let mut s = Search::new(100.0, 350.0, StepRule::Add(100.0), 2);
        let mut rates = Vec::new();
        while let Some(r) = s.next_rate() {
            rates.push(r);
            s.record(r, None);
        }
        assert_eq!(rates, [100.0, 200.0, 300.0, 350.0]);
        assert_eq!(s.limit(), Some(Limit::MaxRate));
        // a start at the maximum is one step
        let mut one = Search::new(10.0, 10.0, StepRule::Factor(1.5), 0);
        one.record(one.next_rate().unwrap(), None);
        assert!(one.is_done() && one.limit() == Some(Limit::MaxRate));
    }

    #[test]
    fn refines_between_the_last_held_and_the_first_broken() {
        let ceiling = 700.0;
        let mut s = Search::new(100.0, 10_000.0, StepRule::Factor(2.0), 3);
        let mut rates = Vec::new();
        while let Some(r) = s.next_rate() {
            rates.push(r);
            s.record(r, (r > ceiling).then_some(Limit::Broker));
        }
        // 400 held, 800 broke; then 600 held, 700 held, 750 broke
        assert_eq!(rates, [100.0, 200.0, 400.0, 800.0, 600.0, 700.0, 750.0]);
        assert_eq!(s.best(), Some((700.0, 6)));
        assert_eq!(s.worst(), Some((750.0, 7, Limit::Broker)));
        // the limit is the one nearest to it: a refine step's
        let mut t = Search::new(100.0, 10_000.0, StepRule::Factor(2.0), 1);
        t.record(100.0, None);
        t.record(200.0, Some(Limit::Schedule));
        t.record(t.next_rate().unwrap(), Some(Limit::Broker));
        assert_eq!(t.limit(), Some(Limit::Broker));
        assert_eq!(t.worst(), Some((150.0, 3, Limit::Broker)));
    }

    #[test]
    fn a_first_broken_step_ends_the_search_with_nothing_held() {
        let mut s = Search::new(100.0, 10_000.0, StepRule::Factor(2.0), 3);
        s.record(100.0, Some(Limit::Schedule));
        assert!(s.is_done() && s.next_rate().is_none());
        assert_eq!((s.best(), s.limit()), (None, Some(Limit::Schedule)));
        let again = s.restarted();
        assert_eq!((again.next_rate(), again.steps()), (Some(100.0), 0));
    }
}
