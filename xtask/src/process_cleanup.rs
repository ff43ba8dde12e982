//! The end-to-end proof that no process outlives xtask: `test` starts this
//! very binary capturing a shell that leaves a grandchild behind, kills it
//! with SIGINT, SIGTERM and SIGKILL in turn, and looks in /proc for
//! survivors. The capturing side is the hidden `__capture` subcommand.

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::process::Cmd;
use crate::ui;

/// The hidden subcommand that runs [`capture`].
pub const SUBCOMMAND: &str = "__capture";

/// `xtask __capture PROGRAM ARGS…`: captures the program for up to an hour
/// and exits with its code (1 when it had none, 2 when it could not run).
pub fn capture(mut command: impl Iterator<Item = OsString>) -> ExitCode {
    let Some(program) = command.next() else {
        anstream::eprintln!("{} usage: xtask {SUBCOMMAND} PROGRAM [ARGS…]", ui::red("error:"));
        return ExitCode::from(2);
    };
    match Cmd::new(program).args(command).quiet().capture(Duration::from_secs(3600)) {
        Ok(out) => ExitCode::from(out.status.and_then(|s| s.code()).unwrap_or(1).clamp(0, 255) as u8),
        Err(err) => {
            anstream::eprintln!("{} {err:#}", ui::red("error:"));
            ExitCode::from(2)
        }
    }
}

/// The `process cleanup` step of `test` (Linux only: it reads /proc).
#[cfg(not(target_os = "linux"))]
pub fn test() -> Result<()> {
    anstream::println!("{} process cleanup is checked on Linux only (it reads /proc)", ui::yellow("!"));
    Ok(())
}

/// The `process cleanup` step of `test`: after each of SIGINT, SIGTERM and
/// SIGKILL to a capturing xtask, its child and grandchild are gone within 2 s.
#[cfg(target_os = "linux")]
pub fn test() -> Result<()> {
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use anyhow::{Context, bail};

    use crate::process::processes_with_arg;

    for (name, signal) in [("SIGINT", libc::SIGINT), ("SIGTERM", libc::SIGTERM), ("SIGKILL", libc::SIGKILL)] {
        let marker = format!("workbench-cleanup-{}-{name}", std::process::id());
        let (child, grandchild) = (format!("{marker}-child"), format!("{marker}-grandchild"));
        // Each shell names itself ($0) with a marker: found in /proc by
        // argument, while the script that mentions both is gone by then.
        let script =
            format!("sh -c 'while :; do sleep 1; done' {grandchild} & exec sh -c 'while :; do sleep 1; done' {child}");
        // Not through `Cmd`: this test needs the running process to signal.
        let mut xtask = Command::new(std::env::current_exe()?);
        // A shell without job control starts background commands with SIGINT
        // ignored, and children inherit that: restore the default, or the
        // signal under test would never reach xtask.
        // SAFETY: signal(2) is async-signal-safe; nothing else runs in the child before exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut xtask, || {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGTERM, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut xtask = xtask
            .args([SUBCOMMAND, "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start xtask itself")?;
        let found = |arg: &str| !processes_with_arg(|a| a == arg).is_empty();
        let started = Instant::now();
        while !(found(&child) && found(&grandchild)) {
            if started.elapsed() > Duration::from_secs(10) {
                let _ = xtask.kill();
                let _ = xtask.wait();
                kill_left(&marker);
                bail!("the captured shell did not start its child and grandchild within 10 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // SAFETY: kill(2) on the pid of our own unreaped child.
        unsafe {
            libc::kill(xtask.id() as libc::pid_t, signal);
        }
        let signalled = Instant::now();
        while xtask.try_wait()?.is_none() {
            if signalled.elapsed() > Duration::from_secs(10) {
                let _ = xtask.kill();
                let _ = xtask.wait();
                kill_left(&marker);
                bail!("xtask was still running 10 s after {name}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let killed = Instant::now();
        loop {
            let left = processes_with_arg(|a| a.contains(&marker));
            if left.is_empty() {
                anstream::println!(
                    "  {name}: child and grandchild gone {} ms after xtask",
                    killed.elapsed().as_millis()
                );
                break;
            }
            if killed.elapsed() > Duration::from_secs(2) {
                kill_left(&marker);
                let left: Vec<String> = left.iter().map(|(pid, args)| format!("{pid} {}", args.join(" "))).collect();
                bail!("2 s after {name} to xtask these processes were still running:\n{}", left.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    Ok(())
}

/// Kills what a failed run left behind, so that one failure does not leave
/// spinning shells.
#[cfg(target_os = "linux")]
fn kill_left(marker: &str) {
    for (pid, _) in crate::process::processes_with_arg(|a| a.contains(marker)) {
        // SAFETY: kill(2) on a process this test started (its marker is unique to this run).
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
}
