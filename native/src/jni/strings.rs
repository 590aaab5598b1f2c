//! Java strings that samples repeat ("200", "Published 1 message(s)"), made once. A new Java
//! string from Rust is a conversion to modified UTF-8 and an allocation in the JVM, which at one
//! message per sample was a few percent of the whole sample.

use std::collections::HashMap;
use std::sync::Mutex;

use jni::objects::{Global, JString};
use jni::Env;
use once_cell::sync::Lazy;

use super::failure::Failure;

/// At most this many are kept: messages that name counts or causes vary, and the first ones seen
/// are as likely as any to come again.
const KEPT_AT_MOST: usize = 256;

/// Longer texts are not kept (a long message is rarely the same twice).
const LONGEST_KEPT: usize = 200;

static KEPT: Lazy<Mutex<HashMap<String, Global<JString<'static>>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

/// `text` as a Java string: a new local reference to the kept one, or a new string (kept when
/// there is room).
pub(super) fn java_string<'local>(
    env: &mut Env<'local>,
    text: &str,
) -> Result<JString<'local>, Failure> {
    if text.len() > LONGEST_KEPT {
        return Ok(env.new_string(text)?);
    }
    let Ok(mut kept) = KEPT.lock() else {
        return Ok(env.new_string(text)?);
    };
    if let Some(g) = kept.get(text) {
        return Ok(env.new_local_ref(g)?);
    }
    let s = env.new_string(text)?;
    if kept.len() < KEPT_AT_MOST {
        let g = env.new_global_ref(&s)?;
        kept.insert(text.to_string(), g);
    }
    Ok(s)
}
