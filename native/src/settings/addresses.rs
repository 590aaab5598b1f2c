//! Local addresses (the Connect element's local source addresses), as IPs and ranges. Every source
//! address has its own ephemeral ports towards one broker address and port (28,232 here), so a list
//! lets one engine hold more connections to one broker than a single address allows.

use std::net::{IpAddr, Ipv4Addr};

/// More than any machine has ports for; bounds what a typo like 10.0.0.0-10.255.255.255 costs.
const MAX_ADDRESSES: u32 = 65_536;

/// Parses `127.0.0.2, 127.0.0.5-127.0.0.9, ::1` (ranges: IPv4, inclusive) in order.
pub fn parse_addresses(text: &str) -> Result<Vec<IpAddr>, String> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item.split_once('-') {
            None => out.push(
                item.parse()
                    .map_err(|_| format!("'{item}' is not an IP address"))?,
            ),
            Some((from, to)) => {
                let (from, to) = (from.trim(), to.trim());
                let parse = |a: &str| {
                    a.parse::<Ipv4Addr>().map(u32::from).map_err(|_| {
                        format!("'{item}': '{a}' is not an IPv4 address (ranges are IPv4)")
                    })
                };
                let (lo, hi) = (parse(from)?, parse(to)?);
                if hi < lo {
                    return Err(format!("'{item}': the range ends before it starts"));
                }
                if hi - lo >= MAX_ADDRESSES {
                    return Err(format!("'{item}': more than {MAX_ADDRESSES} addresses"));
                }
                out.extend((lo..=hi).map(|a| IpAddr::V4(Ipv4Addr::from(a))));
            }
        }
        if out.len() > MAX_ADDRESSES as usize {
            return Err(format!("more than {MAX_ADDRESSES} addresses"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(text: &str) -> Vec<String> {
        parse_addresses(text)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn single_addresses_and_ranges_in_order() {
        assert_eq!(ips("127.0.0.1"), ["127.0.0.1"]);
        assert_eq!(
            ips(" 127.0.0.9, 127.0.0.2 - 127.0.0.4 ,::1"),
            ["127.0.0.9", "127.0.0.2", "127.0.0.3", "127.0.0.4", "::1"]
        );
        assert_eq!(
            ips("10.0.0.255-10.0.1.1"),
            ["10.0.0.255", "10.0.1.0", "10.0.1.1"]
        );
        assert!(ips(" , ").is_empty());
    }

    #[test]
    fn bad_entries_are_named() {
        for (text, says) in [
            ("localhost", "'localhost' is not an IP address"),
            ("127.0.0.9-127.0.0.2", "ends before it starts"),
            ("::1-::2", "ranges are IPv4"),
            ("10.0.0.0-10.255.255.255", "more than 65536 addresses"),
        ] {
            let e = parse_addresses(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
