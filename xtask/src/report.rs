//! How a verdict is shown: the verdict and its cause on the first line, what
//! to do next, then the evidence — failures condensed to a screenful, long
//! values abbreviated around their first difference, the timing table.

use benches::gate::GateReport;

use crate::manifest::{Exercise, Workspace};
use crate::progress::Progress;
use crate::ui;
use crate::verdict::{Outcome, Verdict};

/// The mark of an outcome: ✓ done, ~ inconclusive, ✗ failing.
pub fn mark(outcome: Outcome) -> String {
    match outcome {
        Outcome::Pass => ui::green("✓"),
        Outcome::Inconclusive => ui::yellow("~"),
        Outcome::Fail => ui::red("✗"),
    }
}

pub fn print(ws: &Workspace, ex: &Exercise, verdict: &Verdict, progress: &Progress) {
    anstream::println!("{}", render(&ex.id, verdict, &progress.summary(ws)));
}

/// The verdict and its cause on the first line, what to do next, the
/// progress, then the evidence.
fn render(id: &str, verdict: &Verdict, progress: &str) -> String {
    let mut out = format!("{} {} {}\n", mark(verdict.outcome), ui::bold(id), verdict.headline);
    for line in &verdict.next {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!("  progress: {progress}"));
    if !verdict.details.trim().is_empty() {
        out.push_str(&format!("\n{}\n{}", ui::dim("── details ──"), verdict.details.trim_end()));
    }
    out
}

/// Each failed test's own output (libtest's `---- name stdout ----` blocks),
/// condensed and cut to a screenful.
pub fn failures(stdout: &str) -> String {
    const LINES_PER_TEST: usize = 14;
    let start = stdout.find("\nfailures:\n").map_or(0, |i| i + 1);
    let mut out = String::new();
    for block in stdout[start..].split("\n---- ").skip(1) {
        let block = block.split("\n\nfailures:\n").next().unwrap_or(block);
        let condensed = condense(&own_failure_first(block.trim_end()));
        let lines: Vec<&str> = condensed.lines().filter(|l| !is_decoration(l)).collect();
        let lines = abbreviate_lines(&lines);
        out.push_str("---- ");
        out.push_str(&lines[..lines.len().min(LINES_PER_TEST)].join("\n"));
        if lines.len() > LINES_PER_TEST {
            out.push_str(&format!("\n… ({} more lines)", lines.len() - LINES_PER_TEST));
        }
        out.push_str("\n\n");
    }
    out
}

/// A failed test's block with its own thread's panic (the assertion that
/// failed) first, then what it printed, then the panics of other threads —
/// which a test may cause on purpose (a worker that panics by design) and
/// which would otherwise bury the assertion: at most two kinds shown, the
/// rest counted.
fn own_failure_first(block: &str) -> String {
    const OTHER_PANICS_SHOWN: usize = 2;
    let (header, body) = block.split_once('\n').unwrap_or((block, ""));
    let test = header.trim_end_matches(" stdout ----").trim();
    let own_thread = format!("thread '{test}'");
    let short_name = test.rsplit("::").next().unwrap_or(test);
    let is_own = |p: &str| p.starts_with(&own_thread) || p.starts_with(&format!("thread '{short_name}'"));
    let is_panic = |p: &str| p.starts_with("thread '") && p.lines().next().is_some_and(|l| l.contains("panicked at"));
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.is_empty() && !p.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .map(|p| p.trim_end_matches("\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"))
        .collect();
    let own: Vec<&str> = paragraphs.iter().copied().filter(|p| is_own(p)).collect();
    let printed: Vec<&str> = paragraphs.iter().copied().filter(|p| !is_own(p) && !is_panic(p)).collect();
    let others: Vec<&str> = paragraphs.iter().copied().filter(|p| !is_own(p) && is_panic(p)).collect();
    if own.is_empty() || others.is_empty() {
        return block.to_string(); // nothing buried: keep libtest's order
    }
    let mut kinds: Vec<&str> = Vec::new();
    for panic in &others {
        // The same place in the code is the same kind of panic, whatever its message.
        let place = |p: &str| p.lines().next().and_then(|l| l.split("panicked at").nth(1)).unwrap_or("").to_string();
        if !kinds.iter().any(|k| place(k) == place(panic)) {
            kinds.push(panic);
        }
    }
    let mut parts: Vec<String> = vec![header.to_string()];
    parts.extend(own.iter().map(|p| p.to_string()));
    parts.extend(printed.iter().map(|p| p.to_string()));
    let shown: Vec<&str> = kinds.iter().take(OTHER_PANICS_SHOWN).copied().collect();
    parts.push(format!(
        "({} panic(s) on other threads while the test ran{}:)",
        others.len(),
        if others.len() > shown.len() { ", for example" } else { "" }
    ));
    parts.extend(shown.iter().map(|p| p.to_string()));
    parts.join("\n\n")
}

