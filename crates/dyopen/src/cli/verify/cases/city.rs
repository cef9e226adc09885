//! City-binding cases (seed 000, SPEC §4). The seed's own requests (page `page/test/index` on
//! 130400, delete of 440300 at `path/test/index`, modify of `page/path/index` from 440300 to
//! 440400) run in a state where the seed's answers are the documented ones. Needs an app with no
//! binding, and leaves `page/path/index` bound to 440400: a modified target cannot change again
//! for 7 days (the report says when it may be deleted).

use super::{answer, post, row, status_only};
use crate::cli::verify::case::{Case, Effect, Expect, Group, Token};
use dyopen_wire::paths::{REGION_ADD, REGION_DELETE, REGION_MODIFY};
use serde_json::{json, Value};

const G: Group = Group::City;
const T: Token = Token::Header("client_token");

/// The pages the 10-path cap rows bind beside the two seed pages, and the 11th.
const MORE_PAGES: [&str; 8] = [
    "verify/page/3",
    "verify/page/4",
    "verify/page/5",
    "verify/page/6",
    "verify/page/7",
    "verify/page/8",
    "verify/page/9",
    "verify/page/10",
];
const ELEVENTH: &str = "verify/page/11";
const MORE_IDS: [&str; 8] = [
    "city.cap.page_3",
    "city.cap.page_4",
    "city.cap.page_5",
    "city.cap.page_6",
    "city.cap.page_7",
    "city.cap.page_8",
    "city.cap.page_9",
    "city.cap.page_10",
];

fn ok() -> Expect {
    answer(json!({"err_no": 0, "err_msg": "成功", "log_id": "<log_id>"}))
}
fn added() -> Expect {
    answer(json!({"err_no": 0, "err_msg": "成功", "log_id": "<log_id>", "data_id": "<id>"}))
}
fn refused(code: i64, text: &str) -> Expect {
    answer(json!({"err_no": code, "err_msg": text, "log_id": "<log_id>"}))
}
fn add_refused(code: i64, text: &str) -> Expect {
    answer(json!({"err_no": code, "err_msg": text, "log_id": "<log_id>", "data_id": ""}))
}
fn add(body: Value) -> crate::cli::verify::case::Req {
    post(REGION_ADD, T, body)
}
fn delete(region: &str, path: &str) -> crate::cli::verify::case::Req {
    post(REGION_DELETE, T, json!({"region_id": region, "path": path}))
}
fn modify(from: &str, to: &str, path: &str) -> crate::cli::verify::case::Req {
    post(
        REGION_MODIFY,
        T,
        json!({"origin_region": from, "current_region": to, "path": path}),
    )
}

const BOUND: &str = "当前小程序或页面已绑定该区域";
const PARAM: i64 = 10001;

