//! What every console page shares: the frame ([`Chrome`]: title, navigation, CSRF token, the
//! server clock, notices and errors), an app's tabs, and loading the app a path names.

use super::paths::{self, fill};
use super::session::Session;
use crate::state::AppState;
use crate::timefmt::beijing_second;
use axum::response::Response;
use dyopen_core::app::{App, AppId};

/// One tab of an app's pages.
pub struct Tab {
    /// Its link.
    pub href: String,
    /// Bilingual label.
    pub label: &'static str,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The app a page belongs to, with its tabs.
pub struct AppTabs {
    /// Its appid.
    pub appid: String,
    /// Its name.
    pub name: String,
    /// Overview, cities, tasks, links.
    pub items: Vec<Tab>,
}

/// Which tab of an app is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppTab {
    /// Settings, secret, providers, charts.
    Overview,
    /// City bindings.
    Regions,
    /// Tasks.
    Tasks,
    /// Links.
    Links,
}

/// The frame of a page.
pub struct Chrome {
    /// Page title.
    pub title: String,
    /// `apps` or `emulator`: the highlighted navigation entry.
    pub section: &'static str,
    /// The session's CSRF token, for every form.
    pub csrf: String,
    /// Emulator mode (shows the emulator entry).
    pub emulator: bool,
    /// The server clock, Beijing time.
    pub now: String,
    /// Stylesheet.
    pub css: &'static str,
    /// Script.
    pub js: &'static str,
    /// The apps page.
    pub apps: &'static str,
    /// The emulator page.
    pub emulator_url: &'static str,
    /// Logout action.
    pub logout: &'static str,
    /// The app whose page this is.
    pub tabs: Option<AppTabs>,
    /// Success messages.
    pub notices: Vec<String>,
    /// Refusals (the platform's own error text where a rule refused).
    pub errors: Vec<String>,
}

impl Chrome {
    /// The frame of a page titled `title` in `section`.
    pub fn new(
        state: &AppState,
        session: &Session,
        title: impl Into<String>,
        section: &'static str,
    ) -> Self {
        let now = state.clock.now().unix_secs();
        Self {
            title: title.into(),
            section,
            csrf: session.csrf().to_owned(),
            emulator: state.emulator.is_some(),
            now: format!("{} 北京时间", beijing_second(now)),
            css: paths::CSS,
            js: paths::JS,
            apps: paths::APPS,
            emulator_url: paths::EMULATOR,
            logout: paths::LOGOUT,
            tabs: None,
            notices: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The frame of one of `app`'s pages.
    pub fn for_app(state: &AppState, session: &Session, app: &App, tab: AppTab) -> Self {
        let id = app.appid.as_str();
        let items = [
            (AppTab::Overview, paths::APP, "概览 Overview"),
            (AppTab::Regions, paths::REGIONS, "城市 Cities"),
            (AppTab::Tasks, paths::TASKS, "任务 Tasks"),
            (AppTab::Links, paths::LINKS, "链接 Links"),
        ]
        .into_iter()
        .map(|(t, path, label)| Tab {
            href: fill(path, &[id]),
            label,
            current: t == tab,
        })
        .collect();
        let title = match tab {
            AppTab::Overview => app.name.clone(),
            AppTab::Regions => format!("城市 Cities · {}", app.name),
            AppTab::Tasks => format!("任务 Tasks · {}", app.name),
            AppTab::Links => format!("链接 Links · {}", app.name),
        };
        let mut chrome = Self::new(state, session, title, "apps");
        chrome.tabs = Some(AppTabs {
            appid: id.to_owned(),
            name: app.name.clone(),
            items,
        });
        chrome
    }

    /// Adds a success message.
    pub fn notice(mut self, text: impl Into<String>) -> Self {
        self.notices.push(text.into());
        self
    }

    /// Adds an error message.
    pub fn error(mut self, text: impl Into<String>) -> Self {
        self.errors.push(text.into());
        self
    }
}

/// The app `raw` names, or the page to answer instead (404, 503).
pub async fn load_app(state: &AppState, raw: &str) -> Result<App, Response> {
    let id = AppId::parse(raw).map_err(|_| super::not_found(raw))?;
    state
        .store
        .get_app(&id)
        .await
        .map_err(super::storage_failed)?
        .ok_or_else(|| super::not_found(raw))
}

/// `code message` of an error answer, as the platform would word it.
pub fn platform_text(code: i64, message: &str) -> String {
    format!("{code} {message}")
}

/// A query's `page` (1-based), with the offset of a page of `size`.
pub fn page_window(page: Option<u64>, size: u64) -> (u64, u64) {
    let page = page.unwrap_or(1).max(1);
    (page, (page - 1).saturating_mul(size))
}

/// Previous / next links of a paged list.
pub struct Pager {
    /// The page shown (1-based).
    pub page: u64,
    /// Pages in all (at least 1).
    pub pages: u64,
    /// Link to the previous page.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

impl Pager {
    /// The pager of page `page` of `total` items, `size` a page; `link(n)` is page n's URL.
    pub fn new(page: u64, size: u64, total: u64, link: impl Fn(u64) -> String) -> Self {
        let pages = total.div_ceil(size.max(1)).max(1);
        Self {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}
