//! Masking and cutting of journaled bodies.

use super::*;
use proptest::prelude::*;

fn json(kept: &Kept) -> serde_json::Value {
    match kept {
        Kept::Json(t) => serde_json::from_str(t).expect("kept JSON parses"),
        other => panic!("not JSON: {other:?}"),
    }
}

#[test]
fn a_complete_body_stays_json_with_every_secret_masked() {
    let body = br#"{"secret": "s", "data": {"access_token": "t", "x": [{"client_secret": "c"}]},
        "My_Password": {"deep": 1}, "access\u005ftoken": "escaped", "ok": 1, "n": null}"#;
    let m = mask_body(body, false, 1 << 10);
    assert!(!m.truncated);
    assert_eq!(
        json(&m.kept),
        serde_json::json!({"secret": "***", "data": {"access_token": "***", "x": [{"client_secret": "***"}]},
            "My_Password": "***", "access_token": "***", "ok": 1, "n": null})
    );
}

#[test]
fn the_app_and_token_named_at_the_top_level_are_picked_out() {
    let body = br#"{"nested": {"appid": "no"}, "client_key": "tt2", "ma_app_id": "tt1", "access_token": "clt.x"}"#;
    let m = mask_body(body, false, 1 << 10);
    assert_eq!(m.named.appid(), Some("tt1"));
    assert_eq!(m.named.access_token.as_deref(), Some("clt.x"));
    let form = mask_body(b"client_key=tt3&client_secret=s", false, 1 << 10);
    assert_eq!(form.named.appid(), Some("tt3"));
}

