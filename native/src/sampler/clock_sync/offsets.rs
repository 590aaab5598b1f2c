//! What one engine knows of the clocks: its own against the reference, and the other engines' as
//! they announce them, so that its subscribers can correct the latency of their messages.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Instant;

use crate::clock::{drift_ns, Estimate};

/// An engine's clock against the reference's: how far ahead (negative: behind), and within how
/// much of the truth, nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub offset_ns: i64,
    pub uncertainty_ns: i64,
}

/// Another engine's announcement, grown with its age like our own estimate.
#[derive(Debug, Clone, Copy)]
struct Heard {
    reading: Reading,
    at: Instant,
}

#[derive(Debug, Default)]
struct State {
    reference: Option<u32>,
    own: Option<Estimate>,
    others: HashMap<u32, Heard>,
}

#[derive(Debug)]
pub struct Offsets {
    tag: u32,
    state: RwLock<State>,
}

impl Offsets {
    pub fn new(tag: u32) -> Offsets {
        Offsets {
            tag,
            state: RwLock::new(State::default()),
        }
    }

    /// This engine's tag.
    pub fn tag(&self) -> u32 {
        self.tag
    }

    pub fn reference(&self) -> Option<u32> {
        self.read(|s| s.reference)
    }

    /// A new reference: what was measured against the old one says nothing any more.
    pub(super) fn set_reference(&self, reference: u32) {
        self.write(|s| {
            if s.reference != Some(reference) {
                *s = State {
                    reference: Some(reference),
                    ..State::default()
                };
            }
        });
    }

    pub(super) fn set_own(&self, e: Estimate) {
        self.write(|s| s.own = Some(e));
    }

    /// Engine `from` says where its clock stands against `reference`'s (kept only when that is
    /// ours too).
    pub(super) fn heard(&self, from: u32, reference: u32, reading: Reading, at: Instant) {
        if from == self.tag {
            return;
        }
        self.write(|s| {
            if s.reference == Some(reference) {
                s.others.insert(from, Heard { reading, at });
            }
        });
    }

    /// This engine against the reference at `now`: 0 within 0 on the reference itself; None until
    /// measured.
    pub fn own(&self, now: Instant) -> Option<Reading> {
        self.read(|s| own_reading(s, self.tag, now))
    }

    /// Engine `tag` against the reference at `now`, as far as this engine knows.
    pub fn of(&self, tag: u32, now: Instant) -> Option<Reading> {
        self.read(|s| {
            if tag == self.tag {
                return own_reading(s, self.tag, now);
            }
            if s.reference == Some(tag) {
                return Some(Reading {
                    offset_ns: 0,
                    uncertainty_ns: 0,
                });
            }
            s.others.get(&tag).map(|h| Reading {
                offset_ns: h.reading.offset_ns,
                uncertainty_ns: h
                    .reading
                    .uncertainty_ns
                    .saturating_add(drift_ns(now.saturating_duration_since(h.at))),
            })
        })
    }

    /// What to add to a latency this engine measured of a message that engine `publisher`
    /// stamped: its offset less ours. None for our own messages (one clock) and for an engine
    /// whose clock is not known.
    /// Asked for every message: one look at the table, no clock read.
    pub fn correction_ns(&self, publisher: u32) -> Option<i64> {
        if publisher == self.tag {
            return None;
        }
        self.read(|s| {
            let reference = s.reference?;
            let ours = if reference == self.tag {
                0
            } else {
                s.own?.offset_ns
            };
            let theirs = if publisher == reference {
                0
            } else {
                s.others.get(&publisher)?.reading.offset_ns
            };
            Some(theirs.saturating_sub(ours))
        })
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn write(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.write().unwrap_or_else(|e| e.into_inner()));
    }
}

fn own_reading(s: &State, tag: u32, now: Instant) -> Option<Reading> {
    if s.reference == Some(tag) {
        return Some(Reading {
            offset_ns: 0,
            uncertainty_ns: 0,
        });
    }
    s.own.map(|e| Reading {
        offset_ns: e.offset_ns,
        uncertainty_ns: e.uncertainty_ns(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;

    fn estimate(offset_ns: i64, round_trip_ns: i64) -> Estimate {
        Estimate {
            offset_ns,
            round_trip_ns,
            measured: Instant::now(),
        }
    }

    #[test]
    fn latency_is_corrected_by_the_publishers_offset_less_ours() {
        // we are 250 ms ahead; engine 3 is 40 ms behind; engine 1 is the reference
        let o = Offsets::new(2);
        assert_eq!(o.correction_ns(3), None);
        o.set_reference(1);
        assert_eq!(
            o.correction_ns(1),
            None,
            "our own clock is not measured yet"
        );
        o.set_own(estimate(250 * MS, 2 * MS));
        let now = Instant::now();
        o.heard(
            3,
            1,
            Reading {
                offset_ns: -40 * MS,
                uncertainty_ns: MS,
            },
            now,
        );
        // a message engine 3 stamped at T (-40 ms) and we read at T + d (+250 ms): d + 290 ms
        assert_eq!(o.correction_ns(3), Some(-290 * MS));
        assert_eq!(o.correction_ns(1), Some(-250 * MS));
        assert_eq!(o.correction_ns(2), None, "one clock");
        assert_eq!(o.correction_ns(4), None, "not known");
        assert_eq!(o.own(now).map(|r| r.offset_ns), Some(250 * MS));
        assert!(o.of(3, now).is_some_and(|r| r.uncertainty_ns >= MS));
    }

    #[test]
    fn the_reference_reads_zero_and_a_new_one_forgets_the_old_figures() {
        let o = Offsets::new(1);
        o.set_reference(1);
        let now = Instant::now();
        assert_eq!(
            o.own(now),
            Some(Reading {
                offset_ns: 0,
                uncertainty_ns: 0
            })
        );
        o.heard(
            3,
            1,
            Reading {
                offset_ns: 5,
                uncertainty_ns: 1,
            },
            now,
        );
        o.heard(
            4,
            9,
            Reading {
                offset_ns: 5,
                uncertainty_ns: 1,
            },
            now,
        );
        assert!(o.of(3, now).is_some());
        assert!(o.of(4, now).is_none(), "against another reference");
        assert_eq!(o.correction_ns(3), Some(5));
        o.set_reference(3);
        assert_eq!(o.reference(), Some(3));
        assert!(o.own(now).is_none());
        assert_eq!(
            o.of(3, now),
            Some(Reading {
                offset_ns: 0,
                uncertainty_ns: 0
            })
        );
    }
}
