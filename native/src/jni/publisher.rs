//! `static native` methods of `io.mqttload.jni.Publisher`: what a Publish sampler sends, sent
//! through a group.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{PublishConfig, Publisher};
use crate::settings::Element;

static PUBLISHERS: Lazy<Registry<Publisher>> = Lazy::new(|| Registry::new("publisher"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_Publisher_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Publish, &PUBLISHERS, |s| {
            PublishConfig::from_json(s).map(|c| Publisher::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Publisher_nativePublish(
        env,
        group: jlong,
        publisher: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Publish, &PUBLISHERS, publisher, async |g, p, sd| {
            if p.is_paced() {
                // The schedule runs on the runtime, not in this JMeter thread.
                p.clone().publish_on_runtime(g.clone(), sd.clone()).await
            } else {
                p.publish_until(g, sd).await
            }
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Publisher_nativeFree(_, publisher: jlong) {
        PUBLISHERS.remove(publisher);
        Ok(())
    }
}
