//! `pristine.toml`: git blob ids of the files a learner must not edit (tests,
//! snapshots, manifests, the reference, its bench) and of the stubs as
//! published. Written by `verify --bless`; read by `check` (refuses edited
//! tests), `verify` (proves the record current) and `reset` (restores from
//! git's object store, so it works after the learner committed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::manifest::Exercise;
use crate::process::Cmd;

pub const FILE: &str = "pristine.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Pristine {
    #[serde(default)]
    pub exercise: BTreeMap<String, Record>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Repository-relative path → git blob id.
    pub protected: BTreeMap<String, String>,
    pub stubs: BTreeMap<String, String>,
}

/// How a protected file differs from its record.
#[derive(Debug, PartialEq)]
pub enum Edit {
    Modified(String),
    Missing(String),
    Added(String),
}

impl Edit {
    pub fn describe(&self) -> String {
        match self {
            Edit::Modified(p) => format!("{p} was edited"),
            Edit::Missing(p) => format!("{p} is missing"),
            Edit::Added(p) => format!("{p} was added"),
        }
    }
}

/// `git hash-object`: SHA-1 of `blob <len>\0<bytes>`.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(format!("blob {}\0", bytes.len()).as_bytes());
    sha.update(bytes);
    sha.digest().to_string()
}

fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            files_under(root, &path, out)?;
        } else if !is_scratch(&path) {
            out.push(relative(root, &path));
        }
    }
    Ok(())
}

/// Files an editor or insta may leave behind, never part of an exercise.
fn is_scratch(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".snap.new") || name.ends_with(".pending-snap") || name.ends_with('~') || name.starts_with(".#")
}

pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// The files `check` refuses to run with when edited.
pub fn protected_files(root: &Path, ex: &Exercise) -> Result<Vec<String>> {
    let mut files = vec![relative(root, &ex.dir(root).join("Cargo.toml"))];
    files_under(root, &ex.dir(root).join("tests"), &mut files)?;
    files.push(relative(root, &ex.solution_dir(root).join("Cargo.toml")));
    files_under(root, &ex.solution_dir(root).join("src"), &mut files)?;
    if ex.perf.is_some() {
        files.push(relative(root, &ex.bench_file(root)));
    }
    if ex.loom {
        // The loom models are only as good as the shim they swap and the
        // ban on std's locks: both are part of the checker.
        files.push(relative(root, &ex.dir(root).join("clippy.toml")));
        files.push(relative(root, &ex.dir(root).join("src/sync.rs")));
    }
    Ok(files)
}

/// The learner's files: everything under the exercise's `src/`.
pub fn stub_files(root: &Path, ex: &Exercise) -> Result<Vec<String>> {
    let mut files = Vec::new();
    files_under(root, &ex.dir(root).join("src"), &mut files)?;
    Ok(files)
}

fn ids(root: &Path, files: &[String]) -> Result<BTreeMap<String, String>> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(f)).with_context(|| format!("cannot read {f}"))?;
            Ok((f.clone(), blob_id(&bytes)))
        })
        .collect()
}

/// The record of the files as they are now.
pub fn record_now(root: &Path, ex: &Exercise) -> Result<Record> {
    Ok(Record { protected: ids(root, &protected_files(root, ex)?)?, stubs: ids(root, &stub_files(root, ex)?)? })
}

impl Pristine {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)?;
        toml::from_str(&text).with_context(|| format!("{} is damaged; restore it from git", path.display()))
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let header = "# Written by `cargo xtask verify --bless`; do not edit by hand.\n\
                      # Git blob ids of the files a learner must not edit, and of the stubs as published.\n\n";
        std::fs::write(root.join(FILE), format!("{header}{}", toml::to_string_pretty(self)?))?;
        Ok(())
    }

    pub fn record(&self, ex: &Exercise) -> Result<&Record> {
        self.exercise.get(&ex.id).with_context(|| {
            format!("{FILE} has no record of `{}`; a maintainer runs `cargo xtask verify --bless`", ex.id)
        })
    }

    /// The protected files of `ex` that differ from the record.
    pub fn edits(&self, root: &Path, ex: &Exercise) -> Result<Vec<Edit>> {
        let record = self.record(ex)?;
        let now = ids(root, &protected_files(root, ex)?)?;
        let mut edits = Vec::new();
        for (path, id) in &record.protected {
            match now.get(path) {
                None => edits.push(Edit::Missing(path.clone())),
                Some(current) if current != id => edits.push(Edit::Modified(path.clone())),
                Some(_) => {}
            }
        }
        edits.extend(now.keys().filter(|p| !record.protected.contains_key(*p)).map(|p| Edit::Added(p.clone())));
        Ok(edits)
    }
}

/// The bytes of a blob from git's object store.
pub fn git_blob(root: &Path, id: &str) -> Result<Vec<u8>> {
    let out = Cmd::new("git").args(["cat-file", "blob", id]).dir(root).capture(std::time::Duration::from_secs(30))?;
    if !out.success() {
        bail!(
            "git has no object {id} here ({}); if this is not a git clone of the course, download the file again",
            out.stderr.trim()
        );
    }
    Ok(out.raw_stdout)
}

/// Writes the recorded version of every file in `files` (path → blob id).
pub fn restore(root: &Path, files: &BTreeMap<String, String>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (path, id) in files {
        let target = root.join(path);
        let wanted = git_blob(root, id)?;
        if std::fs::read(&target).ok().as_deref() != Some(&wanted[..]) {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, wanted)?;
            written.push(target);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_match_git_hash_object() {
        // `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null`
        assert_eq!(blob_id(b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }
}
