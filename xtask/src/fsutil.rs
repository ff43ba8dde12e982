//! File operations that a kill cannot leave half done, and the one tree walk.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename: a reader (or a kill) sees the old file or the new one, never half
/// of one. The temporary file's name carries the process id, so two writers
/// never share it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().context("a file has a folder")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = path.file_name().context("a file has a name")?.to_string_lossy();
    let temporary = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

/// Files (not folders) under `dir`, sorted, skipping top-level entries named in `skip`.
pub fn files_under(dir: &Path, skip: &[&str]) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && skip.iter().any(|s| e.file_name() == *s)));
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Copies the files under `from` to `to`, skipping top-level entries named in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for file in files_under(from, skip)? {
        let target = to.join(file.strip_prefix(from).expect("walked from `from`"));
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
        std::fs::copy(&file, &target).with_context(|| format!("cannot copy {}", file.display()))?;
    }
    Ok(())
}

/// A new folder `base/<stamp>` that did not exist before: two calls in the same
/// second (or from two processes) never share one.
pub fn new_folder(base: &Path, stamp: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(base)?;
    for n in 0.. {
        let candidate = if n == 0 { base.join(stamp) } else { base.join(format!("{stamp}-{n}")) };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", candidate.display())),
        }
    }
    unreachable!("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = crate::manifest::target_dir().join("xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_atomic_write_leaves_no_temporary_file() {
        let dir = scratch("atomic");
        let file = dir.join("a.json");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn new_folders_in_the_same_second_are_distinct() {
        let dir = scratch("folders");
        let a = new_folder(&dir, "1700000000").unwrap();
        let b = new_folder(&dir, "1700000000").unwrap();
        assert_ne!(a, b);
        assert!(a.is_dir() && b.is_dir());
    }

    #[test]
    fn a_tree_is_copied_without_the_skipped_top_level_entries() {
        let dir = scratch("copy");
        std::fs::create_dir_all(dir.join("from/a/b")).unwrap();
        std::fs::create_dir_all(dir.join("from/target")).unwrap();
        std::fs::write(dir.join("from/a/b/c.txt"), "c").unwrap();
        std::fs::write(dir.join("from/target/x"), "x").unwrap();
        copy_tree(&dir.join("from"), &dir.join("to"), &["target"]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("to/a/b/c.txt")).unwrap(), "c");
        assert!(!dir.join("to/target").exists());
    }
}
