//! The course's contents from the manifest, as files the book includes:
//! no page counts exercises or lists them by hand.
//!
//! - `book/generated/exercise-count.txt`: the number of exercises, no newline,
//!   for a sentence or a sample output (`progress: 0 of {{#include …}} done`).
//! - `book/generated/contents.md`: every chapter (its title from `SUMMARY.md`)
//!   with its exercises, linked, for the introduction.
//!
//! `cargo xtask book` rewrites them before it builds; a tidy test fails when
//! one is stale. `tidy/counts.rs` fails on a count written by hand.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::manifest::{Exercise, Manifest};

/// The folder of the generated files, relative to the repository root.
pub const DIR: &str = "book/generated";

/// Each generated file (relative to the repository root) and its text.
pub fn files(manifest: &Manifest, summary: &str) -> Vec<(String, String)> {
    vec![
        (format!("{DIR}/exercise-count.txt"), manifest.exercises.len().to_string()),
        (format!("{DIR}/contents.md"), contents(manifest, summary)),
    ]
}

/// The chapters in course order: number → their exercises.
pub fn chapters(manifest: &Manifest) -> BTreeMap<u32, Vec<&Exercise>> {
    let mut chapters: BTreeMap<u32, Vec<&Exercise>> = BTreeMap::new();
    for ex in &manifest.exercises {
        chapters.entry(ex.chapter).or_default().push(ex);
    }
    chapters
}

/// The folder of an exercise's page under `book/src/` (`ch01-measure-first`).
pub fn page_folder(ex: &Exercise) -> &str {
    ex.book.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The title `SUMMARY.md` gives `folder/README.md`.
fn chapter_title<'a>(summary: &'a str, folder: &str) -> Option<&'a str> {
    let link = format!("]({folder}/README.md)");
    summary.lines().find_map(|line| {
        let (before, _) = line.split_once(&link)?;
        before.rsplit_once('[').map(|(_, title)| title)
    })
}

fn contents(manifest: &Manifest, summary: &str) -> String {
    let chapters = chapters(manifest);
    let mut out = format!(
        "<!-- Generated from exercises.toml and SUMMARY.md by `cargo xtask book`; do not edit. -->\n\
         The course has {} exercises in {} chapters:\n\n| chapter | exercises |\n|---|---|\n",
        manifest.exercises.len(),
        chapters.len()
    );
    for (number, exercises) in &chapters {
        let folder = page_folder(exercises[0]);
        let title = chapter_title(summary, folder).unwrap_or(folder);
        // mdbook renders README.md as index.html but does not rewrite links to it.
        let links: Vec<String> = exercises
            .iter()
            .map(|ex| format!("[{} {}]({})", ex.id.split('-').next().unwrap_or(&ex.id), ex.title, ex.book))
            .collect();
        out.push_str(&format!("| {number}. [{title}]({folder}/index.md) | {} |\n", links.join(" · ")));
    }
    out
}

/// Rewrites the generated files that differ; returns how many it wrote.
pub fn refresh(root: &Path) -> Result<usize> {
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md"))?;
    let mut written = 0;
    for (path, text) in files(&Manifest::load(root)?, &summary) {
        if std::fs::read_to_string(root.join(&path)).ok().as_deref() != Some(text.as_str()) {
            crate::fsutil::write_atomic(&root.join(&path), text.as_bytes())?;
            written += 1;
        }
    }
    Ok(written)
}

/// Generated files that are missing or stale, one line each.
pub fn problems(root: &Path, manifest: &Manifest) -> Result<Vec<String>> {
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap_or_default();
    Ok(files(manifest, &summary)
        .into_iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str()))
        .map(|(path, _)| format!("{path} does not match exercises.toml: `cargo xtask book` rewrites it"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_come_from_the_manifest_and_the_summary() {
        let manifest: Manifest = toml::from_str(
            "[[exercise]]\nid = \"01-sum\"\nchapter = 1\ntitle = \"Sum\"\nbook = \"ch01-a/sum.md\"\nkind = \"threads\"\nhints = []\n\
             [[exercise]]\nid = \"02-count\"\nchapter = 1\ntitle = \"Count\"\nbook = \"ch01-a/count.md\"\nkind = \"threads\"\nhints = []\n\
             [[exercise]]\nid = \"03-pipe\"\nchapter = 2\ntitle = \"Pipe\"\nbook = \"ch02-b/pipe.md\"\nkind = \"processes\"\nhints = []\n",
        )
        .unwrap();
        let summary = "- [Measure](ch01-a/README.md)\n    - [Sum](ch01-a/sum.md)\n- [Pipes](ch02-b/README.md)\n";
        let files = files(&manifest, summary);
        assert_eq!(files[0], ("book/generated/exercise-count.txt".to_string(), "3".to_string()));
        let table = &files[1].1;
        assert!(table.contains("The course has 3 exercises in 2 chapters:"), "{table}");
        assert!(
            table.contains("| 1. [Measure](ch01-a/index.md) | [01 Sum](ch01-a/sum.md) · [02 Count](ch01-a/count.md) |")
        );
        assert!(table.contains("| 2. [Pipes](ch02-b/index.md) | [03 Pipe](ch02-b/pipe.md) |"), "{table}");
    }
}
