//! `static native` methods of `io.mqttload.jni.Responder`: the requests a Responder sampler answers
//! in the background, bound to the group it first samples on.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{Responder, ResponderConfig};
use crate::settings::Element;

static RESPONDERS: Lazy<Registry<Responder>> = Lazy::new(|| Registry::new("responder"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_Responder_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Responder, &RESPONDERS, |s| {
            ResponderConfig::from_json(s).map(|c| Responder::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Responder_nativeRespond(
        env,
        group: jlong,
        responder: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Responder, &RESPONDERS, responder, async |g, r, sd| {
            r.respond_until(g, sd).await
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Responder_nativeFree(_, responder: jlong) {
        RESPONDERS.remove(responder);
        Ok(())
    }
}
