//! Console transcripts (```` ```console ```` blocks: `$ command` lines, each followed by the output
//! a terminal showed, stderr included) replayed in one bash session and compared line by line.
//!
//! Generated values differ on every run, so values of a known shape (appids, secrets, tokens, log
//! ids, data and task ids, links, times) compare by shape; and because the transcript reuses the
//! values it printed (`export DYOPEN_APPID=tt…`, `task status 7531…`), each printed value is mapped
//! to the one this run printed in its place, and later commands are rewritten with the map — what
//! a reader copying the commands does by hand. A line `…` stands for any number of lines; a run of
//! QR-code lines matches any run of QR-code lines.

use regex::Regex;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// One `$ command` and the output shown after it.
#[derive(Debug, Clone)]
pub struct Step {
    /// The command line.
    pub command: String,
    /// The lines shown after it.
    pub expected: Vec<String>,
}

/// The steps of a console block.
pub fn steps(block: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    for line in block.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Step {
                command: cmd.to_owned(),
                expected: Vec::new(),
            });
        } else if let Some(step) = out.last_mut() {
            step.expected.push(line.to_owned());
        }
    }
    out
}

const MARKER: &str = "@@dyopen-doc-step-done@@";

/// A bash process that runs commands one at a time, stdout and stderr merged.
pub struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Session {
    /// bash in `cwd` with `env` set on top of a clean `DYOPEN_*`-free environment.
    pub fn new(cwd: &Path, env: &[(&str, String)]) -> Self {
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc"]).current_dir(cwd);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("DYOPEN_") {
                cmd.env_remove(key);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            stdin,
            lines,
        }
    }

    /// Runs one command line; its output lines (stderr included).
    pub fn run(&mut self, command: &str) -> Vec<String> {
        writeln!(
            self.stdin,
            "{{ {command}\n}} 2>&1 </dev/null; printf '\\n%s\\n' '{MARKER}'"
        )
        .expect("write to bash");
        self.stdin.flush().expect("flush");
        let mut out = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("`{command}` did not finish; output so far: {out:?}"));
            if line == MARKER {
                break;
            }
            out.push(line);
        }
        // The marker's leading newline ends a last line without one, or adds an empty line.
        if out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        out
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Values that differ between runs, by shape; the first alternative wins at a position.
fn shapes() -> Regex {
    Regex::new(concat!(
        r"(?P<logid>02\d{13}0{20}ffff[0-9a-f]{14})",
        r"|(?P<link>https?://[0-9.]+:\d+/[0-9A-Za-z]{7}\b)",
        r"|(?P<dataid>region_\d{19})",
        r"|(?P<token>clt\.[0-9a-f]+|\b08[0-9a-f]{40}\b)",
        r"|(?P<appid>\btt[0-9a-f]{16}\b)",
        r"|(?P<secret>\b[0-9a-f]{32}\b)",
        r"|(?P<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)",
        r"|(?P<id>\b\d{19}\b)",
    ))
    .expect("regex")
}

/// A line with its varying values replaced by their kind, and those values in order.
fn normalize(re: &Regex, line: &str) -> (String, Vec<String>) {
    if !line.trim().is_empty() && line.chars().all(|c| matches!(c, '█' | '▀' | '▄' | ' ')) {
        return ("[qr]".into(), Vec::new());
    }
    let mut values = Vec::new();
    let mut shape = String::new();
    let mut last = 0;
    for caps in re.captures_iter(line) {
        let m = caps.get(0).expect("whole match");
        let kind = re
            .capture_names()
            .flatten()
            .find(|n| caps.name(n).is_some())
            .unwrap_or("value");
        shape.push_str(&line[last..m.start()]);
        shape.push_str(&format!("[{kind}]"));
        values.push(m.as_str().to_owned());
        last = m.end();
    }
    shape.push_str(&line[last..]);
    (shape.trim_end().to_owned(), values)
}

/// Replays transcripts, carrying the map from printed values to this run's values.
pub struct Replayer {
    session: Session,
    shapes: Regex,
    map: HashMap<String, String>,
    /// The base URL the doc shows (`http://127.0.0.1:8080`) and this run's.
    base: (String, String),
}

