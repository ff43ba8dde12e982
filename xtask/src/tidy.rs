//! Repository hygiene as tests: the manifest, the folders, the book, the
//! benches, the baselines, `pristine.toml` and the README agree, and the
//! book's pages follow their rules (`tidy/pages.rs`) and count nothing by
//! hand (`tidy/counts.rs`).
//! Run by `cargo test -p xtask` (so by `cargo xtask test`) and on scaffolds.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use crate::integrity::Pristine;
use crate::manifest::Manifest;

pub mod counts;
pub mod pages;

fn names_in(dir: &Path, keep: impl Fn(&str) -> bool) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().to_string()).filter(|n| keep(n)).collect()
        })
        .unwrap_or_default()
}

/// Everything that disagrees, one line each.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let manifest = Manifest::load(root)?;
    let mut problems = Vec::new();
    let ids: BTreeSet<String> = manifest.exercises.iter().map(|e| e.id.clone()).collect();
    for folder in ["exercises", "solutions"] {
        let present = names_in(&root.join(folder), |_| true);
        for extra in present.difference(&ids) {
            problems.push(format!("{folder}/{extra} has no entry in exercises.toml"));
        }
        for missing in ids.difference(&present) {
            problems.push(format!("exercises.toml lists {missing} but {folder}/{missing} does not exist"));
        }
    }
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap_or_default();
    let pristine = Pristine::load(root)?;
    let benches_toml = std::fs::read_to_string(root.join("benches/Cargo.toml")).unwrap_or_default();
    let mut bench_files = BTreeSet::new();
    let mut baselines = BTreeSet::new();
    for ex in &manifest.exercises {
        if !ex.book_page(root).exists() {
            problems.push(format!("{}: book page book/src/{} does not exist", ex.id, ex.book));
        }
        if !summary.contains(&format!("({})", ex.book)) {
            problems.push(format!("{}: book/src/SUMMARY.md does not list {}", ex.id, ex.book));
        }
        if !pristine.exercise.contains_key(&ex.id) {
            problems.push(format!("{}: no record in pristine.toml (cargo xtask verify --bless {})", ex.id, ex.id));
        }
        if let Some(perf) = &ex.perf {
            if let Err(e) = perf.datagen.parse::<datagen::Kind>() {
                problems.push(format!("{}: perf.datagen: {e}", ex.id));
            }
            bench_files.insert(format!("{}.rs", ex.lib_name()));
            if !ex.bench_file(root).exists() {
                problems.push(format!("{}: timed, but benches/benches/{}.rs is missing", ex.id, ex.lib_name()));
            }
            if !benches_toml.contains(&format!("\n{} = [\"dep:ex-{}\"", ex.slug(), ex.slug())) {
                problems.push(format!("{}: benches/Cargo.toml has no feature `{}`", ex.id, ex.slug()));
            }
            if let Some(script) = &perf.python {
                baselines.insert(format!("{script}.py"));
                if !root.join("baselines/python").join(format!("{script}.py")).exists() {
                    problems.push(format!("{}: baselines/python/{script}.py is missing", ex.id));
                }
            }
        }
        for file in names_in(&ex.solution_dir(root).join("known-bad"), |n| crate::variant::is_variant(Path::new(n))) {
            let text = std::fs::read_to_string(ex.solution_dir(root).join("known-bad").join(&file))?;
            if crate::variant::expected_reason(&text).is_none() {
                problems.push(format!("{}: known-bad/{file} has no `//! expect: <reason>` line", ex.id));
            }
        }
        // A patch that no longer applies would stop verify midway: found here, in a second.
        let reference = ex.solution_dir(root).join("src/lib.rs");
        for kind in ["known-bad", "known-good"] {
            for file in names_in(&ex.solution_dir(root).join(kind), |n| n.ends_with(".patch")) {
                if let Err(e) = crate::variant::materialize(&ex.solution_dir(root).join(kind).join(&file), &reference) {
                    problems.push(format!("{}: {kind}/{file}: {e:#}", ex.id));
                }
            }
        }
    }
    for stray in names_in(&root.join("benches/benches"), |n| n.ends_with(".rs")).difference(&bench_files) {
        problems.push(format!("benches/benches/{stray} belongs to no timed exercise in exercises.toml"));
    }
    // The shared protocol module and the baselines' own tests belong to no exercise.
    let is_baseline = |n: &str| n.ends_with(".py") && n != "workbench_baseline.py" && !n.starts_with("test_");
    for stray in names_in(&root.join("baselines/python"), is_baseline).difference(&baselines) {
        problems.push(format!("baselines/python/{stray} is named by no exercise in exercises.toml"));
    }
    for id in pristine.exercise.keys().filter(|id| !ids.contains(*id)) {
        problems.push(format!("pristine.toml records {id}, which exercises.toml does not list"));
    }
    problems.extend(crate::published::problems(root, &pristine)?);
    problems.extend(pages::book_problems(root)?);
    problems.extend(counts::repository_problems(root, &manifest)?);
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::manifest::repo_root;

    #[test]
    fn manifest_folders_book_benches_and_baselines_agree() {
        let problems = problems(&repo_root()).unwrap();
        assert!(problems.is_empty(), "tidy:\n  {}", problems.join("\n  "));
    }

    #[test]
    fn readme_mentions_every_command() {
        let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
        for command in crate::Cli::command().get_subcommands() {
            let name = command.get_name();
            assert!(readme.contains(&format!("cargo xtask {name}")), "README.md does not mention `cargo xtask {name}`");
        }
    }

    #[test]
    fn ci_runs_the_readme_test_command() {
        let ci = std::fs::read_to_string(repo_root().join(".ci/run")).unwrap();
        assert!(ci.contains("cargo xtask test"), ".ci/run must call `cargo xtask test`");
    }
}
