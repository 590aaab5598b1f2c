//! The Responder element's settings -> `ResponderConfig`.

use std::time::Duration;

use bytes::Bytes;

use super::connect::qos;
use super::description::Element;
use super::document::Values;
use super::subscribe::topic_filters;
use crate::sampler::config::{bad, ConfigError, Id, ResponderConfig};
use crate::sampler::template::{Extra, Template};

impl ResponderConfig {
    pub fn from_json(json: &str) -> Result<ResponderConfig, ConfigError> {
        build(&Values::read(Element::Responder, json)?)
    }
}

fn build(v: &Values) -> Result<ResponderConfig, ConfigError> {
    let (topics, topic_templates) = topic_filters(
        Id::RspTopics,
        v.text(Id::RspTopics)?,
        "at least one request topic filter is required",
    )?;
    let payload = v.text(Id::RspPayload)?;
    let payload_template = Template::parse_with(payload.as_bytes(), &[Extra::Request])
        .map_err(|m| bad(Id::RspPayload, m))?;
    Ok(ResponderConfig {
        topics,
        topic_templates,
        qos: qos(v, Id::RspQos)?,
        timeout: Duration::from_millis(v.num(Id::RspTimeoutMs)?),
        delay: Duration::from_millis(v.num(Id::RspDelayMs)?),
        window: Duration::from_millis(v.num(Id::RspWindowMs)?),
        payload: Bytes::from(payload.as_bytes().to_vec()),
        payload_template,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use crate::sampler::template::{ExtraVars, Vars};

    fn err(json: &str) -> ConfigError {
        ResponderConfig::from_json(json).unwrap_err()
    }

    #[test]
    fn defaults_answer_requests_of_each_connection_with_their_payload() {
        let c = ResponderConfig::from_json("{}").unwrap();
        let vars = Vars {
            conn: 4,
            conn_test: 9,
            client_id: "dev-4",
            seq: 0,
        };
        assert_eq!(c.filters_for(&vars), vec!["requests/4"]);
        assert_eq!((c.qos, c.delay), (QoS::AtLeastOnce, Duration::ZERO));
        assert_eq!(c.window, Duration::from_secs(1));
        let extra = ExtraVars {
            target: 0,
            request: b"ping",
        };
        let t = c.payload_template.as_ref().unwrap();
        assert_eq!(t.expand_string_with(&vars, &extra), "ping");
    }

    #[test]
    fn settings_parse_and_bad_ones_are_named() {
        let c = ResponderConfig::from_json(
            r#"{"rsp":{"topics":"devices/{{client_id}}/req, all/#","qos":"2","delayMs":"250","windowMs":"0","payload":"ok {{request}} {{seq}}"}}"#,
        )
        .unwrap();
        assert_eq!(c.topics, vec!["devices/{{client_id}}/req", "all/#"]);
        assert_eq!(c.qos, QoS::ExactlyOnce);
        assert_eq!(
            (c.delay, c.window),
            (Duration::from_millis(250), Duration::ZERO)
        );
        for (json, id) in [
            (r#"{"rsp":{"topics":" , "}}"#, Id::RspTopics),
            (r#"{"rsp":{"topics":"r/{{seq}}"}}"#, Id::RspTopics),
            (r#"{"rsp":{"payload":"{{target}}"}}"#, Id::RspPayload),
            (r#"{"rsp":{"delayMs":"-1"}}"#, Id::RspDelayMs),
            (r#"{"rsp":{"qos":"x"}}"#, Id::RspQos),
        ] {
            assert_eq!(err(json).setting, Some(id), "{json}");
        }
    }
}
