//! A Subscribe element: what each connection subscribes to, and what ends a sample.

use std::time::Duration;

use crate::codec::{QoS, RetainHandling, SubscriptionOptions};
use crate::sampler::template::{Template, Vars};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Collect for this long, then report whatever arrived.
    Elapsed(Duration),
    /// Wait until this many messages arrived, at most `timeout`.
    Count(u64),
}

/// The MQTT 5.0 parts of a Subscribe element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscribeV5 {
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
    pub subscription_identifier: Option<u32>,
}

impl SubscribeV5 {
    /// The first v5-only setting in use, named for the "needs MQTT 5.0" message.
    pub fn first_feature(&self) -> Option<&'static str> {
        if self.no_local {
            Some("no local")
        } else if self.retain_as_published {
            Some("retain as published")
        } else if self.retain_handling != RetainHandling::SendAtSubscribe {
            Some("retain handling")
        } else if self.subscription_identifier.is_some() {
            Some("subscription identifier")
        } else {
            None
        }
    }

    pub fn options(&self, qos: QoS) -> SubscriptionOptions {
        SubscriptionOptions {
            qos,
            no_local: self.no_local,
            retain_as_published: self.retain_as_published,
            retain_handling: self.retain_handling,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SubscribeConfig {
    pub topics: Vec<String>,
    pub qos: QoS,
    pub condition: Condition,
    pub timeout: Duration,
    pub add_timestamp: bool,
    pub debug_response: bool,
    pub v5: SubscribeV5,
    /// Per topic filter: its per-connection placeholders, when it holds any.
    pub topic_templates: Vec<Option<Template>>,
}

/// The filters of one connection: each filter's placeholders expanded for it.
pub fn expand_filters(
    topics: &[String],
    templates: &[Option<Template>],
    vars: &Vars<'_>,
) -> Vec<String> {
    topics
        .iter()
        .zip(templates)
        .map(|(t, x)| {
            x.as_ref()
                .map_or_else(|| t.clone(), |x| x.expand_string(vars))
        })
        .collect()
}

impl SubscribeConfig {
    /// The filters one connection subscribes to: placeholders expanded for it.
    pub fn filters_for(&self, vars: &Vars<'_>) -> Vec<String> {
        expand_filters(&self.topics, &self.topic_templates, vars)
    }
}
