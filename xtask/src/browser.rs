//! Headless Chromium for the browser tests of `cargo xtask test`: the DOM a
//! real browser builds from the book and the comparison report, after its
//! scripts ran. Installed with apt-get when missing and allowed (root, as in
//! CI); elsewhere the test is skipped with a line saying how to enable it,
//! and `CI=true` makes it mandatory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use crate::process::Cmd;

const NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

#[derive(Clone)]
pub struct Chromium {
    exe: PathBuf,
    profile: PathBuf,
}

/// `apt-get install` of one Debian package (root only), with the package
/// lists fetched first when a fresh machine has none.
pub fn apt_install(package: &str) -> Result<()> {
    apt_get_install(&[package], Shown::Yes)
}

/// Whether apt-get's output is shown, or captured (work done beside other steps).
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Yes,
    No,
}

/// `apt-get install` of `packages`, and once more after `apt-get update` if
/// it fails: a fresh machine's package lists are often missing or stale.
fn apt_get_install(packages: &[&str], shown: Shown) -> Result<()> {
    let apt_get = |args: &[&str]| -> Result<()> {
        let cmd = Cmd::new("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive");
        if shown == Shown::Yes {
            return cmd.run();
        }
        cmd.quiet().run_captured(Duration::from_secs(1800))
    };
    let install: Vec<&str> = ["install", "-y", "--no-install-recommends"].iter().chain(packages).copied().collect();
    apt_get(&install).or_else(|_| apt_get(&["update"]).and_then(|()| apt_get(&install)))
}

/// strace, installed if missing and possible: exercise 23's suite traces its
/// system calls (the mode at creation, fsync before rename, a symlink raced
/// in), and without it `verify` would see those mistakes pass. Off Linux, or
/// where it cannot be had, `Err` says why.
pub fn strace() -> Result<std::result::Result<PathBuf, String>> {
    if on_path("strace").is_none() && cfg!(target_os = "linux") && is_root() && on_path("apt-get").is_some() {
        anstream::eprintln!("installing strace with apt-get for exercise 23's system-call tests (once)");
        apt_install("strace")?;
    }
    let Some(strace) = on_path("strace") else {
        return Ok(Err("strace is missing (Debian/Ubuntu: `sudo apt-get install strace`)".into()));
    };
    // A container may forbid ptrace: then the tests skip, and so must verify's claims.
    match Cmd::new(&strace).args(["-o", "/dev/null", "true"]).output_if_ok() {
        Some(_) => Ok(Ok(strace)),
        None => Ok(Err(format!("{} cannot trace a process here (ptrace not permitted)", strace.display()))),
    }
}

/// strace and Chromium installed now if they are missing and apt-get may
/// run (root): `cargo xtask test` starts this beside clippy, so a fresh CI
/// machine does not wait for the download later. Output captured; a failure
/// is left for [`strace`] and [`chromium`] to meet and report.
pub fn install_ahead() {
    if !(cfg!(target_os = "linux") && is_root() && on_path("apt-get").is_some()) {
        return;
    }
    let mut missing = Vec::new();
    if on_path("strace").is_none() {
        missing.push("strace");
    }
    if NAMES.iter().all(|name| on_path(name).is_none()) {
        missing.push("chromium");
    }
    if missing.is_empty() {
        return;
    }
    // A failure is met again, and reported, where the tool is needed.
    let _ = apt_get_install(&missing, Shown::No);
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Chromium, installed if needed and possible; `None` (with the reason) when
/// it cannot be had here and the caller may skip.
pub fn chromium(profile: &Path) -> Result<std::result::Result<Chromium, String>> {
    let found = || NAMES.iter().find_map(|n| on_path(n));
    let exe = match found() {
        Some(exe) => exe,
        None if is_root() && on_path("apt-get").is_some() => {
            anstream::eprintln!("installing Chromium with apt-get for the browser tests (once)");
            match (apt_install("chromium"), found()) {
                (Ok(()), Some(exe)) => exe,
                (result, _) if crate::process::in_ci() => {
                    bail!("the browser tests are mandatory in CI, and installing Chromium failed: {result:?}")
                }
                (result, _) => {
                    return Ok(Err(format!("browser tests skipped: installing Chromium failed ({result:?})")));
                }
            }
        }
        None => {
            let how = "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) to run them";
            if crate::process::in_ci() {
                bail!("the browser tests are mandatory in CI, and Chromium is missing: {how}");
            }
            return Ok(Err(format!("browser tests skipped: no Chromium here; {how}")));
        }
    };
    std::fs::create_dir_all(profile)?;
    Ok(Ok(Chromium { exe, profile: profile.to_path_buf() }))
}

impl Chromium {
    /// The DOM of `url` after its scripts ran (up to 5 s of virtual time:
    /// it stands still while a request is waiting for its answer).
    pub fn dump_dom(&self, url: &str) -> Result<String> {
        self.dump_dom_after(url, Duration::from_secs(5), Duration::from_secs(120))
    }

    /// The DOM of `url` once its scripts had `virtual_time` (timers run
    /// without waiting when nothing else is pending), within `limit` of real time.
    pub fn dump_dom_after(&self, url: &str, virtual_time: Duration, limit: Duration) -> Result<String> {
        let out = self
            .headless()
            .arg(format!("--virtual-time-budget={}", virtual_time.as_millis()))
            .args(["--dump-dom", url])
            .capture(limit)?;
        if !out.success() || out.stdout.trim().is_empty() {
            bail!("Chromium could not render {url} (exit {:?}):\n{}", out.status, out.stderr);
        }
        Ok(out.stdout)
    }

    /// A PNG of `url` in a window of `width`×`height`, once it has loaded.
    /// (No virtual time: a page whose script keeps a request open, as the
    /// leaderboard does, would never let it run out.)
    pub fn screenshot(&self, url: &str, png: &Path, (width, height): (u32, u32)) -> Result<()> {
        let out = self
            .headless()
            .arg("--hide-scrollbars")
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--screenshot={}", png.display()))
            .arg(url)
            .capture(Duration::from_secs(120))?;
        if !out.success() || !png.is_file() {
            bail!("Chromium could not take a screenshot of {url} (exit {:?}):\n{}", out.status, out.stderr);
        }
        Ok(())
    }

    fn headless(&self) -> Cmd {
        Cmd::new(&self.exe)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            // Without these it keeps dialling Google's hosts, which a closed network refuses.
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", self.profile.display()))
    }
}

pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}
