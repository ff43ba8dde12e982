//! `cargo xtask doctor`: is this machine ready for the workbench? Each line
//! says what was found and, when something is missing, how to get it.
//! Exit 1 only when something required is missing; optional tools are hints.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::python::Python;
use crate::{tools, ui};

/// Free disk space needed for builds (≈3 GB) and the generated inputs.
const MIN_FREE_DISK_BYTES: u64 = 5_000_000_000;
/// `bench` holds a 1 GiB probe buffer, the input and Python's copy of it.
const MIN_MEMORY_BYTES: u64 = 4 << 30;

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Ok,
    /// Optional, or degrades one feature.
    Hint,
    /// Required: the workbench cannot be used without it.
    Missing,
}

struct Finding {
    level: Level,
    what: String,
    fix: Option<String>,
}

fn found(level: Level, what: impl Into<String>, fix: Option<&str>) -> Finding {
    Finding { level, what: what.into(), fix: fix.map(str::to_string) }
}

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let python = Python::detect(&ws.root);
    let findings = vec![
        toolchain(ws),
        crates_offline(ws),
        cores(),
        memory(),
        disk(&ws.root),
        python_found(python.as_ref()),
        python_columns(ws, python.as_ref()),
        mdbook(ws),
        loom_build(ws),
        inputs(ws),
        location(&ws.root),
    ];
    let missing = findings.iter().filter(|f| f.level == Level::Missing).count();
    let hints = findings.iter().filter(|f| f.level == Level::Hint).count();
    if missing == 0 {
        anstream::println!("{} ready: everything required is here ({hints} optional item(s) below)", ui::green("✓"));
    } else {
        anstream::println!("{} not ready: {missing} required item(s) missing — the fixes are below", ui::red("✗"));
    }
    for f in &findings {
        let mark = match f.level {
            Level::Ok => ui::green("✓"),
            Level::Hint => ui::yellow("!"),
            Level::Missing => ui::red("✗"),
        };
        anstream::println!("  {mark} {}", f.what);
        if let Some(fix) = &f.fix {
            anstream::println!("      {}", ui::dim(&format!("→ {fix}")));
        }
    }
    Ok(if missing == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `1.88` from the workspace's `rust-version`.
fn required_rust(ws: &Workspace) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(ws.root.join("Cargo.toml")).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    version_pair(value.get("workspace")?.get("package")?.get("rust-version")?.as_str()?)
}

