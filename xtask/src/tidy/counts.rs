//! No count or progress state written by hand in the book or the README: the
//! number of exercises comes from `book/generated/` (`contents.rs`), and a
//! count that stays in prose is checked against the manifest.
//!
//! Found: a progress line with numbers (`0/9 done`, `of 28 done`), a number
//! of exercises or chapters (`25 half-finished`, `nine chapters`,
//! `exercises 01–28`), a test count in a sample verdict (`✓ … all 8 tests
//! pass`), and a thing said to be `(coming)`. A chapter's own
//! page may say how many exercises it has, and is held to the manifest.

use std::path::Path;

use anyhow::Result;

use crate::contents;
use crate::manifest::Manifest;

const NUMBER_WORDS: &[&str] =
    &["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

/// The number a word spells (`4`, `four`, `Four`), if any.
fn number(word: &str) -> Option<usize> {
    word.parse().ok().or_else(|| NUMBER_WORDS.iter().position(|w| w.eq_ignore_ascii_case(word)))
}

/// The problems of one text, one line each; `chapter_exercises` is the number
/// of exercises of the chapter whose own page this is.
pub fn problems(text: &str, chapter_exercises: Option<usize>) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '/' || c == '–')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
            .collect();
        for (at, pair) in words.windows(2).enumerate() {
            let (word, next) = (pair[0], pair[1]);
            if next == "done" && number(word).is_some() {
                problems.push(format!(
                    "line {n}: a progress total written by hand (`{word} done`): write `N of {{{{#include …/exercise-count.txt}}}} done`"
                ));
            }
            if (next == "half-finished" || next == "chapters") && number(word).is_some() {
                problems.push(format!("line {n}: a count written by hand (`{word} {next}`)"));
            }
            if next == "exercises"
                && let Some(count) = number(word)
            {
                match chapter_exercises {
                    Some(has) if has == count => {}
                    Some(has) => problems
                        .push(format!("line {n}: `{word} exercises`, but exercises.toml gives this chapter {has}")),
                    None => problems.push(format!(
                        "line {n}: a count written by hand (`{word} exercises`): include book/generated/exercise-count.txt"
                    )),
                }
            }
            if word == "exercises" && number(next).is_some() && words.get(at + 2).is_some_and(|w| number(w).is_some()) {
                problems.push(format!("line {n}: a range of exercises written by hand (`exercises {next}…`)"));
            }
        }
        // A sample verdict's test count goes stale with the next test added.
        let verdict = line.trim_start().starts_with(['✓', '✗', '~']);
        if verdict && words.windows(2).any(|pair| pair[1] == "tests" && pair[0].parse::<usize>().is_ok()) {
            problems.push(format!("line {n}: a test count in a sample verdict: write `N tests` (the suite grows)"));
        }
        if line.contains("(coming)") {
            problems.push(format!("line {n}: `(coming)`: say what there is now"));
        }
    }
    problems
}

/// `README.md` and every page of the book against the rules.
pub fn repository_problems(root: &Path, manifest: &Manifest) -> Result<Vec<String>> {
    let chapters = contents::chapters(manifest);
    let mut found = Vec::new();
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    found.extend(problems(&readme, None).into_iter().map(|p| format!("README.md: {p}")));
    let src = root.join("book/src");
    for page in crate::fsutil::files_under(&src, &[])? {
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = crate::integrity::relative(&src, &page);
        let own_chapter =
            chapters.values().find(|exercises| format!("{}/README.md", contents::page_folder(exercises[0])) == name);
        let text = std::fs::read_to_string(&page)?;
        found.extend(problems(&text, own_chapter.map(Vec::len)).into_iter().map(|p| format!("book/src/{name}: {p}")));
    }
    found.extend(contents::problems(root, manifest)?);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::problems;

    #[test]
    fn counts_and_states_written_by_hand_are_found() {
        for stale in [
            "  progress: 0/9 done",
            "  progress: 3 of 28 done",
            "once the course is complete, 25 half-finished exercise crates",
            "**All nine chapters are available**",
            "(exercises 01–28).",
            "or `cargo xtask bench` (coming), on your own machine.",
            "The course has 28 exercises.",
            "✗ 01-parallel-sum not done yet — 8 of 8 tests reach a todo!() in your code",
            "✓ 02-word-count passed: all 13 tests pass · R× the reference's time",
        ] {
            assert_eq!(problems(stale, None).len(), 1, "{stale}: {:?}", problems(stale, None));
        }
    }

    #[test]
    fn generated_counts_and_a_chapter_counting_its_own_exercises_pass() {
        for fine in [
            "  progress: 0 of {{#include ../generated/exercise-count.txt}} done",
            "✗ 01-parallel-sum not done yet — N of N tests reach a todo!() in your code",
            "the 3 tests of this page",
            "every thread is done",
            "in four stages.",
        ] {
            assert_eq!(problems(fine, None), Vec::<String>::new(), "{fine}");
        }
        assert_eq!(problems("This chapter has four exercises:", Some(4)), Vec::<String>::new());
        assert!(problems("Two exercises follow:", Some(3))[0].contains("gives this chapter 3"));
    }
}
