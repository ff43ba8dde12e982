//! Tools beyond cargo, pinned here and nowhere else, installed on demand into
//! the project-local `.tools/` folder (no global installs).

use std::path::PathBuf;

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

/// The pinned mdbook, installed with `cargo install --locked --root .tools` when missing.
pub fn mdbook(ws: &Workspace) -> Result<PathBuf> {
    let root = ws.root.join(".tools");
    if !mdbook_installed(ws) {
        anstream::eprintln!("installing mdbook {MDBOOK_VERSION} into {} (once; about 2 minutes)", root.display());
        Cmd::cargo().args(["install", "mdbook", "--version", MDBOOK_VERSION, "--locked", "--root"]).arg(&root).run()?;
    }
    Ok(mdbook_path(ws))
}
