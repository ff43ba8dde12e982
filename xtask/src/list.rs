//! `cargo xtask list`: the exercises in course order as a table — state
//! (✓ done, ~ inconclusive, ✗ failing, · untried or changed since checked),
//! chapter, id, title and the last ratio to the reference — under a summary
//! line ("12 of 28 done") that says what to do next.

use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::progress::{Progress, State};

/// One exercise as `list` shows it.
pub struct Row<'a> {
    pub state: State,
    pub chapter: u32,
    pub id: &'a str,
    pub title: &'a str,
    /// Whether the exercise has a timing gate at all.
    pub timed: bool,
    /// The last check's time over the reference's, while its files are unchanged.
    pub ratio: Option<f64>,
}

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let progress = Progress::load(ws);
    let rows: Vec<Row> = ws
        .manifest
        .exercises
        .iter()
        .map(|ex| {
            let state = progress.state(ws, ex);
            Row {
                state,
                chapter: ex.chapter,
                id: &ex.id,
                title: &ex.title,
                timed: ex.gated(),
                // A ratio measured on other files says nothing about these.
                ratio: if state == State::Untried { None } else { progress.last_ratio(ex) },
            }
        })
        .collect();
    let next = rows.iter().find(|r| r.state != State::Done).map(|r| r.id);
    anstream::print!("{}", render(&rows, next));
    Ok(ExitCode::SUCCESS)
}

/// The summary line, then an aligned table (colour only in the state column).
pub fn render(rows: &[Row], next: Option<&str>) -> String {
    let done = rows.iter().filter(|r| r.state == State::Done).count();
    let next = next.map_or("nothing — all done".to_string(), |id| format!("cargo xtask check {id}"));
    let mut out = format!("{done} of {} done · next: {next}\n\n", rows.len());
    let ratio = |r: &Row| match (r.timed, r.ratio) {
        (false, _) => "untimed".to_string(),
        (true, Some(ratio)) => format!("{ratio:.2}×"),
        (true, None) => "—".to_string(),
    };
    let width = |header: &str, cell: &dyn Fn(&Row) -> String| {
        rows.iter().map(|r| cell(r).chars().count()).chain([header.chars().count()]).max().unwrap_or(0)
    };
    let state_w = width("state", &|r| r.state.text().to_string());
    let chapter_w = width("ch", &|r| r.chapter.to_string());
    let id_w = width("exercise", &|r| r.id.to_string());
    let title_w = width("title", &|r| r.title.to_string());
    let header = format!(
        "{:<state_w$}  {:>chapter_w$}  {:<id_w$}  {:<title_w$}  last ratio",
        "state", "ch", "exercise", "title"
    );
    out.push_str(&crate::ui::bold(&header));
    out.push('\n');
    for r in rows {
        let line = format!(
            "{}  {:>chapter_w$}  {:<id_w$}  {:<title_w$}  {}",
            r.state.label(state_w),
            r.chapter,
            r.id,
            r.title,
            ratio(r)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_aligned_and_says_what_is_done() {
        let row = |state, chapter, id, title, timed, ratio| Row { state, chapter, id, title, timed, ratio };
        let rows = [
            row(State::Done, 1, "01-parallel-sum", "Parallel sum", true, Some(0.987)),
            row(State::Inconclusive, 1, "02-word-count", "Word count", true, Some(1.25)),
            row(State::Failing, 2, "03-balanced-ranges", "Balanced ranges", false, None),
            row(State::Untried, 10, "04-line-chunks", "Newline-aligned chunks", true, None),
        ];
        let plain = anstream::adapter::strip_str(&render(&rows, Some("02-word-count"))).to_string();
        let expected = "\
1 of 4 done · next: cargo xtask check 02-word-count

state           ch  exercise            title                   last ratio
✓ done           1  01-parallel-sum     Parallel sum            0.99×
~ inconclusive   1  02-word-count       Word count              1.25×
✗ failing        2  03-balanced-ranges  Balanced ranges         untimed
· untried       10  04-line-chunks      Newline-aligned chunks  —
";
        assert_eq!(plain, expected);
        assert!(render(&rows[..1], None).starts_with("1 of 1 done · next: nothing — all done\n"));
    }
}
