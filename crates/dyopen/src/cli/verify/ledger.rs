//! What a run has made on the target, kept from the effects of successful cases, and how it is
//! removed afterwards (SPEC §13): bindings it only added are deleted, talents still cooperating
//! are cancelled, tasks are terminated. A binding it modified cannot change for 7 days; it stays,
//! and the report says from when it may be deleted.

use super::case::{Effect, Vars};
use dyopen_client::raw::{RawBody, RawRequest};
use dyopen_wire::paths::{REGION_DELETE, TALENTS_UPDATE, TASK_UPDATE_STATUS};
use dyopen_wire::task::{UpdateInfo, MAX_TALENTS_PER_CALL};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Seconds a modified or deleted target stays locked (SPEC §4).
pub const THROTTLE_SECS: i64 = 604_800;

/// A binding the run made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The bound city.
    pub region: String,
    /// When the run modified it (Unix seconds); `None`: only added.
    pub modified_at: Option<i64>,
}

/// A task the run made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskMade {
    /// Talents still cooperating.
    pub talents: BTreeSet<String>,
    /// Whether it is terminated.
    pub terminated: bool,
}

/// Everything the run made that still exists.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Bindings by path (`""`: the whole app).
    pub bindings: BTreeMap<String, Binding>,
    /// Tasks by id.
    pub tasks: BTreeMap<String, TaskMade>,
}

/// One removal to make at the end.
#[derive(Debug, Clone)]
pub struct Removal {
    /// What it removes, for the report.
    pub what: String,
    /// The request.
    pub req: RawRequest,
}

fn var_text(vars: &Vars, name: &str) -> Option<String> {
    vars.get(name).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Where a binding is, for people.
pub fn target_text(path: &str) -> String {
    if path.is_empty() {
        "the whole app".into()
    } else {
        format!("page {path}")
    }
}

impl Ledger {
    /// Notes what a successful answer (`body`) to a case with `effect` changed.
    pub fn apply(&mut self, effect: &Effect, body: &Value, vars: &Vars, now: i64) {
        match effect {
            Effect::None | Effect::LinkGenerated => {}
            Effect::BindingAdded { path, region } => {
                self.bindings.insert(
                    (*path).to_owned(),
                    Binding {
                        region: (*region).to_owned(),
                        modified_at: None,
                    },
                );
            }
            Effect::BindingModified { path, region } => {
                self.bindings.insert(
                    (*path).to_owned(),
                    Binding {
                        region: (*region).to_owned(),
                        modified_at: Some(now),
                    },
                );
            }
            Effect::BindingDeleted { path } => {
                self.bindings.remove(*path);
            }
            Effect::TaskCreated { var, talents } => {
                if let Some(id) = var_text(vars, var) {
                    let task = self.tasks.entry(id).or_default();
                    task.talents.extend(talents.iter().map(|t| (*t).to_owned()));
                }
            }
            Effect::Talents { var } => {
                let (Some(id), Some(list)) =
                    (var_text(vars, var), body.pointer("/data/update_info_list"))
                else {
                    return;
                };
                let results: Vec<UpdateInfo> =
                    serde_json::from_value(list.clone()).unwrap_or_default();
                let task = self.tasks.entry(id).or_default();
                for r in results {
                    match r.update_result.as_str() {
                        "请求成功,已添加" => {
                            task.talents.insert(r.douyin_id);
                        }
                        "请求成功,已取消" => {
                            task.talents.remove(&r.douyin_id);
                        }
                        _ => {}
                    }
                }
            }
            Effect::TaskTerminated { var } => {
                if let Some(id) = var_text(vars, var) {
                    self.tasks.entry(id).or_default().terminated = true;
                }
            }
        }
    }

    /// The removals to make, in order: bindings only added, then per task its cooperating
    /// talents (ten per call) and its termination. Needs the run's tokens in `vars`.
    pub fn removals(&self, vars: &Vars) -> Vec<Removal> {
        let client_token = var_text(vars, "client_token").unwrap_or_default();
        let v2_token = var_text(vars, "v2_token").unwrap_or_default();
        let appid = var_text(vars, "appid").unwrap_or_default();
        let mut out = Vec::new();
        for (path, b) in self
            .bindings
            .iter()
            .filter(|(_, b)| b.modified_at.is_none())
        {
            let body = json!({"region_id": b.region, "path": path});
            out.push(Removal {
                what: format!(
                    "delete the binding of {} to {}",
                    target_text(path),
                    b.region
                ),
                req: RawRequest::post(REGION_DELETE, RawBody::Json(body))
                    .header("access-token", client_token.clone()),
            });
        }
        for (id, task) in self.tasks.iter().filter(|(_, t)| !t.terminated) {
            let talents: Vec<&String> = task.talents.iter().collect();
            // A JSON integer, as in the seed's example.
            let task_id = id
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(id.clone()));
            for chunk in talents.chunks(MAX_TALENTS_PER_CALL) {
                let body = json!({"access_token": v2_token, "appid": appid, "task_id": task_id,
                                  "op_type": 2, "douyin_ids": chunk});
                out.push(Removal {
                    what: format!("cancel {} talent(s) of task {id}", chunk.len()),
                    req: RawRequest::post(TALENTS_UPDATE, RawBody::Json(body)),
                });
            }
            out.push(Removal {
                what: format!("terminate task {id}"),
                req: RawRequest::post(
                    TASK_UPDATE_STATUS,
                    RawBody::Json(json!({"task_id": id, "task_status": 3})),
                )
                .header("access-token", client_token.clone()),
            });
        }
        out
    }

    /// Bindings the run modified: (path, city, when it may be deleted).
    pub fn kept(&self) -> Vec<(String, String, i64)> {
        self.bindings
            .iter()
            .filter_map(|(path, b)| {
                b.modified_at
                    .map(|at| (path.clone(), b.region.clone(), at + THROTTLE_SECS))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_was_only_added_and_keeps_what_was_modified() {
        let vars: Vars = [("task_id".to_owned(), json!("7"))].into_iter().collect();
        let mut l = Ledger::default();
        l.apply(
            &Effect::BindingAdded {
                path: "a",
                region: "440300",
            },
            &json!({}),
            &vars,
            0,
        );
        l.apply(
            &Effect::BindingAdded {
                path: "b",
                region: "440300",
            },
            &json!({}),
            &vars,
            0,
        );
        l.apply(
            &Effect::BindingModified {
                path: "b",
                region: "440400",
            },
            &json!({}),
            &vars,
            10,
        );
        l.apply(
            &Effect::TaskCreated {
                var: "task_id",
                talents: &["t0"],
            },
            &json!({}),
            &vars,
            0,
        );
        let added = json!({"data": {"update_info_list": [
            {"douyin_id": "x", "update_result": "请求成功,已添加"},
            {"douyin_id": "t0", "update_result": "请求成功,已取消"},
            {"douyin_id": "y", "update_result": "请求失败,抖音号不合法"}]}});
        l.apply(&Effect::Talents { var: "task_id" }, &added, &vars, 0);
        let whats: Vec<String> = l.removals(&vars).into_iter().map(|r| r.what).collect();
        assert_eq!(
            whats,
            vec![
                "delete the binding of page a to 440300",
                "cancel 1 talent(s) of task 7",
                "terminate task 7",
            ]
        );
        assert_eq!(
            l.kept(),
            vec![("b".to_owned(), "440400".to_owned(), 10 + THROTTLE_SECS)]
        );
        l.apply(
            &Effect::TaskTerminated { var: "task_id" },
            &json!({}),
            &vars,
            0,
        );
        assert_eq!(l.removals(&vars).len(), 1);
    }
}
