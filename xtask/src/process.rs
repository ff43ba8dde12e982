//! The one way this tool runs other programs: every command is shown before
//! it runs, every failure names the command, and a command with a time limit
//! is killed — with its whole process group — when the limit passes.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::ui;

pub struct Cmd {
    command: Command,
    shown: String,
    /// Not shown at all: a probe whose failure is an answer (`doctor`, `bench`).
    quiet: bool,
}

/// What a captured command did.
pub struct Finished {
    /// `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    /// The same bytes, for binary output.
    pub raw_stdout: Vec<u8>,
    pub stderr: String,
    /// On a time-out: what its threads were doing when it was stopped.
    pub stuck_threads: Option<String>,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref();
        Self { command: Command::new(program), shown: program.to_string_lossy().into_owned(), quiet: false }
    }

    pub fn cargo() -> Self {
        Self::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).named("cargo")
    }

    /// Cargo run in `ws`, with `ws`'s own target dir: cargo hashes path
    /// packages relative to the workspace root, so a scratch copy sharing the
    /// real target dir would overwrite (and falsely "freshen") its artifacts.
    pub fn cargo_in(ws: &crate::manifest::Workspace) -> Self {
        Self::cargo().env("CARGO_TARGET_DIR", ws.cargo_target_dir()).dir(&ws.root)
    }

    /// Not shown before it runs: for probes such as `python3 --version`.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Shows `name` instead of the full program path.
    fn named(mut self, name: &str) -> Self {
        self.shown = name.to_string();
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let arg = arg.as_ref();
        self.shown.push(' ');
        self.shown.push_str(&arg.to_string_lossy());
        self.command.arg(arg);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Runs with inherited stdio; fails unless it exits 0.
    pub fn run(mut self) -> Result<()> {
        ui::clear_status();
        eprintln!("{}", ui::dim(&format!("$ {}", self.shown)));
        let status = self.command.status().with_context(|| format!("could not start `{}`", self.shown))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.shown);
        }
        Ok(())
    }

    /// Runs with output captured, killed after `limit`. The command is shown
    /// on the status line only: the caller reports the result.
    pub fn capture(mut self, limit: Duration) -> Result<Finished> {
        if !self.quiet {
            ui::status(&format!("$ {}", self.shown));
        }
        self.command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut self.command, 0);
        let mut child = self.command.spawn().with_context(|| format!("could not start `{}`", self.shown))?;
        let stdout = collect(child.stdout.take().expect("piped"));
        let stderr = collect(child.stderr.take().expect("piped"));
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stuck_threads = if status.is_none() {
            let report = describe_threads(child.id());
            kill_group(&mut child);
            Some(report)
        } else {
            None
        };
        if !self.quiet {
            ui::clear_status();
        }
        let raw_stdout = stdout.finish();
        let stderr = String::from_utf8_lossy(&stderr.finish()).into_owned();
        Ok(Finished {
            status,
            stdout: String::from_utf8_lossy(&raw_stdout).into_owned(),
            raw_stdout,
            stderr,
            stuck_threads,
        })
    }
}

struct Collector {
    buffer: Arc<Mutex<Vec<u8>>>,
    thread: std::thread::JoinHandle<()>,
}

impl Collector {
    fn finish(self) -> Vec<u8> {
        // A killed child's grandchildren may hold the pipe open for a moment;
        // the group kill closes it, so this join ends.
        let _ = self.thread.join();
        std::mem::take(&mut *self.buffer.lock().expect("collector lock"))
    }
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collector {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let thread = std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().expect("collector lock").extend_from_slice(&chunk[..n]);
        }
    });
    Collector { buffer, thread }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    // SAFETY: kill(2) with a negative pid signals the process group we
    // created for this child (process_group(0) made its pid the group id).
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// "3 threads: 3 asleep in futex_wait_queue (a lock, a condition variable, a
/// channel or a join), 0 running" — read from /proc on Linux.
fn describe_threads(pid: u32) -> String {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return "its threads could not be inspected on this OS".into();
    };
    let (mut running, mut waiting) = (0, std::collections::BTreeMap::<String, usize>::new());
    for task in tasks.flatten() {
        let path = task.path();
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        // The state follows the parenthesised command name.
        let state = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()).unwrap_or("?");
        if state == "R" {
            running += 1;
            continue;
        }
        let wchan = std::fs::read_to_string(path.join("wchan")).unwrap_or_default();
        let wchan = if wchan.is_empty() || wchan == "0" { "sleep".to_string() } else { wchan };
        *waiting.entry(wchan).or_default() += 1;
    }
    let total = running + waiting.values().sum::<usize>();
    let mut parts: Vec<String> = waiting
        .iter()
        .map(|(wchan, n)| {
            let what = if wchan.contains("futex") {
                " (a lock, a condition variable, a channel or a join)"
            } else if wchan.contains("pipe") {
                " (a pipe)"
            } else {
                ""
            };
            format!("{n} asleep in {wchan}{what}")
        })
        .collect();
    parts.push(format!("{running} running"));
    format!("{total} threads: {}", parts.join(", "))
}

/// `CI=true`: what may be skipped on a laptop is mandatory.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

impl Cmd {
    /// Its trimmed output (stdout, then stderr) when it runs and exits 0 — for
    /// probing a tool's version; a failure is an answer, not an error.
    pub fn output_if_ok(self) -> Option<String> {
        let out = self.quiet().capture(Duration::from_secs(60)).ok()?;
        out.success().then(|| format!("{}{}", out.stdout, out.stderr).trim().to_string())
    }

    /// Runs with inherited stdio and returns its exit status, whatever it is.
    pub fn status(mut self) -> Result<ExitStatus> {
        eprintln!("{}", ui::dim(&format!("$ {}", self.shown)));
        self.command.status().with_context(|| format!("could not start `{}`", self.shown))
    }
}
