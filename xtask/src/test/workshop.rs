//! The workshop path end to end, in a scratch copy: `bench --quick --export`
//! with one exercise solved and the rest stubs, `compare` on a room of files
//! (some it must refuse), then headless Chromium reading the report.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use benches::bench_run::LearnerStatus;

use crate::integrity::Pristine;
use crate::manifest::{Exercise, Workspace};
use crate::results::{self, Results};
use crate::{bench, browser, compare, ui, verify};

pub fn run(ws: &Workspace) -> Result<()> {
    let pristine = Pristine::load(&ws.root)?;
    let all: Vec<&Exercise> = ws.manifest.exercises.iter().collect();
    let scratch = verify::scratch_copy(ws, &pristine, &all)?;
    let timed: Vec<&Exercise> = scratch.manifest.exercises.iter().filter(|e| e.benched()).collect();
    let solved = *timed.first().context("no timed exercise to bench")?;
    // A room needs a few exercises, not all of them (each costs its input and
    // its rounds, and a Python baseline can take a minute on a bench-size
    // input): the solved one, the first with a Python baseline (the protocol
    // runs end to end; every script's own tests run in the `python
    // baselines` step) and the first without one.
    let has_python = |e: &Exercise| e.perf.as_ref().is_some_and(|p| p.python.is_some());
    let with_python = timed.iter().find(|e| has_python(e)).map(|e| e.id.clone());
    let without_python = timed.iter().find(|e| e.id != solved.id && !has_python(e)).map(|e| e.id.clone());
    let timed: Vec<&Exercise> = timed
        .into_iter()
        .filter(|e| e.id == solved.id || Some(&e.id) == with_python.as_ref() || Some(&e.id) == without_python.as_ref())
        .collect();
    let src = solved.dir(&scratch.root).join("src");
    std::fs::remove_dir_all(&src)?;
    crate::fsutil::copy_tree(&solved.solution_dir(&scratch.root).join("src"), &src, &[])?;

    let room = ws.target_dir().join("workshop/room");
    if room.exists() {
        std::fs::remove_dir_all(&room)?;
    }
    let first = room.join("ci-a.json");
    let options = bench::Options {
        ids: timed.iter().map(|e| e.id.clone()).collect(),
        all: false,
        name: Some("ci-a".into()),
        export: Some(Some(first.clone())),
        force: false,
        quick: true,
        submit: None,
    };
    // `bench --export 01-…` (the ID taken for a file name) is refused before measuring.
    let mistaken = bench::Options { export: Some(Some(solved.id.clone().into())), ..options.clone() };
    let refusal = bench::run(&scratch, &mistaken).err().map(|e| e.to_string()).unwrap_or_default();
    ensure!(
        refusal.contains("that is an exercise, not a file"),
        "bench --export {}: not refused: {refusal}",
        solved.id
    );
    ensure!(!scratch.root.join(&solved.id).exists(), "bench --export {} wrote a file named after it", solved.id);
    bench::run(&scratch, &options)?;
    let exported =
        results::load(&first, &results::known_exercises(&scratch)).context("the exported file does not load")?;
    check_export(&scratch, &exported, solved, timed.len())?;

    let files = make_room(&room, &exported)?;
    let report = room.join("report.html");
    compare::run(&scratch, std::slice::from_ref(&room), &report)?;
    let c = compare::compare(&scratch, &files);
    ensure!(c.participants.len() == 3, "compare kept {} participants, expected 3", c.participants.len());
    for (file, field) in
        [("ci-c.json", "input.hash"), ("broken.json", "not JSON"), ("ci-a-again.json", "`participant`")]
    {
        ensure!(
            c.problems.iter().any(|p| p.contains(file) && p.contains(field)),
            "compare did not name {file} and {field}: {:#?}",
            c.problems
        );
    }

    match browser::chromium(&ws.target_dir().join("workshop/chromium-profile"))? {
        Err(skipped) => anstream::println!("{} {skipped}", ui::yellow("!")),
        Ok(chromium) => {
            let dom = chromium.dump_dom(&browser::file_url(&report))?;
            for name in ["ci-a", "ci-b", "ci-c"] {
                ensure!(dom.contains(&format!("<td>{name}</td>")), "the report does not list {name}");
            }
            let charts = dom.matches("<svg class=\"chart\"").count();
            ensure!(charts == 1 + timed.len(), "the report has {charts} charts, expected {}", 1 + timed.len());
            ensure!(dom.contains("class=\"whisker\""), "the report's charts have no interval drawn");
            ensure!(dom.contains("broken.json"), "the report does not list the file it left out");
            anstream::println!("{} Chromium rendered the report ({charts} charts)", ui::green("✓"));
        }
    }
    Ok(())
}

