//! A Responder element: the request filters each connection subscribes to, and how it answers.

use std::time::Duration;

use bytes::Bytes;

use super::subscribe::expand_filters;
use crate::codec::QoS;
use crate::sampler::template::{Template, Vars};

#[derive(Debug, Clone)]
pub struct ResponderConfig {
    pub topics: Vec<String>,
    pub topic_templates: Vec<Option<Template>>,
    pub qos: QoS,
    /// The first sample's wait for SUBACK.
    pub timeout: Duration,
    /// Between a request's arrival and its reply.
    pub delay: Duration,
    /// How long a sample lasts.
    pub window: Duration,
    pub payload: Bytes,
    /// The reply payload's placeholders ({{request}} among them), when it holds any.
    pub payload_template: Option<Template>,
}

impl ResponderConfig {
    /// The filters one connection subscribes to: placeholders expanded for it.
    pub fn filters_for(&self, vars: &Vars<'_>) -> Vec<String> {
        expand_filters(&self.topics, &self.topic_templates, vars)
    }
}
