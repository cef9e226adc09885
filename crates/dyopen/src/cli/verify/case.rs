//! What a verify case is: a request (a template filled from the run's variables), the answer
//! SPEC and the seeds document for it, the values to keep from the answer, and what a success
//! changes on the target (so the run can clean up after itself).

use dyopen_client::raw::{RawBody, RawRequest};
use serde_json::Value;
use std::collections::BTreeMap;

/// The case groups (`--only`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Token endpoints (SPEC §3).
    Tokens,
    /// City binding (seed 000, SPEC §4).
    City,
    /// Tasks and talents (seed 001, SPEC §5).
    Tasks,
    /// URL links (seed 002, SPEC §6).
    Links,
}

/// Which token a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// None at all.
    Absent,
    /// The `access-token` header holds the run's token of this variable (`v2_token`,
    /// `client_token`).
    Header(&'static str),
    /// The body's `access_token` holds it.
    Body(&'static str),
    /// The `access-token` header holds this literal (a token no platform issued).
    HeaderLiteral(&'static str),
    /// The body's `access_token` holds this literal.
    BodyLiteral(&'static str),
}

/// A request body; strings in it are templates ([`fill`]).
#[derive(Debug, Clone)]
pub enum Template {
    /// No body.
    Empty,
    /// JSON.
    Json(Value),
    /// A form.
    Form(&'static [(&'static str, &'static str)]),
    /// Text sent as JSON that is not (an unparsable body).
    Text(&'static str),
}

/// One request.
#[derive(Debug, Clone)]
pub struct Req {
    /// HTTP method.
    pub method: &'static str,
    /// Path as the platform documents it.
    pub path: &'static str,
    /// The token it carries.
    pub token: Token,
    /// The body.
    pub body: Template,
}

/// The documented answer. Strings in `body` are templates; the markers `<log_id>`, `<id>`,
/// `<token>`, `<url>`, `<time>` and `<count>` stand for a log id, a generated id, a token, a URL,
/// a time and a usage counter: any value of a JSON scalar type matches them, and `<ids>` any
/// array of scalars (SPEC §13: log ids, generated ids, URLs and times are ignored).
#[derive(Debug, Clone)]
pub struct Expect {
    /// HTTP status.
    pub status: u16,
    /// The body; `None`: any body (only the status counts, e.g. on unknown paths).
    pub body: Option<Value>,
}

/// What a successful answer changed on the target.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Nothing.
    None,
    /// A binding of `region` at `path` (`""` whole) was added.
    BindingAdded {
        path: &'static str,
        region: &'static str,
    },
    /// The binding at `path` was moved to `region`: the target is locked for 7 days.
    BindingModified {
        path: &'static str,
        region: &'static str,
    },
    /// The binding at `path` was deleted.
    BindingDeleted { path: &'static str },
    /// A task was created; its id is the variable `var`, its first talents `talents`.
    TaskCreated {
        var: &'static str,
        talents: &'static [&'static str],
    },
    /// Talents of the task in `var` were added or cancelled (per `update_info_list`).
    Talents { var: &'static str },
    /// The task in `var` was terminated.
    TaskTerminated { var: &'static str },
    /// A URL link was generated (one unit of today's quota).
    LinkGenerated,
}

/// One case of the table.
#[derive(Debug, Clone)]
pub struct Case {
    /// Stable id (`group.what`), used in the report.
    pub id: &'static str,
    /// Group.
    pub group: Group,
    /// Where the expectation comes from (`seed 000`, `SPEC §4`).
    pub source: &'static str,
    /// What it checks.
    pub title: &'static str,
    /// The request.
    pub req: Req,
    /// The documented answer.
    pub expect: Expect,
    /// Variables kept from the answer: (name, JSON pointer).
    pub captures: &'static [(&'static str, &'static str)],
    /// What a success changes.
    pub effect: Effect,
    /// Runs whatever `--only` says (the tokens the other groups need), reported only with its
    /// group.
    pub always: bool,
}

/// The run's variables: credentials, times, and what earlier answers gave.
pub type Vars = BTreeMap<String, Value>;

/// `template` with every `{name}` inside a string replaced by the variable's text, and every
/// string that is exactly `$name` replaced by the variable's JSON value. `Err(name)` when a
/// variable is missing (an earlier case did not give it).
pub fn fill(template: &Value, vars: &Vars) -> Result<Value, String> {
    Ok(match template {
        Value::String(s) => fill_str(s, vars)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| fill(i, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), fill(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn var_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn fill_str(s: &str, vars: &Vars) -> Result<Value, String> {
    if let Some(name) = s.strip_prefix('$') {
        return vars.get(name).cloned().ok_or_else(|| name.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..start]);
        if valid {
            out.push_str(&var_text(vars.get(name).ok_or_else(|| name.to_owned())?));
        } else {
            out.push_str(&rest[start..=start + len]);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

impl Req {
    /// The request with its templates filled and its token placed.
    pub fn build(&self, vars: &Vars) -> Result<RawRequest, String> {
        let token = |name: &str| vars.get(name).map(var_text).ok_or_else(|| name.to_owned());
        let mut body = match &self.body {
            Template::Empty => RawBody::Empty,
            Template::Json(v) => RawBody::Json(fill(v, vars)?),
            Template::Form(pairs) => RawBody::Form(
                pairs
                    .iter()
                    .map(|(k, v)| Ok(((*k).to_owned(), var_text(&fill_str(v, vars)?))))
                    .collect::<Result<_, String>>()?,
            ),
            Template::Text(t) => RawBody::Text((*t).to_owned()),
        };
        let mut headers = Vec::new();
        let in_body = match self.token {
            Token::Absent => None,
            Token::Header(name) => {
                headers.push(("access-token".to_owned(), token(name)?));
                None
            }
            Token::HeaderLiteral(t) => {
                headers.push(("access-token".to_owned(), t.to_owned()));
                None
            }
            Token::Body(name) => Some(token(name)?),
            Token::BodyLiteral(t) => Some(t.to_owned()),
        };
        if let (Some(t), RawBody::Json(Value::Object(map))) = (in_body, &mut body) {
            map.insert("access_token".into(), Value::String(t));
        }
        Ok(RawRequest {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            query: Vec::new(),
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_fill_text_and_whole_values() {
        let vars: Vars = [
            ("appid".to_owned(), json!("tt1")),
            ("now".to_owned(), json!(100)),
        ]
        .into_iter()
        .collect();
        let filled = fill(
            &json!({"a": "$now", "b": "x{appid}y", "c": ["{not a var}"]}),
            &vars,
        );
        assert_eq!(
            filled,
            Ok(json!({"a": 100, "b": "xtt1y", "c": ["{not a var}"]}))
        );
        assert_eq!(fill(&json!("$task_id"), &vars), Err("task_id".to_owned()));
    }

    #[test]
    fn tokens_go_where_the_case_says() {
        let vars: Vars = [("v2_token".to_owned(), json!("08ab"))]
            .into_iter()
            .collect();
        let req = Req {
            method: "POST",
            path: "/p",
            token: Token::Body("v2_token"),
            body: Template::Json(json!({"a": 1})),
        };
        let built = req.build(&vars).expect("built");
        assert_eq!(
            built.body,
            RawBody::Json(json!({"a": 1, "access_token": "08ab"}))
        );
        let header = Req {
            token: Token::Header("v2_token"),
            ..req
        };
        assert_eq!(
            header.build(&vars).expect("built").headers,
            vec![("access-token".to_owned(), "08ab".to_owned())]
        );
    }
}
