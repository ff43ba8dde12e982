//! `cargo xtask compare FILES…|DIR`: a room's exported results side by side,
//! as a terminal table and a self-contained HTML report (`compare/html.rs`).
//!
//! Fair across machines: each participant is scored by the reference/learner
//! time ratio measured on their own machine in one run, never by absolute
//! times; the overall score is the geometric mean over the exercises they
//! solved; you rank below someone only when their whole interval lies above yours.

mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use benches::bench_run::LearnerStatus;
use benches::stats::Interval;

use crate::manifest::Workspace;
use crate::results::{self, ExerciseResult, Results, status_text};
use crate::ui;

/// One participant's file, as compared.
pub struct Participant {
    pub file: PathBuf,
    pub results: Results,
}

/// Everything the table and the report show.
pub struct Comparison {
    pub participants: Vec<Participant>,
    /// Exercise ids in course order (unknown ids last).
    pub exercises: Vec<String>,
    pub standings: Vec<Standing>,
    /// One line per file or entry left out, naming the file and the field.
    pub problems: Vec<String>,
}

pub struct Standing {
    /// Index into `participants`.
    pub who: usize,
    pub solved: usize,
    /// Geometric mean of the per-exercise intervals, each bound averaged in log
    /// space: wider than an exact interval of the mean, so it errs towards ties.
    pub score: Option<Interval>,
    pub rank: usize,
    /// Another participant has the same rank (no interval separates them).
    pub tied: bool,
}

pub fn run(ws: &Workspace, paths: &[PathBuf], html_path: &Path) -> Result<ExitCode> {
    let files = expand(paths)?;
    let comparison = compare(ws, &files);
    if comparison.participants.is_empty() {
        for p in &comparison.problems {
            anstream::eprintln!("{} {p}", ui::red("✗"));
        }
        bail!("no results file could be compared ({} given)", files.len());
    }
    let html_path = if html_path.is_relative() { ws.root.join(html_path) } else { html_path.to_path_buf() };
    if let Some(dir) = html_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&html_path, html::render(&comparison))
        .with_context(|| format!("cannot write {}", html_path.display()))?;
    print(&comparison, &html_path);
    Ok(ExitCode::SUCCESS)
}

/// Files as given; folders contribute their `*.json` files, sorted.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
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
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            bail!("{} does not exist", path.display());
        }
    }
    Ok(files)
}

/// Loads, validates and ranks; a bad file or entry becomes a problem line and
/// the rest is still compared.
pub fn compare(ws: &Workspace, files: &[PathBuf]) -> Comparison {
    let mut problems = Vec::new();
    let mut participants: Vec<Participant> = Vec::new();
    for file in files {
        let results = match results::load(file) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{}: {e:#} — skipped", file.display()));
                continue;
            }
        };
        if let Some(earlier) = participants.iter_mut().find(|p| p.results.participant == results.participant) {
            // The newer export is kept: a participant who ran `bench` again means the later run.
            let newer_wins = results.created_utc > earlier.results.created_utc;
            let candidate = Participant { file: file.clone(), results };
            let skipped = if newer_wins { std::mem::replace(earlier, candidate) } else { candidate };
            problems.push(format!(
                "{}: field `participant`: `{}` is also the participant of {}, which is kept (the newer export) — \
                 skipped; give each person their own --name",
                skipped.file.display(),
                skipped.results.participant,
                earlier.file.display()
            ));
            continue;
        }
        participants.push(Participant { file: file.clone(), results });
    }
    problems.extend(drop_mismatched_inputs(&mut participants));
    problems.extend(drop_unquiet(&mut participants));
    let exercises = exercise_order(ws, &participants);
    let standings = rank(&participants);
    Comparison { participants, exercises, standings, problems }
}

/// Per exercise, the input hash most files share is the one compared; an
/// entry measured on other bytes is left out with a line naming it.
fn drop_mismatched_inputs(participants: &mut [Participant]) -> Vec<String> {
    let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for p in participants.iter() {
        for e in &p.results.exercises {
            *votes.entry(e.id.clone()).or_default().entry(e.input.hash.clone()).or_default() += 1;
        }
    }
    // Most votes wins; equal votes go to the smaller hash, so the choice is stable.
    let majority: BTreeMap<String, (String, bool)> = votes
        .into_iter()
        .map(|(id, hashes)| {
            let best = hashes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).expect("a vote");
            let clear = hashes.values().filter(|n| *n == best.1).count() == 1;
            (id, (best.0.clone(), clear))
        })
        .collect();
    let mut problems = Vec::new();
    for p in participants.iter_mut() {
        let file = p.file.display().to_string();
        let mut kept = Vec::new();
        for (index, e) in std::mem::take(&mut p.results.exercises).into_iter().enumerate() {
            let (expected, clear) = &majority[&e.id];
            if &e.input.hash == expected {
                kept.push(e);
                continue;
            }
            let whose = if *clear { "most files" } else { "as many files (no majority; the smaller hash is compared)" };
            problems.push(format!(
                "{file}: field `exercises[{index}].input.hash`: {} differs from {expected} in {whose} \
                 (another input size or workbench version) — {} not compared for this file",
                e.input.hash, e.id
            ));
        }
        p.results.exercises = kept;
    }
    problems
}

