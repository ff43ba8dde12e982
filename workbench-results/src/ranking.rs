//! A room's results ranked fairly across machines — the one ranking of
//! `cargo xtask compare` and of the workshop server's leaderboard.
//!
//! Each participant is scored by the reference/learner time ratio measured
//! on their own machine in one run, never by absolute times; the overall
//! score is the geometric mean over the exercises they solved; you rank below
//! someone only when their whole interval lies above yours.

use std::collections::BTreeMap;

use benches::bench_run::LearnerStatus;
use benches::stats::Interval;

use crate::schema::{ExerciseResult, Results};

/// One participant's record, as compared.
#[derive(Clone, Debug)]
pub struct Participant {
    /// Where the record came from, as problem lines name it: a file, a submission.
    pub source: String,
    pub results: Results,
}

/// Everything the table and the report show.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub participants: Vec<Participant>,
    /// Exercise ids in course order (unknown ids last).
    pub exercises: Vec<String>,
    pub standings: Vec<Standing>,
    /// One line per record or entry left out, naming where it came from and the field.
    pub problems: Vec<String>,
}

#[derive(Clone, Debug)]
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

impl Comparison {
    /// Ranks `participants` (records that passed `validate`): one record per
    /// person (the newer export), entries measured on other input bytes or on
    /// a machine busy in every round left out with a line each. `course_order`
    /// orders the exercises.
    pub fn of(course_order: &[String], participants: Vec<Participant>, mut problems: Vec<String>) -> Comparison {
        let mut kept: Vec<Participant> = Vec::new();
        for candidate in participants {
            let Some(earlier) = kept.iter_mut().find(|p| p.results.participant == candidate.results.participant) else {
                kept.push(candidate);
                continue;
            };
            // The newer export is kept: a participant who ran `bench` again means the later run.
            let newer_wins = candidate.results.created_utc > earlier.results.created_utc;
            let skipped = if newer_wins { std::mem::replace(earlier, candidate) } else { candidate };
            problems.push(format!(
                "{}: field `participant`: `{}` is also the participant of {}, which is kept (the newer export) — \
                 skipped; give each person their own --name",
                skipped.source, skipped.results.participant, earlier.source
            ));
        }
        problems.extend(drop_mismatched_inputs(&mut kept));
        problems.extend(drop_unquiet(&mut kept));
        let exercises = exercise_order(course_order, &kept);
        let standings = rank(&kept);
        Comparison { participants: kept, exercises, standings, problems }
    }

    /// The standing of the participant named `name`.
    pub fn standing_of(&self, name: &str) -> Option<&Standing> {
        self.standings.iter().find(|s| self.participants[s.who].results.participant == name)
    }
}

/// Per exercise, the input hash most records share is the one compared; an
/// entry measured on other bytes is left out with a line naming it.
pub fn drop_mismatched_inputs(participants: &mut [Participant]) -> Vec<String> {
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
        let mut kept = Vec::new();
        for (index, e) in std::mem::take(&mut p.results.exercises).into_iter().enumerate() {
            let (expected, clear) = &majority[&e.id];
            if &e.input.hash == expected {
                kept.push(e);
                continue;
            }
            let whose = if *clear { "most files" } else { "as many files (no majority; the smaller hash is compared)" };
            problems.push(format!(
                "{}: field `exercises[{index}].input.hash`: {} differs from {expected} in {whose} \
                 (another input size or workbench version) — {} not compared for this file",
                p.source,
                crate::text::inert(&e.input.hash),
                e.id
            ));
        }
        p.results.exercises = kept;
    }
    problems
}

/// A time measured with no quiet round — the machine was busy in every one
/// — says more about the machine than the code: it is left out, with a line.
pub fn drop_unquiet(participants: &mut [Participant]) -> Vec<String> {
    let mut problems = Vec::new();
    for p in participants.iter_mut() {
        let mut index = 0;
        p.results.exercises.retain(|e| {
            let busy = e.quiet_rounds == 0 && e.speed_vs_reference.is_some();
            if busy {
                problems.push(format!(
                    "{}: field `exercises[{index}].quiet_rounds` is 0: every round of {} ran on a busy machine — \
                     not compared for this file (run bench again on a quiet machine)",
                    p.source, e.id
                ));
            }
            index += 1;
            !busy
        });
    }
    problems
}

fn exercise_order(course_order: &[String], participants: &[Participant]) -> Vec<String> {
    let seen: Vec<&str> = participants.iter().flat_map(|p| p.results.exercises.iter().map(|e| e.id.as_str())).collect();
    let mut order: Vec<String> = course_order.iter().filter(|id| seen.contains(&id.as_str())).cloned().collect();
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

/// One record's overall score: how many exercises it solved and the
/// geometric mean of their intervals (the leaderboard's history uses it).
pub fn score(results: &Results) -> (usize, Option<Interval>) {
    let intervals: Vec<Interval> = results.exercises.iter().filter_map(speed).collect();
    (intervals.len(), geometric_mean(&intervals))
}

/// More exercises solved ranks first; among equals, your rank is one more than
/// the number of participants whose whole interval lies above yours, so equal
/// ranks mean nobody's measurement separates you (this is not transitive:
/// A may tie B and C while C ranks above B).
pub fn rank(participants: &[Participant]) -> Vec<Standing> {
    standings(participants.iter().enumerate().map(|(who, p)| {
        let (solved, score) = score(&p.results);
        (who, solved, score)
    }))
}

/// One exercise's standings, by the same rule: the participants who measured
/// it (`solved` is 1 or 0), a solved one ranked by its interval on this
/// exercise alone.
pub fn exercise_standings(c: &Comparison, id: &str) -> Vec<Standing> {
    standings(c.participants.iter().enumerate().filter_map(|(who, p)| {
        let e = p.results.exercises.iter().find(|e| e.id == id)?;
        let interval = speed(e);
        Some((who, usize::from(interval.is_some()), interval))
    }))
}

/// Ranks (who, solved, score) entries: see [`rank`].
fn standings(entries: impl Iterator<Item = (usize, usize, Option<Interval>)>) -> Vec<Standing> {
    let mut standings: Vec<Standing> =
        entries.map(|(who, solved, score)| Standing { who, solved, score, rank: 0, tied: false }).collect();
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

#[cfg(test)]
mod tests;
