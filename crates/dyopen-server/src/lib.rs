//! dyopen's HTTP server.
//!
//! - [`startup`]: [`Application`] — build (bind, connect, migrate) and run.
//! - [`conn`]: the serve loop: connection limit, header/body/idle deadlines, shutdown drain.
//! - [`http`]: wire plumbing (log ids, path normalisation, dialect errors, extractors, auth).
//! - [`api`]: the open APIs, one module per family, one file per endpoint.
//! - [`links`]: `GET /{code}` (redirect, landing page), link cache, qps limiter, visits.
//! - [`admin`]: `/admin/v1`, dyopen's control plane.
//! - [`console`]: `/console`, the web console (server-rendered pages, charts, sessions).
//! - [`metrics`]: Prometheus metrics and `/metrics`.
//! - [`emulator`]: `/_emulator/v1`, only with `--emulator`.
//! - [`demo`]: the demo app, stored so every start and reset shows the same credentials.

pub mod admin;
pub mod api;
pub mod config;
pub mod conn;
pub mod console;
pub mod demo;
pub mod emulator;
pub mod health;
pub mod http;
pub mod links;
pub mod metrics;
pub mod openapi;
pub mod startup;
pub mod state;
pub mod timefmt;

pub use config::Config;
pub use startup::Application;
pub use state::AppState;
