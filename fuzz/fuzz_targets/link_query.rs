//! The link `query` rule: length, charset, JSON object; a valid one re-parses to itself and
//! becomes a start page whose percent-encoding is plain ASCII.
#![no_main]

use dyopen_core::link::{percent_encode, LinkQuery};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(query) = LinkQuery::parse(text) else {
        return;
    };
    assert_eq!(LinkQuery::parse(query.as_str()).as_ref(), Ok(&query));
    let encoded = percent_encode(&query.start_page("pages/index/index"));
    assert!(encoded.is_ascii());
});
