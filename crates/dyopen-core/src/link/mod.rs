//! URL links (seed 002, SPEC §6): codes, the `query` rules, hosts and their schemes, expiry, and
//! the decision whether an app may generate a link. Rate limits and the daily count are applied
//! by the server (qps) and the store (daily quota, inside the insert's transaction).

mod code;
mod filter;
mod query;
mod rules;
mod visits;

pub use code::{LinkCode, CODE_DENYLIST, CODE_LEN};
pub use filter::{LinkFilter, Liveness};
pub use query::{percent_encode, LinkQuery, QueryProblem, MAX_QUERY_CHARS, QUERY_EXTRA_CHARS};
pub use rules::*;
pub use visits::{buckets_kept_from, daily_series, VisitCount, CHART_DAYS, VISIT_DAYS_KEPT};
