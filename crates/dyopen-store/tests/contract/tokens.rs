//! Tokens: issued, found by hash, superseded with a grace, revoked by a secret rotation, kept
//! within their retention.

use crate::helpers::{at, new_app, TestStore};
use dyopen_core::app::AppId;
use dyopen_core::store::AppStore;
use dyopen_core::token::{
    hash_token, NewToken, TokenKind, DEAD_TOKENS_KEPT, LIVE_TOKENS_PER_KIND, PREVIOUS_TOKEN_GRACE,
    TOKEN_TTL,
};
use dyopen_core::StoreError;

const PREVIOUS_TOKEN_GRACE_SECS: i64 = PREVIOUS_TOKEN_GRACE.get();
const TOKEN_TTL_SECS: i64 = TOKEN_TTL.get();

backend_tests!(
    a_token_is_found_by_its_hash_with_its_app_kind_and_expiry,
    a_new_token_leaves_the_previous_one_a_grace_and_revokes_the_older,
    kinds_are_superseded_apart,
    rotating_the_secret_revokes_every_live_token_of_the_app,
    a_token_of_an_unknown_app_is_a_conflict,
    only_the_live_and_the_newest_dead_tokens_are_kept,
    a_wipe_forgets_tokens_already_read,
);

/// Issues a token of `kind` for `appid` at `T0 + secs`; its text.
async fn issue(s: &TestStore, appid: &AppId, kind: TokenKind, secs: i64) -> String {
    let (token, text) = NewToken::issue(appid.clone(), kind, at(secs));
    s.issue_token(&token).await.expect("issue");
    text
}

/// The stored expiry of the token `text`, `None` once it is deleted.
async fn expiry(s: &TestStore, text: &str) -> Option<i64> {
    let found = s.find_token(&hash_token(text)).await.expect("find");
    found.map(|r| r.expires_at.get())
}

async fn a_token_is_found_by_its_hash_with_its_app_kind_and_expiry(s: TestStore) {
    let appid = new_app(&s).await;
    let text = issue(&s, &appid, TokenKind::Client, 0).await;
    let record = s
        .find_token(&hash_token(&text))
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(record.appid, appid);
    assert_eq!(record.kind, TokenKind::Client);
    assert_eq!(record.expires_at, at(TOKEN_TTL_SECS).unix_secs());
    assert_eq!(s.find_token(&hash_token("nope")).await.expect("find"), None);
}

async fn a_new_token_leaves_the_previous_one_a_grace_and_revokes_the_older(s: TestStore) {
    let appid = new_app(&s).await;
    let first = issue(&s, &appid, TokenKind::V2, 0).await;
    let second = issue(&s, &appid, TokenKind::V2, 10).await;
    assert_eq!(
        expiry(&s, &first).await,
        Some(at(10 + PREVIOUS_TOKEN_GRACE_SECS).secs())
    );
    let third = issue(&s, &appid, TokenKind::V2, 20).await;
    assert_eq!(
        expiry(&s, &first).await,
        Some(at(20).secs()),
        "revoked: kept, dead"
    );
    assert_eq!(
        expiry(&s, &second).await,
        Some(at(20 + PREVIOUS_TOKEN_GRACE_SECS).secs())
    );
    assert_eq!(
        expiry(&s, &third).await,
        Some(at(20 + TOKEN_TTL_SECS).secs())
    );
}

async fn kinds_are_superseded_apart(s: TestStore) {
    let appid = new_app(&s).await;
    let v2 = issue(&s, &appid, TokenKind::V2, 0).await;
    for secs in 1..=3 {
        issue(&s, &appid, TokenKind::Client, secs).await;
    }
    assert_eq!(expiry(&s, &v2).await, Some(at(TOKEN_TTL_SECS).secs()));
}

async fn rotating_the_secret_revokes_every_live_token_of_the_app(s: TestStore) {
    let (appid, other) = (new_app(&s).await, new_app(&s).await);
    let v2 = issue(&s, &appid, TokenKind::V2, 0).await;
    let client = issue(&s, &appid, TokenKind::Client, 0).await;
    let others = issue(&s, &other, TokenKind::V2, 0).await;
    // Read once, so a stale cached copy would show.
    expiry(&s, &v2).await;
    assert!(s
        .rotate_secret(&appid, "new hash", at(60))
        .await
        .expect("rotate"));
    assert_eq!(expiry(&s, &v2).await, Some(at(60).secs()));
    assert_eq!(expiry(&s, &client).await, Some(at(60).secs()));
    assert_eq!(expiry(&s, &others).await, Some(at(TOKEN_TTL_SECS).secs()));
    let app = s.get_app(&appid).await.expect("get").expect("app");
    assert_eq!(app.secret_hash, "new hash");
}

async fn a_token_of_an_unknown_app_is_a_conflict(s: TestStore) {
    let (token, _) = NewToken::issue(AppId::generate(), TokenKind::V2, at(0));
    let refused = s.issue_token(&token).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(s.find_token(&token.hash).await.expect("find"), None);
}

async fn only_the_live_and_the_newest_dead_tokens_are_kept(s: TestStore) {
    let appid = new_app(&s).await;
    let issued = LIVE_TOKENS_PER_KIND + DEAD_TOKENS_KEPT + 3;
    let mut texts = Vec::new();
    for _ in 0..issued {
        texts.push(issue(&s, &appid, TokenKind::V2, 0).await);
    }
    let kept = s
        .count_app_rows("tokens", appid.as_str())
        .await
        .expect("count");
    assert_eq!(kept, LIVE_TOKENS_PER_KIND + DEAD_TOKENS_KEPT);
    for (i, text) in texts.iter().enumerate() {
        let deleted = (i as i64) < issued - kept;
        assert_eq!(expiry(&s, text).await.is_none(), deleted, "token #{i}");
    }
}

async fn a_wipe_forgets_tokens_already_read(s: TestStore) {
    let appid = new_app(&s).await;
    let text = issue(&s, &appid, TokenKind::V2, 0).await;
    assert!(expiry(&s, &text).await.is_some());
    s.wipe_all().await.expect("wipe");
    assert_eq!(expiry(&s, &text).await, None);
}
