//! Random-suffix client ids: prefix + a per-process random tag + a per-process counter, so ids
//! are unique across every connection of the test run and unlikely to clash across machines.

use std::sync::atomic::{AtomicU64, Ordering};

use once_cell::sync::Lazy;
use rand::Rng;

use crate::codec::ProtocolVersion;

use super::config::{bad, ConfigError, Id};

/// MQTT 3.1 brokers may refuse longer ids (3.1.1 servers must accept at least 23 as well).
pub const MQTT31_MAX_CLIENT_ID: usize = 23;

static PROCESS_TAG: Lazy<u32> = Lazy::new(|| rand::rng().random());
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Next client id for a connection. Without suffix, the prefix alone is the id.
pub fn next_client_id(
    prefix: &str,
    suffix: bool,
    version: ProtocolVersion,
) -> Result<String, ConfigError> {
    if !suffix {
        if version == ProtocolVersion::V31 && prefix.len() > MQTT31_MAX_CLIENT_ID {
            return Err(too_long(prefix));
        }
        return Ok(prefix.to_string());
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tag = format!("{:08x}", *PROCESS_TAG);
    let count = format!("{n:x}");
    let mut id = String::with_capacity(prefix.len() + tag.len() + count.len());
    id.push_str(prefix);
    if version == ProtocolVersion::V31 {
        // Keep the counter whole (it makes the id unique) and trim the random tag to fit.
        let room = MQTT31_MAX_CLIENT_ID
            .checked_sub(prefix.len() + count.len())
            .ok_or_else(|| too_long(prefix))?;
        id.push_str(&tag[..room.min(tag.len())]);
    } else {
        id.push_str(&tag);
    }
    id.push_str(&count);
    Ok(id)
}

fn too_long(prefix: &str) -> ConfigError {
    bad(
        Id::ClientIdPrefix,
        format!(
            "prefix '{prefix}' leaves no room within MQTT 3.1's {MQTT31_MAX_CLIENT_ID}-character client id limit"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let ids: HashSet<String> = (0..10_000)
            .map(|_| next_client_id("conn_", true, ProtocolVersion::V311).unwrap())
            .collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|i| i.starts_with("conn_")));
    }

    #[test]
    fn v31_ids_fit_23_chars() {
        for _ in 0..1000 {
            let id = next_client_id("a_long_prefix_", true, ProtocolVersion::V31).unwrap();
            assert!(id.len() <= 23, "{id}");
        }
        assert!(next_client_id("x".repeat(23).as_str(), true, ProtocolVersion::V31).is_err());
        assert_eq!(
            next_client_id("fixed", false, ProtocolVersion::V31).unwrap(),
            "fixed"
        );
    }
}
