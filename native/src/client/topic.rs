//! Topic filter matching, so a message reaches every subscription on this connection it matches.

/// Topics under this prefix carry the engine's own control traffic (the clock probes JMeter engines
/// exchange through the broker): they reach only the sinks that ask for them
/// (`MessageSink::takes_control`), so a load subscription to `#` neither counts nor answers them.
pub const CONTROL_PREFIX: &str = "mqttload/clock/";

pub fn is_control(topic: &str) -> bool {
    topic.starts_with(CONTROL_PREFIX)
}

/// MQTT 3.1.1 section 4.7: `+` one level, `#` the rest; filters starting with a wildcard do not
/// match topics starting with `$`.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// The filter incoming messages are matched against: `$share/group/filter` delivers
/// messages whose topic matches `filter` (MQTT 5.0 shared subscriptions).
pub fn route_filter(filter: &str) -> &str {
    match filter
        .strip_prefix("$share/")
        .and_then(|r| r.split_once('/'))
    {
        Some((_, f)) => f,
        None => filter,
    }
}

/// Checks a subscription filter before it goes on the wire, so the user gets our message
/// rather than a dropped connection.
pub fn validate_filter(filter: &str) -> Result<(), String> {
    if filter.is_empty() {
        return Err("topic filter is empty".into());
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i != levels.len() - 1) {
            return Err(format!(
                "topic filter '{filter}': '#' must be a whole level and the last one"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!(
                "topic filter '{filter}': '+' must be a whole level"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(topic_matches("a/b", "a/b"));
        assert!(!topic_matches("a/b", "a/c"));
        assert!(topic_matches("a/+", "a/c"));
        assert!(!topic_matches("a/+", "a/c/d"));
        assert!(topic_matches("a/#", "a/c/d"));
        assert!(topic_matches("a/#", "a"));
        assert!(topic_matches("#", "x/y"));
        assert!(!topic_matches("#", "$SYS/x"));
        assert!(topic_matches("$SYS/#", "$SYS/x"));
        assert!(topic_matches("+/+", "/x"));
    }

    #[test]
    fn shared_subscriptions_route_by_their_filter() {
        assert_eq!(route_filter("$share/g/a/+"), "a/+");
        assert_eq!(route_filter("a/b"), "a/b");
        assert!(topic_matches(route_filter("$share/g/a/#"), "a/x"));
    }

    #[test]
    fn filter_validation() {
        assert!(validate_filter("a/#").is_ok());
        assert!(validate_filter("a/#/b").is_err());
        assert!(validate_filter("a/b#").is_err());
        assert!(validate_filter("a+/b").is_err());
        assert!(validate_filter("").is_err());
    }
}
