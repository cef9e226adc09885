//! The real `dyopen` binary as a child process: a command with a clean environment, a server
//! started from it and awaited up to its `listening on` line (bounded), its stdout kept for the
//! test to read, and the process killed when the handle is dropped.
//!
//! The binary's path is an argument: `env!("CARGO_BIN_EXE_dyopen")` exists only in the tests of
//! the `dyopen` crate itself.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Bound for anything a child process must do eventually (never a performance assertion): print
/// its `listening on` line, exit after a signal, answer on a raw connection.
pub const GENEROUS: Duration = Duration::from_secs(60);

/// `bin` (the `dyopen` binary) with none of the caller's `DYOPEN_*` variables and `NO_COLOR=1`,
/// so its log lines are plain text.
pub fn dyopen(bin: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(bin);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DYOPEN_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A running `dyopen serve` (or `dyopen proxy`), killed (SIGKILL) and reaped when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://IP:PORT` of its `listening on` line; an unspecified IP (`0.0.0.0`) reads as
    /// `127.0.0.1`, so the URL always reaches it.
    pub base_url: String,
    /// The port it bound.
    pub port: u16,
    /// What it printed on stdout up to and including `listening on`.
    pub lines: Vec<String>,
    /// Everything it printed on stdout so far (its log goes there); filled by a reader thread.
    output: Arc<Mutex<Vec<String>>>,
    /// A directory that lives as long as the process (its database), removed after the kill.
    dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Spawns `cmd` with stdout piped (kept, see [`Server::printed`]) and stderr inherited, and
    /// waits up to [`GENEROUS`] for its `listening on http://…` line.
    pub fn spawn(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn dyopen");
        let stdout = child.stdout.take().expect("stdout");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let kept = output.clone();
        // Reads to the end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                kept.lock().expect("lock").push(line.clone());
                let _ = tx.send(line);
            }
        });
        let mut server = Server {
            child,
            base_url: String::new(),
            port: 0,
            lines: Vec::new(),
            output,
            dir: None,
        };
        let deadline = Instant::now() + GENEROUS;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .expect("dyopen printed `listening on` in time");
            let addr = listening_addr(&line);
            server.lines.push(line);
            if let Some(addr) = addr {
                break addr;
            }
        };
        let ip = match addr.ip() {
            ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        server.base_url = format!("http://{}", SocketAddr::new(ip, addr.port()));
        server.port = addr.port();
        server
    }

    /// Keeps `dir` (the server's database, say) until the process is killed.
    pub fn owning(mut self, dir: tempfile::TempDir) -> Server {
        self.dir = Some(dir);
        self
    }

    /// Its stdout so far, one string.
    pub fn printed(&self) -> String {
        self.output.lock().expect("lock").join("\n")
    }

    /// The `demo app: appid … secret …` line's credentials, if it printed one on start.
    pub fn demo(&self) -> Option<(String, String)> {
        self.printed_credentials("demo app:").into_iter().next()
    }

    /// The credentials of every start-up line starting with `prefix` and shaped
    /// `… appid A secret S`.
    pub fn printed_credentials(&self, prefix: &str) -> Vec<(String, String)> {
        self.lines
            .iter()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                let at = |k: &str| words.iter().position(|w| *w == k).map(|i| words[i + 1]);
                Some((at("appid")?.to_owned(), at("secret")?.to_owned()))
            })
            .collect()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGTERM (a graceful shutdown).
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

    /// A raw connection to it, reads bounded by [`GENEROUS`].
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(GENEROUS)).expect("timeout");
        s
    }

    /// Stops the process (SIGKILL) and waits for it.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address of a `… listening on http://ADDR` line.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("listening on")?..];
    let url = rest[rest.find("http://")?..].trim();
    let addr = url["http://".len()..].trim_end_matches('/');
    Some(addr.parse().expect("an IP:PORT in the listening line"))
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

/// Runs a command that must refuse to start (waiting up to [`GENEROUS`]); returns its exit
/// status and its stdout followed by its stderr.
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
