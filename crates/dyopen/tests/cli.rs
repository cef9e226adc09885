//! The `dyopen` CLI (the real binary, via assert_cmd) against a dyopen server running in-process
//! on port 0 over a temp SQLite file.

use assert_cmd::Command;
use dyopen_testkit::{ThreadApp, ADMIN_TOKEN as ADMIN};
use serde_json::Value;

/// A server on its own runtime thread, plus a scratch directory for the CLI's cwd and config.
struct Server {
    app: ThreadApp,
    dir: tempfile::TempDir,
}

fn server() -> Server {
    Server {
        app: ThreadApp::spawn(),
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

impl Server {
    /// `dyopen` with a clean environment pointing at this server.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("dyopen").expect("binary");
        for var in [
            "DYOPEN_URL",
            "DYOPEN_APPID",
            "DYOPEN_SECRET",
            "DYOPEN_ADMIN_TOKEN",
            "DYOPEN_PROFILE",
        ] {
            cmd.env_remove(var);
        }
        cmd.current_dir(self.dir.path())
            .env("DYOPEN_CONFIG", self.dir.path().join("config.toml"))
            .env("DYOPEN_URL", &self.app.base_url)
            .env("DYOPEN_ADMIN_TOKEN", ADMIN);
        cmd
    }

    /// `dyopen` with the app's credentials too.
    fn app_cmd(&self, app: &(String, String)) -> Command {
        let mut cmd = self.cmd();
        cmd.env("DYOPEN_APPID", &app.0).env("DYOPEN_SECRET", &app.1);
        cmd
    }

    fn create_app(&self, pages: &str) -> (String, String) {
        let v = json_of(
            self.cmd()
                .args(["app", "create", "--name", "cli", "--page", pages, "--json"]),
        );
        (
            v["appid"].as_str().expect("appid").to_owned(),
            v["secret"].as_str().expect("secret").to_owned(),
        )
    }
}

/// Runs `cmd`, asserts success and parses stdout as JSON.
fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).expect("utf-8")
}

#[test]
fn app_create_list_and_pages() {
    let s = server();
    let app = s.create_app("pages/index/index,pages/detail/detail");
    assert!(app.0.starts_with("tt") && app.1.len() == 32);
    let list = json_of(s.cmd().args(["app", "list", "--json"]));
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["appid"], app.0.as_str());
    let text = stdout_of(s.cmd().args(["app", "list"]));
    assert!(text.starts_with("APPID") && text.contains(&app.0), "{text}");
    let pages = json_of(s.cmd().args([
        "app",
        "pages",
        &app.0,
        "--add",
        "pages/x/x",
        "--remove",
        "pages/detail/detail",
        "--json",
    ]));
    assert_eq!(pages, serde_json::json!(["pages/index/index", "pages/x/x"]));
    let text = stdout_of(s.cmd().args(["app", "pages", &app.0]));
    assert_eq!(text, "pages/index/index\npages/x/x\n");
}

#[test]
fn token_prints_a_token_of_either_kind() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let text = stdout_of(s.app_cmd(&app).arg("token"));
    assert!(text.starts_with("08") && text.ends_with('\n'), "{text}");
    let v = json_of(
        s.app_cmd(&app)
            .args(["token", "--kind", "client", "--json"]),
    );
    assert!(v["access_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("clt.")));
    assert_eq!(v["expires_in"], 7200);
}

#[test]
fn region_add_modify_list_delete() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let v = json_of(s.app_cmd(&app).args([
        "region",
        "add",
        "--path",
        "page/test/index",
        "130400",
        "--json",
    ]));
    assert!(v["data_id"]
        .as_str()
        .is_some_and(|d| d.starts_with("region_")));
    let text = stdout_of(s.app_cmd(&app).args([
        "region",
        "modify",
        "--path",
        "page/test/index",
        "130400",
        "440300",
    ]));
    assert_eq!(text, "moved page page/test/index from 130400 to 440300\n");
    let list = json_of(s.app_cmd(&app).args(["region", "list", "--json"]));
    assert_eq!(list[0]["region_id"], "440300");
    assert_eq!(list[0]["city_name"], "深圳市");
    let text = stdout_of(s.app_cmd(&app).args(["region", "list"]));
    assert!(text.contains("广东省 深圳市"), "{text}");
    s.app.clock.advance(dyopen_core::clock::Seconds::days(7));
    stdout_of(
        s.app_cmd(&app)
            .args(["region", "delete", "--path", "page/test/index", "440300"]),
    );
    assert_eq!(
        json_of(s.app_cmd(&app).args(["region", "list", "--json"])),
        serde_json::json!([])
    );
}

