//! `cargo xtask test`: everything a change must pass, the same on a laptop
//! and in CI — formatting, clippy, the tool crates' tests (tidy included),
//! `verify`, the strict book build, and `new` scaffolding in a scratch copy.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::{book, new, ui, verify};

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let started = Instant::now();
    step("format", || Cmd::cargo_in(ws).args(["fmt", "--all", "--check"]).run())?;
    step("clippy", || {
        Cmd::cargo_in(ws)
            .args(["clippy", "--release", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"])
            .run()
    })?;
    step("tool tests and tidy", || {
        Cmd::cargo_in(ws)
            .args(["test", "--release", "--package", "xtask", "--package", "datagen", "--package", "benches"])
            .run()
    })?;
    step("verify", || expect_success(verify::run(ws, false, &[])?))?;
    step("book", || book::build(ws).map(|_| ()))?;
    step("new exercise scaffold", || new::smoke_test(ws))?;
    println!("{} all checks passed in {:.0} s", ui::green("✓"), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    let started = Instant::now();
    println!("{}", ui::bold(&format!("── {name} ──")));
    f().map_err(|e| e.context(format!("step `{name}` failed")))?;
    println!("{} {name} ({:.0} s)", ui::green("✓"), started.elapsed().as_secs_f64());
    Ok(())
}

fn expect_success(code: ExitCode) -> Result<()> {
    if code != ExitCode::SUCCESS {
        bail!("see the lines marked ✗ above");
    }
    Ok(())
}
