//! Running the table against a target: one raw request per case through the SDK (no retry, no
//! token refresh), the verdict, the values kept for later rows, the ledger of what was made,
//! the link-quota budget, and the removals at the end.

use super::case::{fill, Case, Effect, Vars};
use super::compare::{compare, Verdict};
use super::ledger::Ledger;
use dyopen_client::raw::{RawAnswer, RawBody, RawRequest};
use dyopen_client::Client;
use dyopen_core::secrets::{mask_json, mask_pairs};
use dyopen_wire::paths::{normalize_path, LINK_GENERATE, LINK_GENERATE_LEGACY};
use serde::Serialize;
use serde_json::{json, Value};

/// A request or answer as the report shows it (secrets masked).
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// HTTP status (answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Method and path (requests only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The body: JSON, or text.
    pub body: Value,
}

/// The outcome of one case.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Case id.
    pub id: &'static str,
    /// Group.
    pub group: super::case::Group,
    /// Where the expectation comes from.
    pub source: &'static str,
    /// What it checks.
    pub title: &'static str,
    /// What was sent.
    pub sent: Option<Shown>,
    /// The documented answer.
    pub expected: Shown,
    /// The answer.
    pub answered: Option<Shown>,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Whether the table shows it (`false`: a token fetch run for another group).
    #[serde(skip)]
    pub shown: bool,
}

/// The outcome of one removal.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    /// What it removed.
    pub what: String,
    /// `done`, or why not.
    pub result: String,
}

/// The run's state.
pub struct Runner {
    client: Client,
    /// Variables.
    pub vars: Vars,
    /// What was made.
    pub ledger: Ledger,
    /// Link-quota units spent.
    pub spent: u32,
    /// Most link-quota units that may be spent.
    pub max_quota: u32,
    now: i64,
}

fn body_shown(body: &RawBody) -> Value {
    match body {
        RawBody::Empty => Value::Null,
        RawBody::Json(v) => {
            let mut v = v.clone();
            mask_json(&mut v);
            v
        }
        RawBody::Form(pairs) => {
            let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Value::String(mask_pairs(&text.join("&")))
        }
        RawBody::Text(t) => Value::String(t.clone()),
    }
}

fn answer_shown(a: &RawAnswer) -> Shown {
    let body = match a.json() {
        Some(mut v) => {
            mask_json(&mut v);
            v
        }
        None => Value::String(String::from_utf8_lossy(&a.body).chars().take(500).collect()),
    };
    Shown {
        status: Some(a.status),
        request: None,
        body,
    }
}

/// Whether an answer is a success of its dialect (code 0 where the dialect puts it).
pub fn succeeded(body: &Value) -> bool {
    ["/err_no", "/error", "/data/error_code"]
        .iter()
        .find_map(|p| body.pointer(p).and_then(Value::as_i64))
        == Some(0)
}

fn spends_quota(req: &RawRequest) -> bool {
    let path = normalize_path(&req.path);
    path == normalize_path(LINK_GENERATE) || path == normalize_path(LINK_GENERATE_LEGACY)
}

/// The variables a run starts with: credentials, the page, and times around `now`.
pub fn initial_vars(appid: &str, secret: &str, page: &str, now: i64) -> Vars {
    let mut vars = Vars::new();
    vars.insert("appid".into(), json!(appid));
    vars.insert("secret".into(), json!(secret));
    vars.insert("page".into(), json!(page));
    for (name, value) in [
        ("now", now),
        ("expire_2h", now + 7200),
        ("expire_past", now - 3600),
        ("expire_181d", now + 181 * 86_400),
        ("task_end", now + 30 * 86_400),
        ("range_start", now - 3600),
        ("range_end", now + 3600),
        ("range_long_start", now - 8 * 86_400),
    ] {
        vars.insert(name.into(), json!(value));
    }
    vars
}

impl Runner {
    /// A runner on `client` starting from `vars`, spending at most `max_quota` link units.
    pub fn new(client: Client, vars: Vars, max_quota: u32, now: i64) -> Self {
        Self {
            client,
            vars,
            ledger: Ledger::default(),
            spent: 0,
            max_quota,
            now,
        }
    }

    /// Runs one case. `Err` when no answer came (the target cannot be reached): the run stops.
    pub async fn run(&mut self, case: &Case, shown: bool) -> Result<Outcome, dyopen_client::Error> {
        let expected_body = case.expect.body.as_ref().map(|b| fill(b, &self.vars));
        let mut outcome = Outcome {
            id: case.id,
            group: case.group,
            source: case.source,
            title: case.title,
            sent: None,
            expected: Shown {
                status: Some(case.expect.status),
                request: None,
                body: match &expected_body {
                    Some(Ok(b)) => b.clone(),
                    _ => Value::Null,
                },
            },
            answered: None,
            verdict: Verdict::Same,
            shown,
        };
        let req = match (case.req.build(&self.vars), expected_body) {
            (Err(missing), _) | (_, Some(Err(missing))) => {
                outcome.verdict = Verdict::Skipped(format!(
                    "needs {missing}, which an earlier case did not give"
                ));
                return Ok(outcome);
            }
            (Ok(req), _) => req,
        };
        outcome.sent = Some(Shown {
            status: None,
            request: Some(format!("{} {}", req.method, req.path)),
            body: body_shown(&req.body),
        });
        let quota = spends_quota(&req);
        if quota && self.spent >= self.max_quota {
            outcome.verdict = Verdict::Skipped(format!(
                "the link-quota budget ({}) is spent",
                self.max_quota
            ));
            return Ok(outcome);
        }
        let answer = self.client.send_raw(&req).await?;
        let body = answer.json().unwrap_or(Value::Null);
        if quota && succeeded(&body) {
            self.spent += 1;
        }
        let want = case.expect.body.as_ref().map(|_| &outcome.expected.body);
        outcome.verdict = compare(case.expect.status, want, answer.status, &answer.body);
        outcome.answered = Some(answer_shown(&answer));
        for (name, pointer) in case.captures {
            if let Some(v) = body.pointer(pointer).filter(|v| !v.is_null()) {
                self.keep(name, v.clone());
            }
        }
        if succeeded(&body) && case.effect != Effect::None {
            self.ledger.apply(&case.effect, &body, &self.vars, self.now);
        }
        Ok(outcome)
    }

    /// Keeps a captured value; a string of digits also as `NAME_int`, a JSON integer.
    fn keep(&mut self, name: &str, v: Value) {
        if let Some(n) = v.as_str().and_then(|s| s.parse::<u64>().ok()) {
            self.vars.insert(format!("{name}_int"), json!(n));
        }
        self.vars.insert(name.to_owned(), v);
    }

    /// Makes the removals the ledger lists; each reports `done` or why not.
    pub async fn clean_up(&mut self) -> Vec<Removed> {
        let mut out = Vec::new();
        for removal in self.ledger.removals(&self.vars) {
            let result = match self.client.send_raw(&removal.req).await {
                Ok(a) => match a.json() {
                    Some(b) if a.status == 200 && succeeded(&b) => "done".to_owned(),
                    Some(b) => format!("refused: HTTP {} {}", a.status, b),
                    None => format!("refused: HTTP {}", a.status),
                },
                Err(e) => format!("failed: {e}"),
            };
            out.push(Removed {
                what: removal.what,
                result,
            });
        }
        out
    }
}
