//! URL-link cases (seed 002, SPEC §6): two successful generations (v1 and the seed's legacy
//! request), the link's info and today's quota, and the refusals in their order. Only the two
//! generations that succeed spend link quota; `--max-link-quota` caps what may be spent.

use super::{answer, post, row, status_only};
use crate::cli::verify::case::{Case, Effect, Expect, Group, Req, Template, Token};
use dyopen_wire::paths::{LINK_GENERATE, LINK_GENERATE_LEGACY, LINK_QUERY_INFO, LINK_QUERY_QUOTA};
use serde_json::{json, Value};

const G: Group = Group::Links;
const T: Token = Token::Header("client_token");
const LT: Token = Token::Body("v2_token");
const QUERY: &str = r#"{"id":"1"}"#;

fn open(data: Value) -> Expect {
    answer(json!({"err_no": 0, "err_msg": "", "log_id": "<log_id>", "data": data}))
}
fn open_refused(code: i64, text: &str) -> Expect {
    answer(json!({"err_no": code, "err_msg": text, "log_id": "<log_id>", "data": {}}))
}
fn legacy_refused(code: i64, text: &str) -> Expect {
    answer(json!({"err_no": code, "err_tips": text, "url_link": ""}))
}
fn v1(path: &str, expire: &str) -> Req {
    post(
        LINK_GENERATE,
        T,
        json!({"app_id": "$appid", "app_name": "douyin", "path": path, "query": QUERY, "expire_time": expire}),
    )
}
fn legacy(token: Token, app_name: &str, path: &str, query: &str, expire: &str) -> Req {
    post(
        LINK_GENERATE_LEGACY,
        token,
        json!({"ma_app_id": "$appid", "app_name": app_name, "path": path, "query": query, "expire_time": expire}),
    )
}

const EXPIRE_RANGE: &str = "到期时间不在范围内";

#[rustfmt::skip] // A table: one row per case reads better than rustfmt's layout.
pub(super) fn cases() -> Vec<Case> {
    vec![
        row("links.v1.generate", G, "SPEC §6", "v1: a link to the page, 2 hours",
            v1("$page", "$expire_2h"), open(json!({"url_link": "<url>"})))
            .captures(&[("url_link", "/data/url_link")])
            .effect(Effect::LinkGenerated),
        row("links.v1.query_info", G, "SPEC §6", "v1: the link's info",
            post(LINK_QUERY_INFO, T, json!({"app_id": "$appid", "url_link": "$url_link"})),
            open(json!({"app_id": "$appid", "app_name": "douyin", "path": "$page", "query": QUERY,
                        "create_time": "<time>", "expire_time": "<time>"}))),
        row("links.v1.query_quota", G, "SPEC §6", "v1: today's quota",
            post(LINK_QUERY_QUOTA, T, json!({"app_id": "$appid"})),
            open(json!({"url_link_used": "<count>", "url_link_limit": 500000}))),
        row("links.v1.unknown_link", G, "SPEC §6", "v1: info of a link that does not exist",
            post(LINK_QUERY_INFO, T, json!({"app_id": "$appid", "url_link": "{url_link}zz"})),
            open_refused(28005001, "参数解析失败:url_link不存在或已失效")),
        row("links.v1.expire_past", G, "seed 002", "v1: an expiry in the past",
            v1("$page", "$expire_past"), open_refused(28005022, EXPIRE_RANGE)),
        row("links.v1.expire_far", G, "seed 002", "v1: an expiry 181 days ahead",
            v1("$page", "$expire_181d"), open_refused(28005022, EXPIRE_RANGE)),
        row("links.v1.path_query", G, "seed 002", "v1: a path with a query",
            v1("{page}?id=1", "$expire_2h"), open_refused(28005001, "参数解析失败:path不能携带query")),
        row("links.v1.bad_token", G, "SPEC §3", "v1: a token the platform never issued",
            post(LINK_GENERATE, Token::HeaderLiteral("clt.not-a-token"), json!({"app_id": "$appid", "app_name": "douyin", "path": "$page", "query": QUERY, "expire_time": "$expire_2h"})),
            open_refused(28001003, "access_token无效")),
        row("links.legacy.generate", G, "seed 002", "legacy: the seed's request shape, to the page",
            legacy(LT, "douyin", "$page", "{}", "$expire_2h"),
            answer(json!({"err_no": 0, "err_tips": "", "url_link": "<url>"})))
            .effect(Effect::LinkGenerated),
        row("links.legacy.expire_past", G, "seed 002", "legacy: an expiry in the past",
            legacy(LT, "douyin", "$page", "{}", "$expire_past"), legacy_refused(12019, EXPIRE_RANGE)),
        row("links.legacy.expire_far", G, "seed 002", "legacy: an expiry 181 days ahead",
            legacy(LT, "douyin", "$page", "{}", "$expire_181d"), legacy_refused(12019, EXPIRE_RANGE)),
        row("links.legacy.path_query", G, "seed 002", "legacy: a path with a query",
            legacy(LT, "douyin", "{page}?id=1", "{}", "$expire_2h"),
            legacy_refused(1, "参数填写错误:path不能携带query")),
        row("links.legacy.unpublished", G, "seed 002", "legacy: a page that is not published",
            legacy(LT, "douyin", "verify/not/published", "{}", "$expire_2h"),
            legacy_refused(1, "参数填写错误:path不是已发布的页面")),
        row("links.legacy.app_name", G, "seed 002", "legacy: a host app other than douyin, douyinlite",
            legacy(LT, "toutiao", "$page", "{}", "$expire_2h"), legacy_refused(1, "参数填写错误:app_name不合法")),
        row("links.legacy.query_space", G, "seed 002", "legacy: a space in the query",
            legacy(LT, "douyin", "$page", r#"{"a": "1"}"#, "$expire_2h"),
            legacy_refused(1, "参数填写错误:query第5个字符' '不合法(位置从0开始)")),
        row("links.legacy.unparsable", G, "seed 002", "legacy: a body that is not JSON",
            Req { method: "POST", path: LINK_GENERATE_LEGACY, token: Token::Absent, body: Template::Text("{\"ma_app_id\": ") },
            legacy_refused(12018, "参数解析失败,请检查参数格式")),
        row("links.legacy.bad_token", G, "seed 002", "legacy: an access_token the platform never issued",
            legacy(Token::BodyLiteral("08deadbeef"), "douyin", "$page", "{}", "$expire_2h"),
            legacy_refused(12024, "access_token错误")),
        row("links.legacy.no_token", G, "SPEC §3", "legacy: no access_token",
            legacy(Token::Absent, "douyin", "$page", "{}", "$expire_2h"), legacy_refused(12024, "access_token错误")),
        row("links.unknown_path", G, "SPEC §2", "an unknown path under the v1 link prefix",
            post("/api/apps/v1/url_link/unknown/", T, json!({})), status_only(404)),
    ]
}
