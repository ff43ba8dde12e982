//! The watchdog: a second xtask process that kills the process groups xtask
//! started once xtask ends — however it ends, `kill -9` included.
//!
//! xtask starts it first thing (`__watchdog`, stdin a pipe, stdout and
//! stderr `/dev/null` so a program reading xtask's output still sees EOF when
//! xtask exits) and tells it `+PGID` when a child group starts and `-PGID`
//! once that group is gone. The watchdog ignores SIGINT, SIGTERM and SIGHUP
//! and reads until EOF: the kernel closes the pipe's only write end when
//! xtask's process ends, for any reason. It then SIGKILLs every group still
//! registered and exits. The write end is close-on-exec, so no child of
//! xtask holds it open.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
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

fn send(sign: char, pgid: u32) {
    if let Some(pipe) = PIPE.get() {
        // One write of a few bytes: atomic on a pipe. A watchdog that died
        // gives EPIPE (SIGPIPE is ignored in Rust programs): nothing to do.
        let line = format!("{sign}{pgid}\n");
        let _ = pipe.lock().unwrap_or_else(PoisonError::into_inner).write_all(line.as_bytes());
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
        for pgid in still_registered(std::io::stdin().lock()) {
            // SAFETY: kill(2) with a negative pid signals a process group
            // xtask created for its child and had not reported gone.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The groups registered and not unregistered when `messages` ends (or fails).
#[cfg_attr(not(unix), allow(dead_code))]
fn still_registered(messages: impl BufRead) -> BTreeSet<i32> {
    let mut groups = BTreeSet::new();
    for line in messages.lines() {
        let Ok(line) = line else { break };
        let (sign, pgid) = line.split_at_checked(1).unwrap_or(("", ""));
        // Only a positive group id above 1: kill(-0) and kill(-1) mean "our
        // group" and "everyone", and a negative one would name a single process.
        match (sign, pgid.parse::<i32>()) {
            ("+", Ok(pgid)) if pgid > 1 => groups.insert(pgid),
            ("-", Ok(pgid)) => groups.remove(&pgid),
            _ => false,
        };
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_left_at_eof_are_those_registered_and_not_unregistered() {
        let messages = "+100\n+200\n-100\n+300\n+0\n+1\n+-5\n+4294967295\nnoise\n-999\n+400";
        assert_eq!(still_registered(messages.as_bytes()), BTreeSet::from([200, 300, 400]));
        assert!(still_registered("".as_bytes()).is_empty());
    }
}
