//! placeholder
use std::process::ExitCode;
pub fn run(_ws: &crate::manifest::Workspace, _p: &[std::path::PathBuf], _h: &std::path::Path) -> anyhow::Result<ExitCode> { todo!() }
