//! Starting the real `dyopen serve` (through the kit's `process`), raw sockets, and the few
//! admin/open-API calls the hostile tests need.

pub use dyopen_testkit::process::{refused, Server, GENEROUS};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

/// Admin token of every test server (16 characters: accepted on any address).
pub const ADMIN: &str = "hostile-admin-01";

/// `dyopen serve` with the test admin token and `args`.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = dyopen_testkit::process::dyopen(env!("CARGO_BIN_EXE_dyopen"));
    cmd.arg("serve").args(args);
    cmd
}

/// A server on loopback over a fresh SQLite file, with `extra` flags.
pub fn start(extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("hostile.db").display());
    start_on("127.0.0.1:0", &db, extra).owning(dir)
}

/// A server on `listen` over `db`, with `extra` flags.
pub fn start_on(listen: &str, db: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--listen", listen, "--database-url", db];
    if !extra.contains(&"--admin-token") {
        args.extend(["--admin-token", ADMIN]);
    }
    args.extend(extra);
    Server::spawn(command(&args))
}

/// Reads until the peer closes (true) or [`GENEROUS`] passes (false); returns what it read.
pub fn read_until_closed(stream: &mut TcpStream) -> (bool, Vec<u8>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (true, got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (true, got),
            Err(_) => return (false, got),
        }
    }
}

/// Writes `bytes` on a fresh connection and returns it (a client that stops mid-request).
pub fn slow_client(server: &Server, bytes: &[u8]) -> TcpStream {
    let mut s = server.connect();
    s.write_all(bytes).expect("write");
    s
}

/// Half a request header.
pub const HALF_HEADER: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: dyopen\r\nX-Slow: ";

/// Reads one HTTP/1.1 response with a `Content-Length` body; returns (status, body).
pub fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut buf).expect("read head");
        assert!(
            n > 0,
            "closed mid-response: {}",
            String::from_utf8_lossy(&got)
        );
        got.push(buf[0]);
    }
    let head = String::from_utf8_lossy(&got).to_string();
    let status = head[9..12].parse().expect("status");
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .expect("content-length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A blocking HTTP client with a generous timeout.
pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(GENEROUS)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Creates an app; returns (appid, secret).
pub fn create_app(base: &str) -> (String, String) {
    let v: Value = http()
        .post(format!("{base}/admin/v1/apps"))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "hostile", "pages": ["pages/index/index"]}))
        .send()
        .expect("create app")
        .json()
        .expect("json");
    (
        v["appid"].as_str().expect("appid").into(),
        v["secret"].as_str().expect("secret").into(),
    )
}

/// A client token of an app.
pub fn client_token(base: &str, appid: &str, secret: &str) -> String {
    let v: Value = http()
        .post(format!("{base}/oauth/client_token/"))
        .json(&json!({"client_key": appid, "client_secret": secret, "grant_type": "client_credential"}))
        .send()
        .expect("token")
        .json()
        .expect("json");
    v["data"]["access_token"].as_str().expect("token").into()
}

/// `POST /api/product/v1/app_region_add`; returns (HTTP status, envelope).
pub fn region_add(base: &str, token: &str, path: &str) -> (u16, Value) {
    let res = http()
        .post(format!("{base}/api/product/v1/app_region_add"))
        .header("access-token", token)
        .json(&json!({"bind_type": 2, "region_id": "440300", "path": path}))
        .send()
        .expect("region add");
    let status = res.status().as_u16();
    (status, res.json().expect("json envelope"))
}

/// GET `path`; returns (status, JSON body).
pub fn get_json(base: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = http().get(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().expect("GET");
    let status = res.status().as_u16();
    (status, res.json().unwrap_or(Value::Null))
}
