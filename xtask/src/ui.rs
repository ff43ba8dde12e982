//! Terminal output: colour (honouring NO_COLOR), a transient status line and
//! a progress bar. Results go to stdout; progress goes to stderr.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};

/// Text is always styled here; `anstream`'s `println!`/`eprintln!` strip the
/// styles per stream (NO_COLOR, CLICOLOR_FORCE, whether that stream is a
/// terminal), so a piped stdout never decides colour on stderr.
fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn green(text: &str) -> String {
    paint(AnsiColor::Green.on_default(), text)
}
pub fn red(text: &str) -> String {
    paint(AnsiColor::Red.on_default(), text)
}
pub fn yellow(text: &str) -> String {
    paint(AnsiColor::Yellow.on_default(), text)
}
pub fn bold(text: &str) -> String {
    paint(Style::new().bold(), text)
}
pub fn dim(text: &str) -> String {
    paint(Style::new().dimmed(), text)
}

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// `--verbose`: every command is shown as it runs, also in a log.
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Whether cargo should colour its diagnostics: they are shown on stdout.
pub fn cargo_colour_arg() -> &'static str {
    if anstream::AutoStream::choice(&std::io::stdout()) == anstream::ColorChoice::Never {
        "--color=never"
    } else {
        "--color=always"
    }
}

fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// One line saying what is going on now. On a terminal it is overwritten by
/// the next status and erased by [`clear_status`]; in a log it is written
/// only with `--verbose`, so the verdict comes first.
pub fn status(text: &str) {
    let mut err = anstream::stderr().lock();
    if stderr_is_terminal() {
        let shown: String = text.chars().take(100).collect();
        let _ = write!(err, "\r\x1b[2K{}", dim(&shown));
    } else if verbose() {
        let _ = writeln!(err, "{text}");
    }
    let _ = err.flush();
}

pub fn clear_status() {
    if stderr_is_terminal() {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

/// A progress bar on stderr, redrawn at most ten times a second.
pub struct Progress {
    label: String,
    unit: &'static str,
    total: u64,
    started: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    pub fn new(label: &str, total: u64, unit: &'static str) -> Self {
        Self { label: label.to_string(), unit, total, started: Instant::now(), last_draw: None }
    }

    pub fn set(&mut self, done: u64) {
        let due = self.last_draw.is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if !due && done < self.total {
            return;
        }
        self.last_draw = Some(Instant::now());
        let fraction = if self.total == 0 { 1.0 } else { done as f64 / self.total as f64 };
        let filled = (fraction * 30.0).round() as usize;
        let bar = format!("{}{}", "█".repeat(filled), "░".repeat(30 - filled));
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let line = format!(
            "{} [{bar}] {:>5.1}%  {done}/{} {}  {} {}/s",
            self.label,
            fraction * 100.0,
            self.total,
            self.unit,
            human(rate).trim_end(),
            self.unit
        );
        if stderr_is_terminal() {
            anstream::eprint!("\r\x1b[2K{line}");
        }
    }

    /// Draws the final state; in a log this is the only line.
    pub fn finish(&mut self) {
        self.last_draw = None;
        self.set(self.total);
        if stderr_is_terminal() {
            anstream::eprintln!();
        } else {
            let rate = self.total as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
            let seconds = self.started.elapsed().as_secs_f64();
            let rate = human(rate);
            anstream::eprintln!(
                "{} done: {} {} in {seconds:.1} s ({} {}/s)",
                self.label,
                self.total,
                self.unit,
                rate.trim_end(),
                self.unit
            );
        }
    }
}

/// A titled step of a longer command; its error names the step.
pub fn step(name: &str, f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let started = Instant::now();
    anstream::println!("{}", bold(&format!("── {name} ──")));
    f().map_err(|e| e.context(format!("step `{name}` failed")))?;
    anstream::println!("{} {name} ({:.0} s)", green("✓"), started.elapsed().as_secs_f64());
    Ok(())
}

// Numbers as a person reads them: one wording in the terminal, the report and the leaderboard.
pub use workbench_results::text::{human, interval, percent, throughput};

/// Seconds in a unit a person reads at a glance.
pub fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}
