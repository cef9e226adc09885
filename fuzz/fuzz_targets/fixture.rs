//! Emulator fixtures (`POST /_emulator/v1/seed`, `--seed-file`): JSON, or YAML otherwise.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dyopen_server::emulator::parse_fixture(data);
});
