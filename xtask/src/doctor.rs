//! placeholder
use std::process::ExitCode;
pub fn run(_ws: &crate::manifest::Workspace) -> anyhow::Result<ExitCode> { todo!() }
