//! What the measured requests act on, stored before dyopen starts: the links to redirect, an app
//! to generate with, apps and tokens for city-binding adds, exclusive tasks for talents. Written
//! through dyopen's own store and rules (an in-process instance on the same SQLite file, on its
//! own runtime, dropped before the measured process starts).

use anyhow::Context;
use dyopen_core::app::AppId;
use dyopen_core::link::{GenerateLink, Host};
use dyopen_core::task::{NewTask, TaskDraft};
use dyopen_core::token::{NewToken, TokenKind};
use dyopen_server::{AppState, Application, Config};
use dyopen_wire::admin::CreateAppRequest;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Page paths per city-binding app (the cap of page bindings).
pub const CITY_PATHS_PER_APP: usize = 10;

/// Sizes of what to store.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Links to redirect.
    pub links: usize,
    /// Links of the exactness check (their visits are read back).
    pub exact_links: usize,
    /// Apps for city-binding adds (ten adds each).
    pub city_apps: usize,
    /// Exclusive tasks per talents round.
    pub tasks_per_round: usize,
    /// Rounds (talents rounds use disjoint tasks).
    pub rounds: usize,
}

/// What was stored, with the files the load scripts read.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// File of the redirect codes (one per line).
    pub codes_file: PathBuf,
    /// The exactness app and its codes.
    pub exact_app: String,
    /// Its codes.
    pub exact_codes: Vec<String>,
    /// The generation app and a v2 token of it.
    pub gen_app: String,
    /// Its token.
    pub gen_token: String,
    /// File of "token path" lines for city-binding adds.
    pub city_file: PathBuf,
    /// Lines in it.
    pub city_lines: usize,
    /// The talents app and its token.
    pub talents_app: String,
    /// Its token.
    pub talents_token: String,
    /// One file of task ids per round.
    pub task_files: Vec<PathBuf>,
}

/// Stores everything in the SQLite file `db` and writes the scripts' files into `dir`.
pub fn seed(db: &str, dir: &Path, sizes: Sizes) -> anyhow::Result<Seeded> {
    // Its own runtime: dropping it closes every connection of the seeding instance.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = Application::build(Config::new(db, "bench-seed-admin-token")).await?;
        let state = app.state().clone();
        seed_all(&state, dir, sizes).await
    })
}

async fn create_app(state: &AppState, name: &str) -> anyhow::Result<AppId> {
    let req = CreateAppRequest {
        name: name.into(),
        pages: vec!["pages/index/index".into()],
        qps_limit: Some(1 << 40),
        daily_link_quota: Some(1 << 40),
    };
    let made = dyopen_server::admin::create_app(state, req)
        .await
        .map_err(|e| anyhow::anyhow!("creating app {name}: {e:?}"))?;
    AppId::parse(&made.app.appid).map_err(|e| anyhow::anyhow!("{e}"))
}

async fn token(state: &AppState, appid: &AppId) -> anyhow::Result<String> {
    let (new, text) = NewToken::issue(appid.clone(), TokenKind::V2, state.clock.now());
    state.store.issue_token(&new).await?;
    Ok(text)
}

/// Stores `n` links of `appid` (path `pages/index/index`, a 10-byte query, a day to live)
/// through the group-commit writer, 1 000 at a time; their codes.
async fn links(state: &AppState, appid: &AppId, n: usize) -> anyhow::Result<Vec<String>> {
    let app = state
        .store
        .get_app(appid)
        .await?
        .context("the links app vanished")?;
    let now = state.clock.now();
    let new = GenerateLink {
        named_app: appid.to_string(),
        host: Host::Douyin,
        path: "pages/index/index".into(),
        query: r#"{"id":"1"}"#.into(),
        expire_time: now.secs() + 86_400,
    }
    .plan(&app, now)
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut codes = Vec::with_capacity(n);
    while codes.len() < n {
        let batch = (n - codes.len()).min(1_000);
        let inserts =
            (0..batch).map(|_| state.store.insert_link(&new, now.shanghai_day(), 1 << 40));
        for link in futures::future::join_all(inserts).await {
            codes.push(link.map_err(|e| anyhow::anyhow!("{e}"))?.code.to_string());
        }
    }
    Ok(codes)
}

async fn seed_all(state: &AppState, dir: &Path, sizes: Sizes) -> anyhow::Result<Seeded> {
    let started = std::time::Instant::now();
    let links_app = create_app(state, "bench redirect").await?;
    let codes = links(state, &links_app, sizes.links).await?;
    let codes_file = dir.join("codes.txt");
    std::fs::write(&codes_file, codes.join("\n") + "\n")?;
    eprintln!(
        "stored {} links in {:.1} s",
        codes.len(),
        started.elapsed().as_secs_f64()
    );
    let exact_app = create_app(state, "bench exact").await?;
    let exact_codes = links(state, &exact_app, sizes.exact_links).await?;

    let gen_app = create_app(state, "bench generate").await?;
    let gen_token = token(state, &gen_app).await?;

    let mut city = String::new();
    for i in 0..sizes.city_apps {
        let appid = create_app(state, &format!("bench city {i}")).await?;
        let t = token(state, &appid).await?;
        for p in 0..CITY_PATHS_PER_APP {
            writeln!(city, "{t} pages/p{p}/index")?;
        }
    }
    let city_file = dir.join("city.txt");
    std::fs::write(&city_file, &city)?;

    let talents_app = create_app(state, "bench talents").await?;
    let talents_token = token(state, &talents_app).await?;
    let now = state.clock.now();
    let mut task_files = Vec::with_capacity(sizes.rounds);
    for round in 0..sizes.rounds {
        let mut ids = String::new();
        for _ in 0..sizes.tasks_per_round {
            let draft = TaskDraft {
                task_name: Some("bench".into()),
                start_page: Some("pages/index/index".into()),
                task_start_time: Some(now.secs()),
                task_end_time: Some(now.secs() + 30 * 86_400),
                task_type: Some(2),
                ..TaskDraft::default()
            };
            let task = NewTask::parse(draft, now).map_err(|e| anyhow::anyhow!("{e}"))?;
            let made = state
                .store
                .task_create(&talents_app, &task, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            writeln!(ids, "{}", made.task_id)?;
        }
        let file = dir.join(format!("tasks-{round}.txt"));
        std::fs::write(&file, ids)?;
        task_files.push(file);
    }
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Seeded {
        codes_file,
        exact_app: exact_app.to_string(),
        exact_codes,
        gen_app: gen_app.to_string(),
        gen_token,
        city_lines: sizes.city_apps * CITY_PATHS_PER_APP,
        city_file,
        talents_app: talents_app.to_string(),
        talents_token,
        task_files,
    })
}
