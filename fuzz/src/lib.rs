//! Shared pieces of the fuzz targets: how a target splits its input, the body parser the server
//! runs ([`dyopen_server::http::extract::parse_body`]), and a fixed app and instant to decide
//! against.

use dyopen_core::app::{App, AppId, AppStatus, PublishedPages};
use dyopen_core::clock::{Seconds, Timestamp};
use dyopen_core::task::{Task, TaskDetails, TaskStatus, TaskType};
use serde::de::DeserializeOwned;

/// 2024-05-01T00:00:00Z, the instant every target decides at.
pub const NOW: Timestamp = Timestamp::from_secs(1_714_521_600);

/// The first byte picks a variant (`selector % n`); the rest is the input. Empty input: `None`.
pub fn split(data: &[u8], n: u8) -> Option<(u8, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((first % n, rest))
}

/// The body as the server parses it: a form when `form`, else JSON (whatever it looks like).
pub fn body<T: DeserializeOwned>(form: bool, bytes: &[u8]) -> Option<T> {
    dyopen_server::http::extract::parse_body(form, bytes).ok()
}

/// The app every target decides against: active, two published pages.
pub fn app() -> App {
    App {
        appid: AppId::parse("tt0123456789abcdef").expect("a valid appid"),
        name: "fuzz".into(),
        secret_hash: String::new(),
        pages: PublishedPages::parse(&["pages/index/index", "pages/detail/detail"])
            .expect("valid pages"),
        qps_limit: 100,
        daily_link_quota: 1000,
        status: AppStatus::Active,
        created_at: NOW.unix_secs(),
    }
}

/// A running task of [`app`], created at [`NOW`], ending a day later.
pub fn task(task_id: i64, task_type: TaskType) -> Task {
    Task {
        task_id,
        appid: app().appid,
        task_name: "fuzz".into(),
        task_type,
        status: TaskStatus::Running,
        start_page: "pages/index/index".into(),
        task_start_time: NOW.unix_secs(),
        task_end_time: NOW.unix_secs().saturating_add(Seconds::days(1)),
        created_at: NOW.unix_secs(),
        updated_at: NOW.unix_secs(),
        details: TaskDetails::default(),
    }
}