fn version_pair(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn toolchain(ws: &Workspace) -> Finding {
    let Some(version) = Cmd::new("rustc").arg("--version").output_if_ok() else {
        return found(Level::Missing, "rustc not found", Some("install Rust with rustup: https://rustup.rs"));
    };
    let have = version.split_whitespace().nth(1).and_then(version_pair);
    match (have, required_rust(ws)) {
        (Some(have), Some(need)) if have < need => found(
            Level::Missing,
            format!("{version} is older than this workbench needs ({}.{})", need.0, need.1),
            Some("update it: `rustup update stable`"),
        ),
        (_, need) => {
            let need = need.map_or_else(String::new, |(a, b)| format!(" (needs ≥ {a}.{b})"));
            found(Level::Ok, format!("{version}{need}"), None)
        }
    }
}

fn crates_offline(ws: &Workspace) -> Finding {
    let ok = tools::host_target().is_ok_and(|host| {
        Cmd::cargo_in(ws).args(["fetch", "--locked", "--offline", "--target", &host]).output_if_ok().is_some()
    });
    if ok {
        found(Level::Ok, "every crate is downloaded: builds work offline", None)
    } else {
        found(Level::Hint, "some crates are not downloaded yet", Some("before going offline: `cargo xtask prefetch`"))
    }
}

fn cores() -> Finding {
    let cores = benches::threads();
    if cores >= 2 {
        found(Level::Ok, format!("{cores} cores available"), None)
    } else {
        found(
            Level::Hint,
            "1 core available: parallel timings will be \"inconclusive\"",
            Some("give the machine (or VM, or container) at least 2 cores"),
        )
    }
}

fn memory() -> Finding {
    match benches::probe::memory_bytes() {
        Some(b) if b < MIN_MEMORY_BYTES => found(
            Level::Hint,
            format!("{} of memory: `bench` needs about 4 GiB", gib(b)),
            Some("close other programs before `cargo xtask bench`"),
        ),
        Some(b) => found(Level::Ok, format!("{} of memory", gib(b)), None),
        None => found(Level::Hint, "memory size unknown on this OS", None),
    }
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn disk(root: &Path) -> Finding {
    match crate::fsutil::free_bytes(root) {
        Some(free) if free < MIN_FREE_DISK_BYTES => found(
            Level::Missing,
            format!("{}B free on this disk; builds and inputs need about 5 GB", ui::human(free as f64)),
            Some("free some space, e.g. `cargo clean` in other Rust projects"),
        ),
        Some(free) => found(Level::Ok, format!("{}B free on this disk", ui::human(free as f64)), None),
        None => found(Level::Hint, "free disk space unknown", None),
    }
}

fn python_found(python: Option<&Python>) -> Finding {
    match python {
        Some(p) if version_pair(&p.version).is_some_and(|v| v < (3, 8)) => found(
            Level::Hint,
            format!("python3 {} is too old for the Python baselines (they need 3.8 or newer)", p.version),
            Some("install a newer Python 3 (Debian/Ubuntu: `sudo apt install python3`; macOS: `brew install python`)"),
        ),
        Some(p) => found(Level::Ok, format!("python3 {} (for the Python baselines)", p.version), None),
        None => found(
            Level::Hint,
            "python3 not found: `bench` shows no Python column",
            Some("install Python 3 (Debian/Ubuntu: `sudo apt install python3`; macOS: `brew install python`)"),
        ),
    }
}

/// NumPy, Polars and DuckDB: optional columns of `bench`, from the project's `.tools/python`.
fn python_columns(ws: &Workspace, python: Option<&Python>) -> Finding {
    let Some(p) = python else {
        return found(Level::Hint, "no NumPy, Polars or DuckDB columns without Python", None);
    };
    let missing: Vec<&str> = [("NumPy", &p.numpy), ("Polars", &p.polars), ("DuckDB", &p.duckdb)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| name)
        .collect();
    let what = format!("Python for the baselines: {}", p.described(&ws.root));
    if missing.is_empty() {
        found(Level::Ok, what, None)
    } else {
        let fix = format!(
            "`cargo xtask prefetch` makes {} and installs {} into it (about a minute; `bench` skips those columns until then)",
            crate::python::VENV,
            crate::python::PACKAGES.join(", ")
        );
        found(Level::Hint, format!("{what} — {} missing: their columns are skipped", missing.join(", ")), Some(&fix))
    }
}

fn mdbook(ws: &Workspace) -> Finding {
    if tools::mdbook_installed(ws) {
        found(Level::Ok, format!("mdbook {} in .tools/ (for `cargo xtask book`)", tools::MDBOOK_VERSION), None)
    } else {
        found(
            Level::Hint,
            format!(
                "mdbook {} not installed yet: building it takes {}",
                tools::MDBOOK_VERSION,
                first_build_estimate(MDBOOK_BUILD_CPU_SECONDS)
            ),
            Some("`cargo xtask prefetch` (or the first `cargo xtask book`) installs it into .tools/"),
        )
    }
}

fn loom_build(ws: &Workspace) -> Finding {
    let built = std::fs::read_dir(ws.cargo_target_dir().join("release/deps"))
        .is_ok_and(|dir| dir.flatten().any(|f| f.file_name().to_string_lossy().starts_with("libloom-")));
    if built {
        return found(Level::Ok, "loom's build is done (exercise 11's models start at once)", None);
    }
    found(
        Level::Hint,
        format!(
            "the first `cargo xtask check 11-bounded-queue` builds loom's models first: {}",
            first_build_estimate(LOOM_BUILD_CPU_SECONDS)
        ),
        Some("nothing to do: it is built once, then reused"),
    )
}

/// CPU seconds (user + sys) of `cargo install --debug` of the pinned mdbook
/// with search only and no debug info, on the 2-core machine (AMD EPYC, KVM) where
/// `REFERENCE_CORE_OPS` was read.
pub const MDBOOK_BUILD_CPU_SECONDS: f64 = 85.0;
/// CPU seconds of the first loom build of exercise 11 after its normal build
/// (the clippy check of its shim and the models' build, both with the `loom`
/// feature: loom and its dependencies, and the crate again), on the same machine.
pub const LOOM_BUILD_CPU_SECONDS: f64 = 64.0;
/// `benches::probe::single_core_ops()` on that machine.
const REFERENCE_CORE_OPS: f64 = 3.0e8;
/// A cold Rust build keeps about this share of each core busy (linking and
/// the longest crates run alone): 1.35 of 2 cores for an optimised mdbook
/// (191 CPU s in 141 s), 1.8 for an unoptimised one (85 in 48) and for
/// loom's (64 in 35), measured with other builds running.
const BUILD_CORE_SHARE: f64 = 0.75;

/// "about 3 minutes on this machine (2 cores)": a first build's CPU seconds,
/// measured once on a reference machine, scaled by this machine's core speed
/// and its cores.
pub fn first_build_estimate(reference_cpu_seconds: f64) -> String {
    let speed = (benches::probe::single_core_ops() / REFERENCE_CORE_OPS).clamp(0.1, 10.0);
    let cores = benches::threads();
    let seconds = reference_cpu_seconds / speed / (cores.min(8) as f64 * BUILD_CORE_SHARE).max(1.0);
    let minutes = (seconds / 60.0).ceil().max(1.0);
    format!("about {minutes:.0} minute{} on this machine ({cores} cores)", if minutes > 1.0 { "s" } else { "" })
}

fn inputs(ws: &Workspace) -> Finding {
    let missing: Vec<&str> = ws
        .manifest
        .exercises
        .iter()
        .filter(|ex| ex.perf.as_ref().is_some_and(|p| !crate::data::bench_input_path(ws, p).is_ok_and(|p| p.exists())))
        .map(|ex| ex.id.as_str())
        .collect();
    if missing.is_empty() {
        found(Level::Ok, "benchmark inputs generated", None)
    } else {
        found(
            Level::Hint,
            format!("{} benchmark input(s) not generated yet", missing.len()),
            Some("`cargo xtask prefetch` makes them now; otherwise `bench` makes them on first use"),
        )
    }
}

/// Windows drives under WSL are slow for builds and give no file events.
fn location(root: &Path) -> Finding {
    if root.starts_with("/mnt/") && std::fs::read_to_string("/proc/version").is_ok_and(|v| v.contains("icrosoft")) {
        found(
            Level::Hint,
            "the repository is on a Windows drive under WSL: builds are slow and `watch` has to poll",
            Some("clone it inside the Linux file system, e.g. ~/parallel-workbench"),
        )
    } else {
        found(Level::Ok, format!("repository at {}", root.display()), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_rustc_and_cargo_toml() {
        assert_eq!(version_pair("1.95.0"), Some((1, 95)));
        assert_eq!(version_pair("1.88"), Some((1, 88)));
        assert_eq!(version_pair("nightly"), None);
        assert!((1, 87) < (1, 88) && (2, 0) > (1, 95));
    }
}
