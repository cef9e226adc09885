//! The table of verify cases (SPEC §13): every request and answer the three seed documents show,
//! plus the SPEC rules that need no server-side control, one file per group. Each row is data: a
//! request template, the documented answer, the values it gives later rows, what it changes.
//! Rows run in order; a later row may rely on the state an earlier one left.

mod city;
mod links;
mod tasks;
mod tokens;

use super::case::{Case, Effect, Expect, Group, Req, Template, Token};
use serde_json::Value;

/// Every case, in run order.
pub fn all() -> Vec<Case> {
    let mut out = tokens::cases();
    out.extend(city::cases());
    out.extend(tasks::cases());
    out.extend(links::cases());
    out
}

/// A row with no captures, no effect.
fn row(
    id: &'static str,
    group: Group,
    source: &'static str,
    title: &'static str,
    req: Req,
    expect: Expect,
) -> Case {
    Case {
        id,
        group,
        source,
        title,
        req,
        expect,
        captures: &[],
        effect: Effect::None,
        always: false,
    }
}

impl Case {
    fn captures(mut self, captures: &'static [(&'static str, &'static str)]) -> Self {
        self.captures = captures;
        self
    }
    fn effect(mut self, effect: Effect) -> Self {
        self.effect = effect;
        self
    }
    fn always(mut self) -> Self {
        self.always = true;
        self
    }
}

/// `POST path` with a JSON body.
fn post(path: &'static str, token: Token, body: Value) -> Req {
    Req {
        method: "POST",
        path,
        token,
        body: Template::Json(body),
    }
}

/// HTTP 200 with `body`.
fn answer(body: Value) -> Expect {
    Expect {
        status: 200,
        body: Some(body),
    }
}

/// `status` with any body (the platform's pages say nothing of it).
fn status_only(status: u16) -> Expect {
    Expect { status, body: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const DOC: &str = include_str!("../../../../../../docs/fidelity.md");

    #[test]
    fn case_ids_are_unique_and_every_one_is_listed_in_the_docs() {
        let cases = all();
        let ids: BTreeSet<&str> = cases.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), cases.len());
        for id in ids {
            let listed = DOC.contains(&format!("`{id}`"))
                || (id.starts_with("city.cap.page_")
                    && DOC.contains("`city.cap.page_3` … `city.cap.page_10`"));
            assert!(listed, "docs/fidelity.md does not list {id}");
        }
    }

    #[test]
    fn every_generation_that_can_succeed_is_an_effect_the_plan_counts() {
        let planned = all()
            .iter()
            .filter(|c| c.effect == Effect::LinkGenerated)
            .count();
        assert_eq!(planned, 2);
    }
}