/// Lines cut to a readable length. A pair of values compared by
/// `assert_eq!` (`left: …` / `right: …`) is cut around its first
/// difference, so the difference is always on screen. Other lines are
/// mostly a test's own message, which names the mistake: they get more room.
fn abbreviate_lines(lines: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if let (Some(left), Some(right)) =
            (value_of(lines[i], "left:"), lines.get(i + 1).and_then(|l| value_of(l, "right:")))
        {
            let at = first_difference(left.1, right.1);
            out.push(format!("{}{}", left.0, around(left.1, at, VALUE_CHARS)));
            out.push(format!("{}{}", right.0, around(right.1, at, VALUE_CHARS)));
            i += 2;
            continue;
        }
        out.push(around(lines[i], 0, MESSAGE_CHARS));
        i += 1;
    }
    out
}

/// `("  left: ", value)` when `line` is `label value`, whatever the indentation.
fn value_of<'a>(line: &'a str, label: &str) -> Option<(&'a str, &'a str)> {
    let start = line.find(label)?;
    line[..start].trim().is_empty().then(|| line.split_at(start + label.len())).map(|(head, value)| {
        let trimmed = value.trim_start();
        (&line[..head.len() + value.len() - trimmed.len()], trimmed)
    })
}

/// The character index where `a` and `b` first differ.
fn first_difference(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Characters of a compared value shown around its first difference.
const VALUE_CHARS: usize = 200;
/// Characters of any other line: a message of a few sentences fits whole.
const MESSAGE_CHARS: usize = 600;

/// `text` cut to about `max_chars` characters, keeping the one at
/// character index `at` in view with context on both sides.
fn around(text: &str, at: usize, max_chars: usize) -> String {
    const BEFORE: usize = 60;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars {
        return text.to_string();
    }
    let start = if at <= BEFORE { 0 } else { (at - BEFORE).min(chars.len().saturating_sub(max_chars)) };
    let end = (start + max_chars).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push_str(&format!("… ({start} characters) "));
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push_str(&format!(" … ({} more characters)", chars.len() - end));
    }
    out
}

/// insta's frame around a snapshot diff (rules of box-drawing characters):
/// it would take a failure's few lines of screen from the diff itself.
fn is_decoration(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && line.chars().all(|c| matches!(c, '─' | '━' | '┬' | '┴' | '┼' | '│' | ' '))
}

/// Collapses runs of identical paragraphs (proptest prints one panic per
/// shrinking step) into one, marked with how often it repeated.
fn condense(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<(&str, usize)> = None;
    let flush = |out: &mut Vec<String>, last: Option<(&str, usize)>| {
        if let Some((paragraph, n)) = last {
            out.push(if n > 1 { format!("{paragraph}\n(the same {n} times)") } else { paragraph.to_string() });
        }
    };
    for paragraph in text.split("\n\n") {
        match last {
            Some((p, n)) if p == paragraph => last = Some((p, n + 1)),
            _ => {
                flush(&mut out, last);
                last = Some((paragraph, 1));
            }
        }
    }
    flush(&mut out, last);
    out.join("\n\n")
}

/// The last `lines` lines of `text`, saying how many are above.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let skip = all.len().saturating_sub(lines);
    let mut out = if skip > 0 { format!("… ({skip} lines above)\n") } else { String::new() };
    out.push_str(&all[skip..].join("\n"));
    out.push('\n');
    out
}

/// "1.02× the reference's time (95% CI 0.99–1.05), CPU/wall 1.93 (reference 1.95)".
pub fn ratio_summary(g: &GateReport) -> String {
    match &g.ratio_to_reference {
        Some(r) => format!(
            "{:.2}× the reference's time (95% CI {:.2}–{:.2}), CPU/wall {:.2} (reference {:.2})",
            r.median, r.lo, r.hi, g.learner.cpu_per_wall, g.reference.cpu_per_wall
        ),
        None => "not timed".into(),
    }
}

