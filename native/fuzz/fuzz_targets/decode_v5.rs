//! Arbitrary bytes through the MQTT 5.0 decoder (properties, reason codes, AUTH), checked by
//! `mqttload_fuzz::check_stream`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqttload::codec::ProtocolVersion;

fuzz_target!(|data: &[u8]| {
    let (max, bytes) = mqttload_fuzz::split_limit(data);
    mqttload_fuzz::check_stream(bytes, ProtocolVersion::V5, max);
});
