//! Unit tests of the URL-link rules.

use super::*;
use crate::app::PublishedPages;
use crate::link::QueryProblem;

fn app(pages: &[&str]) -> App {
    App {
        appid: AppId::parse("tt0123456789abcdef").unwrap(),
        name: "demo".into(),
        secret_hash: String::new(),
        pages: PublishedPages::parse(pages).unwrap(),
        qps_limit: 100,
        daily_link_quota: 500_000,
        status: AppStatus::Active,
        created_at: UnixSecs::new(0),
    }
}

fn req(path: &str, query: &str, expire_time: i64) -> GenerateLink {
    GenerateLink {
        named_app: "tt0123456789abcdef".into(),
        host: Host::Douyin,
        path: path.into(),
        query: query.into(),
        expire_time,
    }
}

#[test]
fn seed_example_rounds_up_to_whole_hours() {
    // 2022-02-02 16:23 (+08:00) with expire_time 18:00 expires at 18:23.
    let now = 1_643_790_180;
    let et = now + 3_600 + 37 * 60;
    assert_eq!(
        effective_expiry(UnixSecs::new(now), et).unwrap(),
        UnixSecs::new(now + 2 * 3_600)
    );
}

#[test]
fn expiry_window_is_open_at_now_and_closed_at_180_days() {
    let now = 1_700_000_000;
    let at = UnixSecs::new(now);
    assert!(effective_expiry(at, now).is_err());
    assert!(effective_expiry(at, now - 5).is_err());
    assert_eq!(
        effective_expiry(at, now + 1).unwrap(),
        UnixSecs::new(now + 3_600)
    );
    assert_eq!(
        effective_expiry(at, now + MAX_EXPIRY.get()).unwrap(),
        UnixSecs::new(now + MAX_EXPIRY.get())
    );
    assert!(effective_expiry(at, now + MAX_EXPIRY.get() + 1).is_err());
    assert!(effective_expiry(at, i64::MIN).is_err());
}

#[test]
fn hosts_depend_on_the_endpoint() {
    assert!(Host::parse("toutiao", LinkApi::Legacy).is_err());
    assert_eq!(
        Host::parse("toutiaolite", LinkApi::V1).unwrap().scheme(),
        "snssdk35"
    );
    assert!(Host::parse("Douyin", LinkApi::V1).is_err());
}

#[test]
fn required_fields_in_order() {
    let e = GenerateLink::parse(LinkDraft::default(), LinkApi::Legacy).unwrap_err();
    assert!(matches!(e, LinkError::Missing("ma_app_id")));
    let e = GenerateLink::parse(LinkDraft::default(), LinkApi::V1).unwrap_err();
    assert!(matches!(e, LinkError::Missing("app_id")));
    let e = GenerateLink::parse(
        LinkDraft {
            named_app: Some("tt".into()),
            app_name: Some("x".into()),
            ..LinkDraft::default()
        },
        LinkApi::Legacy,
    )
    .unwrap_err();
    assert!(matches!(e, LinkError::BadHost));
    let e = GenerateLink::parse(
        LinkDraft {
            named_app: Some("tt".into()),
            app_name: Some("douyin".into()),
            ..LinkDraft::default()
        },
        LinkApi::Legacy,
    )
    .unwrap_err();
    assert!(matches!(e, LinkError::Missing("expire_time")));
}

#[test]
fn plan_checks_banned_then_path_then_query_then_expiry() {
    let now = Timestamp::from_secs(1_700_000_000);
    let mut a = app(&["pages/index/index", "pages/detail"]);
    let ok = req("", "", 1_700_000_001).plan(&a, now).unwrap();
    assert_eq!(ok.path, "pages/index/index");
    assert_eq!(ok.query, "{}");
    assert!(matches!(
        req("pages/detail?x=1", "bad query", 0).plan(&a, now),
        Err(LinkError::PathHasQuery)
    ));
    assert!(matches!(
        req("pages/other", "", 0).plan(&a, now),
        Err(LinkError::PathNotPublished)
    ));
    assert!(matches!(
        req("pages/detail", "x", 0).plan(&a, now),
        Err(LinkError::Query(QueryProblem::NotObject { .. }))
    ));
    assert!(matches!(
        req("pages/detail", "{}", 0).plan(&a, now),
        Err(LinkError::ExpiryOutOfRange)
    ));
    a.status = AppStatus::Banned;
    assert!(matches!(
        req("pages/other?", "", 0).plan(&a, now),
        Err(LinkError::Banned)
    ));
    assert!(matches!(
        req("", "", 1_700_000_001).plan(&app(&[]), now),
        Err(LinkError::NoHomePage)
    ));
}

#[test]
fn scheme_url_encodes_start_page_as_a_whole() {
    let link = Link {
        code: LinkCode::parse("Lu86lrX").unwrap(),
        appid: AppId::parse("tt0123456789abcdef").unwrap(),
        host: Host::DouyinLite,
        path: "pages/detail".into(),
        query: r#"{"id":"123","n":5}"#.into(),
        created_at: UnixSecs::new(0),
        expires_at: UnixSecs::new(10),
        visits: 0,
    };
    assert_eq!(
        link.scheme_url(),
        "snssdk2329://microapp?version=v2&app_id=tt0123456789abcdef&scene=0&version_type=current&start_page=pages%2Fdetail%3Fid%3D123%26n%3D5"
    );
    assert!(link.is_live(Timestamp::from_secs(9)));
    assert!(!link.is_live(Timestamp::from_secs(10)));
}

#[test]
fn parameter_errors_expose_their_detail() {
    assert_eq!(LinkError::PathHasQuery.detail(), "path不能携带query");
    assert_eq!(LinkError::TooFast.detail(), "生成URL_Link频率过快");
    assert_eq!(
        LinkError::from(QueryProblem::BadChar { ch: ' ', pos: 5 }).to_string(),
        "参数填写错误:query第5个字符' '不合法(位置从0开始)"
    );
}

proptest::proptest! {
    #[test]
    fn the_page_path_comes_back_out_of_the_encoded_start_page(
        path in "[A-Za-z0-9_.-]{1,8}(/[A-Za-z0-9_.-]{1,8}){0,4}",
        value in "[A-Za-z0-9?/%=&]{0,12}",
    ) {
        let query = serde_json::json!({"k": value}).to_string();
        let link = Link {
            code: LinkCode::generate(),
            appid: crate::app::AppId::parse("tt0123456789abcdef").expect("appid"),
            host: Host::Douyin,
            path: path.clone(),
            query,
            created_at: UnixSecs::new(0),
            expires_at: UnixSecs::new(1),
            visits: 0,
        };
        proptest::prop_assert_eq!(path_of_encoded_start_page(&link.encoded_start_page()), path);
    }
}

#[test]
fn a_scheme_url_fills_its_allocation_exactly() {
    for host in [
        Host::Douyin,
        Host::DouyinLite,
        Host::Toutiao,
        Host::ToutiaoLite,
    ] {
        let mut url = String::new();
        write_scheme_url(&mut url, host, "tt0123456789abcd", "pages%2Findex%3Fa%3D1");
        assert_eq!(url.len(), url.capacity(), "{url}");
        assert!(url.ends_with("&start_page=pages%2Findex%3Fa%3D1"));
    }
}
