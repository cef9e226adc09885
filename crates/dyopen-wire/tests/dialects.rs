//! Snapshots of every dialect's error envelope: the parameter error (field, missing, malformed),
//! the system error and the token-error codes; each body reads back to its code and text.
//! Review `.snap` changes like code: clients parse these bytes.

use dyopen_wire::dialect::{
    Admin, City, CityAdd, ClientToken, Dialect, LinkLegacy, Open, Talents, V2Token,
};
use dyopen_wire::ParamProblem;
use serde_json::{json, Value};

fn envelopes<D: Dialect>() -> Value {
    let body = |code: i64, message: String| {
        let value = serde_json::to_value(D::error_body(code, message.clone(), "LOG_ID".into()))
            .expect("serialises");
        let parts = D::error_parts(serde_json::from_value(value.clone()).expect("reads back"));
        assert!(matches!(parts.log_id.as_deref(), None | Some("LOG_ID")));
        assert_eq!((parts.code, parts.message), (code, message));
        value
    };
    let (system_code, system_text) = D::SYSTEM;
    json!({
        "param_field": body(D::PARAM_CODE, D::param_message(&ParamProblem::Field("region_id".into()))),
        "param_missing": body(D::PARAM_CODE, D::param_message(&ParamProblem::Missing("path".into()))),
        "param_malformed": body(D::PARAM_CODE, D::param_message(&ParamProblem::Malformed("EOF".into()))),
        "param_too_large": body(D::PARAM_CODE, D::param_message(&ParamProblem::TooLarge)),
        "system": body(system_code, system_text.to_owned()),
        "param_status": D::PARAM_STATUS,
        "system_status": D::SYSTEM_STATUS,
        "token_error_codes": D::TOKEN_ERROR_CODES,
    })
}

#[test]
fn city_binding_errors() {
    insta::assert_json_snapshot!("city", envelopes::<City>());
    insta::assert_json_snapshot!("city_add", envelopes::<CityAdd>());
}

#[test]
fn token_errors() {
    insta::assert_json_snapshot!("v2_token", envelopes::<V2Token>());
    insta::assert_json_snapshot!("client_token", envelopes::<ClientToken>());
}

#[test]
fn link_task_and_talent_errors() {
    insta::assert_json_snapshot!("link_legacy", envelopes::<LinkLegacy>());
    insta::assert_json_snapshot!("open_v1_v2", envelopes::<Open>());
    insta::assert_json_snapshot!("talents", envelopes::<Talents>());
}

#[test]
fn admin_errors() {
    insta::assert_json_snapshot!("admin", envelopes::<Admin>());
}
