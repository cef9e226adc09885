//! The rules of city binding: parsing the three requests, and deciding each against the app's
//! current bindings and change history.

use super::catalogue::RegionCode;
use crate::app::PagePath;
use crate::clock::{Seconds, Timestamp, UnixSecs};
use crate::store::StoreError;
use thiserror::Error;

/// At most this many page paths per app.
pub const MAX_PAGE_PATHS: usize = 10;
/// A target may be modified or deleted once per this window: 7 days (604 800 s).
pub const CHANGE_WINDOW: Seconds = Seconds::days(7);

/// Everything that can go wrong with a city-binding request. Display texts are the platform's.
#[derive(Debug, Error)]
pub enum CityError {
    /// A field is missing, of the wrong type or has an invalid value.
    #[error("参数不合法:{0}参数不合法")]
    BadField(&'static str),
    /// modify with the same city twice.
    #[error("参数不合法:current_region与origin_region相同")]
    SameRegion,
    /// The target is already bound to this city.
    #[error("当前小程序或页面已绑定该区域")]
    AlreadyBound,
    /// Whole-app add while pages are bound.
    #[error("参数不合法:小程序已按页面维度绑定城市")]
    BoundByPage,
    /// Page add while the whole app is bound.
    #[error("参数不合法:小程序已按整体维度绑定城市")]
    BoundAsWhole,
    /// Whole-app add of another city while one is bound.
    #[error("参数不合法:小程序整体仅可绑定1个城市,请使用修改接口")]
    WholeAlreadyBound,
    /// Page add of another city for a bound path.
    #[error("参数不合法:该页面已绑定城市,请使用修改接口")]
    PathAlreadyBound,
    /// An 11th path.
    #[error("参数不合法:页面维度最多绑定10个页面")]
    TooManyPaths,
    /// delete of a binding that does not exist.
    #[error("待删除的数据不存在")]
    NothingToDelete,
    /// modify of a binding that does not exist.
    #[error("待修改的数据不存在")]
    NothingToModify,
    /// A second change of the target within 7 days.
    #[error("修改区域的频率过高")]
    TooFrequent {
        /// When the target may change again.
        next_change_at: UnixSecs,
    },
    /// The store failed.
    #[error("系统错误")]
    Storage(#[from] StoreError),
}

/// What a binding is attached to: the whole app (`path = ""`) or one page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// The whole mini-program.
    Whole,
    /// One page path.
    Page(PagePath),
}

impl Target {
    /// The stored path: `""` for the whole app.
    pub fn path(&self) -> &str {
        match self {
            Target::Whole => "",
            Target::Page(p) => p.as_str(),
        }
    }
    /// The platform's `bind_type`: 1 whole, 2 page.
    pub fn bind_type(&self) -> i64 {
        match self {
            Target::Whole => 1,
            Target::Page(_) => 2,
        }
    }
}

fn region(field: &'static str, raw: Option<&str>) -> Result<RegionCode, CityError> {
    raw.and_then(RegionCode::parse)
        .ok_or(CityError::BadField(field))
}

/// Optional path of delete/modify: empty or absent means "no page".
fn optional_path(raw: Option<&str>) -> Result<Option<PagePath>, CityError> {
    match raw {
        None | Some("") => Ok(None),
        Some(p) => PagePath::parse(p)
            .map(Some)
            .map_err(|_| CityError::BadField("path")),
    }
}

/// A parsed `app_region_add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddBinding {
    /// Whole app or page.
    pub target: Target,
    /// The city.
    pub region: RegionCode,
}

impl AddBinding {
    /// Checks `bind_type`/`path` coupling and the region code.
    pub fn parse(
        bind_type: Option<i64>,
        region_id: Option<&str>,
        path: Option<&str>,
    ) -> Result<Self, CityError> {
        // Syntax first (SPEC §4 order): a code that is not six digits is named before the
        // bind_type/path coupling; catalogue membership is checked after it.
        if !region_id.is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit())) {
            return Err(CityError::BadField("region_id"));
        }
        let target = match (bind_type, path.unwrap_or("")) {
            (None, _) => return Err(CityError::BadField("bind_type")),
            (Some(1), "") => Target::Whole,
            (Some(1), _) => return Err(CityError::BadField("path")),
            (Some(2), "") => return Err(CityError::BadField("path")),
            (Some(2), p) => {
                Target::Page(PagePath::parse(p).map_err(|_| CityError::BadField("path"))?)
            }
            (Some(_), _) => return Err(CityError::BadField("bind_type")),
        };
        Ok(Self {
            target,
            region: region("region_id", region_id)?,
        })
    }
}

/// A parsed `app_region_delete`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteBinding {
    /// The bound city.
    pub region: RegionCode,
    /// The page, if one was named (ignored for whole-bound apps).
    pub path: Option<PagePath>,
}

impl DeleteBinding {
    /// Checks the region code and the path's syntax.
    pub fn parse(region_id: Option<&str>, path: Option<&str>) -> Result<Self, CityError> {
        Ok(Self {
            region: region("region_id", region_id)?,
            path: optional_path(path)?,
        })
    }
}

/// A parsed `app_region_modify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyBinding {
    /// The currently bound city.
    pub origin: RegionCode,
    /// The new city, different from `origin`.
    pub current: RegionCode,
    /// The page, if one was named (ignored for whole-bound apps).
    pub path: Option<PagePath>,
}

