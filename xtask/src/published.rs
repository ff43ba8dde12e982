//! The stubs as published, kept under `book/published/` for the book.
//!
//! The book shows "the whole file you start from". Included from
//! `exercises/`, it would show the learner's own edits as the starting point;
//! included from here, it shows what was published. `verify --bless` writes
//! these copies with the record of the stubs in `pristine.toml`, and a tidy
//! test fails when a copy differs from the stub that record names.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};

use crate::fsutil;
use crate::integrity::{self, Pristine};

/// The folder of the copies, relative to the repository root.
pub const DIR: &str = "book/published";

/// Where the copy of `stub` lives: `exercises/01-x/src/lib.rs` → `book/published/01-x/src/lib.rs`.
pub fn copy_path(stub: &str) -> String {
    format!("{DIR}/{}", stub.strip_prefix("exercises/").unwrap_or(stub))
}

/// Copies every stub `pristine` records (as the file is now: bless records
/// the tree it runs on) and removes copies of stubs it no longer records.
/// Returns how many copies changed.
pub fn refresh(root: &Path, pristine: &Pristine) -> Result<usize> {
    let mut changed = 0;
    let mut wanted = BTreeSet::new();
    for stub in pristine.exercise.values().flat_map(|record| record.stubs.keys()) {
        let copy = copy_path(stub);
        let bytes = std::fs::read(root.join(stub)).with_context(|| format!("cannot read {stub}"))?;
        if std::fs::read(root.join(&copy)).ok().as_deref() != Some(&bytes[..]) {
            fsutil::write_atomic(&root.join(&copy), &bytes)?;
            changed += 1;
        }
        wanted.insert(copy);
    }
    for stray in copies(root)?.into_iter().filter(|c| !wanted.contains(c)) {
        std::fs::remove_file(root.join(&stray))?;
        changed += 1;
    }
    Ok(changed)
}

/// The files under `book/published/`, relative to `root`.
fn copies(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(DIR);
    if !dir.exists() {
        return Ok(vec![]);
    }
    Ok(fsutil::files_under(&dir, &[])?.iter().map(|p| integrity::relative(root, p)).collect())
}

/// Copies that are missing, differ from the recorded stub, or copy no recorded stub; one line each.
pub fn problems(root: &Path, pristine: &Pristine) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut wanted = BTreeSet::new();
    for (stub, id) in pristine.exercise.values().flat_map(|record| &record.stubs) {
        let copy = copy_path(stub);
        match std::fs::read(root.join(&copy)) {
            Err(_) => problems.push(format!("{copy} is missing: `cargo xtask verify --bless` copies {stub} there")),
            Ok(bytes) if integrity::blob_id(&bytes) != *id => problems.push(format!(
                "{copy} is not {stub} as published (pristine.toml records {id}): `cargo xtask verify --bless` on a pristine tree copies it"
            )),
            Ok(_) => {}
        }
        wanted.insert(copy);
    }
    for stray in copies(root)?.into_iter().filter(|c| !wanted.contains(c)) {
        problems.push(format!("{stray} copies no stub that pristine.toml records: remove it"));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::Record;

    #[test]
    fn copies_follow_the_record_and_only_the_record() {
        let root = crate::manifest::target_dir().join("xtask-tests/published");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("exercises/01-x/src")).unwrap();
        std::fs::write(root.join("exercises/01-x/src/lib.rs"), "todo!()\n").unwrap();
        let stubs = [("exercises/01-x/src/lib.rs".to_string(), integrity::blob_id(b"todo!()\n"))].into();
        let mut pristine = Pristine::default();
        pristine.exercise.insert("01-x".into(), Record { protected: Default::default(), stubs });
        assert_eq!(problems(&root, &pristine).unwrap().len(), 1, "missing");
        assert_eq!(refresh(&root, &pristine).unwrap(), 1);
        assert_eq!(std::fs::read_to_string(root.join("book/published/01-x/src/lib.rs")).unwrap(), "todo!()\n");
        assert_eq!(problems(&root, &pristine).unwrap(), Vec::<String>::new());
        // The learner's edit changes nothing the book shows; an edited copy is found.
        std::fs::write(root.join("exercises/01-x/src/lib.rs"), "solved\n").unwrap();
        assert_eq!(problems(&root, &pristine).unwrap(), Vec::<String>::new());
        std::fs::write(root.join("book/published/01-x/src/lib.rs"), "solved\n").unwrap();
        assert!(problems(&root, &pristine).unwrap()[0].contains("is not exercises/01-x/src/lib.rs as published"));
        // A copy of a stub no longer recorded is a stray, and refresh removes it.
        std::fs::write(root.join("book/published/01-x/src/old.rs"), "").unwrap();
        std::fs::write(root.join("exercises/01-x/src/lib.rs"), "todo!()\n").unwrap();
        assert!(problems(&root, &pristine).unwrap().iter().any(|p| p.contains("old.rs copies no stub")));
        assert_eq!(refresh(&root, &pristine).unwrap(), 2);
        assert_eq!(problems(&root, &pristine).unwrap(), Vec::<String>::new());
    }
}
