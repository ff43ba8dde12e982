//! The verdict of `check`: evidence in, verdict out. Pure — nothing here runs
//! a program or prints — so every verdict is unit-tested on recorded evidence.
//! `runner.rs` gathers the evidence, `report.rs` shows the verdict.

use std::fmt;

use benches::gate::{GateReport, Outcome as GateOutcome, Reason};
use serde::{Deserialize, Serialize};

/// How a check ended. Only `Pass` is done; `Inconclusive` is neither done nor failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Inconclusive,
    Fail,
}

impl Outcome {
    /// `cargo xtask check`'s exit code: 0 done, 1 failed, 3 inconclusive (2 is an error of the tool).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Inconclusive => 3,
        }
    }
}

/// Why a check failed or could not decide. `//! expect:` lines of known-bad
/// variants name one of these (kebab-case), so rewording a message breaks nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// A file that steers the verdict differs from the published one.
    #[serde(alias = "edited-tests")]
    EditedFiles,
    /// A loom exercise uses std's locks, which loom cannot see.
    StdSync,
    CompileError,
    /// The learner's code still reaches `todo!()`.
    Todo,
    TestsFailed,
    /// A loom model found an interleaving that breaks the code.
    ModelFailed,
    /// A test ran out of time with every thread asleep.
    Deadlock,
    /// A test ran out of time with threads still running on a quiet machine.
    EndlessLoop,
    // The timing gate's causes (`benches::gate::Reason`).
    WrongResult,
    Panicked,
    ChangedBetweenCalls,
    LeftThreadsRunning,
    TooSlow,
    NotParallel,
    NotFasterThanSequential,
    // Inconclusive.
    MachineBusy,
    SingleCore,
    Undecided,
}

impl Cause {
    /// Whether a rejection for this cause comes from named tests (or models),
    /// which a known-bad variant's `//! failing:` line must name.
    pub fn names_tests(self) -> bool {
        matches!(self, Cause::TestsFailed | Cause::Deadlock | Cause::EndlessLoop | Cause::ModelFailed)
    }
    /// Every cause, for messages that list the valid names.
    pub const ALL: [Cause; 18] = [
        Cause::EditedFiles,
        Cause::StdSync,
        Cause::CompileError,
        Cause::Todo,
        Cause::TestsFailed,
        Cause::ModelFailed,
        Cause::Deadlock,
        Cause::EndlessLoop,
        Cause::WrongResult,
        Cause::Panicked,
        Cause::ChangedBetweenCalls,
        Cause::LeftThreadsRunning,
        Cause::TooSlow,
        Cause::NotParallel,
        Cause::NotFasterThanSequential,
        Cause::MachineBusy,
        Cause::SingleCore,
        Cause::Undecided,
    ];

    /// The kebab-case name, as `//! expect:` writes it.
    pub fn code(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    /// Parses a kebab-case name; the error lists the valid ones.
    pub fn parse(name: &str) -> Result<Cause, String> {
        serde_json::from_value(serde_json::Value::String(name.trim().to_string())).map_err(|_| {
            let names: Vec<String> = Cause::ALL.iter().map(|c| c.code()).collect();
            format!("`{}` is not a cause; the causes are: {}", name.trim(), names.join(", "))
        })
    }

    fn from_gate(reason: Reason) -> Cause {
        match reason {
            Reason::WrongResult => Cause::WrongResult,
            Reason::Panicked => Cause::Panicked,
            Reason::TooSlow => Cause::TooSlow,
            Reason::NotParallel => Cause::NotParallel,
            Reason::NotFasterThanSequential => Cause::NotFasterThanSequential,
            Reason::MachineBusy => Cause::MachineBusy,
            Reason::SingleCore => Cause::SingleCore,
            Reason::Undecided => Cause::Undecided,
            Reason::ChangedBetweenCalls => Cause::ChangedBetweenCalls,
            Reason::LeftThreadsRunning => Cause::LeftThreadsRunning,
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// What `check` concluded: the outcome and its causes, a headline in words,
/// what to do next, then the evidence.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub outcome: Outcome,
    pub causes: Vec<Cause>,
    pub headline: String,
    pub next: Vec<String>,
    pub details: String,
    /// The tests that failed, and the one stopped at its time limit: what
    /// `verify` compares with a known-bad variant's `//! failing:` line.
    pub failed_tests: Vec<String>,
    /// The learner's time over the reference's (median of the paired rounds),
    /// when the timing gate measured one: what `list` shows as the last ratio.
    pub ratio: Option<f64>,
}

impl Verdict {
    pub fn pass(headline: String) -> Self {
        Self::new(Outcome::Pass, vec![], headline, String::new())
    }

    pub fn fail(cause: Cause, headline: String, details: String) -> Self {
        Self::new(Outcome::Fail, vec![cause], headline, details)
    }

    pub fn inconclusive(cause: Cause, headline: String, details: String) -> Self {
        Self::new(Outcome::Inconclusive, vec![cause], headline, details)
    }

    pub fn new(outcome: Outcome, causes: Vec<Cause>, headline: String, details: String) -> Self {
        Self { outcome, causes, headline, next: vec![], details, failed_tests: vec![], ratio: None }
    }
}

/// How a test binary that ran out of time was behaving when it was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopKind {
    /// Every thread asleep, no CPU used: a deadlock.
    Blocked,
    /// Threads kept running on a quiet machine: an endless loop or a livelock.
    Running,
    /// Threads kept running while other programs held the cores.
    MachineBusy,
}

/// A test binary stopped at its time limit, or earlier once it surely
/// could not move (`Cmd::stop_when_stuck`).
#[derive(Debug, Clone)]
pub struct Stop {
    pub kind: StopKind,
    /// Seconds it ran before it was stopped.
    pub after_secs: u64,
    /// The test that started and never finished.
    pub test: Option<String>,
    /// What its threads were doing ("3 threads: 3 asleep in futex_wait_queue …").
    pub threads: String,
}

/// Which build of the suite ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Threads,
    /// `--features loom`: only the loom models.
    Loom,
}

/// What running a suite's test binaries showed.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    pub flavour: Flavour,
    pub passed: usize,
    /// Names of the failed tests (a crash is named with its status).
    pub failed: Vec<String>,
    /// A failure's message says `not yet implemented`.
    pub reached_todo: bool,
    pub stop: Option<Stop>,
    /// The failures' own output, condensed (`report::failures`).
    pub details: String,
}

