//! `cargo xtask test`: everything a change must pass, the same on a laptop
//! and in CI — formatting, clippy, the tool crates' tests (tidy included),
//! the Python baselines' tests, tools fed hostile input, `verify`, the strict book build, `new`
//! scaffolding in a scratch copy, and the workshop path (bench, compare, and
//! headless Chromium reading the report and the book).

mod hostile;
mod workshop;

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::{book, new, ui, verify};

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let started = Instant::now();
    ui::step("format", || Cmd::cargo_in(ws).args(["fmt", "--all", "--check"]).run())?;
    // `disallowed_types` (std's locks in loom exercises) is enforced by
    // `check` under `--cfg loom`: here the `sync` shims re-export std's types.
    ui::step("clippy", || {
        Cmd::cargo_in(ws)
            .args(["clippy", "--release", "--workspace", "--all-targets", "--all-features", "--"])
            .args(["-D", "warnings", "-A", "clippy::disallowed_types"])
            .run()
    })?;
    ui::step("tool tests and tidy", || {
        Cmd::cargo_in(ws)
            .args(["test", "--release", "--package", "xtask", "--package", "datagen", "--package", "benches"])
            .run()
    })?;
    ui::step("process cleanup", crate::process_cleanup::test)?;
    ui::step("hostile input", || hostile::run(ws))?;
    ui::step("python baselines", || python_tests(ws))?;
    ui::step("strace (exercise 23's system-call tests)", || match crate::browser::strace()? {
        Ok(_) => Ok(()),
        Err(why) => anyhow::bail!("verify needs strace to prove 23's variants: {why}"),
    })?;
    ui::step("verify", || expect_success(verify::run(ws, false, None, &[])?))?;
    let mut built = None;
    ui::step("book", || book::build(ws).map(|out| built = Some(out)))?;
    ui::step("new exercise scaffold", || new::smoke_test(ws))?;
    ui::step("workshop: bench, compare, browser", || workshop::run(ws, built.as_deref().expect("the book step ran")))?;
    anstream::println!("{} all checks passed in {:.0} s", ui::green("✓"), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// The baselines' own unit tests; without python3 they are skipped with a
/// line, except in CI, where they are mandatory.
fn python_tests(ws: &Workspace) -> Result<()> {
    // The Polars and DuckDB modes are tested where they can be installed; elsewhere they are skipped with a line.
    if let Err(e) = crate::python::install_venv(&ws.root) {
        anstream::println!("{} {e:#}", ui::yellow("!"));
    }
    let Some(python) = crate::python::Python::detect(&ws.root) else {
        if crate::process::in_ci() {
            bail!("python3 is required in CI for the baselines' tests");
        }
        anstream::println!("{} python3 not found: the Python baselines' tests are skipped", ui::yellow("!"));
        return Ok(());
    };
    anstream::println!("  {}", python.described(&ws.root));
    Cmd::new(&python.program)
        .args(["-m", "unittest", "discover", "-s", "baselines/python", "-p", "test_*.py"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .dir(&ws.root)
        .run()
}

fn expect_success(code: ExitCode) -> Result<()> {
    if code != ExitCode::SUCCESS {
        bail!("see the lines marked ✗ above");
    }
    Ok(())
}
