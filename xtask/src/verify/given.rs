//! No exercise can be solved by calling the code it is given.
//!
//! An exercise's crate must not reach its own reference, neither as a
//! dependency (directly or through a given crate) nor as a file a reachable
//! crate includes with `#[path]`. Either way one line calling it would pass
//! every test and the gate, since both compare with the reference itself.
//! Only what the exercise's `src/` links counts: normal and build
//! dependencies, followed transitively; dev-dependencies (the suite's) are
//! not the learner's to call.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;

/// The part of `cargo metadata` this check reads.
#[derive(Deserialize)]
pub struct Metadata {
    packages: Vec<Package>,
    resolve: Resolve,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
    manifest_path: PathBuf,
    /// `None` for a crate of this repository (a path dependency).
    source: Option<String>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    /// `None` for a normal dependency, `"dev"` or `"build"` otherwise.
    kind: Option<String>,
}

/// The workspace's resolved dependency graph.
pub fn metadata(ws: &Workspace) -> Result<Metadata> {
    // This machine's platform only: other platforms' dependencies need not be
    // downloaded. Not `--locked`: a workspace with a new exercise (the
    // scaffold's smoke test) has a lock file that is not yet complete.
    let host = crate::tools::host_target()?;
    let out = Cmd::cargo()
        .args(["metadata", "--format-version", "1", "--filter-platform", &host])
        .dir(&ws.root)
        .quiet()
        .capture(Duration::from_secs(120))?;
    if !out.success() {
        bail!("`cargo metadata` failed:\n{}", out.stderr.trim());
    }
    serde_json::from_str(&out.stdout).context("cannot read the output of `cargo metadata`")
}

/// Why `ex` can reach its own reference, or `None` when it cannot.
pub fn reaches_own_reference(meta: &Metadata, root: &Path, ex: &Exercise) -> Result<Option<String>> {
    Ok(reaches(meta, root, &ex.dir(root), &ex.solution_dir(root))?.map(|how| format!("{}: {how}", ex.id)))
}

/// How the crate in `krate` reaches the folder `reference` (a dependency
/// there, or a `#[path]` into it), or `None` when it cannot.
fn reaches(meta: &Metadata, root: &Path, krate: &Path, reference: &Path) -> Result<Option<String>> {
    let dir_of = |p: &Package| p.manifest_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let same = |a: &Path, b: &Path| a.canonicalize().ok().is_some_and(|a| b.canonicalize().is_ok_and(|b| a == b));
    let by_id: BTreeMap<&str, &Package> = meta.packages.iter().map(|p| (p.id.as_str(), p)).collect();
    let exercise = meta.packages.iter().find(|p| same(&dir_of(p), krate));
    let Some(exercise) = exercise else { bail!("`cargo metadata` lists no package in {}", krate.display()) };
    let reference = reference.canonicalize().context("the reference crate is missing")?;
    let links: BTreeMap<&str, Vec<&str>> = meta
        .resolve
        .nodes
        .iter()
        .map(|n| {
            let linked = n.deps.iter().filter(|d| d.dep_kinds.iter().any(|k| k.kind.as_deref() != Some("dev")));
            (n.id.as_str(), linked.map(|d| d.pkg.as_str()).collect())
        })
        .collect();
    // Breadth first, remembering how each package was reached, to name the path.
    let mut via: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = vec![exercise.id.as_str()];
    let mut seen: BTreeSet<&str> = queue.iter().copied().collect();
    while let Some(id) = queue.pop() {
        let package = by_id[id];
        let chain = || {
            let mut names = vec![by_id[id].name.clone()];
            let mut at = id;
            while let Some(&from) = via.get(at) {
                names.push(by_id[from].name.clone());
                at = from;
            }
            names.reverse();
            names.join(" → ")
        };
        if id != exercise.id && same(&dir_of(package), &reference) {
            return Ok(Some(format!("its own reference is a dependency: {}", chain())));
        }
        let local = package.source.is_none();
        if local && let Some(file) = includes_from(&dir_of(package), &reference)? {
            return Ok(Some(format!(
                "a dependency includes its own reference with `#[path]` in {}: {}",
                file.strip_prefix(root).unwrap_or(&file).display(),
                chain()
            )));
        }
        for &next in links.get(id).into_iter().flatten() {
            if seen.insert(next) {
                via.insert(next, id);
                queue.push(next);
            }
        }
    }
    Ok(None)
}

/// A source file of the crate in `dir` with a `#[path = …]` into `reference`.
/// Only crates of the repository are read; registry crates cannot point here.
fn includes_from(dir: &Path, reference: &Path) -> Result<Option<PathBuf>> {
    let src = dir.join("src");
    if !src.is_dir() {
        return Ok(None);
    }
    for file in crate::fsutil::files_under(&src, &[])? {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for target in path_attributes(&text) {
            let base = file.parent().unwrap_or(&src);
            if base.join(target).canonicalize().is_ok_and(|t| t.starts_with(reference)) {
                return Ok(Some(file));
            }
        }
    }
    Ok(None)
}

/// The targets of the `#[path = "…"]` attributes in `text`.
fn path_attributes(text: &str) -> Vec<&str> {
    text.match_indices("#[path")
        .filter_map(|(at, _)| {
            let rest = text[at..].split_once('"')?.1;
            rest.split_once('"').map(|(target, _)| target)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_attributes_are_found() {
        let text = "#[path = \"../../solutions/24-x/src/lib.rs\"]\npub mod fast;\n#[path=\"given.rs\"] mod g;";
        assert_eq!(path_attributes(text), ["../../solutions/24-x/src/lib.rs", "given.rs"]);
    }

    /// The real workspace: no exercise reaches its own reference, and the
    /// check sees both ways of reaching one.
    #[test]
    fn no_exercise_reaches_its_own_reference() {
        let root = crate::manifest::repo_root();
        let ws = Workspace::open(&root).expect("the workspace");
        let meta = metadata(&ws).expect("cargo metadata");
        for ex in &ws.manifest.exercises {
            assert_eq!(reaches_own_reference(&meta, &root, ex).expect("the check runs"), None, "{}", ex.id);
        }
        // Exercise 26 is given 24's reference: were it its own, it would be found.
        let via_dependency = reaches(
            &meta,
            &root,
            &root.join("exercises/26-stations-fast"),
            &root.join("solutions/24-stations-straightforward"),
        );
        let how = via_dependency.expect("the check runs").expect("24's reference is found");
        assert!(how.contains("stations-fast → stations-straightforward-solution"), "{how}");
        // Solution 28 includes exercise 28's given module with `#[path]`.
        let via_path = reaches(
            &meta,
            &root,
            &root.join("solutions/28-timely-stations"),
            &root.join("exercises/28-timely-stations"),
        );
        let how = via_path.expect("the check runs").expect("the include is found");
        assert!(how.contains("`#[path]` in solutions/28-timely-stations/src/lib.rs"), "{how}");
    }
}
