//! `static native` methods of `io.mqttload.jni.NativeLib`.
//!
//! Every export runs inside `with_env` (which catches panics) and resolves through `Throw`,
//! so no Rust panic or error ever unwinds into the JVM: each becomes a Java exception.
//! JMeter threads block here on the shared runtime; every operation is bounded by its own
//! timeout and ends early when `cancel` is called for its group (Stop) or when the Java probe
//! it was given reports JMeter's Shutdown (then with what it has).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jni::errors::ErrorPolicy;
use jni::objects::{JClass, JObject, JString, JValue};
use jni::strings::JNIString;
use jni::sys::{jboolean, jint, jlong};
use jni::{jni_str, Env, EnvUnowned};
use once_cell::sync::Lazy;

use super::handles::Registry;
use super::runtime::{configure, runtime};
use crate::sampler::{
    unsubscribe_until, BrokerStats, BrokerStatsConfig, ConnectConfig, ConnectionGroup,
    DisconnectSettings, PublishConfig, Publisher, SampleOutcome, Shutdown, SubscribeConfig,
    Subscriber, UnsubscribeConfig,
};

static GROUPS: Lazy<Registry<ConnectionGroup>> = Lazy::new(Registry::new);
static PUBLISHERS: Lazy<Registry<Publisher>> = Lazy::new(Registry::new);
static SUBSCRIBERS: Lazy<Registry<Subscriber>> = Lazy::new(Registry::new);
static BROKER_STATS: Lazy<Registry<BrokerStats>> = Lazy::new(Registry::new);

/// How often a waiting sample asks Java whether JMeter's Shutdown wants its thread to end: often
/// enough that the wait ends well within a second, rarely enough that thousands of waiting
/// threads cost nothing measurable. A sample shorter than this never asks.
const SHUTDOWN_POLL: Duration = Duration::from_millis(200);

/// Why a native call failed, and which Java exception says so.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// Bad settings: `IllegalArgumentException`, message naming the field.
    #[error("{0}")]
    Settings(String),
    /// Anything else: `io.mqttload.jni.NativeException`.
    #[error("{0}")]
    Native(String),
    #[error("JNI error: {0}")]
    Jni(#[from] jni::errors::Error),
}

struct Throw;

impl<T: Default> ErrorPolicy<T, Failure> for Throw {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        err: Failure,
    ) -> jni::errors::Result<T> {
        if env.exception_check() {
            return Ok(T::default());
        }
        let msg = JNIString::from(err.to_string());
        let _ = match err {
            Failure::Settings(_) => {
                env.throw_new(jni_str!("java/lang/IllegalArgumentException"), msg)
            }
            _ => env.throw_new(jni_str!("io/mqttload/jni/NativeException"), msg),
        };
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        // Leaking the payload is safer than dropping it: its destructor could panic again.
        std::mem::forget(payload);
        if !env.exception_check() {
            let msg = JNIString::from(format!("mqttload internal error (please report): {what}"));
            let _ = env.throw_new(jni_str!("io/mqttload/jni/NativeException"), msg);
        }
        Ok(T::default())
    }
}

fn string(env: &Env<'_>, s: &JString<'_>) -> Result<String, Failure> {
    if s.is_null() {
        return Err(Failure::Settings("settings are null".into()));
    }
    Ok(s.try_to_string(env)?)
}

fn group(handle: jlong) -> Result<Arc<ConnectionGroup>, Failure> {
    GROUPS
        .get(handle)
        .ok_or_else(|| Failure::Native(format!("MQTT connection handle {handle} is closed")))
}

/// Runs a group operation on the shared runtime from the calling JMeter thread, ending early
/// with "Interrupted" when the group is cancelled.
fn block_on<F>(group: &ConnectionGroup, op: F) -> Result<SampleOutcome, Failure>
where
    F: Future<Output = SampleOutcome>,
{
    let rt = runtime().map_err(Failure::Native)?;
    let started = Instant::now();
    Ok(rt.block_on(group.cancellable(started, op)))
}

