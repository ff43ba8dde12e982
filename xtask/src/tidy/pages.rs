//! Rules for the book's pages, read from their Markdown: what a learner sees
//! before they choose to see it.
//!
//! - The reference solution is folded: every `{{#include}}` of `solutions/`
//!   sits inside `<details>`, after a **Solution ahead** line. A blank line
//!   follows `<summary>` (without it the Markdown inside renders as text).
//! - A stub is shown as published: included from `book/published/`
//!   (`published.rs`), never from `exercises/*/src/`, which the learner edits.
//! - An earlier stage's API may be shown open through an `api_` anchor:
//!   its signatures and docs, never a body.
//! - Given code is on the page: each file of an exercise's `src/` beside
//!   `lib.rs` and `main.rs` is included, whole or by an anchor.

use std::path::Path;

use anyhow::Result;

/// Pages that do not follow these rules yet; each must fail at least one, so
/// a page leaves this list as soon as it is brought in line.
pub const NOT_YET: &[&str] = &[];

/// The line that warns before a folded reference.
pub const SOLUTION_AHEAD: &str = "**Solution ahead.**";

/// The problems of one page (`text`), one line each, numbered from 1.
pub fn problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut warned = false;
    let mut open_details: Option<usize> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let trimmed = line.trim();
        if trimmed.starts_with(SOLUTION_AHEAD) {
            warned = true;
        }
        if trimmed.starts_with("<details") {
            open_details = Some(n);
        }
        if trimmed.starts_with("</details>") {
            open_details = None;
        }
        if trimmed.starts_with("<summary>") && lines.get(i + 1).is_some_and(|next| !next.trim().is_empty()) {
            problems.push(format!("line {n}: no blank line after <summary>: the Markdown inside renders as text"));
        }
        for path in include_paths(line) {
            if path.contains("exercises/") && path.contains("/src/") {
                let published = path.split_once("exercises/").map_or(path, |(_, rest)| rest);
                problems.push(format!(
                    "line {n}: includes the learner's {path}, which shows their edits: include book/published/{published} (the stub as published)"
                ));
            }
            // An `api_` anchor of an earlier stage shows what a later one is
            // given: signatures and their docs (`api_anchor_problems`), no body.
            let api = line.contains(&format!("{path}:{API_ANCHOR}"));
            if path.contains("solutions/") && !api {
                if open_details.is_none() {
                    problems.push(format!("line {n}: the reference ({path}) is shown open: fold it in <details>"));
                } else if !warned {
                    problems.push(format!("line {n}: a folded reference with no `{SOLUTION_AHEAD}` line before it"));
                }
            }
        }
    }
    if let Some(n) = open_details {
        problems.push(format!("line {n}: <details> is never closed"));
    }
    problems
}

/// Anchors whose name starts with this mark a given stage's API: a
/// signature and its doc, shown on the pages of the stages that call it.
pub const API_ANCHOR: &str = "api_";

/// An `api_` anchor's lines must stop before a function's body (no line
/// that closes one), and hold a `pub` item.
fn api_anchor_problems(root: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for file in crate::fsutil::files_under(&root.join("solutions"), &["target"])? {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let name = crate::integrity::relative(root, &file);
        for anchor in api_anchors_with_a_body(&text) {
            found
                .push(format!("{name}: anchor {API_ANCHOR}{anchor} must hold a pub signature and its doc, not a body"));
        }
    }
    Ok(found)
}

/// The names (after `api_`) of the API anchors in `text` that show a body or no `pub` item.
fn api_anchors_with_a_body(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for region in text.split(&format!("// ANCHOR: {API_ANCHOR}")).skip(1) {
        let (anchor, rest) = region.split_once('\n').unwrap_or((region, ""));
        let body = rest.split(&format!("// ANCHOR_END: {API_ANCHOR}{anchor}")).next().unwrap_or("");
        // A struct's fields close with `}`; a function's signature must not.
        let closes_a_body = body.contains("fn ") && body.lines().any(|l| l.starts_with('}'));
        if closes_a_body || !body.contains("pub ") {
            found.push(anchor.trim());
        }
    }
    found
}

/// The paths of the `{{#include …}}` directives on `line`, without their anchors.
pub fn include_paths(line: &str) -> Vec<&str> {
    line.split("{{#include ")
        .skip(1)
        .filter_map(|rest| rest.split("}}").next())
        .map(|inner| inner.trim().split(':').next().unwrap_or(""))
        .collect()
}

/// Every page under `book/src` against the rules; `NOT_YET` pages must break one.
pub fn book_problems(root: &Path) -> Result<Vec<String>> {
    let src = root.join("book/src");
    let mut found = Vec::new();
    for page in crate::fsutil::files_under(&src, &[])? {
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = crate::integrity::relative(&src, &page);
        let problems = problems(&std::fs::read_to_string(&page)?);
        if NOT_YET.contains(&name.as_str()) {
            if problems.is_empty() {
                found.push(format!("book/src/{name} follows the page rules now: drop it from tidy::pages::NOT_YET"));
            }
            continue;
        }
        found.extend(problems.into_iter().map(|p| format!("book/src/{name}: {p}")));
    }
    found.extend(given_files_not_shown(root)?);
    found.extend(api_anchor_problems(root)?);
    Ok(found)
}

