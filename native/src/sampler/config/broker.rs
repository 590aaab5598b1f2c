//! Where a group's connections go: one broker, or the nodes of a cluster, as the Server setting
//! names them (`host[:port]` items).

/// One broker of a group: its only one, or a node of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAddress {
    pub host: String,
    pub port: u16,
}

impl BrokerAddress {
    /// host:port, an IPv6 literal in brackets.
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Which of several brokers a connection goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Placement {
    /// By the connection's number in the engine: an exact spread, whatever the groups' sizes.
    #[default]
    RoundRobin,
    /// By a hash of the client id: a device with a fixed id lands on the same node every run.
    ClientIdHash,
}

/// Parses `node1, node2:1884, [::1]:1885, ::1`; an item without a port takes `default_port`.
pub fn parse_brokers(text: &str, default_port: u16) -> Result<Vec<BrokerAddress>, String> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        out.push(parse_broker(item, default_port)?);
    }
    if out.is_empty() {
        return Err("a host name or address is required".into());
    }
    Ok(out)
}

pub fn parse_broker(item: &str, default_port: u16) -> Result<BrokerAddress, String> {
    if item.contains("://") || item.contains('/') || item.contains(char::is_whitespace) {
        return Err(format!(
            "'{item}' should be a host name or address only (host or host:port), without scheme, \
             path or spaces"
        ));
    }
    let (host, port) = if let Some(rest) = item.strip_prefix('[') {
        // [IPv6]:port, or [IPv6]
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("'{item}': the [ has no closing ]"))?;
        match after {
            "" => (host, None),
            p => (
                host,
                Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| format!("'{item}': expected :port after ]"))?,
                ),
            ),
        }
    } else if item.matches(':').count() == 1 {
        let (h, p) = item.split_once(':').unwrap_or((item, ""));
        (h, Some(p))
    } else {
        // A bare IPv6 literal has several colons and no port.
        (item, None)
    };
    if host.is_empty() {
        return Err(format!("'{item}' has no host"));
    }
    let port = match port {
        None => default_port,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("'{item}': port '{p}' is not a number from 1 to 65535"))?,
    };
    Ok(BrokerAddress {
        host: host.to_string(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        parse_brokers(text, 1883)
            .unwrap()
            .iter()
            .map(BrokerAddress::label)
            .collect()
    }

    #[test]
    fn one_broker_or_a_list() {
        assert_eq!(labels("broker"), ["broker:1883"]);
        assert_eq!(
            labels(" node1, node2:1884 ,[::1]:1885, ::1,10.0.0.1:1"),
            [
                "node1:1883",
                "node2:1884",
                "[::1]:1885",
                "[::1]:1883",
                "10.0.0.1:1"
            ]
        );
        assert_eq!(labels("[fe80::1]"), ["[fe80::1]:1883"]);
    }

    #[test]
    fn bad_items_are_named() {
        for (text, says) in [
            ("", "a host name or address is required"),
            (" , ", "a host name or address is required"),
            ("tcp://broker", "'tcp://broker' should be a host name"),
            ("a b", "without scheme, path or spaces"),
            ("node1, node2:0", "'node2:0': port '0' is not a number"),
            ("node:x", "port 'x'"),
            ("node:70000", "port '70000'"),
            (":1883", "':1883' has no host"),
            ("[::1", "has no closing ]"),
            ("[::1]1883", "expected :port after ]"),
        ] {
            let e = parse_brokers(text, 1883).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
