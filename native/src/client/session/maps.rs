//! The session's maps (packet ids, topic aliases) with a small, state-free hasher: std's
//! `RandomState` adds 16 bytes of keys to every map, and an idle connection holds seven of
//! them. The keys are our own packet ids and topics or a broker's alias numbers, bounded and
//! not chosen by an attacker, so flooding-resistant hashing buys nothing here.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub(super) type Map<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;
pub(super) type Set<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

/// Multiply-rotate over 8-byte words (the FxHash scheme): the multiplication carries a packet
/// id's low bits into the high ones the hash table reads, so consecutive ids spread well.
#[derive(Default, Clone, Copy)]
pub(super) struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(t: &T) -> u64 {
        BuildHasherDefault::<WordHasher>::default().hash_one(t)
    }

    #[test]
    fn the_maps_hold_no_hasher_state() {
        assert_eq!(
            std::mem::size_of::<Map<u16, u64>>(),
            std::mem::size_of::<usize>() * 4
        );
    }

    #[test]
    fn consecutive_packet_ids_differ_in_the_high_bits() {
        // hashbrown picks its control byte from the top 7 bits
        let tops: HashSet<u64> = (1u16..=64).map(|id| hash(&id) >> 57).collect();
        assert!(tops.len() > 32, "{} distinct top bits of 64", tops.len());
    }

    #[test]
    fn maps_work_for_ids_and_topics() {
        let mut ids: Map<u16, &str> = Map::default();
        for id in 1..=u16::MAX {
            ids.insert(id, "x");
        }
        assert_eq!(ids.len(), usize::from(u16::MAX));
        let mut topics: Map<String, u16> = Map::default();
        topics.insert("a/b".into(), 1);
        topics.insert("a/b/".into(), 2);
        assert_eq!(topics.get("a/b"), Some(&1));
        assert_eq!(topics.get("a/b/"), Some(&2));
        assert_ne!(hash(&"ab".to_string()), hash(&"ba".to_string()));
    }
}