impl ModifyBinding {
    /// Checks both codes, that they differ, and the path's syntax.
    pub fn parse(
        origin: Option<&str>,
        current: Option<&str>,
        path: Option<&str>,
    ) -> Result<Self, CityError> {
        let origin = region("origin_region", origin)?;
        let current = region("current_region", current)?;
        let path = optional_path(path)?;
        if origin == current {
            return Err(CityError::SameRegion);
        }
        Ok(Self {
            origin,
            current,
            path,
        })
    }
}

/// A stored binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The number behind `region_<data_id>`.
    pub data_id: i64,
    /// `""` for whole-app bindings.
    pub path: String,
    /// Normalised city code.
    pub region_id: String,
    /// Creation.
    pub created_at: UnixSecs,
    /// Last change of its city.
    pub modified_at: UnixSecs,
}

impl Binding {
    /// The wire form of the id.
    pub fn data_id_text(&self) -> String {
        format!("region_{}", self.data_id)
    }
}

/// The last modify/delete of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetChange {
    /// `""` for the whole app.
    pub path: String,
    /// When it was last modified or deleted.
    pub changed_at: UnixSecs,
}

/// An app's bindings and the part of its change history a decision needs, loaded under a lock
/// on the app. For a write that is at most the last change of the one target the request acts
/// on ([`RegionState::target_of`]); for a listing, the last change of each bound target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionState {
    /// Current bindings (at most [`MAX_PAGE_PATHS`], or one whole-app binding).
    pub bindings: Vec<Binding>,
    /// Last change per target (kept after a delete: the window is keyed on the target).
    pub changes: Vec<TargetChange>,
}

/// Changes at or before this instant no longer throttle anything at `now`
/// (`changed_at + CHANGE_WINDOW ≤ now`), so the store prunes them.
pub fn history_horizon(now: Timestamp) -> UnixSecs {
    now.unix_secs().saturating_sub(CHANGE_WINDOW)
}

/// What the store must write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Insert a binding.
    Insert {
        /// `""` for whole.
        path: String,
        /// City code.
        region_id: String,
    },
    /// Delete the binding and record a change of its target.
    Delete {
        /// The binding.
        data_id: i64,
        /// Its target.
        path: String,
    },
    /// Change the binding's city and record a change of its target.
    Update {
        /// The binding.
        data_id: i64,
        /// Its target.
        path: String,
        /// New city code.
        region_id: String,
    },
}

impl RegionState {
    fn whole(&self) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.path.is_empty())
    }
    fn at(&self, path: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.path == path)
    }
    /// The target (stored path) a delete/modify naming `path` acts on: `""` whenever the app is
    /// bound as a whole (seed note). Only the bindings are consulted, so the store can load the
    /// change history of just this target.
    pub fn target_of(&self, path: Option<&PagePath>) -> String {
        match (self.whole(), path) {
            (Some(_), _) | (None, None) => String::new(),
            (None, Some(p)) => p.as_str().to_owned(),
        }
    }
    /// When `path` may next be modified or deleted.
    pub fn next_change_at(&self, path: &str) -> Option<UnixSecs> {
        self.changes
            .iter()
            .find(|c| c.path == path)
            .map(|c| c.changed_at + CHANGE_WINDOW)
    }
    fn check_window(&self, path: &str, now: Timestamp) -> Result<(), CityError> {
        match self.next_change_at(path) {
            Some(next) if now.unix_secs() < next => Err(CityError::TooFrequent {
                next_change_at: next,
            }),
            _ => Ok(()),
        }
    }

    /// Decides an add: exclusivity of whole vs page, one city per target, at most 10 paths.
    pub fn decide_add(&self, cmd: &AddBinding) -> Result<Effect, CityError> {
        let path = cmd.target.path();
        if let Some(existing) = self.at(path) {
            return Err(if existing.region_id == cmd.region.as_str() {
                CityError::AlreadyBound
            } else if path.is_empty() {
                CityError::WholeAlreadyBound
            } else {
                CityError::PathAlreadyBound
            });
        }
        match cmd.target {
            Target::Whole if !self.bindings.is_empty() => Err(CityError::BoundByPage),
            Target::Page(_) if self.whole().is_some() => Err(CityError::BoundAsWhole),
            Target::Page(_) if self.bindings.len() >= MAX_PAGE_PATHS => {
                Err(CityError::TooManyPaths)
            }
            _ => Ok(Effect::Insert {
                path: path.to_owned(),
                region_id: cmd.region.as_str().to_owned(),
            }),
        }
    }

    /// Decides a delete: the binding must exist with that city; then the 7-day window.
    pub fn decide_delete(&self, cmd: &DeleteBinding, now: Timestamp) -> Result<Effect, CityError> {
        let path = self.target_of(cmd.path.as_ref());
        let binding = self
            .at(&path)
            .filter(|b| b.region_id == cmd.region.as_str())
            .ok_or(CityError::NothingToDelete)?;
        self.check_window(&path, now)?;
        Ok(Effect::Delete {
            data_id: binding.data_id,
            path,
        })
    }

    /// Decides a modify: the target's city must be `origin`; then the 7-day window.
    pub fn decide_modify(&self, cmd: &ModifyBinding, now: Timestamp) -> Result<Effect, CityError> {
        let path = self.target_of(cmd.path.as_ref());
        let binding = self
            .at(&path)
            .filter(|b| b.region_id == cmd.origin.as_str())
            .ok_or(CityError::NothingToModify)?;
        self.check_window(&path, now)?;
        Ok(Effect::Update {
            data_id: binding.data_id,
            path,
            region_id: cmd.current.as_str().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests;
