//! How a native call fails: every error and panic becomes a Java exception, never an unwind into the
//! JVM; refused settings become a `SettingsException` naming the setting as the element's GUI does.

use jni::errors::ErrorPolicy;
use jni::objects::JValue;
use jni::strings::JNIString;
use jni::{jni_str, Env};

use crate::sampler::config::ConfigError;
use crate::settings::{error_code, error_message, Element};

/// Why a native call failed, and which Java exception says so.
#[derive(Debug, thiserror::Error)]
pub(super) enum Failure {
    /// Bad settings: `io.mqttload.jni.SettingsException`, with the message naming the setting (its
    /// label and property key) and the response code the element's sample fails with.
    #[error("{message}")]
    Settings { code: &'static str, message: String },
    /// Anything else: `io.mqttload.jni.NativeException`.
    #[error("{0}")]
    Native(String),
    #[error("JNI error: {0}")]
    Jni(#[from] jni::errors::Error),
}

pub(super) struct Throw;

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
        let _ = match err {
            Failure::Settings { code, message } => throw_settings(env, code, &message),
            other => env.throw_new(
                jni_str!("io/mqttload/jni/NativeException"),
                JNIString::from(other.to_string()),
            ),
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

fn throw_settings(env: &mut Env<'_>, code: &str, message: &str) -> jni::errors::Result<()> {
    let code = env.new_string(code)?;
    let message = env.new_string(message)?;
    let e = env.new_object(
        jni_str!("io/mqttload/jni/SettingsException"),
        jni::jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
        &[JValue::Object(&code), JValue::Object(&message)],
    )?;
    let e = env.cast_local::<jni::objects::JThrowable>(e)?;
    env.throw(e)
}

/// `element`'s settings refused: the message and code the user sees.
pub(super) fn refused(element: Element, e: &ConfigError) -> Failure {
    Failure::Settings {
        code: error_code(element, e),
        message: error_message(element, e),
    }
}
