//! Arbitrary bytes through the 3.1.1 decoder (and 3.1: bit 6 of the first byte), checked by
//! `mqttload_fuzz::check_stream`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqttload::codec::ProtocolVersion;

fuzz_target!(|data: &[u8]| {
    let version = match data.first() {
        Some(b) if b & 0x40 != 0 => ProtocolVersion::V31,
        _ => ProtocolVersion::V311,
    };
    let (max, bytes) = mqttload_fuzz::split_limit(data);
    mqttload_fuzz::check_stream(bytes, version, max);
});
