//! `static native` methods of `io.mqttload.jni.BrokerStats`: the Broker Statistics element's
//! state. Its connection is a group of its own, passed to each sample.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{BrokerStats, BrokerStatsConfig};
use crate::settings::Element;

static BROKER_STATS: Lazy<Registry<BrokerStats>> = Lazy::new(|| Registry::new("broker statistics"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_BrokerStats_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Stats, &BROKER_STATS, |s| {
            BrokerStatsConfig::from_json(s).map(|c| BrokerStats::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_BrokerStats_nativeSample(
        env,
        group: jlong,
        stats: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Stats, &BROKER_STATS, stats, async |g, b, sd| {
            b.sample_until(g, sd).await
        })
    }
}

export! {
    /// The last sample's figures, one `NAME=value` line each, the value empty when the broker did
    /// not publish it: one string crosses JNI, not a map.
    fn Java_io_mqttload_jni_BrokerStats_nativeFigures(env, stats: jlong) -> JString<'caller> {
        let text: String = BROKER_STATS
            .live(stats)?
            .figures()
            .into_iter()
            .map(|(name, v)| format!("{name}={}\n", v.unwrap_or_default()))
            .collect();
        Ok(env.new_string(text)?)
    }
}

export! {
    fn Java_io_mqttload_jni_BrokerStats_nativeFree(_, stats: jlong) {
        BROKER_STATS.remove(stats);
        Ok(())
    }
}
