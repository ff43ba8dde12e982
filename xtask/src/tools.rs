//! Tools beyond cargo, pinned here and nowhere else, installed on demand into
//! the project-local `.tools/` folder (no global installs).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::manifest::Workspace;
use crate::process::Cmd;

pub const MDBOOK_VERSION: &str = "0.5.4";

/// This machine's target triple, from `rustc -vV`.
pub fn host_target() -> Result<String> {
    let info = Cmd::new("rustc").arg("-vV").output_if_ok().context("`rustc -vV` failed")?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .context("`rustc -vV` printed no `host:` line")
}

fn mdbook_path(ws: &Workspace) -> PathBuf {
    ws.root.join(".tools/bin").join(format!("mdbook{}", std::env::consts::EXE_SUFFIX))
}

/// Whether the pinned mdbook is in `.tools/`.
pub fn mdbook_installed(ws: &Workspace) -> bool {
    Cmd::new(mdbook_path(ws))
        .arg("--version")
        .quiet()
        .capture(std::time::Duration::from_secs(30))
        .is_ok_and(|out| out.stdout.contains(MDBOOK_VERSION))
}

/// What mdbook is built with: search, and nothing `book` does itself
/// (`book --serve` is xtask's own server and watcher, see `book/serve.rs`).
const MDBOOK_FEATURES: [&str; 3] = ["--no-default-features", "--features", "search"];

/// Where a built mdbook is kept for every clone on this machine, so a second
/// clone (or a CI machine that keeps its home folder) copies it instead of
/// building it again: `$XDG_CACHE_HOME` or `~/.cache`, then this project's folder.
fn machine_cache() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("parallel-workbench").join(format!("mdbook-{MDBOOK_VERSION}-search")))
}

fn runs_as_pinned(exe: &Path) -> bool {
    Cmd::new(exe)
        .arg("--version")
        .quiet()
        .capture(std::time::Duration::from_secs(30))
        .is_ok_and(|out| out.stdout.contains(MDBOOK_VERSION))
}

/// `$PATH` with `dir` in front.
fn with_on_path(dir: &Path) -> std::ffi::OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&rest))).unwrap_or(rest)
}

/// How a missing mdbook is built: in the terminal, for a learner who waits
/// on it, or captured at idle priority, ahead of the step that needs it
/// (`cargo xtask test` starts it beside `verify`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Install {
    InTerminal,
    Ahead,
}

/// The pinned mdbook in `.tools/`: copied from the machine's cache when an
/// earlier clone built it, else built with `cargo install --locked` (into
/// the cache where there is one) and copied.
pub fn mdbook(ws: &Workspace) -> Result<PathBuf> {
    mdbook_installed_by(ws, Install::InTerminal)
}

pub fn mdbook_installed_by(ws: &Workspace, how: Install) -> Result<PathBuf> {
    let local = mdbook_path(ws);
    if mdbook_installed(ws) {
        return Ok(local);
    }
    let cache = machine_cache().filter(|dir| std::fs::create_dir_all(dir).is_ok());
    let install_root = cache.unwrap_or_else(|| ws.root.join(".tools"));
    let built = install_root.join("bin").join(local.file_name().expect("a file name"));
    if !runs_as_pinned(&built) {
        anstream::eprintln!(
            "installing mdbook {MDBOOK_VERSION} into {}{} (once per machine; {})",
            install_root.display(),
            if how == Install::Ahead { ", at idle priority while the steps before the book run" } else { "" },
            crate::doctor::first_build_estimate(crate::doctor::MDBOOK_BUILD_CPU_SECONDS)
        );
        let install = Cmd::cargo()
            .args(["install", "mdbook", "--version", MDBOOK_VERSION, "--locked"])
            .args(MDBOOK_FEATURES)
            // Unoptimised and without debug info: on 2 cores its build takes
            // 85 CPU-s where an optimised one takes 191, and it still builds
            // the book in 2.5 s (0.5 s optimised) — the learner waits on the
            // install, not on the book.
            .arg("--debug")
            .env("CARGO_PROFILE_DEV_DEBUG", "false")
            .arg("--root")
            .arg(&install_root)
            // With its folder on PATH, cargo does not tell the learner to
            // add it: xtask runs mdbook by its full path.
            .env("PATH", with_on_path(&install_root.join("bin")));
        match how {
            Install::InTerminal => install.run()?,
            Install::Ahead => install.at_idle_priority().quiet().run_captured(std::time::Duration::from_secs(3600))?,
        }
    }
    if built != local {
        std::fs::create_dir_all(local.parent().expect("a folder"))?;
        // Through a temporary name: an interrupted copy never looks installed.
        let partial = local.with_extension("partial");
        std::fs::copy(&built, &partial).with_context(|| format!("cannot copy {}", built.display()))?;
        std::fs::rename(&partial, &local)?;
    }
    Ok(local)
}
