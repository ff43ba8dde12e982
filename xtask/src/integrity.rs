//! `pristine.toml`: git blob ids of the files a learner must not edit (tests,
//! snapshots, manifests, Cargo profiles, the timing harness, the reference)
//! and of the stubs as published. Written by `verify --bless`; read by `check`
//! (refuses edited files), `verify` (proves the record current) and `reset`
//! (restores from git's object store, so it works after the learner committed).
//!
//! `pristine.toml` is itself checked: its blob id is compiled into xtask
//! (`xtask/pristine.digest`, written by `verify --bless`), so editing it
//! together with a test is an edit too. No local check stops someone who edits
//! xtask itself; the point is that no honest mistake and no casual edit
//! changes a verdict silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;

pub const FILE: &str = "pristine.toml";
/// Where `verify --bless` writes the blob id of `pristine.toml` for the next build of xtask.
pub const DIGEST_FILE: &str = "xtask/pristine.digest";
/// The blob id of the `pristine.toml` this xtask was built with.
pub const PUBLISHED_DIGEST: &str = include_str!("../pristine.digest");

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Pristine {
    /// Files every exercise depends on (`shared_files`): path → blob id.
    #[serde(default)]
    pub shared: BTreeMap<String, String>,
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

/// How the files of `now` differ from `recorded` (both path → blob id).
fn compare(recorded: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (path, id) in recorded {
        match now.get(path) {
            None => edits.push(Edit::Missing(path.clone())),
            Some(current) if current != id => edits.push(Edit::Modified(path.clone())),
            Some(_) => {}
        }
    }
    edits.extend(now.keys().filter(|p| !recorded.contains_key(*p)).map(|p| Edit::Added(p.clone())));
    edits
}

/// `git hash-object`: SHA-1 of `blob <len>\0<bytes>`.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(format!("blob {}\0", bytes.len()).as_bytes());
    sha.update(bytes);
    sha.digest().to_string()
}

fn files_under(root: &Path, dir: &Path, skip: &[&str], out: &mut Vec<String>) -> Result<()> {
    for path in fsutil::files_under(dir, skip)? {
        if !is_scratch(&path) {
            out.push(relative(root, &path));
        }
    }
    Ok(())
}

/// Files an editor or insta may leave behind, never part of an exercise.
fn is_scratch(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".snap.new")
        || name.ends_with(".pending-snap")
        || name.ends_with('~')
        || name.starts_with(".#")
        || name.ends_with(".swp")
        || name == ".DS_Store"
}

pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Files every exercise's verdict depends on: the manifest (time limits,
/// timing settings), the workspace's Cargo profiles and config, the timing
/// harness, and every crate the workspace hands to exercises (each path
/// entry of `[workspace.dependencies]`: the suites' helpers, the given
/// crates, the capstone's earlier stages). A toolchain file or a legacy
/// `.cargo/config` is listed when present, so that adding one is an edit.
pub fn shared_files(root: &Path) -> Result<Vec<String>> {
    let mut files: Vec<String> = ["Cargo.toml", "exercises.toml", ".cargo/config.toml"]
        .into_iter()
        .chain(["rust-toolchain", "rust-toolchain.toml", ".cargo/config"])
        .map(str::to_string)
        .collect();
    let mut crates = vec!["benches".to_string()];
    crates.extend(given_crates(root)?);
    for krate in crates {
        files.push(format!("{krate}/Cargo.toml"));
        files_under(root, &root.join(&krate).join("src"), &[], &mut files)?;
    }
    // Listed when present: a deleted file shows as missing, a new one as added.
    files.retain(|f| root.join(f).is_file());
    Ok(files)
}

/// The folders of the crates the root manifest's `[workspace.dependencies]`
/// names by path, relative to `root`. A manifest that cannot be read gives
/// none: `Cargo.toml` itself is a shared file, so its edit is found anyway.
fn given_crates(root: &Path) -> Result<Vec<String>> {
    let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else { return Ok(vec![]) };
    let Ok(manifest) = text.parse::<toml::Table>() else { return Ok(vec![]) };
    let deps = manifest.get("workspace").and_then(|w| w.get("dependencies")).and_then(|d| d.as_table());
    let mut crates: Vec<String> = deps
        .into_iter()
        .flat_map(|d| d.values())
        .filter_map(|d| d.get("path").and_then(|p| p.as_str()))
        .filter(|p| !p.contains("..")) // never a file outside the repository
        .map(|p| p.trim_end_matches('/').to_string())
        .collect();
    crates.sort();
    crates.dedup();
    Ok(crates)
}

