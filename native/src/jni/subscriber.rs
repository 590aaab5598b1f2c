//! `static native` methods of `io.mqttload.jni.Subscriber`: what a Subscribe sampler collects,
//! bound to the group it first collects on.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{SubscribeConfig, Subscriber};
use crate::settings::Element;

static SUBSCRIBERS: Lazy<Registry<Subscriber>> = Lazy::new(|| Registry::new("subscriber"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_Subscriber_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Subscribe, &SUBSCRIBERS, |s| {
            SubscribeConfig::from_json(s).map(|c| Subscriber::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Subscriber_nativeSubscribe(
        env,
        group: jlong,
        subscriber: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Subscribe, &SUBSCRIBERS, subscriber, async |g, s, sd| {
            s.subscribe_until(g, sd).await
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Subscriber_nativeFree(_, subscriber: jlong) {
        SUBSCRIBERS.remove(subscriber);
        Ok(())
    }
}