impl Replayer {
    /// A replayer running commands in `session`; `doc_base` in the doc is `base` in this run.
    pub fn new(session: Session, doc_base: &str, base: &str) -> Self {
        Self {
            session,
            shapes: shapes(),
            map: HashMap::new(),
            base: (doc_base.to_owned(), base.to_owned()),
        }
    }

    /// Runs each step, comparing its output; the first difference is the error.
    pub fn replay(&mut self, steps: &[Step], origin: &str) -> Result<(), String> {
        for step in steps {
            let mut command = step.command.clone();
            let mut known: Vec<(&String, &String)> = self.map.iter().collect();
            known.sort_by_key(|(doc, _)| std::cmp::Reverse(doc.len()));
            for (doc, actual) in known {
                command = command.replace(doc.as_str(), actual);
            }
            let actual: Vec<String> = self
                .session
                .run(&command)
                .into_iter()
                .map(|l| l.replace(&self.base.1, &self.base.0))
                .collect();
            self.compare(&step.expected, &actual).map_err(|why| {
                format!(
                    "{origin}: `$ {}` (ran `{command}`): {why}\nexpected:\n{}\nactual:\n{}",
                    step.command,
                    step.expected.join("\n"),
                    actual.join("\n")
                )
            })?;
        }
        Ok(())
    }

    fn compare(&mut self, expected: &[String], actual: &[String]) -> Result<(), String> {
        let exp: Vec<(String, Vec<String>)> = collapse_qr(
            expected
                .iter()
                .map(|l| normalize(&self.shapes, l))
                .collect(),
        );
        let act: Vec<(String, Vec<String>)> =
            collapse_qr(actual.iter().map(|l| normalize(&self.shapes, l)).collect());
        let pairs = align(&exp, &act).ok_or("the output differs")?;
        for (e, a) in pairs {
            for (doc, run) in exp[e].1.iter().zip(&act[a].1) {
                self.map.entry(doc.clone()).or_insert_with(|| run.clone());
            }
        }
        Ok(())
    }
}

fn collapse_qr(lines: Vec<(String, Vec<String>)>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for l in lines {
        if l.0 == "[qr]" && out.last().is_some_and(|p| p.0 == "[qr]") {
            continue;
        }
        out.push(l);
    }
    out
}

/// Matches expected lines to actual ones (`…` lines match any run); the matched index pairs.
fn align(
    exp: &[(String, Vec<String>)],
    act: &[(String, Vec<String>)],
) -> Option<Vec<(usize, usize)>> {
    fn go(
        exp: &[(String, Vec<String>)],
        act: &[(String, Vec<String>)],
        e: usize,
        a: usize,
        pairs: &mut Vec<(usize, usize)>,
    ) -> bool {
        if e == exp.len() {
            return a == act.len();
        }
        if exp[e].0.trim() == "…" {
            return (a..=act.len()).any(|skip| {
                let mark = pairs.len();
                go(exp, act, e + 1, skip, pairs) || {
                    pairs.truncate(mark);
                    false
                }
            });
        }
        if a < act.len() && exp[e].0 == act[a].0 {
            pairs.push((e, a));
            if go(exp, act, e + 1, a + 1, pairs) {
                return true;
            }
            pairs.pop();
        }
        false
    }
    let mut pairs = Vec::new();
    go(exp, act, 0, 0, &mut pairs).then_some(pairs)
}

#[test]
fn values_of_known_shapes_compare_by_shape_and_are_mapped() {
    let re = shapes();
    let (shape, values) = normalize(
        &re,
        "appid   ttf1be3ded021af94e (log id 02179562159944600000000000000000000ffff7f0000015da032)",
    );
    assert_eq!(shape, "appid   [appid] (log id [logid])");
    assert_eq!(values.len(), 2);
    let exp = vec![
        ("a".to_owned(), vec![]),
        ("…".to_owned(), vec![]),
        ("z".to_owned(), vec![]),
    ];
    let act = vec![
        ("a".to_owned(), vec![]),
        ("b".to_owned(), vec![]),
        ("c".to_owned(), vec![]),
        ("z".to_owned(), vec![]),
    ];
    assert_eq!(align(&exp, &act), Some(vec![(0, 0), (2, 3)]));
    assert_eq!(align(&exp, &act[..3]), None);
}