/// A time measured with no quiet round — the machine was busy in every one
/// — says more about the machine than the code: it is left out, with a line.
fn drop_unquiet(participants: &mut [Participant]) -> Vec<String> {
    let mut problems = Vec::new();
    for p in participants.iter_mut() {
        let file = p.file.display().to_string();
        let mut index = 0;
        p.results.exercises.retain(|e| {
            let busy = e.quiet_rounds == 0 && e.speed_vs_reference.is_some();
            if busy {
                problems.push(format!(
                    "{file}: field `exercises[{index}].quiet_rounds` is 0: every round of {} ran on a busy machine — \
                     not compared for this file (run bench again on a quiet machine)",
                    e.id
                ));
            }
            index += 1;
            !busy
        });
    }
    problems
}

fn exercise_order(ws: &Workspace, participants: &[Participant]) -> Vec<String> {
    let seen: Vec<&str> = participants.iter().flat_map(|p| p.results.exercises.iter().map(|e| e.id.as_str())).collect();
    let mut order: Vec<String> =
        ws.manifest.exercises.iter().filter(|ex| seen.contains(&ex.id.as_str())).map(|ex| ex.id.clone()).collect();
    for id in seen {
        if !order.iter().any(|o| o == id) {
            order.push(id.to_string());
        }
    }
    order
}

/// The learner's interval on one exercise, when solved.
pub fn speed(e: &ExerciseResult) -> Option<Interval> {
    (e.learner_status == LearnerStatus::Solved).then_some(e.speed_vs_reference).flatten()
}

/// Geometric mean of intervals: each bound averaged in log space.
pub fn geometric_mean(intervals: &[Interval]) -> Option<Interval> {
    if intervals.is_empty() {
        return None;
    }
    let mean_log = |f: fn(&Interval) -> f64| {
        (intervals.iter().map(|i| f(i).max(1e-12).ln()).sum::<f64>() / intervals.len() as f64).exp()
    };
    Some(Interval { median: mean_log(|i| i.median), lo: mean_log(|i| i.lo), hi: mean_log(|i| i.hi) })
}

/// More exercises solved ranks first; among equals, your rank is one more than
/// the number of participants whose whole interval lies above yours, so equal
/// ranks mean nobody's measurement separates you (this is not transitive:
/// A may tie B and C while C ranks above B).
fn rank(participants: &[Participant]) -> Vec<Standing> {
    let mut standings: Vec<Standing> = participants
        .iter()
        .enumerate()
        .map(|(who, p)| {
            let intervals: Vec<Interval> = p.results.exercises.iter().filter_map(speed).collect();
            Standing { who, solved: intervals.len(), score: geometric_mean(&intervals), rank: 0, tied: false }
        })
        .collect();
    let better = |a: &Standing, b: &Standing| match (a.score, b.score) {
        _ if a.solved != b.solved => a.solved > b.solved,
        (Some(x), Some(y)) => x.lo > y.hi,
        _ => false,
    };
    let ranks: Vec<usize> =
        standings.iter().map(|s| 1 + standings.iter().filter(|other| better(other, s)).count()).collect();
    for (s, rank) in standings.iter_mut().zip(&ranks) {
        s.rank = *rank;
        s.tied = ranks.iter().filter(|r| *r == rank).count() > 1;
    }
    standings.sort_by(|a, b| {
        a.rank.cmp(&b.rank).then(b.score.map_or(0.0, |s| s.median).total_cmp(&a.score.map_or(0.0, |s| s.median)))
    });
    standings
}

pub fn rank_label(s: &Standing) -> String {
    if s.tied { format!("={}", s.rank) } else { s.rank.to_string() }
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
        anstream::println!("  {} {p}", ui::yellow("!"));
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
            r.participant,
            format!("{}/{}", s.solved, c.exercises.len()),
            s.score.as_ref().map_or_else(|| "—".into(), ui::interval),
            r.machine.described.cpu_model,
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
            p.results.participant,
            crate::verdict::name_list(&t.modified)
        );
    }
    for id in &c.exercises {
        anstream::println!();
        anstream::println!("{}", ui::bold(id));
        for s in &c.standings {
            let r = &c.participants[s.who].results;
            let Some(e) = r.exercises.iter().find(|e| &e.id == id) else {
                anstream::println!("  {:<20} not measured", r.participant);
                continue;
            };
            let shown = speed(e).map_or_else(|| status_text(e.learner_status).to_string(), |i| ui::interval(&i));
            let python = e.speedup_vs_python.map_or_else(String::new, |x| format!(" · {x:.0}× Python"));
            anstream::println!("  {:<20} {shown}{python}", r.participant);
        }
    }
}

#[cfg(test)]
mod tests;
