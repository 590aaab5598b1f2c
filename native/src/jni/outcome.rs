//! A sample's result as the Java `io.mqttload.jni.Outcome` the samplers read.

use jni::objects::{JObject, JValue};
use jni::{jni_str, Env};

use super::failure::Failure;
use crate::sampler::SampleOutcome;
use crate::settings::{render, Element};

/// The outcome of a sample of `element`, its message naming settings as that element's GUI does.
pub(super) fn to_java<'local>(
    env: &mut Env<'local>,
    element: Element,
    o: &SampleOutcome,
) -> Result<JObject<'local>, Failure> {
    let code = env.new_string(&o.code)?;
    let message = env.new_string(render(element, &o.message).as_ref())?;
    let stats = env.new_long_array(o.stats.len())?;
    stats.set_region(env, 0, &o.stats)?;
    let data = match &o.response_data {
        Some(d) => JObject::from(env.byte_array_from_slice(d)?),
        None => JObject::null(),
    };
    let shortfall = match &o.shortfall {
        Some(s) => JObject::from(env.new_string(s)?),
        None => JObject::null(),
    };
    let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let elapsed = i64::try_from(o.elapsed.as_nanos()).unwrap_or(i64::MAX);
    let obj = env.new_object(
        jni_str!("io/mqttload/jni/Outcome"),
        jni::jni_sig!("(ZLjava/lang/String;Ljava/lang/String;JJJJ[J[BLjava/lang/String;)V"),
        &[
            JValue::Bool(o.success),
            JValue::Object(&code),
            JValue::Object(&message),
            JValue::Long(elapsed),
            JValue::Long(clamp(o.sample_count)),
            JValue::Long(clamp(o.error_count)),
            JValue::Long(clamp(o.bytes)),
            JValue::Object(&stats),
            JValue::Object(&data),
            JValue::Object(&shortfall),
        ],
    )?;
    Ok(obj)
}
