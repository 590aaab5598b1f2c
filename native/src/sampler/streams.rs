//! The numbered message streams of this engine's publishers (precise timestamp format), so that a
//! subscriber in the same engine knows how many messages each publisher sent and can report the
//! ones that never arrived after the last one it received (tail loss), not only gaps before it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;
use rand::Rng;

use crate::clock;

/// A group's connections (100,000 at most) fit in this many bits: a publisher's streams are its
/// base plus the connection's slot.
const SLOT_BITS: u32 = 17;

/// Blocks of publisher ids this engine hands out, from a random start: another engine that drew the
/// same tag still does not reuse this one's ids.
static NEXT_BLOCK: Lazy<AtomicU64> = Lazy::new(|| AtomicU64::new(rand::rng().random()));

/// The base of a new publisher's ids (its stream on slot i is the base plus i): a block of this
/// engine's own, under the engine's tag, so that a subscriber in another engine knows whose clock
/// stamped a message (clock offsets). The header's format is unchanged: any 64 bits still read.
pub fn new_publisher_base() -> u64 {
    static TOLD: std::sync::Once = std::sync::Once::new();
    TOLD.call_once(|| {
        // Subscribers in other engines name this engine's streams by it (a stream that stopped).
        tracing::info!(
            tag = %format!("{:06x}", clock::engine_tag()),
            "this engine's publisher ids carry its engine tag"
        );
    });
    let block = NEXT_BLOCK.fetch_add(1, Ordering::Relaxed);
    clock::tagged(clock::engine_tag(), block << SLOT_BITS)
}

/// One (Publish element, connection) sequence: `mqlt:<id>:<seq>:...` with seq 0, 1, 2, ...
pub struct Stream {
    pub id: u64,
    pub topic: String,
    /// The connection group it publishes on (an MQTT 5.0 No Local subscriber there gets none).
    pub group: u64,
    /// Registration order, to tell streams that began after a subscription from older ones.
    pub registered: u64,
    next: AtomicU64,
    retired: AtomicBool,
}

impl Stream {
    /// Takes the next sequence number: from then on that message counts as sent.
    pub fn take_seq(&self) -> u64 {
        self.next.fetch_add(1, Ordering::AcqRel)
    }

    /// Sequence numbers handed out so far (= messages sent, or tried, on this stream).
    pub fn sent(&self) -> u64 {
        self.next.load(Ordering::Acquire)
    }
}

/// Streams of publishers that are gone, kept for subscribers that have not looked yet (a
/// publisher thread often ends before the subscribers' last sample); the oldest beyond this go.
const RETIRED_KEPT: usize = 100_000;

#[derive(Default)]
struct Registry {
    streams: HashMap<u64, Arc<Stream>>,
    /// Every stream in registration order, so a subscriber looks only at those it has not seen
    /// (evicted ones are swept out now and then).
    order: Vec<Arc<Stream>>,
    retired: VecDeque<u64>,
    next_registration: u64,
}

/// The stream is still findable: not evicted (nor replaced by a stream of the same id).
fn holds(streams: &HashMap<u64, Arc<Stream>>, s: &Arc<Stream>) -> bool {
    streams.get(&s.id).is_some_and(|k| Arc::ptr_eq(k, s))
}

static REGISTRY: Lazy<Mutex<Registry>> = Lazy::new(|| Mutex::new(Registry::default()));

/// A new stream (seq starts at 0), visible to every subscriber of this engine.
pub fn register(id: u64, topic: &str, group: u64) -> Arc<Stream> {
    let mut r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    r.next_registration += 1;
    let s = Arc::new(Stream {
        id,
        topic: topic.to_string(),
        group,
        registered: r.next_registration,
        next: AtomicU64::new(0),
        retired: AtomicBool::new(false),
    });
    r.streams.insert(id, s.clone());
    r.order.push(s.clone());
    s
}

/// The publisher is gone: the stream stays findable for a while (see `RETIRED_KEPT`).
pub fn retire(stream: &Stream) {
    if stream.retired.swap(true, Ordering::AcqRel) {
        return;
    }
    let mut r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    r.retired.push_back(stream.id);
    while r.retired.len() > RETIRED_KEPT {
        if let Some(old) = r.retired.pop_front() {
            r.streams.remove(&old);
        }
    }
    if r.order.len() > 2 * r.streams.len() + 1024 {
        let Registry { streams, order, .. } = &mut *r;
        order.retain(|s| holds(streams, s));
    }
}

pub fn find(id: u64) -> Option<Arc<Stream>> {
    let r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    r.streams.get(&id).cloned()
}

/// Every stream `keep` accepts, with the registration count at the time of the look.
pub fn select(keep: impl Fn(&Stream) -> bool) -> (u64, Vec<Arc<Stream>>) {
    select_since(0, keep)
}

/// As `select`, among the streams registered after `after` (a count an earlier look returned).
pub fn select_since(after: u64, keep: impl Fn(&Stream) -> bool) -> (u64, Vec<Arc<Stream>>) {
    let r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    let from = r.order.partition_point(|s| s.registered <= after);
    let found = r.order[from..]
        .iter()
        .filter(|s| holds(&r.streams, s) && keep(s))
        .cloned()
        .collect();
    (r.next_registration, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publisher_ids_name_this_engine_and_do_not_overlap() {
        let (a, b) = (new_publisher_base(), new_publisher_base());
        assert_eq!(clock::publisher_tag(a), clock::engine_tag());
        assert_eq!(clock::publisher_tag(b + 99_999), clock::engine_tag());
        // whole blocks apart: slot 0 of one is never slot i of another
        assert_eq!((a ^ b) & ((1 << SLOT_BITS) - 1), 0);
        assert_ne!(a, b);
    }

    #[test]
    fn streams_count_and_outlive_their_publisher_for_a_while() {
        let id = 0x5eed_0000_0000_0001;
        let s = register(id, "t/streams", 7);
        assert_eq!((s.take_seq(), s.take_seq(), s.sent()), (0, 1, 2));
        retire(&s);
        let found = find(id).expect("a retired stream stays findable");
        assert_eq!(found.sent(), 2);
        let (epoch_now, sel) = select(|x| x.id == id);
        assert_eq!(sel.len(), 1);
        assert!(epoch_now >= s.registered);
        let later = register(id + 1, "t/streams", 7);
        let (_, new) = select_since(epoch_now, |x| x.topic == "t/streams");
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].id, later.id);
    }
}