#[test]
fn a_body_over_the_budget_is_cut_into_masked_text() {
    let body = format!(r#"{{"password": "hunter2", "pad": "{}"}}"#, "x".repeat(500));
    let m = mask_body(body.as_bytes(), false, 100);
    assert!(m.truncated);
    let Kept::Text(t) = &m.kept else {
        panic!("{:?}", m.kept)
    };
    assert_eq!(t.len(), 100);
    assert!(t.starts_with(r#"{"password":"***","pad":"xxx"#), "{t}");
    assert!(!t.contains("hunter2"));
}

#[test]
fn a_body_read_only_in_part_is_cut_text_even_when_short() {
    let m = mask_body(br#"{"a": 1, "access_token": "08ab"#, true, 1 << 10);
    assert!(m.truncated);
    assert_eq!(
        m.kept,
        Kept::Text(r#"{"a": 1, "access_token":"***""#.into())
    );
    let m = mask_body(b"client_secret=abc&x=1", true, 1 << 10);
    assert!(m.truncated);
    assert_eq!(m.kept, Kept::Text("client_secret=***&x=1".into()));
}

#[test]
fn a_json_prefix_keeps_its_text_with_secret_values_masked() {
    let body = br#"{"appid": "tt1", "access\u005ftoken": "clt.x", "deep": {"pw": [1], "Password": {"a": "}"}, "s": "se"#;
    let m = mask_body(body, true, 1 << 10);
    assert!(m.truncated);
    assert_eq!(
        m.kept,
        Kept::Text(
            r#"{"appid": "tt1", "access\u005ftoken":"***", "deep": {"pw": [1], "Password":"***", "s": "se"#
                .into()
        )
    );
    assert_eq!(m.named.appid(), Some("tt1"));
    assert_eq!(m.named.access_token.as_deref(), Some("clt.x"));
    let m = mask_body(br#"{"a": {"secret": {"x": "SHOULDNOTSHOW"#, true, 1 << 10);
    assert_eq!(m.kept, Kept::Text(r#"{"a": {"secret":"***""#.into()));
    let m = mask_body(br#"{"pad": "xxxxxxxxxxxx"#, true, 10);
    assert_eq!(m.kept, Kept::Text(r#"{"pad": "x"#.into()));
    let m = mask_body(br#"{access_token: "abc", "x": 1"#, true, 1 << 10);
    assert_eq!(
        m.kept,
        Kept::Text(WITHHELD.into()),
        "an unquoted secret key"
    );
}

#[test]
fn form_keys_are_masked_once_decoded() {
    let m = mask_body(
        b"access%5Ftoken=abc&Client%5FSecret=s&my+password=p&a=%74oken%3D",
        false,
        1 << 10,
    );
    assert_eq!(
        m.kept,
        Kept::Text("[body withheld: not JSON and names a secret field]".into()),
        "a value that decodes to a secret word is withheld rather than guessed at"
    );
    let m = mask_body(
        b"access%5Ftoken=abc&Client%5FSecret=s&my+password=p&a=1",
        false,
        1 << 10,
    );
    assert_eq!(
        m.kept,
        Kept::Text("access%5Ftoken=***&Client%5FSecret=***&my+password=***&a=1".into())
    );
    assert_eq!(m.named.access_token.as_deref(), Some("abc"));
    assert_eq!(
        mask_query("a=1&access%5ftoken=clt.x", 1 << 10),
        ("a=1&access%5ftoken=***".to_owned(), false)
    );
}

#[test]
fn text_naming_a_secret_outside_a_field_is_withheld() {
    let m = mask_body(
        br#"{"access_token": "08abc", "ma_app_id": "#,
        false,
        1 << 10,
    );
    assert_eq!(m.kept, Kept::Text(WITHHELD.into()));
    assert_eq!(m.named, Named::default());
    let m = mask_body(b"plain text, nothing to hide", false, 1 << 10);
    assert_eq!(m.kept, Kept::Text("plain text, nothing to hide".into()));
}

#[test]
fn cuts_fall_on_character_boundaries() {
    let body = format!(r#"{{"k": "{}"}}"#, "好".repeat(100));
    let m = mask_body(body.as_bytes(), false, 20);
    let Kept::Text(t) = &m.kept else {
        panic!("{:?}", m.kept)
    };
    assert!(t.len() <= 20 && t.len() >= 17, "{t}");
    let (q, cut) = mask_query(&"好".repeat(10), 7);
    assert!(cut);
    assert_eq!(q, "好好");
}

#[test]
fn an_empty_body_keeps_nothing() {
    assert_eq!(mask_body(b"", false, 10), MaskedBody::default());
}

proptest! {
    #[test]
    fn never_panics_and_keeps_at_most_the_budget(body in proptest::collection::vec(any::<u8>(), 0..400), limit in 0usize..200, cut: bool) {
        let m = mask_body(&body, cut, limit);
        prop_assert!(m.kept.len() <= limit.max(WITHHELD.len()));
    }

    #[test]
    fn a_secret_value_never_shows(key in "[a-zA-Z_]{0,6}(token|Secret|PASSWORD)[a-z_]{0,6}", pad in "[a-z]{0,40}", limit in 0usize..300) {
        let body = serde_json::json!({"a": pad, "n": [{key.clone(): "SHOULDNOTSHOW"}], key.clone(): "SHOULDNOTSHOW"}).to_string();
        for cut_at in [body.len(), body.len() / 2, body.len() - 3] {
            let m = mask_body(&body.as_bytes()[..cut_at], cut_at < body.len(), limit);
            let shown = match &m.kept { Kept::Json(t) | Kept::Text(t) => t.to_string(), Kept::Empty => String::new() };
            prop_assert!(!shown.contains("SHOULDNOT"), "{}", shown);
        }
        let form = format!("a={pad}&{}=SHOULDNOTSHOW", key.replace('_', "%5F"));
        let m = mask_body(form.as_bytes(), false, limit);
        let shown = match &m.kept { Kept::Json(t) | Kept::Text(t) => t.to_string(), Kept::Empty => String::new() };
        prop_assert!(!shown.contains("SHOULDNOT"), "{}", shown);
    }
}