/// An exercise's files beside its `lib.rs` and `main.rs` are given code the
/// learner calls or runs (`given.rs`, `worker.rs`, `errors.rs`, …): its page
/// includes each of them, whole or by an anchor, so the API is on the page.
fn given_files_not_shown(root: &Path) -> Result<Vec<String>> {
    let manifest = crate::manifest::Manifest::load(root)?;
    let mut found = Vec::new();
    for ex in &manifest.exercises {
        let page = std::fs::read_to_string(ex.book_page(root)).unwrap_or_default();
        let included: Vec<&str> = page.lines().flat_map(include_paths).collect();
        let src = ex.dir(root).join("src");
        for file in crate::fsutil::files_under(&src, &[])? {
            let name = crate::integrity::relative(&src, &file);
            if name == "lib.rs" || name == "main.rs" {
                continue;
            }
            let suffix = format!("{}/src/{name}", ex.id);
            if !included.iter().any(|path| path.ends_with(&suffix)) {
                found.push(format!("book/src/{}: shows nothing of the given src/{name} ({})", ex.book, ex.id));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLDED: &str = "## After you solve it\n\n**Solution ahead.** Fold.\n\n<details>\n<summary>The reference</summary>\n\n```rust\n{{#include ../../../solutions/01-x/src/lib.rs:solution}}\n```\n\n</details>\n\nWhy it is fast:\n";

    #[test]
    fn a_folded_reference_after_the_warning_passes() {
        assert_eq!(problems(FOLDED), Vec::<String>::new());
    }

    #[test]
    fn an_open_reference_or_a_fold_without_warning_fails() {
        let open = "```rust\n{{#include ../../../solutions/01-x/src/lib.rs:solution}}\n```\n";
        assert_eq!(problems(open).len(), 1, "{:?}", problems(open));
        assert!(problems(open)[0].contains("shown open"));
        let unwarned = FOLDED.replace(SOLUTION_AHEAD, "Read on.");
        assert!(problems(&unwarned)[0].contains("no `**Solution ahead.**` line"), "{:?}", problems(&unwarned));
        let cramped = FOLDED.replace("</summary>\n\n", "</summary>\n");
        assert!(problems(&cramped)[0].contains("no blank line after <summary>"), "{:?}", problems(&cramped));
        let unclosed = FOLDED.replace("</details>", "");
        assert!(problems(&unclosed)[0].contains("never closed"), "{:?}", problems(&unclosed));
    }

    #[test]
    fn a_stub_comes_from_the_published_copy() {
        let live = "```rust\n{{#include ../../../exercises/01-x/src/lib.rs}}\n```\n";
        assert!(problems(live)[0].contains("include book/published/01-x/src/lib.rs"), "{:?}", problems(live));
        let tests = "{{#include ../../../exercises/01-x/tests/snapshots/suite__a.snap:5:}}\n";
        assert_eq!(problems(tests), Vec::<String>::new(), "tests are protected: check refuses edited ones");
        assert_eq!(problems("{{#include ../../published/01-x/src/lib.rs:stub}}\n"), Vec::<String>::new());
    }

    #[test]
    fn an_api_anchor_shows_a_signature_or_a_struct_never_a_body() {
        let signature = "// ANCHOR: api_f\n/// Doc.\npub fn f() -> u8 {\n// ANCHOR_END: api_f\n    1\n}\n";
        let structure = "// ANCHOR: api_s\npub struct S {\n    pub a: u8,\n}\n// ANCHOR_END: api_s\n";
        assert!(api_anchors_with_a_body(&format!("{signature}{structure}")).is_empty());
        let body = "// ANCHOR: api_g\npub fn g() -> u8 {\n    1\n}\n// ANCHOR_END: api_g\n";
        let private = "// ANCHOR: api_h\nfn h() -> u8 {\n// ANCHOR_END: api_h\n";
        assert_eq!(api_anchors_with_a_body(&format!("{body}{private}")), ["g", "h"]);
        let page = "{{#include ../../../solutions/24-x/src/lib.rs:api_parse_row}}\n";
        assert!(problems(page).is_empty(), "an API anchor may be shown open");
        assert_eq!(problems("{{#include ../../../solutions/24-x/src/lib.rs:solution}}\n").len(), 1);
    }

    #[test]
    fn include_paths_drop_anchors_and_line_ranges() {
        assert_eq!(
            include_paths("{{#include ../a/lib.rs:stub}} and {{#include b.snap:5:}}"),
            ["../a/lib.rs", "b.snap"]
        );
    }
}
