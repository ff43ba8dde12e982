//! `cargo xtask reset ID [--tests]`: restore an exercise as published, from
//! the blob ids in `pristine.toml` (so it works after the learner committed).
//! The learner's `src/` is copied to `.workbench/backups/` first.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::integrity::{self, Pristine};
use crate::manifest::Workspace;
use crate::ui;

pub fn run(ws: &Workspace, id: &str, tests_only: bool) -> Result<ExitCode> {
    let ex = ws.manifest.find(id)?;
    let record = Pristine::load(&ws.root)?.record(ex)?.clone();
    // Remove protected files that were added (a stray test file, a .snap).
    for edit in Pristine::load(&ws.root)?.edits(&ws.root, ex)? {
        if let integrity::Edit::Added(path) = edit {
            std::fs::remove_file(ws.root.join(&path))?;
            println!("removed {path}");
        }
    }
    let mut written = integrity::restore(&ws.root, &record.protected)?;
    if !tests_only {
        let src = ex.dir(&ws.root).join("src");
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
        let backup = ws.root.join(".workbench/backups").join(&ex.id).join(stamp.to_string());
        copy_dir(&src, &backup.join("src")).context("backing up your src/")?;
        println!("your version is saved in {}", integrity::relative(&ws.root, &backup));
        std::fs::remove_dir_all(&src)?;
        written.extend(integrity::restore(&ws.root, &record.stubs)?);
    }
    for path in &written {
        println!("restored {}", integrity::relative(&ws.root, path));
    }
    let what = if tests_only { "its tests" } else { "the exercise" };
    println!("{} {} — {what} as published. Next: cargo xtask check {}", ui::green("✓"), ex.id, ex.id);
    Ok(ExitCode::SUCCESS)
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
