//! Legacy URL-link generation (`/api/apps/url_link/generate`): body, required fields and host,
//! then the plan against the app (path, query, expiry) and the scheme URL a visit redirects to.
#![no_main]

use dyopen_core::link::{GenerateLink, Link, LinkApi, LinkCode, LinkDraft};
use dyopen_fuzz::{app, body, split, NOW};
use dyopen_wire::link::LegacyGenerateRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 2) else {
        return;
    };
    let Some(req) = body::<LegacyGenerateRequest>(selector == 1, bytes) else {
        return;
    };
    let draft = LinkDraft {
        named_app: req.ma_app_id,
        app_name: req.app_name,
        path: req.path,
        query: req.query,
        expire_time: req.expire_time.map(|t| t.0),
    };
    let Ok(cmd) = GenerateLink::parse(draft, LinkApi::Legacy) else {
        return;
    };
    let Ok(new) = cmd.plan(&app(), NOW) else {
        return;
    };
    assert!(new.expires_at > NOW.unix_secs(), "a planned link is live");
    let link = Link {
        code: LinkCode::generate(),
        appid: new.appid,
        host: new.host,
        path: new.path,
        query: new.query,
        created_at: new.created_at,
        expires_at: new.expires_at,
        visits: 0,
    };
    let _ = link.scheme_url();
});
