//! Starting and stopping the real `dyopen serve`, raw sockets, and the few admin/open-API calls
//! the hostile tests need.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Admin token of every test server (16 characters: accepted on any address).
pub const ADMIN: &str = "hostile-admin-01";
/// Bound for anything that must happen eventually (never a performance assertion).
pub const GENEROUS: Duration = Duration::from_secs(60);

/// A running `dyopen serve`.
pub struct Server {
    pub child: Child,
    pub base_url: String,
    pub port: u16,
    /// Everything it printed on stdout so far (its log goes there).
    pub output: Arc<Mutex<Vec<String>>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `dyopen serve` with the test admin token and `args`.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dyopen"));
    cmd.arg("serve")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DYOPEN_ADMIN_TOKEN")
        .env_remove("DYOPEN_EMULATOR")
        .env_remove("DYOPEN_EMULATOR_REMOTE");
    cmd
}

/// A server on loopback over a fresh SQLite file, with `extra` flags.
pub fn start(extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("hostile.db").display());
    let mut server = start_on("127.0.0.1:0", &db, extra);
    server._dir = Some(dir);
    server
}

/// A server on `listen` over `db`, with `extra` flags.
pub fn start_on(listen: &str, db: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--listen", listen, "--database-url", db];
    if !extra.contains(&"--admin-token") {
        args.extend(["--admin-token", ADMIN]);
    }
    args.extend(extra);
    spawn(command(&args))
}

/// Spawns `cmd` and waits for its `listening on` line.
pub fn spawn(mut cmd: Command) -> Server {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn dyopen");
    let stdout = child.stdout.take().expect("stdout");
    let output = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let lines = output.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("listening on") {
                let _ = tx.send(line.clone());
            }
            lines.lock().expect("lock").push(line);
        }
    });
    let line = rx
        .recv_timeout(GENEROUS)
        .expect("dyopen printed `listening on` in time");
    let url = line[line.find("http://").expect("url")..].trim();
    let port: u16 = url.rsplit(':').next().expect("port").parse().expect("port");
    Server {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
        port,
        output,
        _dir: None,
    }
}

impl Server {
    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
    }

    /// Waits (up to [`GENEROUS`]) for the process to exit.
    pub fn wait_exit(&mut self) -> ExitStatus {
        wait_exit(&mut self.child)
    }

    /// Its stdout so far, one string.
    pub fn printed(&self) -> String {
        self.output.lock().expect("lock").join("\n")
    }

    /// A raw connection to it.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(GENEROUS)).expect("timeout");
        s
    }
}

/// Waits (up to [`GENEROUS`]) for `child` to exit.
pub fn wait_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + GENEROUS;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "dyopen did not exit in time");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a `dyopen serve` that must refuse to start; returns its exit status and all output.
pub fn refused(mut cmd: Command) -> (ExitStatus, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        let _ = err.read_to_string(&mut text);
        text
    });
    let status = wait_exit(&mut child);
    let text = reader.join().expect("reader");
    (status, text)
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
