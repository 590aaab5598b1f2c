//! Handles given to Java. Java holds a number, not a pointer: a late call on a closed handle
//! (a Stop racing a thread's end, say) finds nothing instead of freed memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

pub struct Registry<T> {
    next: AtomicI64,
    items: Mutex<HashMap<i64, Arc<T>>>,
}

impl<T> Registry<T> {
    pub fn new() -> Registry<T> {
        Registry {
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

    pub fn remove(&self, id: i64) -> Option<Arc<T>> {
        self.items.lock().ok().and_then(|mut g| g.remove(&id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_unique_and_removable() {
        let r = Registry::new();
        let a = r.insert("a");
        let b = r.insert("b");
        assert_ne!(a, b);
        assert_eq!(r.get(a).as_deref(), Some(&"a"));
        assert!(r.remove(a).is_some());
        assert!(r.get(a).is_none());
        assert!(r.remove(a).is_none());
    }
}
