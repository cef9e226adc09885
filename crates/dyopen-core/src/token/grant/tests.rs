//! Unit tests of the token grant and of the app a token acts for.

use super::*;
use crate::app::{AppStatus, PublishedPages};
use crate::clock::UnixSecs;

const NOW: Timestamp = Timestamp::from_secs(1_000);

fn app(secret: &AppSecret) -> App {
    App {
        appid: AppId::parse("tt0123456789abcdef").unwrap(),
        name: "demo".into(),
        secret_hash: secret.hash(),
        pages: PublishedPages::parse(&["pages/index/index"]).unwrap(),
        qps_limit: 100,
        daily_link_quota: 500_000,
        status: AppStatus::Active,
        created_at: UnixSecs::new(0),
    }
}

#[test]
fn parse_checks_presence_then_grant_type_then_the_appid() {
    let ok = Some("tt0123456789abcdef");
    let grant = Some(CLIENT_CREDENTIAL);
    for (appid, secret, grant_type) in [
        (None, Some("s"), grant),
        (ok, None, grant),
        (ok, Some("s"), None),
        (None, None, Some("password")),
    ] {
        assert!(matches!(
            TokenGrant::parse(appid, secret, grant_type),
            Err(GrantError::Missing)
        ));
    }
    assert!(matches!(
        TokenGrant::parse(Some("not an appid"), Some("s"), Some("password")),
        Err(GrantError::BadGrantType)
    ));
    assert!(matches!(
        TokenGrant::parse(Some("not an appid"), Some(""), grant),
        Err(GrantError::UnknownApp)
    ));
    assert!(TokenGrant::parse(ok, Some(""), grant).is_ok());
}

#[test]
fn issue_needs_the_app_and_its_secret() {
    let secret = AppSecret::generate();
    let a = app(&secret);
    let grant = |s: &str| {
        TokenGrant::parse(Some(a.appid.as_str()), Some(s), Some(CLIENT_CREDENTIAL)).unwrap()
    };
    assert!(matches!(
        grant(secret.expose()).issue(None, TokenKind::V2, NOW),
        Err(GrantError::UnknownApp)
    ));
    assert!(matches!(
        grant("wrong").issue(Some(&a), TokenKind::V2, NOW),
        Err(GrantError::WrongSecret)
    ));
    let (token, text) = grant(secret.expose())
        .issue(Some(&a), TokenKind::Client, NOW)
        .unwrap();
    assert_eq!(
        (token.appid, token.kind),
        (a.appid.clone(), TokenKind::Client)
    );
    assert_eq!(token.hash, hash_token(&text));
}

#[test]
fn a_presented_token_must_have_a_shape_a_record_and_life() {
    assert!(matches!(
        presented_hash(None),
        Err(AuthError::Token(TokenProblem::Missing))
    ));
    assert!(matches!(
        presented_hash(Some("hello")),
        Err(AuthError::Token(TokenProblem::Invalid))
    ));
    assert_eq!(
        presented_hash(Some("clt.ab")).unwrap(),
        hash_token("clt.ab")
    );
    let record = TokenRecord {
        appid: AppId::generate(),
        kind: TokenKind::V2,
        expires_at: UnixSecs::new(NOW.secs() + 1),
    };
    assert!(matches!(
        authenticated(None, NOW),
        Err(AuthError::Token(TokenProblem::Invalid))
    ));
    assert!(authenticated(Some(record.clone()), NOW).is_ok());
    assert!(matches!(
        authenticated(Some(record), Timestamp::from_secs(NOW.secs() + 1)),
        Err(AuthError::Token(TokenProblem::Expired))
    ));
}

#[test]
fn a_token_acts_for_its_app_or_one_that_made_it_provider() {
    let record = TokenRecord {
        appid: AppId::generate(),
        kind: TokenKind::V2,
        expires_at: UnixSecs::new(0),
    };
    let own = record.appid.clone();
    let other = AppId::generate();
    for named in [None, Some(""), Some(own.as_str())] {
        assert_eq!(
            record.claim(named, None).unwrap(),
            AppClaim::Own(own.clone())
        );
    }
    assert_eq!(
        record
            .claim(Some(other.as_str()), Some(own.as_str()))
            .unwrap(),
        AppClaim::Provided(other.clone())
    );
    assert!(matches!(
        record.claim(None, Some(other.as_str())),
        Err(AuthError::AppMismatch)
    ));
    assert!(matches!(
        record.claim(Some("not an appid"), None),
        Err(AuthError::AppMismatch)
    ));
    assert_eq!(AppClaim::Own(own.clone()).grant(false).unwrap(), own);
    assert_eq!(
        AppClaim::Provided(other.clone()).grant(true).unwrap(),
        other
    );
    assert!(matches!(
        AppClaim::Provided(other).grant(false),
        Err(AuthError::AppMismatch)
    ));
}
