//! Numbers and names as a person reads them, the same in the terminal, the
//! report and the leaderboard.

use benches::stats::Interval;

/// `1.01× (0.98–1.03)`: a median ratio and its 95% interval.
pub fn interval(i: &Interval) -> String {
    format!("{:.2}× ({:.2}–{:.2})", i.median, i.lo, i.hi)
}

/// A share as a percentage, with a decimal below 10%.
pub fn percent(share: f64) -> String {
    if share < 0.1 { format!("{:.1}%", share * 100.0) } else { format!("{:.0}%", share * 100.0) }
}

/// Bytes per second, in decimal units: "51.40 GB/s".
pub fn throughput(bytes_per_second: f64) -> String {
    format!("{}B/s", human(bytes_per_second))
}

/// 1234567 → "1.23 M".
pub fn human(x: f64) -> String {
    match x {
        x if x >= 1e9 => format!("{:.2} G", x / 1e9),
        x if x >= 1e6 => format!("{:.2} M", x / 1e6),
        x if x >= 1e3 => format!("{:.2} k", x / 1e3),
        x => format!("{x:.0} "),
    }
}

/// The first three names and how many more.
pub fn name_list(names: &[String]) -> String {
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 3 { format!("{shown} and {} more", names.len() - 3) } else { shown }
}

/// Characters that change how the text around them is shown rather than
/// being shown: terminal controls (ESC starts a colour, a cursor move or a
/// window title), and the Unicode marks that reorder text (a right-to-left
/// override makes `gnp.exe` read as `exe.png`).
pub fn is_unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200E}' | '\u{200F}'        // left-to-right / right-to-left marks
            | '\u{202A}'..='\u{202E}'      // embeddings and overrides
            | '\u{2066}'..='\u{2069}'      // isolates
            | '\u{061C}'                   // Arabic letter mark
        )
}

/// `text` with every character [`is_unsafe_to_show`] written as a visible
/// escape (`\u{1b}`): text from other people's files shown in a terminal
/// can then move no cursor and colour nothing.
pub fn inert(text: &str) -> String {
    if !text.chars().any(is_unsafe_to_show) {
        return text.to_string();
    }
    text.chars().map(|c| if is_unsafe_to_show(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_reordering_marks_are_shown_inert() {
        assert_eq!(inert("ana"), "ana");
        assert_eq!(inert("\u{1b}[2Jx"), "\\u{1b}[2Jx");
        assert_eq!(inert("a\u{202E}gnp"), "a\\u{202e}gnp");
        assert_eq!(inert("tab\there\n"), "tab\\u{9}here\\u{a}");
        assert_eq!(inert("\u{9b}31m"), "\\u{9b}31m", "the one-byte CSI of C1 controls too");
    }
}
