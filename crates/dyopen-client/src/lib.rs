//! Rust SDK for the Douyin open APIs (built in a later issue).