/// The files of `ex` that `check` refuses to run with when edited: every file
/// of the exercise crate outside `src/` (tests, snapshots, `Cargo.toml`, and
/// any `build.rs` or config a learner adds), the reference crate's manifest
/// and sources (not its notes or variants), and its bench.
pub fn protected_files(root: &Path, ex: &Exercise) -> Result<Vec<String>> {
    let mut files = Vec::new();
    files_under(root, &ex.dir(root), &["src"], &mut files)?;
    let manifest = ex.solution_dir(root).join("Cargo.toml");
    if manifest.is_file() {
        // Absent, it shows as missing against the record.
        files.push(relative(root, &manifest));
    }
    files_under(root, &ex.solution_dir(root).join("src"), &[], &mut files)?;
    if ex.benched() {
        files.push(relative(root, &ex.bench_file(root)));
    }
    if ex.loom {
        // The loom models are only as good as the shim they swap (the ban on
        // std's locks, `clippy.toml`, is outside src/ and so protected already).
        files.push(relative(root, &ex.dir(root).join("src/sync.rs")));
    }
    files.sort();
    Ok(files)
}

/// The learner's files: everything under the exercise's `src/`.
pub fn stub_files(root: &Path, ex: &Exercise) -> Result<Vec<String>> {
    let mut files = Vec::new();
    files_under(root, &ex.dir(root).join("src"), &[], &mut files)?;
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

/// The record of the files of `ex` as they are now, as `pristine.toml` keeps it.
pub fn exercise_record(root: &Path, ex: &Exercise) -> Result<Record> {
    Ok(Record { protected: ids(root, &protected_files(root, ex)?)?, stubs: ids(root, &stub_files(root, ex)?)? })
}

/// [`exercise_record`] with the shared files added: a fingerprint of it
/// changes with any file the verdict of `ex` depends on.
pub fn record_now(root: &Path, ex: &Exercise) -> Result<Record> {
    let mut record = exercise_record(root, ex)?;
    record.protected.extend(shared_now(root)?);
    Ok(record)
}

/// The record of the shared files as they are now.
pub fn shared_now(root: &Path) -> Result<BTreeMap<String, String>> {
    ids(root, &shared_files(root)?)
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

    /// Writes the record and its digest (compiled into the next build of xtask); returns the digest.
    pub fn save(&self, root: &Path) -> Result<String> {
        let header = "# Written by `cargo xtask verify --bless`; do not edit by hand.\n\
                      # Git blob ids of the files a learner must not edit, and of the stubs as published.\n\n";
        let text = format!("{header}{}", toml::to_string_pretty(self)?);
        let digest = blob_id(text.as_bytes());
        fsutil::write_atomic(&root.join(FILE), text.as_bytes())?;
        fsutil::write_atomic(&root.join(DIGEST_FILE), digest.as_bytes())?;
        Ok(digest)
    }

    /// The record, with an edit of `pristine.toml` itself as the one edit
    /// when its blob id is not the one `ws` was published with.
    pub fn load_checked(ws: &Workspace) -> Result<std::result::Result<Self, Edit>> {
        let bytes = std::fs::read(ws.root.join(FILE)).unwrap_or_default();
        if blob_id(&bytes) != ws.pristine_digest {
            return Ok(Err(Edit::Modified(FILE.into())));
        }
        Self::load(&ws.root).map(Ok)
    }

    pub fn record(&self, ex: &Exercise) -> Result<&Record> {
        self.exercise.get(&ex.id).with_context(|| {
            format!("{FILE} has no record of `{}`; a maintainer runs `cargo xtask verify --bless`", ex.id)
        })
    }

    /// The protected files of `ex` and the shared files that differ from the record.
    pub fn edits(&self, root: &Path, ex: &Exercise) -> Result<Vec<Edit>> {
        let mut edits = compare(&self.shared, &shared_now(root)?);
        // A given crate's reference (exercise 24's, shared from 25 on) is in both lists: name it once.
        for edit in compare(&self.record(ex)?.protected, &ids(root, &protected_files(root, ex)?)?) {
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
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
            fsutil::write_atomic(&target, &wanted)?;
            written.push(target);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_missing_and_edited_files_are_told_apart() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(p, id)| (p.to_string(), id.to_string())).collect()
        };
        let recorded = map(&[("Cargo.toml", "1"), ("tests/suite.rs", "2")]);
        let now = map(&[("Cargo.toml", "9"), ("build.rs", "3")]);
        assert_eq!(
            compare(&recorded, &now),
            [
                Edit::Modified("Cargo.toml".into()),
                Edit::Missing("tests/suite.rs".into()),
                Edit::Added("build.rs".into())
            ]
        );
    }

    #[test]
    fn the_published_digest_is_a_blob_id() {
        assert_eq!(PUBLISHED_DIGEST.trim().len(), 40, "run `cargo xtask verify --bless`");
    }

    #[test]
    fn blob_ids_match_git_hash_object() {
        // `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null`
        assert_eq!(blob_id(b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }
}