/// As `block_on`, asking `probe` (a `java.util.function.BooleanSupplier`; null = never) every
/// SHUTDOWN_POLL whether JMeter's Shutdown wants this thread to end, and raising the `Shutdown`
/// handed to `op` when it does. The probe is called on this JMeter thread, which is where JNI
/// allows it: `block_on` polls `op` here, not on a runtime worker.
fn block_on_watching<F>(
    env: &mut Env<'_>,
    probe: &JObject<'_>,
    group: &ConnectionGroup,
    op: F,
) -> Result<SampleOutcome, Failure>
where
    F: AsyncFnOnce(&Shutdown) -> SampleOutcome,
{
    let rt = runtime().map_err(Failure::Native)?;
    let started = Instant::now();
    let (trigger, shutdown) = Shutdown::channel();
    let op = group.cancellable(started, op(&shutdown));
    Ok(rt.block_on(async {
        tokio::pin!(op);
        let mut asking = !probe.is_null();
        let first = tokio::time::Instant::now() + SHUTDOWN_POLL;
        let mut ticks = tokio::time::interval_at(first, SHUTDOWN_POLL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // The operation first: one that is done at once never starts the poll timer.
                biased;
                o = &mut op => return o,
                _ = ticks.tick(), if asking => match shutdown_requested(env, probe) {
                    Some(true) => {
                        trigger.raise();
                        asking = false;
                    }
                    Some(false) => {}
                    // A probe that throws is not asked again; the operation's own bounds hold.
                    None => asking = false,
                },
            }
        }
    }))
}

/// `probe.getAsBoolean()`, or None when it threw (the exception is cleared: it must not stay
/// pending while this thread goes on calling JNI).
fn shutdown_requested(env: &mut Env<'_>, probe: &JObject<'_>) -> Option<bool> {
    let asked = env
        .call_method(probe, jni_str!("getAsBoolean"), jni::jni_sig!("()Z"), &[])
        .and_then(|v| v.z());
    match asked {
        Ok(b) => Some(b),
        Err(_) => {
            if env.exception_check() {
                env.exception_clear();
            }
            None
        }
    }
}

fn to_java<'local>(env: &mut Env<'local>, o: &SampleOutcome) -> Result<JObject<'local>, Failure> {
    let code = env.new_string(&o.code)?;
    let message = env.new_string(&o.message)?;
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

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_init<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    workers: jint,
    connect_concurrency: jint,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            configure(usize::try_from(workers).unwrap_or(0));
            if let Ok(n @ 1..) = usize::try_from(connect_concurrency) {
                crate::sampler::set_connect_concurrency(n);
            }
            Ok(())
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_version<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
) -> JString<'caller> {
    unowned
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            Ok(env.new_string(env!("CARGO_PKG_VERSION"))?)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupCreate<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    json: JString<'caller>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<jlong, Failure> {
            let json = string(env, &json)?;
            let config =
                ConnectConfig::from_json(&json).map_err(|e| Failure::Settings(e.to_string()))?;
            let group =
                ConnectionGroup::new(config).map_err(|e| Failure::Settings(e.to_string()))?;
            Ok(GROUPS.insert(group))
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupConnect<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    shutdown_probe: JObject<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let g = group(handle)?;
            let o = block_on_watching(env, &shutdown_probe, &g, async |sd| {
                g.connect_until(sd).await
            })?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupDisconnect<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let g = group(handle)?;
            let o = block_on(&g, g.disconnect())?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

