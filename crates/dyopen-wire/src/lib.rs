//! Wire types for every API dyopen serves, shared by the server and the SDK.
//!
//! No business logic and no I/O: serde structs whose field names copy the platform exactly,
//! plus one [`Dialect`] per error envelope with its codes and texts.
//!
//! - [`answer`]: success-or-error unions of the dialects whose error `data` is `{}`.
//! - [`dialect`]: the error envelopes (`err_no`/`err_msg`, `error`/`message`, …) and their codes.
//! - [`ids`]: 19-digit ids accepted as JSON integers or decimal strings.
//! - [`token`], [`region`], [`link`]: the open APIs, one module per family.
//! - [`paths`]: open-API paths, their normal form, and the host that serves each one.
//! - [`recording`]: the files `dyopen proxy` records and `dyopen serve --replay` answers from.
//! - [`admin`], [`emulator`]: dyopen's own control plane.

pub mod admin;
pub mod answer;
pub mod dialect;
pub mod emulator;
pub mod ids;
pub mod link;
pub mod paths;
pub mod recording;
pub mod region;
pub mod task;
pub mod token;

pub use dialect::{Dialect, ParamProblem};
