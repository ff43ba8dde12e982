//! Known variants of an exercise's `src/lib.rs` (`known-bad/`, `known-good/`).
//!
//! A variant is either a whole file (`NAME.rs`) or a patch against the
//! reference (`NAME.patch`, a unified diff as `diff -u` writes it, after a
//! preamble of `//!` lines). A patch states only the mistake, so a variant
//! that differs from the reference in two lines is two lines long, not a
//! copy of the reference to keep in step with it. Hunks are placed by their
//! text, not their line numbers: each hunk's old lines must occur exactly
//! once in the reference. To try one by hand:
//! `patch -o exercises/ID/src/lib.rs solutions/ID/src/lib.rs < solutions/ID/known-bad/NAME.patch`.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Whether `path` names a variant file.
pub fn is_variant(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs" || e == "patch")
}

/// The `//! expect: <reason>` line of a known-bad variant.
pub fn expected_reason(text: &str) -> Option<String> {
    text.lines().find_map(|l| l.trim().strip_prefix("//! expect:").map(|r| r.trim().to_string()))
}

/// The tests a known-bad variant's `//! failing: a, b` line names: the ones
/// that must be among the failures, because their messages explain it.
pub fn failing_tests(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("//! failing:"))
        .flat_map(|names| names.split(','))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The variant's `src/lib.rs`: the file itself, or the reference with the patch applied.
pub fn materialize(variant: &Path, reference: &Path) -> Result<String> {
    let text = std::fs::read_to_string(variant).with_context(|| format!("cannot read {}", variant.display()))?;
    if variant.extension().is_some_and(|e| e == "rs") {
        return Ok(text);
    }
    let original =
        std::fs::read_to_string(reference).with_context(|| format!("cannot read {}", reference.display()))?;
    apply(&original, &text).with_context(|| format!("{} does not apply to {}", variant.display(), reference.display()))
}

/// One hunk: the lines it expects and the lines it puts in their place.
struct Hunk {
    old: Vec<String>,
    new: Vec<String>,
}

fn hunks(patch: &str) -> Result<Vec<Hunk>> {
    let mut hunks = Vec::new();
    let mut current: Option<Hunk> = None;
    for line in patch.lines() {
        if line.starts_with("@@") {
            hunks.extend(current.take());
            current = Some(Hunk { old: Vec::new(), new: Vec::new() });
            continue;
        }
        let Some(hunk) = current.as_mut() else { continue }; // the preamble and the ---/+++ headers
        match line.split_at_checked(1) {
            Some((" ", rest)) => {
                hunk.old.push(rest.to_string());
                hunk.new.push(rest.to_string());
            }
            Some(("-", rest)) => hunk.old.push(rest.to_string()),
            Some(("+", rest)) => hunk.new.push(rest.to_string()),
            Some(("\\", _)) => {} // "\ No newline at end of file"
            // `diff -u` writes an empty context line as a lone space; editors may strip it.
            None if line.is_empty() => {
                hunk.old.push(String::new());
                hunk.new.push(String::new());
            }
            _ => bail!("unexpected line in a hunk: {line:?}"),
        }
    }
    hunks.extend(current);
    if hunks.is_empty() {
        bail!("no hunk (a line starting with @@) found");
    }
    Ok(hunks)
}

/// Applies a unified diff to `original`, placing each hunk by its text.
pub fn apply(original: &str, patch: &str) -> Result<String> {
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    for (i, hunk) in hunks(patch)?.into_iter().enumerate() {
        if hunk.old.is_empty() {
            bail!("hunk {} has no context lines to place it by", i + 1);
        }
        let at: Vec<usize> = (0..=lines.len().saturating_sub(hunk.old.len()))
            .filter(|&start| lines[start..].starts_with(&hunk.old))
            .collect();
        match at.as_slice() {
            [start] => {
                lines.splice(*start..*start + hunk.old.len(), hunk.new);
            }
            [] => bail!("hunk {} does not match (its first line: {:?})", i + 1, hunk.old[0]),
            _ => bail!("hunk {} matches {} places; give it more context", i + 1, at.len()),
        }
    }
    Ok(lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "fn a() {\n    one();\n}\n\nfn b() {\n    two();\n}\n";

    #[test]
    fn a_hunk_is_placed_by_its_text() {
        let patch =
            "//! expect: tests-failed\n--- a\n+++ b\n@@ -5,3 +5,3 @@\n fn b() {\n-    two();\n+    three();\n }\n";
        assert_eq!(apply(ORIGINAL, patch).unwrap(), "fn a() {\n    one();\n}\n\nfn b() {\n    three();\n}\n");
        assert_eq!(expected_reason(patch).as_deref(), Some("tests-failed"));
    }

    #[test]
    fn a_hunk_that_does_not_match_is_an_error() {
        let patch = "@@ -1 +1 @@\n-fn c() {\n+fn d() {\n";
        let err = apply(ORIGINAL, patch).unwrap_err().to_string();
        assert!(err.contains("does not match") && err.contains("fn c()"), "{err}");
    }

    #[test]
    fn an_ambiguous_hunk_is_an_error() {
        let patch = "@@ -1 +1 @@\n-}\n+};\n";
        assert!(apply(ORIGINAL, patch).unwrap_err().to_string().contains("matches 2 places"));
    }

    #[test]
    fn a_patch_without_hunks_is_an_error() {
        assert!(apply(ORIGINAL, "//! expect: tests-failed\n").is_err());
    }
}
