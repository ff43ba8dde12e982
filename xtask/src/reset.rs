//! `cargo xtask reset [ID] [--tests]`: restore an exercise as published, from
//! the blob ids in `pristine.toml` (so it works after the learner committed).
//! The learner's `src/` is copied to a new folder under `.workbench/backups/`
//! first, and every file is restored through a temporary file and a rename:
//! an interrupted reset loses nothing.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::integrity::{self, Edit, Pristine};
use crate::manifest::Workspace;
use crate::{fsutil, ui};

pub fn run(ws: &Workspace, id: &str, tests_only: bool) -> Result<ExitCode> {
    let ex = ws.manifest.find(id)?;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let backup = fsutil::new_folder(&ws.root.join(".workbench/backups").join(&ex.id), &stamp.to_string())?;
    // pristine.toml first: the rest is restored from what it records.
    let mut written = Vec::new();
    let mut lines = Vec::new();
    if let Err(Edit::Modified(_)) = Pristine::load_checked(ws)? {
        let published = integrity::git_blob(&ws.root, &ws.pristine_digest)?;
        fsutil::write_atomic(&ws.root.join(integrity::FILE), &published)?;
        written.push(ws.root.join(integrity::FILE));
    }
    let pristine = Pristine::load(&ws.root)?;
    let record = pristine.record(ex)?.clone();
    // Files the published exercise does not have (a build.rs, a stray test)
    // are moved into the backup, not deleted.
    for edit in pristine.edits(&ws.root, ex)? {
        if let Edit::Added(path) = edit {
            let target = backup.join("added").join(&path);
            std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
            std::fs::rename(ws.root.join(&path), &target).with_context(|| format!("cannot move {path}"))?;
            lines.push(format!("moved {path} to {}", integrity::relative(&ws.root, &target)));
        }
    }
    written.extend(integrity::restore(&ws.root, &pristine.shared)?);
    written.extend(integrity::restore(&ws.root, &record.protected)?);
    if !tests_only {
        let src = ex.dir(&ws.root).join("src");
        fsutil::copy_tree(&src, &backup.join("src"), &[]).context("backing up your src/")?;
        lines.push(format!("your version is saved in {}", integrity::relative(&ws.root, &backup)));
        // Restore the stubs in place, then remove what the stub does not have:
        // at every moment each file is either yours (backed up) or the stub.
        written.extend(integrity::restore(&ws.root, &record.stubs)?);
        for file in fsutil::files_under(&src, &[])? {
            let path = integrity::relative(&ws.root, &file);
            if !record.stubs.contains_key(&path) && !record.protected.contains_key(&path) {
                std::fs::remove_file(&file)?;
            }
        }
    }
    lines.extend(written.iter().map(|path| format!("restored {}", integrity::relative(&ws.root, path))));
    let what = if tests_only { "its tests and settings" } else { "the exercise" };
    anstream::println!("{} {} — {what} as published. Next: cargo xtask check {}", ui::green("✓"), ex.id, ex.id);
    for line in lines {
        anstream::println!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}