/// The verdict on a suite run.
pub fn suite(run: &SuiteRun) -> Verdict {
    let mut verdict = suite_outcome(run);
    verdict.failed_tests = run.failed.iter().chain(run.stop.iter().filter_map(|s| s.test.as_ref())).cloned().collect();
    verdict
}

fn suite_outcome(run: &SuiteRun) -> Verdict {
    let total = run.passed + run.failed.len();
    if let Some(stop) = &run.stop {
        return stopped(run, stop);
    }
    if run.failed.is_empty() {
        return Verdict::pass(match run.flavour {
            Flavour::Threads => format!("all {total} tests pass"),
            Flavour::Loom => format!("all {total} loom models hold in every interleaving"),
        });
    }
    let (n, names) = (run.failed.len(), name_list(&run.failed));
    if run.reached_todo {
        // A stub untouched: its panics (and proptest's shrinking of them) say nothing the headline does not.
        let details = if run.passed == 0 {
            format!("The tests, each stopped by a todo!():\n  {}", run.failed.join("\n  "))
        } else {
            run.details.clone()
        };
        return Verdict::fail(
            Cause::Todo,
            format!("not done yet — {n} of {total} tests reach a todo!() in your code"),
            details,
        );
    }
    match run.flavour {
        Flavour::Threads => Verdict::fail(
            Cause::TestsFailed,
            format!("wrong result — {n} of {total} tests failed: {names}"),
            run.details.clone(),
        ),
        Flavour::Loom => Verdict::fail(
            Cause::ModelFailed,
            format!("loom found an interleaving that breaks your code — {n} of {total} models failed: {names}"),
            format!(
                "Each model is a tiny scenario that loom ran in every possible thread order; the failing \
                 order is described below (\"deadlock\" means every thread was waiting).\n\n{}",
                run.details
            ),
        ),
    }
}

fn stopped(run: &SuiteRun, stop: &Stop) -> Verdict {
    let test = stop.test.as_deref().map_or("a test".to_string(), |t| format!("test `{t}`"));
    let limit = stop.after_secs;
    let mut verdict = match stop.kind {
        StopKind::Blocked => Verdict::fail(
            Cause::Deadlock,
            format!("deadlock — {test} stopped after {limit} s with every thread asleep ({})", stop.threads),
            "Look for a lock held while waiting for another thread, a channel whose sender is never dropped, \
             or a join on a thread that waits for you."
                .into(),
        ),
        StopKind::Running => Verdict::fail(
            Cause::EndlessLoop,
            format!("never finished — {test} still running after {limit} s on a quiet machine ({})", stop.threads),
            "Threads kept using the CPU: look for a loop whose exit condition never becomes true, or threads \
             spinning on a flag nobody sets."
                .into(),
        ),
        StopKind::MachineBusy => Verdict::inconclusive(
            Cause::MachineBusy,
            format!(
                "inconclusive: machine busy — {test} was still running after {limit} s while other programs held \
                 the cores ({})",
                stop.threads
            ),
            "Close other programs and check again.".into(),
        ),
    };
    // Failures before the stop are findings too (and often its cause).
    if !run.failed.is_empty() {
        verdict.causes.push(Cause::TestsFailed);
        verdict.headline.push_str(&format!("; before that, {} failed: {}", run.failed.len(), name_list(&run.failed)));
        if verdict.outcome == Outcome::Inconclusive {
            verdict.outcome = Outcome::Fail;
        }
    }
    verdict.details = format!("{}\n\n{}", verdict.details, run.details);
    verdict
}