fn check_export(ws: &Workspace, r: &Results, solved: &Exercise, timed: usize) -> Result<()> {
    ensure!(r.exercises.len() == timed, "exported {} exercises, expected {timed}", r.exercises.len());
    ensure!(r.probes.memory_read_bytes_per_second > 0.0 && r.probes.single_core_ops_per_second > 0.0, "no probes");
    for e in &r.exercises {
        ensure!(e.implementation("reference").is_some(), "{}: the reference was not measured", e.id);
        ensure!(e.python.iter().all(|p| p.correct), "{}: a Python baseline disagrees with the reference", e.id);
        // `--quick` has no criterion detail: it reuses the gate's harness build, which has no criterion.
        ensure!(e.criterion_report.is_none(), "{}: a criterion report from `bench --quick`", e.id);
        if e.id == solved.id {
            let speed = e.speed_vs_reference.context("the solved exercise has no speed interval")?;
            ensure!(e.learner_status == LearnerStatus::Solved, "{}: the reference copy is not `solved`", e.id);
            ensure!(speed.lo <= speed.median && speed.median <= speed.hi, "{}: interval out of order", e.id);
        } else {
            ensure!(e.learner_status == LearnerStatus::NotSolved, "{}: a stub is not `not-solved`", e.id);
        }
    }
    if r.tools.python.is_some() {
        for e in &r.exercises {
            let baseline = ws.manifest.find(&e.id).ok().and_then(|x| x.perf.as_ref()).and_then(|p| p.python.as_ref());
            if baseline.is_some() {
                ensure!(!e.python.is_empty(), "{}: python3 is here, but no Python baseline ran", e.id);
                ensure!(e.python_missing.is_none(), "{}: a Python baseline failed: {:?}", e.id, e.python_missing);
            } else {
                // An exercise without a baseline says so instead of leaving the column blank.
                ensure!(e.python.is_empty() && e.python_missing.is_some(), "{}: no baseline, and no word of it", e.id);
            }
        }
    }
    Ok(())
}

/// The exported file, a slower second participant, one measured on other
/// bytes, a broken file and a duplicate participant.
fn make_room(room: &Path, exported: &Results) -> Result<Vec<std::path::PathBuf>> {
    let value = serde_json::to_value(exported)?;
    let mut slower = value.clone();
    slower["participant"] = "ci-b".into();
    for e in slower["exercises"].as_array_mut().context("exercises")? {
        if let Some(speed) = e["speed_vs_reference"].as_object_mut() {
            for bound in speed.values_mut() {
                *bound = (bound.as_f64().unwrap_or(1.0) * 0.5).into();
            }
        }
    }
    let mut other_input = value.clone();
    other_input["participant"] = "ci-c".into();
    other_input["exercises"][0]["input"]["hash"] = "0000000000000000".into();
    let mut files = vec![room.join("ci-a.json")];
    for (name, v) in [("ci-b.json", &slower), ("ci-c.json", &other_input), ("ci-a-again.json", &value)] {
        let path = room.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(v)?)?;
        files.push(path);
    }
    let broken = room.join("broken.json");
    std::fs::write(&broken, "{\"schema\": \"parallel-workbench-results\", ")?;
    files.push(broken);
    Ok(files)
}
