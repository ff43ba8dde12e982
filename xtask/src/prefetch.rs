//! `cargo xtask prefetch`: everything a workshop needs, fetched and prepared
//! while the network is good — crates, the pinned mdbook, the Python columns'
//! packages (a virtual environment in `.tools/python`), the benchmark inputs, and (unless `--no-build`) the builds, so the first `check` is fast.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::runner::suite_build_args;
use crate::verdict::Flavour;
use crate::{data, tools, ui};

pub fn run(ws: &Workspace, build: bool) -> Result<ExitCode> {
    let started = Instant::now();
    // This machine's target only: other targets' crates (UEFI, wasm) are never built here.
    ui::step("crates (cargo fetch)", || {
        Cmd::cargo_in(ws).args(["fetch", "--locked", "--target", &tools::host_target()?]).run()
    })?;
    ui::step("mdbook", || tools::mdbook(ws).map(|_| ()))?;
    // Optional columns: a failure here is a line, never a failed prefetch.
    ui::step("Python columns: NumPy, Polars, DuckDB in .tools/python", || {
        if let Err(e) = crate::python::install_venv(&ws.root) {
            anstream::println!("  {} {e:#}", ui::yellow("!"));
        }
        if let Some(python) = crate::python::Python::detect(&ws.root) {
            anstream::println!("  {}", python.described(&ws.root));
        }
        Ok(())
    })?;
    ui::step("benchmark inputs", || {
        for ex in &ws.manifest.exercises {
            if let Some(perf) = &ex.perf {
                let input = data::bench_input(ws, perf)?;
                anstream::println!("  {}: {} ({}B)", ex.id, input.path.display(), ui::human(input.bytes as f64));
            }
        }
        Ok(())
    })?;
    if build {
        // The same cargo invocations `check` and `bench` run, so theirs find everything fresh.
        ui::step("builds: every exercise's tests and timing harness", || {
            for ex in &ws.manifest.exercises {
                let package = ex.package();
                Cmd::cargo_in(ws).args(suite_build_args(&package, Flavour::Threads)).run()?;
                if ex.loom {
                    crate::loom::std_sync_lint(ws, ex).run()?;
                    Cmd::cargo_in(ws).args(suite_build_args(&package, Flavour::Loom)).run()?;
                }
                if ex.gated() {
                    Cmd::cargo_in(ws).args(crate::runner::harness_build_args(&package, false)).run()?;
                }
                if ex.benched() {
                    Cmd::cargo_in(ws).args(crate::runner::harness_build_args(&package, true)).run()?;
                }
            }
            Ok(())
        })?;
    }
    anstream::println!(
        "{} ready for offline work in {:.0} s — `cargo xtask doctor` shows what is here",
        ui::green("✓"),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
