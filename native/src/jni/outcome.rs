//! A sample's result as the Java `io.mqttload.jni.Outcome` the samplers read.

use jni::objects::{Global, JClass, JMethodID, JObject, JValue};
use jni::{jni_str, Env};
use once_cell::sync::OnceCell;

use super::failure::Failure;
use super::strings::java_string;
use crate::sampler::SampleOutcome;
use crate::settings::{render, Element};

/// `Outcome(boolean success, String code, String message, long elapsedNanos, long sampleCount,
/// long errorCount, long bytes, long[] stats, byte[] responseData, String shortfall)`.
macro_rules! outcome_signature {
    () => {
        jni::jni_sig!("(ZLjava/lang/String;Ljava/lang/String;JJJJ[J[BLjava/lang/String;)V")
    };
}

/// The outcome of a sample of `element`, its message naming settings as that element's GUI does.
pub(super) fn to_java<'local>(
    env: &mut Env<'local>,
    element: Element,
    o: &SampleOutcome,
) -> Result<JObject<'local>, Failure> {
    let code = java_string(env, &o.code)?;
    let message = java_string(env, render(element, &o.message).as_ref())?;
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
    let args = [
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
    ];
    if let Some(outcome) = OUTCOME.get() {
        let raw: Vec<jni::sys::jvalue> = args.iter().map(|a| a.as_jni()).collect();
        // SAFETY: the constructor was looked up on this class with `outcome_signature!`, and `raw`
        // holds exactly its arguments, in order and of its types.
        let obj = unsafe { env.new_object_unchecked(&outcome.class, outcome.ctor, &raw)? };
        return Ok(obj);
    }
    let obj = env.new_object(
        jni_str!("io/mqttload/jni/Outcome"),
        outcome_signature!(),
        &args,
    )?;
    let class = env.get_object_class(&obj)?;
    let ctor = env.get_method_id(&class, jni_str!("<init>"), outcome_signature!())?;
    let class = env.new_global_ref(class)?;
    let _ = OUTCOME.set(OutcomeClass { class, ctor });
    Ok(obj)
}

/// The Outcome class and its constructor, found once: looking a class up by name goes through
/// `Class.forName` and the class loader, which at one message per sample cost as much as the
/// publish.
struct OutcomeClass {
    class: Global<JClass<'static>>,
    ctor: JMethodID,
}

static OUTCOME: OnceCell<OutcomeClass> = OnceCell::new();
