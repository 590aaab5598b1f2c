//! A broker's `$SYS` publications (topics and payloads as a hostile broker may send them)
//! through the Broker Statistics sampler's sink and its samples, and through the rate finder's
//! dropped-messages guard, checked by `mqttload_fuzz::sys_input::check`.
//!
//! Input layout: see `mqttload_fuzz::sys_input`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mqttload_fuzz::sys_input::check(data);
});
