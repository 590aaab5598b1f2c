//! `static native` methods of `io.mqttload.jni.Requester`: what a Request sampler sends and the
//! replies it waits for, through a group.

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::frame::{create, label, sample_item};
use super::handles::Registry;
use crate::sampler::{RequestConfig, Requester};
use crate::settings::Element;

static REQUESTERS: Lazy<Registry<Requester>> = Lazy::new(|| Registry::new("requester"));

export! {
    /// From the element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_Requester_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Request, &REQUESTERS, |s| {
            RequestConfig::from_json(s).map(|c| Requester::new(c).labelled(&name))
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Requester_nativeRequest(
        env,
        group: jlong,
        requester: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample_item(env, &probe, group, Element::Request, &REQUESTERS, requester, async |g, r, sd| {
            r.request_until(g, sd).await
        })
    }
}

export! {
    fn Java_io_mqttload_jni_Requester_nativeFree(_, requester: jlong) {
        REQUESTERS.remove(requester);
        Ok(())
    }
}