/// The verdict on the timing gate's report, after the tests passed.
pub fn gate(report: &GateReport, tests_headline: &str, summary: &str) -> Verdict {
    let causes: Vec<Cause> = report.findings.iter().map(|f| Cause::from_gate(f.reason)).collect();
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    let (outcome, headline) = match report.outcome {
        GateOutcome::Pass => (Outcome::Pass, format!("passed: {tests_headline} · {summary}")),
        GateOutcome::Inconclusive => {
            (Outcome::Inconclusive, format!("inconclusive: tests pass, timing undecided — {}", messages.join("; ")))
        }
        GateOutcome::Fail => (Outcome::Fail, format!("tests pass, but {}", messages.join("; "))),
    };
    let next = match outcome {
        Outcome::Inconclusive => vec!["not done yet: check again when the machine is idle".into()],
        _ => vec![],
    };
    let ratio = report.ratio_to_reference.as_ref().map(|r| r.median);
    Verdict { next, ratio, ..Verdict::new(outcome, causes, headline, String::new()) }
}

/// At most three names, then how many more.
pub use workbench_results::text::name_list;

#[cfg(test)]
mod tests {
    use super::*;

    fn run(passed: usize, failed: &[&str]) -> SuiteRun {
        SuiteRun {
            flavour: Flavour::Threads,
            passed,
            failed: failed.iter().map(|s| s.to_string()).collect(),
            reached_todo: false,
            stop: None,
            details: "---- earlier_failure\nassertion failed".into(),
        }
    }

    fn stop(kind: StopKind) -> Option<Stop> {
        Some(Stop { kind, after_secs: 15, test: Some("drains".into()), threads: "2 threads: 2 running".into() })
    }

    #[test]
    fn causes_parse_from_their_names_and_old_names() {
        assert_eq!(Cause::parse("not-parallel"), Ok(Cause::NotParallel));
        assert_eq!(Cause::parse(" deadlock "), Ok(Cause::Deadlock));
        assert_eq!(Cause::parse("edited-tests"), Ok(Cause::EditedFiles));
        let err = Cause::parse("slow").unwrap_err();
        assert!(err.contains("`slow` is not a cause") && err.contains("too-slow"), "{err}");
        for cause in Cause::ALL {
            assert_eq!(Cause::parse(&cause.code()), Ok(cause));
        }
    }

    #[test]
    fn a_suite_that_passes_is_done_and_one_that_fails_names_the_tests() {
        assert_eq!(suite(&run(5, &[])).outcome, Outcome::Pass);
        let v = suite(&run(3, &["a", "b", "c", "d"]));
        assert_eq!((v.outcome, v.causes.clone()), (Outcome::Fail, vec![Cause::TestsFailed]));
        assert!(v.headline.starts_with("wrong result — 4 of 7 tests failed: a, b, c and 1 more"), "{}", v.headline);
    }

    #[test]
    fn only_blocked_threads_are_called_a_deadlock() {
        let blocked = suite(&SuiteRun { stop: stop(StopKind::Blocked), ..run(1, &[]) });
        assert_eq!((blocked.outcome, blocked.causes), (Outcome::Fail, vec![Cause::Deadlock]));
        let running = suite(&SuiteRun { stop: stop(StopKind::Running), ..run(1, &[]) });
        assert_eq!((running.outcome, running.causes), (Outcome::Fail, vec![Cause::EndlessLoop]));
        let busy = suite(&SuiteRun { stop: stop(StopKind::MachineBusy), ..run(1, &[]) });
        assert_eq!((busy.outcome, busy.causes), (Outcome::Inconclusive, vec![Cause::MachineBusy]));
        assert!(!busy.headline.contains("deadlock"), "{}", busy.headline);
    }

    #[test]
    fn failures_before_a_stop_stay_visible() {
        let v = suite(&SuiteRun { stop: stop(StopKind::MachineBusy), ..run(1, &["earlier_failure"]) });
        assert_eq!(v.outcome, Outcome::Fail, "a failed test is a finding whatever the load");
        assert_eq!(v.causes, [Cause::MachineBusy, Cause::TestsFailed]);
        assert!(v.headline.contains("before that, 1 failed: earlier_failure"), "{}", v.headline);
        assert!(v.details.contains("assertion failed"), "{}", v.details);
    }

    #[test]
    fn an_untouched_stub_lists_its_tests_without_their_panics() {
        let panics =
            "thread 'a' panicked at src/lib.rs:9:5:\nnot yet implemented\nminimal failing input: …".to_string();
        let stub = SuiteRun { reached_todo: true, details: panics.clone(), ..run(0, &["a", "b"]) };
        let v = suite(&stub);
        assert_eq!((v.outcome, v.causes.clone()), (Outcome::Fail, vec![Cause::Todo]));
        assert_eq!(v.details, "The tests, each stopped by a todo!():\n  a\n  b");
        let begun = suite(&SuiteRun { reached_todo: true, details: panics.clone(), ..run(1, &["b"]) });
        assert_eq!(begun.details, panics, "once a test passes, the failures' output is the evidence");
    }

    #[test]
    fn inconclusive_has_its_own_exit_code() {
        assert_eq!([Outcome::Pass, Outcome::Fail, Outcome::Inconclusive].map(Outcome::exit_code), [0, 1, 3]);
    }
}