/// The timing evidence: each contender's median and CPU/wall, the ratios with
/// their intervals, and how the rounds went.
pub fn gate_table(g: &GateReport, max_ratio: f64) -> String {
    if g.ratio_to_reference.is_none() {
        return String::new();
    }
    let baseline = if g.baseline == benches::SEQUENTIAL_BASELINE { "sequential" } else { g.baseline.as_str() };
    let mut t = format!("{:<14} {:>10} {:>9}\n", "", "median", "CPU/wall");
    for (name, s) in [("yours", &g.learner), ("reference", &g.reference), (baseline, &g.sequential)] {
        t.push_str(&format!("{name:<14} {:>10} {:>9.2}\n", ui::duration(s.median_seconds), s.cpu_per_wall));
    }
    if let (Some(r), Some(s)) = (&g.ratio_to_reference, &g.ratio_to_sequential) {
        t.push_str(&format!(
            "ratio to reference {:.3}× (95% CI {:.3}–{:.3}, limit {max_ratio:.2}×) · to {baseline} {:.2}× (CI {:.2}–{:.2})\n",
            r.median, r.lo, r.hi, s.median, s.lo, s.hi
        ));
    }
    t.push_str(&format!(
        "{} paired rounds ({} on a quiet machine) in {:.1} s · cores free for us {:.2} · {} cores · input {}B",
        g.rounds,
        g.quiet_rounds,
        g.elapsed_seconds,
        g.probe_cpu_per_wall,
        g.cores,
        ui::human(g.input_bytes as f64)
    ));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_and_its_cause_come_first() {
        use crate::verdict::Cause;
        let mut verdict = Verdict::fail(Cause::Deadlock, "deadlock — test `a` stopped".into(), "evidence".into());
        verdict.next.push("read the page".into());
        let shown = anstream::adapter::strip_str(&render("01-sum", &verdict, "3 of 28 done")).to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[0], "✗ 01-sum deadlock — test `a` stopped");
        assert_eq!(lines[1..3], ["  read the page", "  progress: 3 of 28 done"]);
        assert_eq!(lines.last(), Some(&"evidence"));
        let inconclusive =
            Verdict::inconclusive(Cause::MachineBusy, "inconclusive: machine busy".into(), String::new());
        assert!(anstream::adapter::strip_str(&render("01-sum", &inconclusive, "")).to_string().starts_with("~ 01-sum"));
    }

    #[test]
    fn the_tests_own_panic_comes_before_other_threads_panics() {
        let mut stdout = String::from("running 1 test\n\nfailures:\n\n---- a_job stdout ----\n\n");
        for i in 0..40 {
            stdout.push_str(&format!(
                "thread '<unnamed>' (7{i}) panicked at tests/suite.rs:30:9:\nitem {i} fails on purpose\n\n"
            ));
        }
        stdout.push_str("thread 'a_job' (99) panicked at tests/suite.rs:83:5:\nassertion `left == right` failed\n  left: 1\n right: 2\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    a_job\n");
        let shown = failures(&stdout);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[2], "thread 'a_job' (99) panicked at tests/suite.rs:83:5:", "{shown}");
        assert!(shown.contains("  left: 1"), "{shown}");
        assert!(shown.contains("(40 panic(s) on other threads while the test ran, for example:)"), "{shown}");
        assert!(shown.contains("item 0 fails on purpose") && !shown.contains("item 1 fails"), "{shown}");
    }

    #[test]
    fn repeated_panics_are_condensed() {
        let out = "a\n\npanic x\n\npanic x\n\npanic x\n\nb";
        assert_eq!(condense(out), "a\n\npanic x\n(the same 3 times)\n\nb");
    }

    #[test]
    fn long_lines_are_cut_by_characters() {
        let line = "x".repeat(1000);
        assert_eq!(around(&line, 0, VALUE_CHARS), format!("{} … (800 more characters)", "x".repeat(200)));
        // Characters, not bytes: a rule of 220 three-byte '─' is 20 over.
        assert_eq!(around(&"─".repeat(220), 0, VALUE_CHARS), format!("{} … (20 more characters)", "─".repeat(200)));
        assert!(
            is_decoration("────────────┬──────") && is_decoration("  ━━━━ ") && !is_decoration("    0       │-old")
        );
    }

    #[test]
    fn a_long_comparison_is_shown_around_its_first_difference() {
        let left: Vec<u32> = (0..2000).collect();
        let mut right = left.clone();
        right[1500] = 7;
        let text = format!("assertion `left == right` failed\n  left: {left:?}\n right: {right:?}");
        let lines: Vec<&str> = text.lines().collect();
        let shown = abbreviate_lines(&lines);
        assert!(shown[1].starts_with("  left: … (") && shown[1].contains("1499, 1500, 1501"), "{}", shown[1]);
        assert!(shown[2].starts_with(" right: … (") && shown[2].contains("1499, 7, 1501"), "{}", shown[2]);
        assert!(shown[1].chars().count() < 280 && shown[2].chars().count() < 280);
    }

    #[test]
    fn a_failure_section_keeps_the_difference_of_a_long_value() {
        let long: Vec<u64> = (0..3000).collect();
        let mut other = long.clone();
        other[2999] = 0;
        let stdout = format!(
            "running 1 test\ntest sums ... FAILED\n\nfailures:\n\n---- sums stdout ----\n\nthread 'sums' panicked at tests/suite.rs:9:5:\nassertion `left == right` failed\n  left: {long:?}\n right: {other:?}\n\n\nfailures:\n    sums\n"
        );
        let shown = failures(&stdout);
        assert!(shown.contains("2998, 2999]") && shown.contains("2998, 0]"), "{shown}");
    }
}
