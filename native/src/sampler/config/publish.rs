//! A Publish element: what to publish, how many per sample or on what schedule.

use std::time::Duration;

use bytes::Bytes;

use super::pace::Pace;
use crate::codec::{Properties, QoS};
use crate::sampler::template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Text,
    Hex,
    RandomFixedLength,
    /// One file's exact bytes.
    File,
    /// The files of a folder, one per message in turn.
    Folder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    None,
    XMeter,
    Precise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    All,
    RoundRobin,
}

/// The MQTT 5.0 parts of a Publish element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishV5 {
    /// PUBLISH properties (never a Topic Alias: the session assigns those).
    pub properties: Properties,
    /// Use our own topic aliases when the broker allows them.
    pub topic_alias: bool,
    /// The first v5-only setting in use, named for the "needs MQTT 5.0" message.
    pub first_feature: Option<&'static str>,
}

/// Largest payload we build: MQTT's own limit is 256 MiB, but a load test that wants more than
/// this per message is almost certainly a typo that would exhaust memory.
pub const MAX_PAYLOAD: usize = 16 * 1024 * 1024;

/// All of a Folder payload's files together: a folder that holds more is almost certainly not
/// the one meant, and each file stays in memory for the whole test.
pub const MAX_FOLDER_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct PublishConfig {
    pub topic: String,
    pub qos: QoS,
    pub retain: bool,
    pub message_type: MessageType,
    /// For Text and Hex: the bytes to send. For random: empty (built by the publisher).
    pub body: Bytes,
    pub fixed_length: usize,
    /// Random payloads: each message's length drawn from `fixed_length..=max_length`; None = all
    /// `fixed_length`.
    pub max_length: Option<usize>,
    pub fresh_random: bool,
    pub timestamp: TimestampFormat,
    pub messages_per_sample: u32,
    pub target: Target,
    pub ack_timeout: Duration,
    /// Send each stream's end marker when the group disconnects (precise timestamps only).
    pub end_marker: bool,
    pub v5: PublishV5,
    /// The topic's placeholders, when it holds any.
    pub topic_template: Option<Template>,
    /// A String payload's placeholders, when it holds any.
    pub body_template: Option<Template>,
    /// Folder: every file's bytes, in name order.
    pub files: Vec<Bytes>,
    /// Paced (open-loop) publishing; None = burst (messages_per_sample as fast as possible).
    pub pace: Option<Pace>,
}
