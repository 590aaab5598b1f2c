//! What every `static native` method shares: the frame that runs it under the error policy (nothing
//! may unwind into the JVM, see `failure`), the settings documents Java hands over, and a group
//! operation run for a JMeter sample.

use std::sync::Arc;

use jni::objects::{JObject, JString};
use jni::sys::jlong;
use jni::Env;

use super::failure::{refused, Failure};
use super::handles::{Registry, GROUPS};
use super::outcome::to_java;
use super::runtime::block_on_watching;
use crate::sampler::config::ConfigError;
use crate::sampler::{ConnectionGroup, SampleOutcome, Shutdown};
use crate::settings::Element;

/// Defines the export of one `static native` method: the JNI symbol and arguments around `body`,
/// which runs inside `with_env` (so a panic is caught) with `env` bound to the caller's `Env`. Its
/// error is resolved by [`Throw`]; a `silent` method's (a `jni::errors::Error`) by
/// `LogErrorAndDefault`, for calls that must never fail their caller. Argument types may name the
/// caller's lifetime, `'caller`.
macro_rules! export {
    ($(#[$attr:meta])* fn $($rest:tt)*) => {
        export!(@policy $crate::jni::failure::Throw, $crate::jni::failure::Failure;
            $(#[$attr])* fn $($rest)*);
    };
    ($(#[$attr:meta])* silent fn $($rest:tt)*) => {
        export!(@policy ::jni::errors::LogErrorAndDefault, ::jni::errors::Error;
            $(#[$attr])* fn $($rest)*);
    };
    (@policy $policy:ty, $error:ty; $(#[$attr:meta])*
        fn $name:ident($env:pat $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$attr])*
        #[unsafe(no_mangle)]
        pub extern "system" fn $name<'caller>(
            mut unowned: ::jni::EnvUnowned<'caller>,
            _class: ::jni::objects::JClass<'caller>,
            $($arg: $ty),*
        ) $(-> $ret)? {
            let body = |$env: &mut ::jni::Env<'caller>| -> ::std::result::Result<_, $error> {
                $body
            };
            unowned.with_env(body).resolve::<$policy>()
        }
    };
}

/// `element`'s settings document (JSON, read only by the engine) as `parse` takes it; whatever
/// `parse` refuses is a bad setting.
pub(super) fn settings<T>(
    env: &Env<'_>,
    json: &JString<'_>,
    element: Element,
    parse: impl FnOnce(&str) -> Result<T, ConfigError>,
) -> Result<T, Failure> {
    if json.is_null() {
        return Err(Failure::Settings {
            code: element.bad_code(),
            message: format!("{}: the settings are null", element.label()),
        });
    }
    let json = json.try_to_string(env)?;
    parse(&json).map_err(|e| refused(element, &e))
}

/// An element's name (the label of its samples, and of its live metrics); null is no name.
pub(super) fn label(env: &Env<'_>, name: &JString<'_>) -> Result<String, Failure> {
    if name.is_null() {
        return Ok(String::new());
    }
    Ok(name.try_to_string(env)?)
}

/// What `build` makes of `element`'s settings document, kept in `registry`; Java gets its handle.
pub(super) fn create<T>(
    env: &Env<'_>,
    json: &JString<'_>,
    element: Element,
    registry: &Registry<T>,
    build: impl FnOnce(&str) -> Result<T, ConfigError>,
) -> Result<jlong, Failure> {
    Ok(registry.insert(settings(env, json, element, build)?))
}

/// Runs `op` on the group `group` names for a JMeter sample, blocking this thread on the shared
/// runtime (see [`block_on_watching`] for Stop and Shutdown), and gives Java its `Outcome`.
pub(super) fn sample<'local>(
    env: &mut Env<'local>,
    probe: &JObject<'_>,
    group: jlong,
    element: Element,
    op: impl AsyncFnOnce(&Arc<ConnectionGroup>, &Shutdown) -> SampleOutcome,
) -> Result<JObject<'local>, Failure> {
    let group = GROUPS.live(group)?;
    run(env, probe, &group, element, op)
}

/// As [`sample`], for an operation of the engine object `item` names in `items`; the group is
/// looked up first, so a closed group is what a call with both closed reports.
#[allow(clippy::too_many_arguments)]
pub(super) fn sample_item<'local, T>(
    env: &mut Env<'local>,
    probe: &JObject<'_>,
    group: jlong,
    element: Element,
    items: &Registry<T>,
    item: jlong,
    op: impl AsyncFnOnce(&Arc<ConnectionGroup>, &Arc<T>, &Shutdown) -> SampleOutcome,
) -> Result<JObject<'local>, Failure> {
    let group = GROUPS.live(group)?;
    let item = items.live(item)?;
    run(env, probe, &group, element, async |g, sd| {
        op(g, &item, sd).await
    })
}

fn run<'local>(
    env: &mut Env<'local>,
    probe: &JObject<'_>,
    group: &Arc<ConnectionGroup>,
    element: Element,
    op: impl AsyncFnOnce(&Arc<ConnectionGroup>, &Shutdown) -> SampleOutcome,
) -> Result<JObject<'local>, Failure> {
    let o = block_on_watching(env, probe, group, op)?;
    to_java(env, element, &o)
}
