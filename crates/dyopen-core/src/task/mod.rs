//! Short-video tasks (任务台) and their exclusive talents (seed 001, SPEC §5): the task model,
//! the v2 task APIs' parsing and queries, and the rules of `update_orient_talents` and
//! submissions. The store loads a [`TaskState`] under a lock on the task's row, asks one of its
//! `decide_*` methods and applies the returned changes in the same transaction.

mod add;
mod limits;
mod model;
mod query;
mod state;
mod talents;

pub use add::*;
pub use limits::*;
pub use model::*;
pub use query::*;
pub use state::*;
pub use talents::*;
