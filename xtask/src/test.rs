//! `cargo xtask test`: everything a change must pass, the same on a laptop
//! and in CI — formatting, clippy, the tool crates' tests (tidy included),
//! the Python baselines' tests, tools fed hostile input, `verify`, the strict book build, `new`
//! scaffolding in a scratch copy, every page of the book in headless Chromium
//! (`book_pages.rs`), the workshop path (bench, compare, and Chromium reading
//! the report) and the live workshop server (`serve.rs`).

mod book_pages;
mod hostile;
mod serve;
mod workshop;

use std::cell::Cell;
use std::process::ExitCode;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::{book, new, ui, verify};

/// Runs every step, or with `only` the steps whose name contains it (a
/// maintainer's shortcut; CI runs them all).
pub fn run(ws: &Workspace, only: Option<&str>) -> Result<ExitCode> {
    let started = Instant::now();
    let step = |name: &str, f: &mut dyn FnMut() -> Result<()>| {
        if only.is_some_and(|text| !name.contains(text)) {
            return Ok(());
        }
        ui::step(name, f)
    };
    // A whole run starts early what later steps need: the apt-get downloads
    // now, beside clippy; the builds of the book's and the server's steps
    // with verify, at idle priority on the cores its lanes leave idle (they
    // stop while a gate times) — not before: the server's build would hold
    // the target dir's lock that clippy and the tool tests wait for.
    let ahead = only.is_none().then(Ahead::default);
    let ahead = ahead.as_ref();
    ahead.map(|a| a.start_installs(ws)).transpose()?;
    step("format", &mut || Cmd::cargo_in(ws).args(["fmt", "--all", "--check"]).run())?;
    // `disallowed_types` (std's locks in loom exercises) is enforced by
    // `check` with the `loom` feature: without it the `sync` shims re-export
    // std's types. `--all-features` turns on `loom`, which compiles only the
    // models of a loom suite, so those crates are linted once more without it.
    step("clippy", &mut || {
        let clippy = |args: &[String]| {
            Cmd::cargo_in(ws)
                .args(["clippy", "--release", "--all-targets"])
                .args(args)
                .args(["--", "-D", "warnings", "-A", "clippy::disallowed_types"])
                .run()
        };
        clippy(&["--workspace".into(), "--all-features".into()])?;
        let loom: Vec<String> = ws
            .manifest
            .exercises
            .iter()
            .filter(|ex| ex.loom)
            .flat_map(|ex| ["--package".into(), ex.package(), "--package".into(), ex.solution_package()])
            .collect();
        if loom.is_empty() { Ok(()) } else { clippy(&loom) }
    })?;
    // Without benches' default feature: no test needs criterion, and its
    // release build (plotting, regex: 34 crates) cost this step 25 s of a
    // cold 70 s; clippy above still checks the code behind the feature.
    step("tool tests and tidy", &mut || {
        Cmd::cargo_in(ws)
            .args(["test", "--release", "--package", "xtask", "--package", "datagen", "--package", "benches"])
            .args(["--package", "workbench-results", "--no-default-features"])
            .run()
    })?;
    step("process cleanup", &mut crate::process_cleanup::test)?;
    step("hostile input", &mut || hostile::run(ws))?;
    step("python baselines", &mut || {
        let (log, result) = match ahead.and_then(|a| a.python.take()) {
            Some(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => python_tests(ws),
        };
        anstream::print!("{log}");
        result
    })?;
    step("strace (exercise 23's system-call tests)", &mut || {
        ahead.inspect(|a| Ahead::wait(&a.installs));
        match crate::browser::strace()? {
            Ok(_) => Ok(()),
            Err(why) => anyhow::bail!("verify needs strace to prove 23's variants: {why}"),
        }
    })?;
    step("verify", &mut || {
        ahead.map(|a| a.start_builds(ws)).transpose()?;
        expect_success(verify::run(ws, false, None, &[])?)
    })?;
    step("book, and every page in a browser at two sizes", &mut || {
        ahead.inspect(|a| Ahead::wait(&a.mdbook));
        book_pages::run(ws, &book::build(ws)?)
    })?;
    step("new exercise scaffold", &mut || new::smoke_test(ws))?;
    step("workshop: bench, compare, browser", &mut || workshop::run(ws))?;
    step("workshop server: refusals, kill -9, load, live leaderboard in Chromium", &mut || {
        ahead.inspect(|a| Ahead::wait(&a.server));
        serve::run(ws)
    })?;
    let which = only.map_or_else(|| "all checks".to_string(), |text| format!("the steps matching `{text}`"));
    anstream::println!("{} {which} passed in {:.0} s", ui::green("✓"), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Work started early in a whole run for a later step, each in a thread of
/// its own. A failure here is only reported: the step that needs the work
/// does it again in the open and fails there with its own message.
#[derive(Default)]
struct Ahead {
    installs: Work,
    mdbook: Work,
    server: Work,
    /// The Python baselines' step whole (the venv's install from PyPI, then
    /// the tests), beside clippy: its output waits for the step's turn.
    python: Cell<Option<JoinHandle<Logged>>>,
}

/// What a step printed, and how it ended.
type Logged = (String, Result<()>);

type Work = Cell<Option<JoinHandle<Result<()>>>>;

impl Ahead {
    fn start(work: &Work, ws: &Workspace, job: fn(Workspace) -> Result<()>) -> Result<()> {
        let ws = Workspace::open(&ws.root)?;
        work.set(Some(std::thread::spawn(move || job(ws))));
        Ok(())
    }

    fn start_installs(&self, ws: &Workspace) -> Result<()> {
        Self::start(&self.installs, ws, |_| {
            crate::browser::install_ahead();
            Ok(())
        })?;
        let ws = Workspace::open(&ws.root)?;
        self.python.set(Some(std::thread::spawn(move || python_tests(&ws))));
        Ok(())
    }

    fn start_builds(&self, ws: &Workspace) -> Result<()> {
        Self::start(&self.mdbook, ws, |ws| {
            crate::tools::mdbook_installed_by(&ws, crate::tools::Install::Ahead).map(drop)
        })?;
        // What `serve::run` builds first: its `cargo test` then finds it fresh.
        Self::start(&self.server, ws, |ws| {
            Cmd::cargo_in(&ws)
                .args(["test", "--release", "--package", "workshop", "--no-run"])
                .at_idle_priority()
                .quiet()
                .run_captured(Duration::from_secs(3600))
        })
    }

    /// Waits for one piece of the work; its failure becomes a line.
    fn wait(work: &Work) {
        let Some(handle) = work.take() else { return };
        let waited = Instant::now();
        let result = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if waited.elapsed() > Duration::from_secs(1) {
            anstream::println!("  waited {:.0} s for work started ahead", waited.elapsed().as_secs_f64());
        }
        if let Err(e) = result {
            anstream::println!("{} work started ahead failed, so this step does it again: {e:#}", ui::yellow("!"));
        }
    }
}

/// The baselines' own unit tests, and what the step prints; without python3
/// they are skipped with a line, except in CI, where they are mandatory.
fn python_tests(ws: &Workspace) -> Logged {
    let mut log = String::new();
    let result = python_tests_into(ws, &mut log);
    (log, result)
}

fn python_tests_into(ws: &Workspace, log: &mut String) -> Result<()> {
    use std::fmt::Write;
    // The Polars and DuckDB modes are tested where they can be installed; elsewhere they are skipped with a line.
    if let Err(e) = crate::python::install_venv(&ws.root) {
        writeln!(log, "{} {e:#}", ui::yellow("!"))?;
    }
    let Some(python) = crate::python::Python::detect(&ws.root) else {
        if crate::process::in_ci() {
            bail!("python3 is required in CI for the baselines' tests");
        }
        writeln!(log, "{} python3 not found: the Python baselines' tests are skipped", ui::yellow("!"))?;
        return Ok(());
    };
    writeln!(log, "  {}", python.described(&ws.root))?;
    let dir = ws.root.join("baselines/python");
    let mut modules: Vec<String> = std::fs::read_dir(&dir)?
        .flatten()
        .filter_map(|f| f.file_name().to_str()?.strip_suffix(".py").map(str::to_string))
        .filter(|name| name.starts_with("test_"))
        .collect();
    modules.sort();
    // Two modules at a time: most of a test's time is Python starting a
    // script and its worker processes, which leaves a core idle (31 s one
    // module after another on 2 cores).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run_modules = || -> Result<Vec<(String, String, bool)>> {
        let mut ran = Vec::new();
        while let Some(module) = modules.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            let out = Cmd::new(&python.program)
                .quiet()
                .args(["-m", "unittest", module])
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .dir(&dir)
                .capture(std::time::Duration::from_secs(600))?;
            let summary = out.stderr.lines().find(|l| l.starts_with("Ran ")).unwrap_or("no test ran");
            let line = if out.success() {
                format!("  {} {module}: {summary}", ui::green("✓"))
            } else {
                format!("  {} {module}: {summary}\n{}", ui::red("✗"), crate::report::tail(&out.stderr, 60))
            };
            ran.push((module.clone(), line, out.success()));
        }
        Ok(ran)
    };
    let mut ran: Vec<(String, String, bool)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2).map(|_| s.spawn(run_modules)).collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Result<Vec<_>>>()
    })?
    .concat();
    ran.sort();
    let mut failed = Vec::new();
    for (module, line, passed) in ran {
        writeln!(log, "{line}")?;
        if !passed {
            failed.push(module);
        }
    }
    if !failed.is_empty() {
        bail!("the Python baselines' tests failed in {}", failed.join(", "));
    }
    Ok(())
}

fn expect_success(code: ExitCode) -> Result<()> {
    if code != ExitCode::SUCCESS {
        bail!("see the lines marked ✗ above");
    }
    Ok(())
}
