//! Short-video tasks (任务台) and their exclusive talents (seed 001, SPEC §5): the task model,
//! the v2 task APIs' parsing and queries, and the rules of `update_orient_talents` and
//! submissions. The store loads a task under a lock on its row, asks a `decide_*` function and
//! applies the returned changes in the same transaction.

mod add;
mod limits;
mod model;
mod query;
mod talents;

pub use add::*;
pub use limits::*;
pub use model::*;
pub use query::*;
pub use talents::*;
