//! Integration tests of the server over real HTTP, one binary. Every backend-dependent test
//! runs on SQLite and, when `DYOPEN_TEST_PG_URL` is set, on PostgreSQL (`backend_tests!`); the
//! server, its database and the request helpers come from `dyopen-testkit`.

mod admin;
mod bounds;
mod console;
mod emulator;
mod fuzz;
mod journal_bounds;
mod link;
mod link_bounds;
mod openapi;
mod region;
mod replay;
mod store;
mod task;
mod token;
mod wire;
