//! `static native` methods of `io.mqttload.jni.RateFinder`: one step of a rate search per sample,
//! on a group.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{RateFinder, RateFinderConfig};
use crate::settings::Element;

static FINDERS: Lazy<Registry<RateFinder>> = Lazy::new(|| Registry::new("rate finder"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_RateFinder_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Ratefinder, &FINDERS, |s| {
            RateFinderConfig::from_json(s).map(|c| RateFinder::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_RateFinder_nativeStep(
        env,
        group: jlong,
        finder: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Ratefinder, &FINDERS, finder, async |g, f, sd| {
            // The schedule runs on the runtime, not in this JMeter thread.
            f.clone().step_on_runtime(g.clone(), sd.clone()).await
        })
    }
}

export! {
    fn Java_io_mqttload_jni_RateFinder_nativeFree(_, finder: jlong) {
        FINDERS.remove(finder);
        Ok(())
    }
}
