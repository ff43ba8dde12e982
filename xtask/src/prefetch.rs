//! `cargo xtask prefetch`: everything a workshop needs, fetched and prepared
//! while the network is good — crates, the pinned mdbook, the benchmark
//! inputs, and (unless `--no-build`) the builds, so the first `check` is fast.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::{data, tools, ui};

pub fn run(ws: &Workspace, build: bool) -> Result<ExitCode> {
    let started = Instant::now();
    // This machine's target only: other targets' crates (UEFI, wasm) are never built here.
    step("crates (cargo fetch)", || Cmd::cargo_in(ws).args(["fetch", "--locked", "--target", "host-tuple"]).run())?;
    step("mdbook", || tools::mdbook(ws).map(|_| ()))?;
    step("benchmark inputs", || {
        for ex in &ws.manifest.exercises {
            if let Some(perf) = &ex.perf {
                let input = data::bench_input(ws, perf)?;
                println!("  {}: {} ({}B)", ex.id, input.path.display(), ui::human(input.bytes as f64));
            }
        }
        Ok(())
    })?;
    if build {
        step("builds: every exercise's tests, the references, the timing harnesses", || {
            Cmd::cargo_in(ws).args(["test", "--release", "--workspace", "--no-run"]).run()?;
            Cmd::cargo_in(ws).args(["build", "--release", "--package", "benches", "--all-features", "--benches"]).run()
        })?;
    }
    println!(
        "{} ready for offline work in {:.0} s — `cargo xtask doctor` shows what is here",
        ui::green("✓"),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("{}", ui::bold(&format!("── {name} ──")));
    f().map_err(|e| e.context(format!("prefetch: {name} failed")))
}
