//! The error dialects as the client reads them: which wire [`Dialect`] each family answers in,
//! and the client's own choices per family (the token kind, whether the token goes in the body).
//! Envelopes, token-error codes and system codes are the wire dialects' own.

use dyopen_wire::dialect::ErrorParts;
use dyopen_wire::dialect::{City, ClientToken, LinkLegacy, Open, Talents, V2Token};
use dyopen_wire::Dialect;
use serde::Deserialize;
use serde_json::Value;

/// An API family, i.e. one error envelope (see `dyopen_wire::dialect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `{err_no, err_msg, log_id}` (city binding).
    City,
    /// `{err_no, err_tips, data}` (`/api/apps/v2/token`).
    V2Token,
    /// `{data:{error_code, description, …}, message}` (`/oauth/client_token/`).
    ClientToken,
    /// `{err_no, err_msg, log_id, data}` (open.douyin.com v1/v2).
    Open,
    /// `{error, message, log_id, data}` (`update_orient_talents`).
    Talents,
    /// `{err_no, err_tips, url_link}` (legacy URL link).
    LinkLegacy,
}

/// Reads `body` through `D`'s error body: `None` for code 0 (a success answer), the code, text
/// and log id (if the envelope has a non-empty one) otherwise; `Err(())` when it is not `D`'s.
fn read<D: Dialect>(body: &Value) -> Result<Option<ErrorParts>, ()> {
    let parts = D::error_parts(D::ErrorBody::deserialize(body).map_err(drop)?);
    Ok((parts.code != 0).then(|| ErrorParts {
        log_id: parts.log_id.filter(|l| !l.is_empty()),
        ..parts
    }))
}

/// `D`'s token-error codes and system code.
fn codes<D: Dialect>() -> (&'static [i64], i64) {
    (D::TOKEN_ERROR_CODES, D::SYSTEM.0)
}

impl Family {
    /// The token kind the real platform expects for this family: the client token (`clt.`) on
    /// open.douyin.com's v1/v2 APIs (URL links v1, tasks), the mini-program token (`08…`) for
    /// city binding, talents and the legacy URL link (dyopen accepts either everywhere).
    pub(crate) fn platform_token_kind(self) -> crate::TokenKind {
        match self {
            Family::Open => crate::TokenKind::Client,
            Family::City
            | Family::Talents
            | Family::LinkLegacy
            | Family::V2Token
            | Family::ClientToken => crate::TokenKind::V2,
        }
    }

    /// `None` when the body is a success answer; the failure otherwise. A body that is not the
    /// family's envelope is not this family's answer (`Err(())`).
    pub(crate) fn failure(self, body: &Value) -> Result<Option<ErrorParts>, ()> {
        match self {
            Family::City => read::<City>(body),
            Family::V2Token => read::<V2Token>(body),
            Family::ClientToken => read::<ClientToken>(body),
            Family::Open => read::<Open>(body),
            Family::Talents => read::<Talents>(body),
            Family::LinkLegacy => read::<LinkLegacy>(body),
        }
    }

    /// The family's token-error codes and system code.
    fn codes(self) -> (&'static [i64], i64) {
        match self {
            Family::City => codes::<City>(),
            Family::V2Token => codes::<V2Token>(),
            Family::ClientToken => codes::<ClientToken>(),
            Family::Open => codes::<Open>(),
            Family::Talents => codes::<Talents>(),
            Family::LinkLegacy => codes::<LinkLegacy>(),
        }
    }

    /// The code means the token was rejected (invalid, expired or revoked): refresh and retry once.
    pub(crate) fn is_token_error(self, code: i64) -> bool {
        self.codes().0.contains(&code)
    }

    /// The code means the platform failed, not the request: retry with backoff.
    pub(crate) fn is_system_error(self, code: i64) -> bool {
        self.codes().1 == code
    }

    /// Whether the platform reads the token from the body (`access_token`) rather than the
    /// `access-token` header. The SDK sends the header always and the body field too where the
    /// platform expects it there.
    pub(crate) fn token_in_body(self) -> bool {
        matches!(self, Family::Talents | Family::LinkLegacy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_each_envelope() {
        let cases = [
            (
                Family::City,
                json!({"err_no": 10101, "err_msg": "x", "log_id": "L"}),
            ),
            (
                Family::V2Token,
                json!({"err_no": 10101, "err_tips": "x", "data": {}}),
            ),
            (
                Family::ClientToken,
                json!({"data": {"error_code": 10101, "description": "x", "access_token": "", "expires_in": 0}, "message": "error"}),
            ),
            (
                Family::Open,
                json!({"err_no": 10101, "err_msg": "x", "log_id": "L", "data": {}}),
            ),
            (
                Family::Talents,
                json!({"error": 10101, "message": "x", "log_id": "L", "data": {}}),
            ),
            (
                Family::LinkLegacy,
                json!({"err_no": 10101, "err_tips": "x", "url_link": ""}),
            ),
        ];
        for (family, body) in cases {
            let f = family.failure(&body).ok().flatten();
            let f = f.unwrap_or_else(|| panic!("{family:?} not read"));
            assert_eq!((f.code, f.message.as_str()), (10101, "x"), "{family:?}");
        }
    }

    #[test]
    fn reads_the_code_of_partial_envelopes() {
        // Answers from elsewhere (a gateway, a recording) may lack the text, the log id or a
        // well-formed `data`: the code still decides retries and token refreshes.
        let cases = [
            (Family::City, json!({"err_no": 10100})),
            (Family::V2Token, json!({"err_no": -1, "data": null})),
            (
                Family::ClientToken,
                json!({"data": {"error_code": 2190002, "access_token": "", "expires_in": 0}}),
            ),
            (
                Family::Open,
                json!({"err_no": 28001003, "err_msg": "x", "data": null}),
            ),
            (Family::Talents, json!({"error": 5502, "message": "x"})),
            (Family::LinkLegacy, json!({"err_no": 12024})),
        ];
        for (family, body) in cases {
            let code = body
                .get("err_no")
                .or_else(|| body.get("error"))
                .or_else(|| body["data"].get("error_code"))
                .and_then(Value::as_i64)
                .expect("a code");
            let f = family.failure(&body).ok().flatten();
            let f = f.unwrap_or_else(|| panic!("{family:?} not read"));
            assert_eq!(f.code, code, "{family:?}");
            assert_eq!(f.log_id, None, "{family:?}");
            assert!(
                family.is_token_error(code) || family.is_system_error(code),
                "{family:?}: {code} is a code the client acts on"
            );
        }
    }

    #[test]
    fn success_and_foreign_bodies() {
        assert!(matches!(
            Family::Open.failure(&json!({"err_no": 0, "err_msg": "", "log_id": "L", "data": {}})),
            Ok(None)
        ));
        assert!(Family::Talents.failure(&json!({"err_no": 0})).is_err());
    }

    #[test]
    fn token_and_system_codes() {
        assert!(Family::City.is_token_error(10100));
        assert!(Family::Open.is_token_error(28001003));
        assert!(Family::Talents.is_token_error(5502));
        assert!(
            Family::LinkLegacy.is_token_error(12024) && Family::LinkLegacy.is_token_error(12025)
        );
        for (f, c) in [
            (Family::City, 10000),
            (Family::Open, 28005002),
            (Family::Talents, 4001010),
            (Family::LinkLegacy, -1),
            (Family::V2Token, -1),
        ] {
            assert!(f.is_system_error(c), "{f:?} {c}");
            assert!(!f.is_token_error(c));
        }
        assert!(!Family::City.is_system_error(10001));
    }
}