#[test]
fn errors_exit_non_zero_with_one_line_and_json() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let out = s
        .app_cmd(&app)
        .args(["region", "add", "--whole", "371200"])
        .assert()
        .failure()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: platform error 10001: 参数不合法:region_id参数不合法"),
        "{stderr}"
    );
    let out = s
        .app_cmd(&app)
        .args(["token", "--secret", "wrong", "--json"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json error");
    assert_eq!(v["error"]["code"], 40017);
    assert_eq!(v["error"]["message"], "secret 错误");
    // Missing credentials: a clear one-line cause, no request.
    let out = s
        .cmd()
        .args(["region", "list"])
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("which app?"));
    let out = s.cmd().arg("token").assert().failure().get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--appid and --secret"));
}

#[test]
fn profiles_supply_settings() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let config = format!(
        "default_profile = \"other\"\n[profiles.other]\nurl = \"http://127.0.0.1:1\"\n[profiles.local]\nurl = \"{}\"\nappid = \"{}\"\nsecret = \"{}\"\nadmin_token = \"{ADMIN}\"\n",
        s.app.base_url, app.0, app.1
    );
    std::fs::write(s.dir.path().join("config.toml"), config).expect("write config");
    let mut cmd = s.cmd();
    cmd.env_remove("DYOPEN_URL")
        .env_remove("DYOPEN_ADMIN_TOKEN");
    let text = stdout_of(
        cmd.args(["token", "--profile", "local"])
            .arg("--json")
            .args(["--kind", "v2"]),
    );
    assert!(text.contains("\"access_token\": \"08"), "{text}");
    let mut cmd = s.cmd();
    cmd.env_remove("DYOPEN_URL")
        .env_remove("DYOPEN_ADMIN_TOKEN");
    cmd.args(["app", "list"]).assert().failure(); // default profile points nowhere
    let out = s
        .cmd()
        .args(["app", "list", "--profile", "missing"])
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no profile \"missing\""));
}

#[test]
fn completions_are_generated() {
    let s = server();
    let text = stdout_of(s.cmd().args(["completions", "bash"]));
    assert!(
        text.contains("dyopen") && text.contains("region"),
        "bash script"
    );
    let text = stdout_of(s.cmd().args(["completions", "zsh"]));
    assert!(text.contains("#compdef dyopen"));
}

#[test]
fn task_create_status_list() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let start = "1714521600";
    let v = json_of(s.app_cmd(&app).args([
        "task",
        "create",
        "--name",
        "summer promo",
        "--start-page",
        "pages/index/index",
        "--start",
        start,
        "--douyin-ids",
        "t_1,t_2",
        "--json",
    ]));
    let id = v["task_id"].as_str().expect("task_id string").to_owned();
    assert_eq!(id.len(), 19);
    let text = stdout_of(s.app_cmd(&app).args(["task", "status", &id, "paused"]));
    assert_eq!(text, format!("task {id} is paused\n"));
    let list = json_of(s.app_cmd(&app).args(["task", "list", "--json"]));
    assert_eq!(list["total"], "1");
    assert_eq!(list["tasks"][0]["task_id"], id.as_str());
    assert_eq!(list["tasks"][0]["status"], 2);
    let text = stdout_of(
        s.app_cmd(&app)
            .args(["task", "list", "--category", "exclusive"]),
    );
    assert!(
        text.contains("summer promo") && text.contains("paused"),
        "{text}"
    );
    let out = s
        .app_cmd(&app)
        .args([
            "task",
            "create",
            "--name",
            "x",
            "--start-page",
            "pages/nope",
            "--start",
            start,
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("28005001"));
}

