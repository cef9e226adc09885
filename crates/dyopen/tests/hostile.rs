//! Hostile traffic against the real `dyopen serve` binary (SPEC §8 "Hostile traffic and resource
//! bounds"), with small limits set by flags so nothing waits for the defaults and no assertion is
//! about speed: every wait is bounded generously and only the outcome is checked.
//!
//! - [`connections`]: header, body and idle deadlines; the connection limit and EMFILE; SIGTERM.
//! - [`exposure`]: 401 before 405/404, `--emulator-remote`, admin-token rules, redacted URLs.
//! - [`outage`]: PostgreSQL cut or held by a TCP proxy ([`proxy`]): `/readyz`, dialect errors,
//!   the handler timeout, recovery.

#[path = "hostile/connections.rs"]
mod connections;
#[path = "hostile/exposure.rs"]
mod exposure;
#[path = "hostile/outage.rs"]
mod outage;
#[path = "hostile/proxy.rs"]
mod proxy;
#[path = "hostile/support.rs"]
mod support;
