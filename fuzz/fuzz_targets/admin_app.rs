//! Admin app bodies (`POST /admin/v1/apps`, `PATCH /admin/v1/apps/{appid}`): name, published
//! pages, quotas and status, as the handlers check them.
#![no_main]

use dyopen_core::app::{parse_name, parse_quota, AppStatus, PublishedPages};
use dyopen_fuzz::{body, split};
use dyopen_wire::admin::{CreateAppRequest, UpdateAppRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 2) else {
        return;
    };
    if selector == 0 {
        let Some(req) = body::<CreateAppRequest>(false, bytes) else {
            return;
        };
        let _ = parse_name(&req.name);
        if let Ok(pages) = PublishedPages::parse(&req.pages) {
            assert_eq!(
                PublishedPages::parse(&pages.to_strings()).as_ref().ok(),
                Some(&pages)
            );
        }
        let _ = req.qps_limit.map(|v| parse_quota("qps_limit", v));
    } else {
        let Some(req) = body::<UpdateAppRequest>(false, bytes) else {
            return;
        };
        let _ = req.name.as_deref().map(parse_name);
        let _ = req.pages.as_deref().map(PublishedPages::parse);
        let _ = req
            .daily_link_quota
            .map(|v| parse_quota("daily_link_quota", v));
        let _ = req.status.as_deref().map(AppStatus::parse);
    }
});
