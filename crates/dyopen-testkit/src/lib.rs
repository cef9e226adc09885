//! The shared test kit of dyopen: a real server on an ephemeral port over a fresh database (a temp
//! SQLite file or a PostgreSQL schema of its own, optionally Redis), typed `#[track_caller]`
//! request helpers that assert the status and deserialise, and the real `dyopen` binary as a
//! child process ([`process`]). Only ever a dev-dependency: nothing of ours depends on it for a
//! build.

mod app;
mod backend;
pub mod process;
mod thread;

pub use app::{redact, TestApp, TestMiniApp, ADMIN_TOKEN, T0};
pub use backend::{skip_unless_set, Backend, TestDb};
pub use thread::ThreadApp;

/// Generates `<name>::sqlite` and `<name>::postgres` tests from `async fn name(Backend)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}
