//! SDK tests against a real dyopen server in-process (SQLite temp file, port 0), one binary.

mod helpers;

mod admin;
mod link;
mod region;
mod resilience;
mod task;
mod token;
