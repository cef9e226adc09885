//! The emulator page (emulator mode only): the clock (set, +1 h / +1 d / +7 d, resume) with the
//! time it now says, reset, faults, and the journal with its live tail ([`super::journal`]).
//! Each action is the emulator API's own procedure.

use super::journal::{rows, JournalFilter};
use super::paths;
use super::session::{ConsoleForm, Session};
use super::view::Chrome;
use crate::state::AppState;
use crate::timefmt::{beijing_local_input, beijing_second, parse_beijing_local, shanghai_date};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dyopen_core::clock::{Clock as _, Seconds};
use dyopen_wire::emulator::{FaultRequest, FaultView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/emulator.html")]
struct EmulatorPage {
    chrome: Chrome,
    now: String,
    now_utc: String,
    now_input: String,
    day: String,
    frozen: bool,
    clock_action: &'static str,
    reset_action: &'static str,
    faults_action: &'static str,
    faults: Vec<FaultView>,
    filter: JournalFilter,
    journal: Vec<String>,
    tail: String,
    page_action: &'static str,
}

/// The page, or `None` outside emulator mode.
fn emulator_page(
    state: &AppState,
    session: &Session,
    filter: JournalFilter,
) -> Option<EmulatorPage> {
    let emu = crate::emulator::of(state).ok()?;
    let now = emu.clock.now();
    let journal = rows(&emu.journal(), &filter, 50)
        .iter()
        .filter_map(|r| r.render().ok())
        .collect();
    Some(EmulatorPage {
        chrome: Chrome::new(state, session, "模拟器 Emulator", "emulator"),
        now: beijing_second(now.unix_secs()),
        now_utc: crate::timefmt::rfc3339(now.unix_secs()),
        now_input: beijing_local_input(now.unix_secs()),
        day: shanghai_date(now.shanghai_day()),
        frozen: emu.clock.is_frozen(),
        clock_action: paths::EMULATOR_CLOCK,
        reset_action: paths::EMULATOR_RESET,
        faults_action: paths::EMULATOR_FAULTS,
        faults: emu.faults().views(),
        tail: filter.tail_url(),
        filter,
        journal,
        page_action: paths::EMULATOR,
    })
}

fn show(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    note: Result<String, String>,
) -> Response {
    match emulator_page(state, session, JournalFilter::default()) {
        Some(mut p) => {
            p.chrome = match note {
                Ok(n) => p.chrome.notice(n),
                Err(e) => p.chrome.error(e),
            };
            super::render(status, &p)
        }
        None => super::not_found(paths::EMULATOR),
    }
}

/// `GET /console/emulator?appid=&path=&outcome=`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<JournalFilter>,
) -> Response {
    match emulator_page(&state, &session, filter) {
        Some(p) => super::render(StatusCode::OK, &p),
        None => super::not_found(paths::EMULATOR),
    }
}

/// The clock form: `advance` (seconds), `now` (a Beijing `datetime-local`) or `resume`.
#[derive(Deserialize)]
pub struct ClockForm {
    advance: Option<i64>,
    now: Option<String>,
    resume: Option<String>,
}

/// `POST /console/emulator/clock`.
pub async fn clock(
    State(state): State<AppState>,
    ConsoleForm(session, form): ConsoleForm<ClockForm>,
) -> Response {
    let Ok(emu) = crate::emulator::of(&state) else {
        return super::not_found(paths::EMULATOR);
    };
    let moved = match (form.advance, form.now.as_deref(), form.resume.is_some()) {
        (Some(secs), _, _) => emu
            .clock
            .try_advance(Seconds::new(secs))
            .map(drop)
            .map_err(|e| e.to_string()),
        (None, _, true) => {
            emu.clock.resume();
            Ok(())
        }
        (None, Some(text), false) => match parse_beijing_local(text) {
            Some(secs) => emu.clock.try_set(secs).map(drop).map_err(|e| e.to_string()),
            None => Err("时间格式无效 · Not a date and time".into()),
        },
        (None, None, false) => Err("没有要做的 · Nothing to do".into()),
    };
    let note = moved.map(|()| {
        format!(
            "时钟现为 The clock now says {} 北京时间{}",
            beijing_second(emu.clock.now().unix_secs()),
            if emu.clock.is_frozen() {
                " (静止 frozen)"
            } else {
                " (走动 running)"
            }
        )
    });
    let status = if note.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    show(&state, &session, status, note)
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// `POST /console/emulator/reset`: the emulator API's reset (this session survives it).
pub async fn reset(
    State(state): State<AppState>,
    ConsoleForm(session, Empty {}): ConsoleForm<Empty>,
) -> Response {
    let note = crate::emulator::reset::reset_all(&state)
        .await
        .map(|_| "已重置 Reset: data back to the seeded state, clock on real time".to_owned())
        .map_err(|e| e.message);
    show(&state, &session, StatusCode::OK, note)
}

/// The fault form (`clear` disarms every fault).
#[derive(Deserialize)]
pub struct FaultForm {
    #[serde(default)]
    path: String,
    #[serde(default)]
    err_kind: String,
    count: Option<u32>,
    delay_ms: Option<u64>,
    clear: Option<String>,
}

/// `POST /console/emulator/faults`: the emulator API's rule for arming faults.
pub async fn faults(
    State(state): State<AppState>,
    ConsoleForm(session, form): ConsoleForm<FaultForm>,
) -> Response {
    if form.clear.is_some() {
        if let Ok(emu) = crate::emulator::of(&state) {
            emu.faults().clear();
        }
        return show(
            &state,
            &session,
            StatusCode::OK,
            Ok("故障已清除 Faults cleared".into()),
        );
    }
    let req = FaultRequest {
        path: form.path.trim().to_owned(),
        err_kind: form.err_kind,
        count: form.count.unwrap_or(1),
        delay_ms: form.delay_ms,
    };
    match crate::emulator::routes::arm(&state, &req) {
        Ok(_) => show(
            &state,
            &session,
            StatusCode::OK,
            Ok(format!("故障已设置 Fault armed on {}", req.path)),
        ),
        Err(e) => show(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(e.message),
        ),
    }
}
