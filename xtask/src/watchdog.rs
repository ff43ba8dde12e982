//! The watchdog: a second xtask process that kills the process groups xtask
//! started once xtask ends — however it ends, `kill -9` included.
//!
//! xtask starts it first thing (`__watchdog`, stdin a pipe, stdout and
//! stderr `/dev/null` so a program reading xtask's output still sees EOF when
//! xtask exits) and tells it `+PGID` when a child group starts and `-PGID`
//! once that group is gone; likewise `f<hex path>` for a half-written file
//! and `k<hex path>` once it is renamed into place or removed. The watchdog
//! ignores SIGINT, SIGTERM and SIGHUP and reads until EOF: the kernel closes
//! the pipe's only write end when xtask's process ends, for any reason. It
//! then SIGKILLs every group still registered, removes every file still
//! registered, and exits. The write end is close-on-exec, so no child of
//! xtask holds it open.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ExitCode};
use std::sync::{Mutex, OnceLock, PoisonError};

/// The hidden subcommand that runs [`serve`].
pub const SUBCOMMAND: &str = "__watchdog";

static PIPE: OnceLock<Mutex<ChildStdin>> = OnceLock::new();

/// Starts the watchdog, once per xtask process, without waiting for it.
///
/// If it cannot start (or off Unix), groups are still killed on every
/// ordinary way out of a command, only not when xtask itself is killed.
pub fn start() {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        let Ok(exe) = std::env::current_exe() else { return };
        // Its own group: a Ctrl-C in the terminal or a signal to xtask's group
        // does not reach it. No pre_exec closure, so std can use posix_spawn.
        let spawned = Command::new(exe)
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        // The `Child` is dropped unreaped on purpose: the watchdog outlives
        // xtask, and init reaps it.
        if let Ok(mut child) = spawned
            && let Some(pipe) = child.stdin.take()
        {
            let _ = PIPE.set(Mutex::new(pipe));
        }
    }
}

/// Tells the watchdog to kill group `pgid` if xtask ends before [`unregister`].
pub fn register(pgid: u32) {
    send('+', pgid);
}

/// Group `pgid` is gone (reaped and killed): the watchdog forgets it.
pub fn unregister(pgid: u32) {
    send('-', pgid);
}

/// Tells the watchdog to remove `path` (a half-written file) if xtask ends before [`keep`].
pub fn remove_if_killed(path: &Path) {
    send_line(&format!("f{}", hex_path(path)));
}

/// `path` was renamed into place or removed: the watchdog forgets it.
pub fn keep(path: &Path) {
    send_line(&format!("k{}", hex_path(path)));
}

/// Hex, so that any byte of a path (a newline included) survives the line protocol.
fn hex_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.as_os_str().as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex_path(hex: &str) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    bytes.filter(|b| !b.is_empty()).map(|b| PathBuf::from(std::ffi::OsString::from_vec(b)))
}

fn send(sign: char, pgid: u32) {
    send_line(&format!("{sign}{pgid}"));
}

fn send_line(line: &str) {
    if let Some(pipe) = PIPE.get() {
        // One write of a line: atomic on a pipe up to PIPE_BUF (4096) bytes.
        // A watchdog that died gives EPIPE (SIGPIPE is ignored in Rust
        // programs): nothing to do.
        let _ = pipe.lock().unwrap_or_else(PoisonError::into_inner).write_all(format!("{line}\n").as_bytes());
    }
}

/// The `__watchdog` process: reads registrations until xtask is gone, then
/// kills the groups still registered.
pub fn serve() -> ExitCode {
    #[cfg(unix)]
    {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: setting a signal's disposition to SIG_IGN installs no
            // handler code; nothing else in this process touches signals.
            unsafe {
                libc::signal(signal, libc::SIG_IGN);
            }
        }
        let left = still_registered(std::io::stdin().lock());
        for pgid in left.groups {
            // SAFETY: kill(2) with a negative pid signals a process group
            // xtask created for its child and had not reported gone.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        for file in left.files {
            let _ = std::fs::remove_file(file);
        }
    }
    ExitCode::SUCCESS
}

/// What is still registered when the messages end.
#[derive(Debug, Default, PartialEq)]
struct Left {
    groups: BTreeSet<i32>,
    files: BTreeSet<PathBuf>,
}

/// The groups and files registered and not unregistered when `messages` ends (or fails).
#[cfg_attr(not(unix), allow(dead_code))]
fn still_registered(messages: impl BufRead) -> Left {
    let mut left = Left::default();
    for line in messages.lines() {
        let Ok(line) = line else { break };
        let (sign, rest) = line.split_at_checked(1).unwrap_or(("", ""));
        match (sign, rest.parse::<i32>(), unhex_path(rest)) {
            // Only a positive group id above 1: kill(-0) and kill(-1) mean
            // "our group" and "everyone", and a negative one names a process.
            ("+", Ok(pgid), _) if pgid > 1 => left.groups.insert(pgid),
            ("-", Ok(pgid), _) => left.groups.remove(&pgid),
            ("f", _, Some(file)) => left.files.insert(file),
            ("k", _, Some(file)) => left.files.remove(&file),
            _ => false,
        };
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_left_at_eof_are_those_registered_and_not_unregistered() {
        let messages = "+100\n+200\n-100\n+300\n+0\n+1\n+-5\n+4294967295\nnoise\n-999\n+400";
        assert_eq!(still_registered(messages.as_bytes()).groups, BTreeSet::from([200, 300, 400]));
        assert_eq!(still_registered("".as_bytes()), Left::default());
    }

    #[test]
    fn the_files_left_at_eof_are_those_registered_and_not_kept() {
        let (a, b) = (Path::new("/tmp/a\nb.partial"), Path::new("/tmp/c"));
        let messages = format!("f{}\nf{}\nk{}\nfzz\nf\n", hex_path(a), hex_path(b), hex_path(b));
        assert_eq!(still_registered(messages.as_bytes()).files, BTreeSet::from([a.to_path_buf()]));
    }
}
