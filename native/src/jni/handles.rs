//! Handles given to Java. Java holds a number, not a pointer: a late call on a closed handle
//! (a Stop racing a thread's end, say) finds nothing instead of freed memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;

use super::failure::Failure;
use crate::sampler::ConnectionGroup;

/// The connection groups Java holds handles to; every sample on the broker works through one.
pub(super) static GROUPS: Lazy<Registry<ConnectionGroup>> =
    Lazy::new(|| Registry::new("MQTT connection"));

pub struct Registry<T> {
    /// What the handles stand for, as a closed handle's message names it.
    what: &'static str,
    next: AtomicI64,
    items: Mutex<HashMap<i64, Arc<T>>>,
}

impl<T> Registry<T> {
    pub fn new(what: &'static str) -> Registry<T> {
        Registry {
            what,
            next: AtomicI64::new(1),
            items: Mutex::new(HashMap::new()),
        }
    }

    pub fn insert(&self, item: T) -> i64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut g) = self.items.lock() {
            g.insert(id, Arc::new(item));
        }
        id
    }

    pub fn get(&self, id: i64) -> Option<Arc<T>> {
        self.items.lock().ok().and_then(|g| g.get(&id).cloned())
    }

    /// As `get`, a closed handle being a failure Java is told of.
    pub(super) fn live(&self, id: i64) -> Result<Arc<T>, Failure> {
        self.get(id)
            .ok_or_else(|| Failure::Native(format!("{} handle {id} is closed", self.what)))
    }

    /// Every item held now (a copy of the list: the lock is not held while they are used).
    pub fn all(&self) -> Vec<Arc<T>> {
        self.items
            .lock()
            .map(|g| g.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn remove(&self, id: i64) -> Option<Arc<T>> {
        self.items.lock().ok().and_then(|mut g| g.remove(&id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_unique_and_removable() {
        let r = Registry::new("letter");
        let a = r.insert("a");
        let b = r.insert("b");
        assert_ne!(a, b);
        assert_eq!(r.get(a).as_deref(), Some(&"a"));
        assert!(r.remove(a).is_some());
        assert!(r.get(a).is_none());
        assert!(r.remove(a).is_none());
    }

    #[test]
    fn a_closed_handle_is_named_in_the_failure() {
        let r = Registry::new("publisher");
        let a = r.insert(1);
        assert!(r.live(a).is_ok());
        r.remove(a);
        match r.live(a) {
            Err(Failure::Native(m)) => assert_eq!(m, format!("publisher handle {a} is closed")),
            other => panic!("expected a closed-handle failure, got {other:?}"),
        }
    }
}
