//! Console sessions: stored, found, closed, and pruned at the next login once expired.

use crate::helpers::{at, TestStore};
use dyopen_core::session::{ConsoleSession, SessionToken, SESSION_LIFETIME};
use dyopen_core::store::{AppStore, SessionStore};

const SESSION_LIFETIME_SECS: i64 = SESSION_LIFETIME.get();

backend_tests!(
    sessions_are_stored_found_closed_and_pruned_at_login,
    a_wipe_keeps_the_console_logged_in,
);

async fn sessions_are_stored_found_closed_and_pruned_at_login(s: TestStore) {
    let old = ConsoleSession::open(&SessionToken::generate(), at(0));
    s.session_open(&old, at(0)).await.expect("open");
    assert_eq!(
        s.session_get(&old.id_hash).await.expect("get"),
        Some(old.clone())
    );
    let later = at(SESSION_LIFETIME_SECS);
    let new = ConsoleSession::open(&SessionToken::generate(), later);
    s.session_open(&new, later).await.expect("open");
    assert_eq!(
        s.session_get(&old.id_hash).await.expect("get"),
        None,
        "expired sessions are deleted at the next login"
    );
    s.session_close(&new.id_hash).await.expect("close");
    assert_eq!(s.session_get(&new.id_hash).await.expect("get"), None);
    s.session_close(&new.id_hash).await.expect("twice");
}

async fn a_wipe_keeps_the_console_logged_in(s: TestStore) {
    let session = ConsoleSession::open(&SessionToken::generate(), at(0));
    s.session_open(&session, at(0)).await.expect("open");
    s.wipe_all().await.expect("wipe");
    assert_eq!(
        s.session_get(&session.id_hash).await.expect("get"),
        Some(session)
    );
}
