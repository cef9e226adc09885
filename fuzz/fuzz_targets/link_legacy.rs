//! Legacy URL-link generation (`/api/apps/url_link/generate`): body, required fields and host,
//! then the plan against the app (path, query, expiry) and the scheme URL a visit redirects to.
#![no_main]

use dyopen_core::link::{GenerateLink, Link, LinkCode};
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
    let Ok(cmd) = GenerateLink::parse(
        "ma_app_id",
        req.ma_app_id,
        req.app_name,
        req.path,
        req.query,
        req.expire_time.map(|t| t.0),
        true,
    ) else {
        return;
    };
    let Ok(new) = cmd.plan(&app(), NOW) else {
        return;
    };
    assert!(new.expires_at > NOW.secs(), "a planned link is live");
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
