use std::sync::Mutex;

/// Filters an Unsubscribe element removed, in order: the group's Subscribe elements stop
/// expecting messages on them (their loss figures must not count what nobody asked for).
#[derive(Default)]
pub(super) struct Unsubscribed(Mutex<Vec<String>>);

impl Unsubscribed {
    pub(super) fn note(&self, filters: &[String]) {
        if let Ok(mut u) = self.0.lock() {
            u.extend(filters.iter().cloned());
        }
    }

    /// Filters noted since `seen` (a position in the list), and the new position.
    pub(super) fn since(&self, seen: usize) -> (usize, Vec<String>) {
        match self.0.lock() {
            Ok(u) => (
                u.len(),
                u.get(seen..).map(<[_]>::to_vec).unwrap_or_default(),
            ),
            Err(_) => (seen, Vec::new()),
        }
    }
}
