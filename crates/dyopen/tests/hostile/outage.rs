//! A PostgreSQL outage, caused by a TCP proxy between the server and the shared database (which
//! the tests never stop): `/readyz` answers 503 quickly and names the dependency, open-API calls
//! answer their dialect's system error (after the acquire timeout, or the handler timeout when
//! nothing answers at all), and service resumes by itself once the proxy forwards again.

use crate::proxy::{Mode, Proxy};
use crate::support::*;
use serde_json::Value;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

/// A fresh schema on `DYOPEN_TEST_PG_URL`, dropped at the end; `None` (skipped) without it.
struct PgSchema {
    base: String,
    schema: String,
    url: String,
}

impl PgSchema {
    fn new() -> Option<Self> {
        let base = dyopen_testkit::skip_unless_set(
            "DYOPEN_TEST_PG_URL",
            "DYOPEN_REQUIRE_PG",
            "PostgreSQL case",
        )?;
        let (url, schema) = runtime()
            .block_on(dyopen_store::testing::create_pg_schema(&base))
            .expect("create schema");
        Some(Self { base, schema, url })
    }

    /// The schema's URL with its host and port replaced by `127.0.0.1:port`, and the address
    /// it named.
    fn through(&self, port: u16) -> (String, SocketAddr) {
        let scheme_end = self.url.find("://").expect("scheme") + 3;
        let rest = &self.url[scheme_end..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let host_start = authority.rfind('@').map_or(0, |at| at + 1);
        let hostport = &authority[host_start..];
        let hostport = if hostport.contains(':') {
            hostport.to_owned()
        } else {
            format!("{hostport}:5432")
        };
        let addr = hostport
            .to_socket_addrs()
            .expect("resolve")
            .next()
            .expect("an address");
        let proxied = format!(
            "{}{}127.0.0.1:{port}{}",
            &self.url[..scheme_end],
            &authority[..host_start],
            &rest[authority_end..]
        );
        (proxied, addr)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = runtime().block_on(dyopen_store::testing::drop_pg_schema(
            &self.base,
            &self.schema,
        ));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A server on the schema through a proxy, with `extra` flags; and an app token.
fn proxied_server(pg: &PgSchema, extra: &[&str]) -> (Proxy, Server, String) {
    let probe = pg.through(0).1;
    let proxy = Proxy::start(Some(probe), Mode::Open);
    let (url, _) = pg.through(proxy.port);
    let server = start_on("127.0.0.1:0", &url, extra);
    let (appid, secret) = create_app(&server.base_url);
    let token = client_token(&server.base_url, &appid, &secret);
    (proxy, server, token)
}

/// Polls `check` until it is true (at most [`GENEROUS`]).
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + GENEROUS;
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen in time");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn assert_system_error(status: u16, v: &Value) {
    assert_eq!(
        status, 200,
        "business and system errors answer HTTP 200: {v}"
    );
    assert_eq!(v["err_no"], 10000, "{v}");
    assert_eq!(v["err_msg"], "系统错误", "{v}");
}

#[test]
fn a_cut_database_gives_503_readyz_and_dialect_errors_then_recovers() {
    let Some(pg) = PgSchema::new() else { return };
    let (proxy, server, token) = proxied_server(&pg, &["--db-acquire-timeout", "1s"]);
    let base = &server.base_url;
    let (status, v) = region_add(base, &token, "p/before");
    assert_eq!((status, v["err_no"].as_i64()), (200, Some(0)), "{v}");
    assert_eq!(get_json(base, "/readyz", None).0, 200);

    proxy.set(Mode::Cut);
    let asked = Instant::now();
    let (status, ready) = get_json(base, "/readyz", None);
    let took = asked.elapsed();
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["database"], "unreachable", "{ready}");
    assert_eq!(ready["status"], "unavailable", "{ready}");
    // Only the named dependency, never its error text.
    assert_eq!(ready.as_object().expect("object").len(), 3, "{ready}");
    eprintln!("readyz answered 503 after {took:?}");
    let (status, v) = region_add(base, &token, "p/during");
    assert_system_error(status, &v);

    proxy.set(Mode::Open);
    eventually("readyz 200 again", || {
        get_json(base, "/readyz", None).0 == 200
    });
    let (status, v) = region_add(base, &token, "p/after");
    assert_eq!((status, v["err_no"].as_i64()), (200, Some(0)), "{v}");
}

#[test]
fn a_database_that_answers_nothing_hits_the_handler_timeout() {
    let Some(pg) = PgSchema::new() else { return };
    // The acquire timeout is longer than the client waits: only the handler timeout can answer.
    let (proxy, server, token) = proxied_server(
        &pg,
        &["--handler-timeout", "1s", "--db-acquire-timeout", "10m"],
    );
    let base = &server.base_url;
    let (status, v) = region_add(base, &token, "p/before");
    assert_eq!((status, v["err_no"].as_i64()), (200, Some(0)), "{v}");

    proxy.set(Mode::Hold);
    let (status, v) = region_add(base, &token, "p/held");
    assert_system_error(status, &v);
    let (status, v) = get_json(base, "/admin/v1/apps?page=1", Some(ADMIN));
    assert_eq!(status, 503, "admin routes answer 503: {v}");
    assert_eq!(v["error"]["code"], "unavailable", "{v}");
    let res = http().get(format!("{base}/readyz")).send().expect("readyz");
    let status = res.status().as_u16();
    let text = res.text().expect("text");
    let ready: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(
        (status, &ready["database"]),
        (503, &Value::from("unreachable")),
        "{text}"
    );

    proxy.set(Mode::Open);
    let mut attempt = 0;
    eventually("a binding succeeds again", || {
        attempt += 1;
        region_add(base, &token, &format!("p/after/{attempt}")).1["err_no"] == 0
    });
}
