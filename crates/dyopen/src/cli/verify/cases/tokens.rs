//! Token cases (SPEC §3): both token endpoints, their success envelopes and every documented
//! refusal. The two success rows always run: they give the tokens every other group uses.

use super::{answer, post, row};
use crate::cli::verify::case::{Case, Group, Req, Template, Token};
use dyopen_wire::paths::{CLIENT_TOKEN, V2_TOKEN};
use serde_json::json;

const G: Group = Group::Tokens;
const OTHER_APP: &str = "tt0000000000000000";

fn v2_refusal(code: i64, tips: &str) -> crate::cli::verify::case::Expect {
    answer(json!({"err_no": code, "err_tips": tips, "data": {}}))
}

fn client_refusal(code: i64, text: &str) -> crate::cli::verify::case::Expect {
    answer(
        json!({"data": {"access_token": "", "description": text, "error_code": code, "expires_in": 0}, "message": "error"}),
    )
}

#[rustfmt::skip] // A table: one row per case reads better than rustfmt's layout.
pub(super) fn cases() -> Vec<Case> {
    let v2 = |body| post(V2_TOKEN, Token::Absent, body);
    let client = |body| post(CLIENT_TOKEN, Token::Absent, body);
    vec![
        row("tokens.v2", G, "SPEC §3", "v2 token: appid, secret, client_credential",
            v2(json!({"appid": "$appid", "secret": "$secret", "grant_type": "client_credential"})),
            answer(json!({"err_no": 0, "err_tips": "success", "data": {"access_token": "<token>", "expires_in": 7200}})))
            .captures(&[("v2_token", "/data/access_token")])
            .always(),
        row("tokens.client.form", G, "SPEC §3", "client token, form-encoded body",
            Req { method: "POST", path: CLIENT_TOKEN, token: Token::Absent, body: Template::Form(&[
                ("client_key", "{appid}"), ("client_secret", "{secret}"), ("grant_type", "client_credential")]) },
            answer(json!({"data": {"access_token": "<token>", "description": "", "error_code": 0, "expires_in": 7200}, "message": "success"}))),
        // Last of the successful fetches: its token is the newest, the one later rows use.
        row("tokens.client", G, "SPEC §3", "client token: client_key = appid, JSON body",
            client(json!({"client_key": "$appid", "client_secret": "$secret", "grant_type": "client_credential"})),
            answer(json!({"data": {"access_token": "<token>", "description": "", "error_code": 0, "expires_in": 7200}, "message": "success"})))
            .captures(&[("client_token", "/data/access_token")])
            .always(),
        row("tokens.v2.wrong_secret", G, "SPEC §3", "v2 token with a wrong secret",
            v2(json!({"appid": "$appid", "secret": "00000000000000000000000000000000", "grant_type": "client_credential"})),
            v2_refusal(40017, "secret 错误")),
        row("tokens.v2.unknown_appid", G, "SPEC §3", "v2 token of an unknown appid",
            v2(json!({"appid": OTHER_APP, "secret": "$secret", "grant_type": "client_credential"})),
            v2_refusal(40015, "appid 错误")),
        row("tokens.v2.grant_type", G, "SPEC §3", "v2 token with grant_type other than client_credential",
            v2(json!({"appid": "$appid", "secret": "$secret", "grant_type": "authorization_code"})),
            v2_refusal(40020, "grant_type 不是 client_credential")),
        row("tokens.v2.missing", G, "SPEC §3", "v2 token without a secret",
            v2(json!({"appid": "$appid", "grant_type": "client_credential"})),
            v2_refusal(40014, "参数错误")),
        row("tokens.client.wrong_secret", G, "SPEC §3", "client token with a wrong secret",
            client(json!({"client_key": "$appid", "client_secret": "00000000000000000000000000000000", "grant_type": "client_credential"})),
            client_refusal(10013, "client_key 或者 client_secret 报错")),
        row("tokens.client.unknown_key", G, "SPEC §3", "client token of an unknown client_key",
            client(json!({"client_key": OTHER_APP, "client_secret": "$secret", "grant_type": "client_credential"})),
            client_refusal(10003, "client_key 不存在")),
        row("tokens.client.missing", G, "SPEC §3", "client token without client_secret",
            client(json!({"client_key": "$appid", "grant_type": "client_credential"})),
            client_refusal(10002, "参数错误")),
    ]
}
