//! City binding (关联城市, seed 000): the catalogue of cities and the rules of add, delete and
//! modify. The store loads a [`RegionState`] under a lock on the app, asks a `decide_*`
//! function what to do, and applies the returned [`Effect`] in the same transaction.

mod catalogue;
mod rules;

pub use catalogue::{catalogue, City, CityKind, RegionCode};
pub use rules::*;
