//! The console end to end in headless Chromium, driven over chromedriver, against the real
//! binary in emulator mode: log in, create an app, bind a city, advance the clock 7 days, modify
//! the binding, generate a link, open it, see the visit on the chart, rotate the secret; and the
//! negative cases (no session → login page, a wrong token → an error and no cookie, a POST
//! without the CSRF token → 403, markup in an app name shown escaped). A screenshot of every
//! page at desktop and phone width goes to `target/console-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test` installs them). Without them
//! the test says so on stderr and passes, unless `DYOPEN_REQUIRE_BROWSER=1` (CI) makes it fail.

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver, killed when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser_or_skip() -> Option<Driver> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "console browser test skipped: {} not installed (apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
        if std::env::var("DYOPEN_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("DYOPEN_REQUIRE_BROWSER=1 but {why}");
        }
        eprintln!("{why}");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chromedriver did not listen within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: tempfile::tempdir().expect("profile dir"),
    })
}

async fn connect(driver: &Driver) -> Client {
    let profile = driver._profile.path().display().to_string();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1400",
                     format!("--user-data-dir={profile}")]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!("an object literal")
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromedriver session")
}

fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("console-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// The page as it is now, at desktop width and at phone width (390 px).
async fn shoot(c: &Client, name: &str) {
    let dir = shots_dir();
    for (suffix, w, h) in [("desktop", 1280, 1400), ("phone", 390, 1800)] {
        c.set_window_size(w, h).await.expect("resize");
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).expect("write screenshot");
    }
    c.set_window_size(1280, 1400).await.expect("resize back");
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

async fn path_of(c: &Client) -> String {
    c.current_url().await.expect("url").path().to_owned()
}

async fn fill_and_submit(c: &Client, form_css: &str, fields: &[(&str, &str)]) {
    let page = current_page(c).await;
    let form = c.form(Locator::Css(form_css)).await.expect("form");
    for (name, value) in fields {
        form.set_by_name(name, value).await.expect("field");
    }
    form.submit_direct().await.expect("submit");
    wait_for_next_page(c, page).await;
}

async fn click(c: &Client, css: &str) {
    let page = current_page(c).await;
    c.find(Locator::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("click");
    wait_for_next_page(c, page).await;
}

/// The document element now shown, to tell when a navigation has replaced it.
async fn current_page(c: &Client) -> fantoccini::elements::Element {
    c.find(Locator::Css("html")).await.expect("a page")
}

/// Waits until `old` is gone (every element of a replaced document goes stale) and the next
/// page has a body. A submission or click does not wait for the page it leads to: reading
/// straight after it can find an element of the old page that goes stale under the reader.
async fn wait_for_next_page(c: &Client, old: fantoccini::elements::Element) {
    let started = Instant::now();
    loop {
        match old.tag_name().await {
            Err(e) if e.is_stale_element_reference() => break,
            Err(e) => panic!("waiting for the next page: {e}"),
            Ok(_) => {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "the page was not replaced within 20 s"
                );
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    }
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("body"))
        .await
        .expect("page");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_flow_in_chromium() {
    let Some(driver) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = common::start(&dir.path().join("console.db"), &["--emulator"]);
    let base = server.base_url.clone();
    let c = connect(&driver).await;

    // No session: the login page, from `/` too.
    c.goto(&base).await.expect("goto /");
    assert_eq!(path_of(&c).await, "/console/login");
    shoot(&c, "login").await;

    // A wrong token: an error on the login page, and no cookie.
    fill_and_submit(&c, "form", &[("token", "not-the-admin-token")]).await;
    assert!(text(&c, ".alert").await.contains("Wrong admin token"));
    let cookies = c.get_all_cookies().await.expect("cookies");
    assert!(
        cookies.is_empty(),
        "no cookie after a wrong token: {cookies:?}"
    );

    // Log in.
    fill_and_submit(&c, "form", &[("token", common::ADMIN)]).await;
    assert_eq!(path_of(&c).await, "/console/apps");
    let cookie = c
        .get_named_cookie("dyopen_console")
        .await
        .expect("session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Strict)");
    shoot(&c, "apps").await;

    // A POST without the CSRF token: 403.
    let status = c
        .execute_async(
            "const done = arguments[0];
             fetch('/console/apps', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'name=x'})
               .then(r => done(r.status));",
            vec![],
        )
        .await
        .expect("fetch");
    assert_eq!(status, 403);

    // Create an app whose name carries markup: shown escaped, never run.
    let name = "Shop <script>window.__xss = 1</script>";
    fill_and_submit(
        &c,
        "form[action='/console/apps']",
        &[
            ("name", name),
            ("pages", "pages/index/index\npages/detail/detail"),
        ],
    )
    .await;
    assert_eq!(text(&c, "section h2").await, name);
    let xss = c
        .execute("return window.__xss === undefined;", vec![])
        .await
        .expect("js");
    assert_eq!(
        xss,
        serde_json::json!(true),
        "the name's script must not run"
    );
    let first_secret = text(&c, "#secret").await;
    assert_eq!(first_secret.len(), 32);
    shoot(&c, "app-created").await;
    click(&c, "main a[href^='/console/apps/tt']").await;
    let app_path = path_of(&c).await;
    assert!(app_path.starts_with("/console/apps/tt"), "{app_path}");
    // Rename it through the settings form (the admin API's rules).
    fill_and_submit(
        &c,
        "form[action^='/console/apps/tt']",
        &[("name", "My shop 我的小店")],
    )
    .await;
    assert_eq!(text(&c, "main h1").await, "My shop 我的小店");
    shoot(&c, "app-overview").await;

    // Bind a city to the whole app.
    c.goto(&format!("{base}{app_path}/regions"))
        .await
        .expect("regions");
    fill_and_submit(
        &c,
        "form[action$='/regions/add']",
        &[("bind_type", "1"), ("region_id", "440300")],
    )
    .await;
    assert!(text(&c, "table.bindings").await.contains("深圳市"));

    // Advance the emulator clock 7 days; the binding can change again.
    c.goto(&format!("{base}/console/emulator"))
        .await
        .expect("emulator");
    let before = text(&c, "#clock-now").await;
    click(&c, "#advance-7d").await;
    let after = text(&c, "#clock-now").await;
    assert_ne!(before, after, "the clock moved");
    assert!(text(&c, ".notice").await.contains("The clock now says"));

    // Modify it; a second modify at once is refused with the platform's text.
    c.goto(&format!("{base}{app_path}/regions"))
        .await
        .expect("regions");
    fill_and_submit(
        &c,
        "form[action$='/regions/modify']",
        &[("current_region", "440400")],
    )
    .await;
    assert!(text(&c, "table.bindings").await.contains("珠海市"));
    fill_and_submit(
        &c,
        "form[action$='/regions/modify']",
        &[("current_region", "440300")],
    )
    .await;
    assert!(text(&c, ".alert")
        .await
        .contains("10101 修改区域的频率过高"));
    shoot(&c, "regions").await;

    // A task with two talents.
    c.goto(&format!("{base}{app_path}/tasks"))
        .await
        .expect("tasks");
    fill_and_submit(
        &c,
        "form[action$='/tasks']",
        &[("task_name", "Launch"), ("douyin_ids", "talent_a talent_b")],
    )
    .await;
    assert!(path_of(&c).await.starts_with("/console/tasks/"));
    fill_and_submit(
        &c,
        "form[action$='/talents']",
        &[("douyin_ids", "talent_b"), ("op_type", "2")],
    )
    .await;
    assert!(text(&c, ".notice").await.contains("请求成功,已取消"));
    shoot(&c, "task").await;
    c.goto(&format!("{base}{app_path}/tasks"))
        .await
        .expect("tasks");
    shoot(&c, "tasks").await;

    // Generate a link on the links page and open it: the landing page, in Beijing time.
    c.goto(&format!("{base}{app_path}/links"))
        .await
        .expect("links");
    fill_and_submit(
        &c,
        "form[action$='/links']",
        &[("app_name", "douyin"), ("hours", "24")],
    )
    .await;
    let url = c
        .find(Locator::Css("#made-link"))
        .await
        .expect("new link")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    shoot(&c, "links").await;
    c.goto(&url).await.expect("open the link");
    assert!(text(&c, "body").await.contains("北京时间"));
    shoot(&c, "landing").await;

    // The visit is on the chart's data (flushed first) for today's emulator day.
    c.goto(&format!("{base}{app_path}/links"))
        .await
        .expect("links");
    let today = c
        .find(Locator::Css("table.visits td.num"))
        .await
        .expect("today's row")
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default();
    assert_eq!(today.trim(), "1", "one visit today");
    click(&c, "table.links a").await;
    assert_eq!(text(&c, "#visits-total").await, "1");
    shoot(&c, "link").await;

    // Rotate the secret: a new one, shown once.
    c.goto(&format!("{base}{app_path}"))
        .await
        .expect("overview");
    shoot(&c, "app-with-visits").await;
    fill_and_submit(&c, "form[action$='/secret']", &[]).await;
    let second_secret = text(&c, "#secret").await;
    assert_eq!(second_secret.len(), 32);
    assert_ne!(first_secret, second_secret);

    // The emulator page with its journal, then log out: back to the login page.
    c.goto(&format!("{base}/console/emulator"))
        .await
        .expect("emulator");
    shoot(&c, "emulator").await;
    fill_and_submit(&c, "header form", &[]).await;
    c.goto(&format!("{base}/console/apps")).await.expect("apps");
    assert_eq!(path_of(&c).await, "/console/login");
    c.close().await.expect("close");
    drop(server);
}