/// `static native Outcome groupDisconnectWith(long group, String disconnectJson)`:
/// DISCONNECT with an MQTT 5.0 reason code and session expiry (contract, issue 4).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupDisconnectWith<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    json: JString<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let json = string(env, &json)?;
            let settings = DisconnectSettings::from_json(&json)
                .map_err(|e| Failure::Settings(e.to_string()))?;
            let g = group(handle)?;
            let o = block_on(&g, g.disconnect_with(settings))?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupFree<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            if let Some(g) = GROUPS.remove(handle) {
                g.cancel();
                g.close_now();
            }
            Ok(())
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_cancel<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            if let Some(g) = GROUPS.get(handle) {
                g.cancel();
            }
            Ok(())
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupIsConnected<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) -> jboolean {
    unowned
        .with_env(|_env| -> Result<jboolean, Failure> {
            Ok(GROUPS.get(handle).is_some_and(|g| g.is_connected()))
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_publisherCreate<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    json: JString<'caller>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<jlong, Failure> {
            let json = string(env, &json)?;
            let config =
                PublishConfig::from_json(&json).map_err(|e| Failure::Settings(e.to_string()))?;
            Ok(PUBLISHERS.insert(Publisher::new(config)))
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_publish<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    group_handle: jlong,
    publisher: jlong,
    shutdown_probe: JObject<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let g = group(group_handle)?;
            let p = PUBLISHERS.get(publisher).ok_or_else(|| {
                Failure::Native(format!("publisher handle {publisher} is closed"))
            })?;
            let o = block_on_watching(env, &shutdown_probe, &g, async |sd| {
                if p.is_paced() {
                    // The schedule runs on the runtime, not in this JMeter thread.
                    p.clone().publish_on_runtime(g.clone(), sd.clone()).await
                } else {
                    p.publish_until(&g, sd).await
                }
            })?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_publisherFree<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            PUBLISHERS.remove(handle);
            Ok(())
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_subscriberCreate<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    json: JString<'caller>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<jlong, Failure> {
            let json = string(env, &json)?;
            let config =
                SubscribeConfig::from_json(&json).map_err(|e| Failure::Settings(e.to_string()))?;
            Ok(SUBSCRIBERS.insert(Subscriber::new(config)))
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_subscribe<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    group_handle: jlong,
    subscriber: jlong,
    shutdown_probe: JObject<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let g = group(group_handle)?;
            let s = SUBSCRIBERS.get(subscriber).ok_or_else(|| {
                Failure::Native(format!("subscriber handle {subscriber} is closed"))
            })?;
            let o = block_on_watching(env, &shutdown_probe, &g, async |sd| {
                s.subscribe_until(&g, sd).await
            })?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_subscriberFree<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            SUBSCRIBERS.remove(handle);
            Ok(())
        })
        .resolve::<Throw>()
}

/// `static native long brokerStatsCreate(String brokerStatsJson)`: the Broker Statistics element's
/// state; its connection is a group of its own (groupCreate), passed to each sample.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_brokerStatsCreate<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    json: JString<'caller>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<jlong, Failure> {
            let json = string(env, &json)?;
            let config = BrokerStatsConfig::from_json(&json)
                .map_err(|e| Failure::Settings(e.to_string()))?;
            Ok(BROKER_STATS.insert(BrokerStats::new(config)))
        })
        .resolve::<Throw>()
}

fn broker_stats(handle: jlong) -> Result<Arc<BrokerStats>, Failure> {
    BROKER_STATS
        .get(handle)
        .ok_or_else(|| Failure::Native(format!("broker statistics handle {handle} is closed")))
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_brokerStats<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    group_handle: jlong,
    stats: jlong,
    shutdown_probe: JObject<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let g = group(group_handle)?;
            let b = broker_stats(stats)?;
            let o = block_on_watching(env, &shutdown_probe, &g, async |sd| {
                b.sample_until(&g, sd).await
            })?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}

/// `static native String brokerStatsFigures(long stats)`: the last sample's figures, one
/// `NAME=value` line each, the value empty when the broker did not publish it.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_brokerStatsFigures<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    stats: jlong,
) -> JString<'caller> {
    unowned
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let b = broker_stats(stats)?;
            let text: String = b
                .figures()
                .into_iter()
                .map(|(name, v)| format!("{name}={}\n", v.unwrap_or_default()))
                .collect();
            Ok(env.new_string(text)?)
        })
        .resolve::<Throw>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_brokerStatsFree<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) {
    unowned
        .with_env(|_env| -> Result<(), Failure> {
            BROKER_STATS.remove(handle);
            Ok(())
        })
        .resolve::<Throw>()
}

/// `static native Outcome groupUnsubscribe(long group, String unsubscribeJson, BooleanSupplier probe)`:
/// UNSUBSCRIBE on every connection of the group, waiting for the UNSUBACKs.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_mqttload_jni_NativeLib_groupUnsubscribe<'caller>(
    mut unowned: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    group_handle: jlong,
    json: JString<'caller>,
    shutdown_probe: JObject<'caller>,
) -> JObject<'caller> {
    unowned
        .with_env(|env| -> Result<JObject<'caller>, Failure> {
            let json = string(env, &json)?;
            let config = UnsubscribeConfig::from_json(&json)
                .map_err(|e| Failure::Settings(e.to_string()))?;
            let g = group(group_handle)?;
            let o = block_on_watching(env, &shutdown_probe, &g, async |sd| {
                unsubscribe_until(&g, &config, sd).await
            })?;
            to_java(env, &o)
        })
        .resolve::<Throw>()
}
