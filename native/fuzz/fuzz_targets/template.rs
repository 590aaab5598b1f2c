//! Arbitrary text through the topic/payload templates: `Template::parse` (or `parse_with` the
//! extra placeholders), then `expand` with connection and message values chosen by the input,
//! checked by `mqttload_fuzz::template_input::check`.
//!
//! Input layout: see `mqttload_fuzz::template_input`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mqttload_fuzz::template_input::check(data);
});
