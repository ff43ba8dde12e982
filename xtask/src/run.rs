//! `cargo xtask run [--reference] ID ARGS…`: run an exercise's program.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::manifest::Workspace;
use crate::process::Cmd;

pub fn run(ws: &Workspace, id: &str, reference: bool, args: &[String]) -> Result<ExitCode> {
    let ex = ws.manifest.find(id)?;
    let package = if reference { ex.solution_package() } else { ex.package() };
    // The program's source is the exercise's (the reference's `[[bin]]` points at it).
    let dir = ex.dir(&ws.root);
    if !dir.join("src/main.rs").exists() && !dir.join("src/bin").exists() {
        bail!("{} is a library without a program to run; check it with `cargo xtask check {}`", ex.id, ex.id);
    }
    let status =
        Cmd::cargo_in(ws).args(["run", "--quiet", "--release", "--package", &package, "--"]).args(args).status()?;
    Ok(ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8))
}
