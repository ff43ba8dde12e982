//! `cargo xtask compare FILES…|DIR`: a room's exported results side by side,
//! as a terminal table and a self-contained HTML report. The rules a file
//! must pass, the ranking and the report are `workbench-results`', shared
//! with the workshop server: a room ranks the same in both.
//!
//! Fair across machines: each participant is scored by the reference/learner
//! time ratio measured on their own machine in one run, never by absolute
//! times; the overall score is the geometric mean over the exercises they
//! solved; you rank below someone only when their whole interval lies above yours.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use workbench_results::ranking::{Comparison, Participant, rank_label, speed};
use workbench_results::report;
use workbench_results::text::inert;

use crate::manifest::Workspace;
use crate::results::{self, status_text};
use crate::{fsutil, ui};

pub fn run(ws: &Workspace, paths: &[PathBuf], html_path: &Path) -> Result<ExitCode> {
    let html_path = if html_path.is_relative() { ws.root.join(html_path) } else { html_path.to_path_buf() };
    let (files, mut problems) = expand(paths)?;
    refuse_overwriting_an_input(&html_path, paths, &files)?;
    let mut comparison = compare(ws, &files);
    problems.append(&mut comparison.problems);
    comparison.problems = problems;
    if comparison.participants.is_empty() {
        for p in &comparison.problems {
            anstream::eprintln!("{} {}", ui::red("✗"), inert(p));
        }
        bail!("no results file could be compared ({} given)", files.len() + comparison.problems.len());
    }
    if let Some(dir) = html_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut partial = fsutil::PartialFile::beside(&html_path)?;
    std::io::Write::write_all(partial.file(), report::render(&comparison).as_bytes())
        .with_context(|| format!("cannot write {}", html_path.display()))?;
    partial.commit(&html_path)?;
    print(&comparison, &html_path);
    Ok(ExitCode::SUCCESS)
}

/// Files as given; folders contribute their `*.json` files, sorted. Only
/// regular files are read: a FIFO would wait forever for a writer and a
/// device never ends, so either is left out with a line, unopened.
fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    let mut take = |path: PathBuf, files: &mut Vec<PathBuf>| match fsutil::refuse_unless_regular_to_read(&path) {
        Ok(()) => files.push(path),
        Err(why) => problems.push(format!("{why:#} — skipped")),
    };
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot read folder {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("{} holds no .json results files", path.display());
            }
            for file in found {
                take(file, &mut files);
            }
        } else if path.symlink_metadata().is_ok() {
            take(path.clone(), &mut files);
        } else {
            bail!("{} does not exist", path.display());
        }
    }
    Ok((files, problems))
}

/// `--html` must not name a file being compared (or a folder given): writing
/// the report would destroy a participant's results.
fn refuse_overwriting_an_input(html: &Path, given: &[PathBuf], files: &[PathBuf]) -> Result<()> {
    let Ok(target) = html.canonicalize() else { return Ok(()) };
    for input in given.iter().chain(files) {
        if input.canonicalize().is_ok_and(|i| i == target) {
            bail!(
                "--html {} is one of the inputs: the report would overwrite it; choose another file \
                 (the default is results/report.html)",
                html.display()
            );
        }
    }
    Ok(())
}

/// Loads and validates each file (`workbench-results`' rules) and ranks
/// them; a file that breaks a rule becomes a problem line naming the file and
/// the field, and the rest is still compared.
pub fn compare(ws: &Workspace, files: &[PathBuf]) -> Comparison {
    let known = results::known_exercises(ws);
    let mut problems = Vec::new();
    let mut participants = Vec::new();
    for file in files {
        match results::load(file, &known) {
            Ok(results) => participants.push(Participant { source: file.display().to_string(), results }),
            Err(e) => problems.push(format!("{}: {e:#} — skipped", file.display())),
        }
    }
    Comparison::of(&known, participants, problems)
}

fn print(c: &Comparison, html: &Path) {
    let skipped = if c.problems.is_empty() {
        String::new()
    } else {
        format!(" · {} problem(s), listed below", c.problems.len())
    };
    anstream::println!(
        "{} compared {} participant(s) on {} exercise(s){skipped}",
        ui::green("✓"),
        c.participants.len(),
        c.exercises.len()
    );
    anstream::println!("  report: {} (self-contained; open it in any browser)", html.display());
    for p in &c.problems {
        anstream::println!("  {} {}", ui::yellow("!"), inert(p));
    }
    anstream::println!();
    anstream::println!(
        "{}",
        ui::bold("Ranking — speed vs reference on each participant's own machine (geometric mean)")
    );
    anstream::println!(
        "  {:<5} {:<20} {:>7}  {:<24} machine",
        "rank",
        "participant",
        "solved",
        "score (≈95% interval)"
    );
    for s in &c.standings {
        let r = &c.participants[s.who].results;
        anstream::println!(
            "  {:<5} {:<20} {:>7}  {:<24} {}, {} cores, {}{}",
            rank_label(s),
            inert(&r.participant),
            format!("{}/{}", s.solved, c.exercises.len()),
            s.score.as_ref().map_or_else(|| "—".into(), ui::interval),
            inert(&r.machine.described.cpu_model),
            r.machine.described.cores,
            ui::throughput(r.probes.memory_read_bytes_per_second),
            if r.tools.modified.is_empty() { String::new() } else { ui::yellow(" · MODIFIED WORKBENCH") }
        );
    }
    for p in c.participants.iter().filter(|p| !p.results.tools.modified.is_empty()) {
        let t = &p.results.tools;
        anstream::println!(
            "  {} {} measured on a modified workbench: {}",
            ui::yellow("!"),
            inert(&p.results.participant),
            inert(&crate::verdict::name_list(&t.modified))
        );
    }
    for id in &c.exercises {
        anstream::println!();
        anstream::println!("{}", ui::bold(id));
        for s in &c.standings {
            let r = &c.participants[s.who].results;
            let Some(e) = r.exercises.iter().find(|e| &e.id == id) else {
                anstream::println!("  {:<20} not measured", inert(&r.participant));
                continue;
            };
            let shown = speed(e).map_or_else(|| status_text(e.learner_status).to_string(), |i| ui::interval(&i));
            let python = e.speedup_vs_python.map_or_else(String::new, |x| format!(" · {x:.0}× Python"));
            anstream::println!("  {:<20} {shown}{python}", inert(&r.participant));
        }
    }
}

#[cfg(test)]
mod tests;
