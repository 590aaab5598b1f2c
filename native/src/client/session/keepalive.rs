//! Keep-alive: PINGREQ when the connection has been quiet, and a connection declared dead when
//! the broker stays silent. Silence is measured from the last bytes heard, so a connection into a
//! black hole (bytes dropped, no FIN or RST) is named within 1.5 x the keep-alive of going quiet,
//! whatever it was doing: idle, publishing without acknowledgements, or with a backlog the socket
//! no longer takes.

use std::time::Duration;

use tokio::time::Instant;

use crate::codec::Packet;

use super::task::Task;

/// A ping goes out when nothing was sent, or nothing heard, for this share of the keep-alive:
/// the broker has the rest of 1.5 x keep-alive to answer.
const PING_AFTER: (u32, u32) = (4, 5);
/// Silence beyond this share of the keep-alive, with a ping asked, ends the connection
/// (the broker's own rule for a silent client, MQTT 3.1.1 section 3.1.2.10).
const DEAD_AFTER: (u32, u32) = (3, 2);

fn share(d: Duration, (num, den): (u32, u32)) -> Duration {
    d * num / den
}

impl Task {
    /// Sends PINGREQ when it is due and says when to look again; Err names why the connection is
    /// considered dead.
    pub(super) fn keep_alive(
        &mut self,
        keep_alive: Duration,
        now: Instant,
    ) -> Result<Instant, String> {
        if keep_alive.is_zero() {
            return Ok(now + Duration::from_secs(3600));
        }
        let dead_at = self.last_heard + share(keep_alive, DEAD_AFTER);
        if self.ping_sent.is_some() {
            if now >= dead_at {
                return Err(self.silence(keep_alive, now));
            }
            return Ok(dead_at);
        }
        let due = self.last_sent.min(self.last_heard) + share(keep_alive, PING_AFTER);
        if now < due {
            return Ok(due);
        }
        let _ = Packet::PingReq.encode(self.opts.version, &mut self.out);
        self.ping_sent = Some(now);
        Ok(dead_at.max(now + Duration::from_millis(1)))
    }

    fn silence(&self, keep_alive: Duration, now: Instant) -> String {
        let quiet = now.duration_since(self.last_heard).as_secs_f64();
        let backlog = if self.out.is_empty() {
            String::new()
        } else {
            format!(", {} bytes not taken by the socket", self.out.len())
        };
        format!(
            "keep-alive: nothing from the broker for {quiet:.1} s (1.5 x the keep-alive of {} s) \
             and the PINGREQ unanswered{backlog}: the broker hung or the network drops packets \
             without closing the connection (a black hole)",
            keep_alive.as_secs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::task::test_task;
    use super::*;

    const KA: Duration = Duration::from_secs(4);

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[tokio::test]
    async fn an_idle_connection_pings_and_then_is_named_dead_within_one_and_a_half_keep_alives() {
        let mut t = test_task();
        let t0 = Instant::now();
        (t.last_sent, t.last_heard) = (t0, t0);
        // quiet: the next look is when a ping is due
        assert_eq!(t.keep_alive(KA, at(t0, 1000)), Ok(at(t0, 3200)));
        assert!(t.out.is_empty());
        // due: PINGREQ, then the deadline is 1.5 x keep-alive after the last bytes heard
        assert_eq!(t.keep_alive(KA, at(t0, 3200)), Ok(at(t0, 6000)));
        assert_eq!(&t.out[..], &[0xC0, 0x00]);
        assert_eq!(t.keep_alive(KA, at(t0, 5999)), Ok(at(t0, 6000)));
        let dead = t.keep_alive(KA, at(t0, 6000)).unwrap_err();
        assert!(dead.contains("nothing from the broker for 6.0 s"), "{dead}");
        assert!(
            dead.contains("black hole") && dead.contains("PINGREQ unanswered"),
            "{dead}"
        );
    }

    #[tokio::test]
    async fn a_publisher_that_hears_nothing_still_pings() {
        let mut t = test_task();
        let t0 = Instant::now();
        t.last_heard = t0;
        // it sends all the time (QoS 0) but the broker has said nothing since t0
        t.last_sent = at(t0, 3100);
        assert_eq!(t.keep_alive(KA, at(t0, 3200)), Ok(at(t0, 6000)));
        assert_eq!(t.ping_sent, Some(at(t0, 3200)));
    }

    #[tokio::test]
    async fn bytes_heard_or_taken_from_a_backlog_keep_it_alive() {
        let mut t = test_task();
        let t0 = Instant::now();
        (t.last_sent, t.last_heard) = (t0, t0);
        t.ping_sent = Some(at(t0, 3200));
        // a slow reader: the socket takes our backlog bit by bit, no answer yet
        t.last_heard = at(t0, 5000);
        assert_eq!(t.keep_alive(KA, at(t0, 6000)), Ok(at(t0, 11000)));
        t.last_heard = at(t0, 10000);
        assert_eq!(t.keep_alive(KA, at(t0, 11000)), Ok(at(t0, 16000)));
    }

    #[tokio::test]
    async fn no_keep_alive_means_no_pings() {
        let mut t = test_task();
        let t0 = Instant::now();
        assert!(t.keep_alive(Duration::ZERO, t0).is_ok());
        assert!(t.out.is_empty() && t.ping_sent.is_none());
    }
}
