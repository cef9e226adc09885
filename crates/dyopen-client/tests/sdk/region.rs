//! City binding through the SDK: add, modify, delete, their errors, and the admin listing.

use crate::helpers::{client, TestServer};
use dyopen_client::{Error, RegionTarget};

#[tokio::test]
async fn page_binding_add_modify_delete_round_trip() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    let page = RegionTarget::page("page/test/index");
    let data_id = c.region_add(&page, "130400").await.expect("add");
    assert!(
        data_id.starts_with("region_") && data_id.len() == 26,
        "{data_id}"
    );
    c.region_modify(&page, "130400", "440300")
        .await
        .expect("modify");
    let listed = server.admin.list_regions(&app.appid).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].region_id.as_str(), listed[0].city_name.as_str()),
        ("440300", "深圳市")
    );
    assert_eq!(listed[0].data_id, data_id, "modify keeps the data_id");

    // Second change within 7 days: throttled, a business error (never retried).
    match c.region_delete(&page, "440300").await {
        Err(Error::Api {
            code,
            message,
            log_id,
        }) => {
            assert_eq!((code, message.as_str()), (10101, "修改区域的频率过高"));
            assert_eq!(log_id.map(|l| l.len()), Some(53));
        }
        other => panic!("{other:?}"),
    }
    server.clock.advance(dyopen_core::clock::Seconds::days(7));
    // The token the client holds is now expired server-side: the client refreshes once.
    c.region_delete(&page, "440300")
        .await
        .expect("delete after the window");
    assert!(server
        .admin
        .list_regions(&app.appid)
        .await
        .expect("list")
        .is_empty());
}

#[tokio::test]
async fn whole_app_binding_and_rule_errors() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    c.region_add(&RegionTarget::Whole, "110100")
        .await
        .expect("municipality xx0100 accepted");
    let listed = server.admin.list_regions(&app.appid).await.expect("list");
    assert_eq!(
        (listed[0].region_id.as_str(), listed[0].bind_type),
        ("110000", 1)
    );
    let err = c
        .region_add(&RegionTarget::Whole, "440300")
        .await
        .expect_err("second city");
    assert_eq!(err.code(), Some(10001));
    assert!(err.to_string().contains("请使用修改接口"), "{err}");
    let err = c
        .region_add(&RegionTarget::page("pages/a"), "440300")
        .await
        .expect_err("page");
    assert_eq!(err.code(), Some(10001));
    let err = c
        .region_add(&RegionTarget::Whole, "371200")
        .await
        .expect_err("abolished");
    assert_eq!(
        err.to_string(),
        "platform error 10001: 参数不合法:region_id参数不合法".to_owned()
            + &format!(" (log id {})", err.log_id().unwrap_or_default())
    );
    let err = c
        .region_modify(&RegionTarget::Whole, "440300", "440400")
        .await
        .expect_err("no such");
    assert_eq!(err.code(), Some(10001));
}