#[test]
fn talents_add_from_a_file_of_200_ids_then_cancel() {
    let s = server();
    let app = s.create_app("pages/index/index");
    let v = json_of(s.app_cmd(&app).args([
        "task",
        "create",
        "--name",
        "big",
        "--start-page",
        "pages/index/index",
        "--start",
        "1714521600",
        "--exclusive",
        "--json",
    ]));
    let task = v["task_id"].as_str().expect("task_id").to_owned();
    let ids: Vec<String> = (0..200).map(|i| format!("talent_{i:03}")).collect();
    let file = s.dir.path().join("ids.txt");
    std::fs::write(&file, format!("# talents\n{}\n\n", ids.join("\n"))).expect("ids file");
    let v = json_of(
        s.app_cmd(&app)
            .args(["talents", "add", "--task", &task, "--file"])
            .arg(&file)
            .arg("--json"),
    );
    assert_eq!(
        (v["succeeded"].as_u64(), v["failed"].as_u64()),
        (Some(200), Some(0))
    );
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), 200);
    assert_eq!(results[199]["douyin_id"], "talent_199");
    assert_eq!(results[0]["update_result"], "请求成功,已添加");
    // The 201st talent hits the task's cap; a refused id exits 2 with the table.
    let out = s
        .app_cmd(&app)
        .args(["talents", "add", "--task", &task, "--ids", "one_more"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("one_more   refused  请求失败,专属任务关联达人数量已达上限"),
        "{text}"
    );
    assert!(text.ends_with("0 succeeded, 1 failed\n"), "{text}");
    let text = stdout_of(s.app_cmd(&app).args([
        "talents",
        "cancel",
        "--task",
        &task,
        "--ids",
        "talent_000,talent_001",
    ]));
    assert!(text.starts_with("DOUYIN_ID"), "{text}");
    assert!(text.contains("talent_001  ok  请求成功,已取消"), "{text}");
    // Call-level errors: one line, exit 1.
    let out = s
        .app_cmd(&app)
        .args(["talents", "add", "--task", "1", "--ids", "a"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: platform error 5442: 任务不存在")
    );
}

#[test]
fn link_create_info_quota_with_a_qr_code() {
    let s = server();
    let app = s.create_app("pages/index/index,pages/detail/detail");
    let expire = (1_714_521_600 + 7200).to_string();
    let text = stdout_of(s.app_cmd(&app).args([
        "link",
        "create",
        "--path",
        "pages/detail/detail",
        "--query",
        r#"{"id":"42"}"#,
        "--expire",
        &expire,
        "--qr",
    ]));
    let mut lines = text.lines();
    let url = lines.next().expect("url line").to_owned();
    assert!(url.starts_with(&s.app.base_url), "{url}");
    let qr: Vec<&str> = lines.collect();
    assert!(
        qr.len() > 10 && qr.iter().any(|l| l.contains('▄')),
        "{text}"
    );
    let info = json_of(s.app_cmd(&app).args(["link", "info", &url, "--json"]));
    assert_eq!(info["path"], "pages/detail/detail");
    assert_eq!(info["expire_time"], 1_714_521_600 + 7200);
    let text = stdout_of(s.app_cmd(&app).args(["link", "info", &url]));
    assert!(text.contains("expires   2024-05-01T02:00:00Z"), "{text}");
    let legacy = json_of(
        s.app_cmd(&app)
            .args(["link", "create", "--legacy", "--expire", &expire, "--json"]),
    );
    assert!(legacy["url_link"]
        .as_str()
        .is_some_and(|u| u.starts_with(&s.app.base_url)));
    let quota = json_of(s.app_cmd(&app).args(["link", "quota", "--json"]));
    assert_eq!(
        (
            quota["url_link_used"].as_i64(),
            quota["url_link_limit"].as_i64()
        ),
        (Some(2), Some(500_000))
    );
    let out = s
        .app_cmd(&app)
        .args([
            "link",
            "create",
            "--path",
            "pages/nope",
            "--expire",
            &expire,
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: platform error 28005001"));
}

#[test]
fn the_admin_token_is_found_beside_the_database_in_use() {
    let s = server();
    let db_dir = s.dir.path().join("data");
    std::fs::create_dir_all(&db_dir).expect("mkdir");
    let mut cmd = s.cmd();
    cmd.env_remove("DYOPEN_ADMIN_TOKEN")
        .env(
            "DYOPEN_DATABASE_URL",
            format!("sqlite://{}", db_dir.join("shop.db").display()),
        )
        .args(["app", "list"]);
    let out = cmd.assert().failure().get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("DYOPEN_ADMIN_TOKEN"), "{err}");
    assert!(err.contains("shop.db.admin-token"), "names the file: {err}");

    std::fs::write(db_dir.join("shop.db.admin-token"), format!("{ADMIN}\n")).expect("write");
    let mut cmd = s.cmd();
    cmd.env_remove("DYOPEN_ADMIN_TOKEN")
        .env(
            "DYOPEN_DATABASE_URL",
            format!("sqlite://{}", db_dir.join("shop.db").display()),
        )
        .args(["app", "list", "--json"]);
    let v = json_of(&mut cmd);
    assert!(v["total"].is_number(), "{v}");
}
