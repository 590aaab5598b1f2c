//! Which engine is the reference. The engine set to be the reference claims it at once; the others
//! ask, and when no reference answers within a short wait they claim it themselves. Of all claims
//! heard, one made by an engine set to be the reference beats one that is not, and then the lowest
//! tag wins: every engine that hears the same claims picks the same reference, whatever order the
//! broker delivered them in.

use std::cmp::Reverse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub tag: u32,
    /// The engine was set to be the reference (not merely elected).
    pub named: bool,
}

impl Claim {
    fn beats(&self, other: &Claim) -> bool {
        (self.named, Reverse(self.tag)) > (other.named, Reverse(other.tag))
    }
}

#[derive(Debug, Default)]
pub struct Election {
    current: Option<Claim>,
}

impl Election {
    pub fn reference(&self) -> Option<Claim> {
        self.current
    }

    /// A claim heard (our own too): true when it makes a new reference.
    pub fn heard(&mut self, claim: Claim) -> bool {
        match self.current {
            Some(c) if c.tag == claim.tag => {
                // the same engine, perhaps now set to be the reference
                self.current = Some(Claim {
                    tag: c.tag,
                    named: c.named || claim.named,
                });
                false
            }
            Some(c) if !claim.beats(&c) => false,
            _ => {
                self.current = Some(claim);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(tag: u32) -> Claim {
        Claim { tag, named: false }
    }

    fn named(tag: u32) -> Claim {
        Claim { tag, named: true }
    }

    #[test]
    fn every_order_of_the_same_claims_elects_the_same_engine() {
        let claims = [auto(9), auto(3), named(7), auto(1), named(8)];
        let mut orders = vec![claims.to_vec()];
        let mut reversed = claims.to_vec();
        reversed.reverse();
        orders.push(reversed);
        orders.push(vec![claims[2], claims[4], claims[0], claims[1], claims[3]]);
        for order in orders {
            let mut e = Election::default();
            for c in order {
                e.heard(c);
            }
            assert_eq!(e.reference(), Some(named(7)));
        }
    }

    #[test]
    fn a_claim_changes_the_reference_only_when_it_beats_it() {
        let mut e = Election::default();
        assert!(e.heard(auto(5)));
        assert!(!e.heard(auto(6)));
        assert!(!e.heard(auto(5)));
        assert!(e.heard(auto(4)));
        assert!(e.heard(named(9)));
        assert!(!e.heard(auto(1)));
        // the same engine again, now named: still the same reference
        let mut e = Election::default();
        e.heard(auto(2));
        assert!(!e.heard(named(2)));
        assert_eq!(e.reference(), Some(named(2)));
        assert!(!e.heard(named(3)));
    }
}
