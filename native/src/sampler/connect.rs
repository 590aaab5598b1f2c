//! A Connect element's sample: its group connects, and a group that asks for clock offsets
//! between engines then starts (or joins) the engine's clock peer.

use super::clock_sync;
use super::group::ConnectionGroup;
use super::outcome::SampleOutcome;
use super::shutdown::Shutdown;

/// Connects `group` (as [`ConnectionGroup::connect_until`]); once connected, the clock offsets it
/// asks for start with its broker and credentials.
pub async fn connect_until(group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
    let o = group.connect_until(shutdown).await;
    if o.success {
        clock_sync::join(group);
    }
    o
}

/// As [`connect_until`], without JMeter's Shutdown.
pub async fn connect(group: &ConnectionGroup) -> SampleOutcome {
    connect_until(group, &Shutdown::never()).await
}
