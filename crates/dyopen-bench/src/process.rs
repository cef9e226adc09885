//! The servers under test as child processes: started, awaited until they print `listening on`,
//! their resident memory read from `/proc`, stopped with SIGTERM.

use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running server process.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Spawns `cmd` and waits (at most a minute) for its `listening on http://…` line.
    pub fn spawn(mut cmd: Command, what: &str) -> anyhow::Result<Self> {
        let mut child = cmd
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let stdout = child.stdout.take().context("stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let base = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .with_context(|| format!("{what} did not print `listening on` within a minute"))?;
            if let Some(at) = line.find("listening on http://") {
                break line[at + "listening on ".len()..].trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe; into
        // `BENCH_SERVER_LOG.<what>` when that is set (the servers' logs, for a run that went wrong).
        let mut log = std::env::var_os("BENCH_SERVER_LOG").and_then(|p| {
            let mut p = p.into_string().ok()?;
            p.push('.');
            p.push_str(&what.replace(' ', "-"));
            std::fs::File::create(p).ok()
        });
        std::thread::spawn(move || {
            use std::io::Write;
            while let Ok(line) = rx.recv() {
                if let Some(f) = log.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
            }
        });
        Ok(Self { child, base })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in MiB (`VmRSS` of `/proc/PID/status`).
    pub fn rss_mib(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS in /proc/PID/status")?;
        Ok(kib / 1024.0)
    }

    /// SIGTERM, then waits for the exit (dyopen flushes its visit counts on the way out).
    pub fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        let status = self.child.wait()?;
        anyhow::ensure!(status.success(), "server exited with {status}");
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only reached when `stop` was not (an error path): never leave a server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
