//! An Unsubscribe element: the filters every connection of a group unsubscribes from.

use std::time::Duration;

use super::subscribe::expand_filters;
use crate::sampler::template::{Template, Vars};

#[derive(Debug, Clone)]
pub struct UnsubscribeConfig {
    pub topics: Vec<String>,
    pub topic_templates: Vec<Option<Template>>,
    pub timeout: Duration,
}

impl UnsubscribeConfig {
    pub fn filters_for(&self, vars: &Vars<'_>) -> Vec<String> {
        expand_filters(&self.topics, &self.topic_templates, vars)
    }
}