#[rustfmt::skip] // A table: one row per case reads better than rustfmt's layout.
pub(super) fn cases() -> Vec<Case> {
    let mut rows = vec![
        row("city.whole.add", G, "SPEC §4", "bind the whole app to 440300",
            add(json!({"bind_type": 1, "region_id": "440300", "path": ""})), added())
            .effect(Effect::BindingAdded { path: "", region: "440300" }),
        row("city.whole.add_same", G, "seed 000", "the same city again (the seed's error example)",
            add(json!({"bind_type": 1, "region_id": "440300", "path": ""})), add_refused(PARAM, BOUND)),
        row("city.whole.add_other", G, "SPEC §4", "a second city for the whole app",
            add(json!({"bind_type": 1, "region_id": "130400"})),
            add_refused(PARAM, "参数不合法:小程序整体仅可绑定1个城市,请使用修改接口")),
        row("city.whole.add_page", G, "SPEC §4", "a page while the whole app is bound",
            add(json!({"bind_type": 2, "region_id": "130400", "path": "page/test/index"})),
            add_refused(PARAM, "参数不合法:小程序已按整体维度绑定城市")),
        row("city.whole.delete", G, "seed 000", "the seed's delete request: a whole binding ignores the path",
            delete("440300", "path/test/index"), ok())
            .effect(Effect::BindingDeleted { path: "" }),
        row("city.whole.delete_again", G, "seed 000", "delete what is gone (the seed's error example)",
            delete("440300", "path/test/index"), refused(PARAM, "待删除的数据不存在")),
        row("city.page.add", G, "seed 000", "the seed's add request: page page/test/index on 130400",
            add(json!({"bind_type": 2, "region_id": "130400", "path": "page/test/index"})), added())
            .effect(Effect::BindingAdded { path: "page/test/index", region: "130400" }),
        row("city.page.add_same", G, "seed 000", "the same page and city again (the seed's error example)",
            add(json!({"bind_type": 2, "region_id": "130400", "path": "page/test/index"})), add_refused(PARAM, BOUND)),
        row("city.page.add_other_city", G, "SPEC §4", "another city for a bound page",
            add(json!({"bind_type": 2, "region_id": "440300", "path": "page/test/index"})),
            add_refused(PARAM, "参数不合法:该页面已绑定城市,请使用修改接口")),
        row("city.page.add_whole", G, "SPEC §4", "the whole app while pages are bound",
            add(json!({"bind_type": 1, "region_id": "440300"})),
            add_refused(PARAM, "参数不合法:小程序已按页面维度绑定城市")),
        row("city.page.add_second", G, "SPEC §4", "a second page, page/path/index on 440300",
            add(json!({"bind_type": 2, "region_id": "440300", "path": "page/path/index"})), added())
            .effect(Effect::BindingAdded { path: "page/path/index", region: "440300" }),
        row("city.page.modify", G, "seed 000", "the seed's modify request: 440300 → 440400",
            modify("440300", "440400", "page/path/index"), ok())
            .effect(Effect::BindingModified { path: "page/path/index", region: "440400" }),
        row("city.page.modify_again", G, "seed 000", "modify again within 7 days (the seed's error example)",
            modify("440400", "440300", "page/path/index"), refused(10101, "修改区域的频率过高")),
        row("city.page.delete_throttled", G, "SPEC §4", "delete within 7 days of a modify",
            delete("440400", "page/path/index"), refused(10101, "修改区域的频率过高")),
        row("city.page.modify_missing", G, "SPEC §4", "modify from a city the page is not bound to",
            modify("110000", "440300", "page/test/index"), refused(PARAM, "待修改的数据不存在")),
        row("city.page.modify_same", G, "SPEC §4", "modify to the same city",
            modify("130400", "130400", "page/test/index"),
            refused(PARAM, "参数不合法:current_region与origin_region相同")),
        row("city.param.abolished", G, "SPEC §4", "an abolished city code (371200 莱芜市)",
            add(json!({"bind_type": 2, "region_id": "371200", "path": "verify/page/x"})),
            add_refused(PARAM, "参数不合法:region_id参数不合法")),
        row("city.param.province", G, "SPEC §4", "a province code (440000)",
            add(json!({"bind_type": 2, "region_id": "440000", "path": "verify/page/x"})),
            add_refused(PARAM, "参数不合法:region_id参数不合法")),
        row("city.param.bind_type", G, "seed 000", "bind_type other than 1 or 2",
            add(json!({"bind_type": 3, "region_id": "440300", "path": "verify/page/x"})),
            add_refused(PARAM, "参数不合法:bind_type参数不合法")),
        row("city.param.page_without_path", G, "seed 000", "bind_type 2 without a path",
            add(json!({"bind_type": 2, "region_id": "440300"})),
            add_refused(PARAM, "参数不合法:path参数不合法")),
        row("city.auth.bad_token", G, "seed 000", "a token the platform never issued",
            post(REGION_ADD, Token::HeaderLiteral("clt.not-a-token"), json!({"bind_type": 2, "region_id": "440300", "path": "verify/page/x"})),
            add_refused(10100, "鉴权失败,access_token非法")),
        row("city.auth.no_token", G, "SPEC §3", "no token at all",
            post(REGION_DELETE, Token::Absent, json!({"region_id": "440300", "path": "verify/page/x"})),
            refused(10100, "鉴权失败,access_token非法")),
        row("city.unknown_path", G, "SPEC §2", "an unknown path under the city-binding prefix",
            post("/api/product/v1/app_region_list/", T, json!({})), status_only(404)),
    ];
    for (id, page) in MORE_IDS.iter().zip(MORE_PAGES) {
        rows.push(
            row(id, G, "SPEC §4", "another page (up to 10 paths)",
                add(json!({"bind_type": 2, "region_id": "440300", "path": page})), added())
                .effect(Effect::BindingAdded { path: page, region: "440300" }),
        );
    }
    rows.push(
        row("city.cap.page_11", G, "SPEC §4", "an 11th page path",
            add(json!({"bind_type": 2, "region_id": "440300", "path": ELEVENTH})),
            add_refused(PARAM, "参数不合法:页面维度最多绑定10个页面")),
    );
    rows
}
