use std::path::PathBuf;

use workbench_results::sample::{entry, results};

use super::*;

fn scratch(name: &str) -> PathBuf {
    let dir = crate::manifest::target_dir().join("xtask-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn workspace() -> Workspace {
    Workspace::open(&crate::manifest::repo_root()).unwrap()
}

/// A valid record of `name` on the first timed exercise, solved at `speed`.
fn record(ws: &Workspace, name: &str, speed: f64) -> serde_json::Value {
    let id = &results::known_exercises(ws)[0];
    serde_json::to_value(results(name, vec![entry(id, "h", Some((speed, speed * 0.9, speed * 1.1)))])).unwrap()
}

fn write(dir: &Path, name: &str, value: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
    path
}

/// Each problem line, without the folder, starts with the expected text.
fn assert_problems(c: &Comparison, dir: &Path, expect: &[&str]) {
    assert_eq!(c.problems.len(), expect.len(), "{:#?}", c.problems);
    for (problem, start) in c.problems.iter().zip(expect) {
        let file_part = problem.strip_prefix(&format!("{}/", dir.display())).unwrap_or(problem);
        assert!(file_part.starts_with(start), "{problem}\n  should start with {start}");
    }
}

#[test]
fn files_that_do_not_fit_are_named_with_their_field_and_the_rest_compared() {
    let (ws, dir) = (workspace(), scratch("compare-fit"));
    let good = record(&ws, "ana", 1.0);
    let mut newer = good.clone();
    newer["schema_version"] = 99.into();
    newer["participant"] = "bo".into();
    let mut broken = good.clone();
    broken["participant"] = "cy".into();
    broken["probes"]["memory_read_bytes_per_second"] = "fast".into();
    let files = vec![
        write(&dir, "a.json", &good),
        write(&dir, "b.json", &newer),
        write(&dir, "c.json", &broken),
        write(&dir, "d.json", &good),
        {
            let path = dir.join("e.json");
            std::fs::write(&path, "{ not json").unwrap();
            path
        },
    ];
    let c = compare(&ws, &files);
    assert_eq!(c.participants.len(), 1);
    assert_problems(
        &c,
        &dir,
        &[
            "b.json: field `schema_version`: version 99",
            "c.json: field `probes.memory_read_bytes_per_second`: invalid type",
            "e.json: not JSON",
            "d.json: field `participant`: `ana` is also the participant of",
        ],
    );
}

#[test]
fn absurd_numbers_unknown_exercises_and_escapes_in_names_are_refused_with_the_file_named() {
    let (ws, dir) = (workspace(), scratch("compare-hostile"));
    let mut huge = record(&ws, "huge", 1.0);
    huge["exercises"][0]["speed_vs_reference"] = serde_json::json!({"median": 1e300, "lo": 1e300, "hi": 1e300});
    let mut inverted = record(&ws, "inverted", 1.0);
    inverted["exercises"][0]["speed_vs_reference"] = serde_json::json!({"median": 1.0, "lo": 2.0, "hi": 0.5});
    let mut unknown = record(&ws, "unknown", 1.0);
    unknown["exercises"][0]["id"] = "99-not-an-exercise".into();
    let mut twice = record(&ws, "twice", 1.0);
    let again = twice["exercises"][0].clone();
    twice["exercises"].as_array_mut().unwrap().push(again);
    let escape = record(&ws, "\u{1b}]0;pwned\u{7}\u{1b}[2J", 1.0);
    let files = vec![
        write(&dir, "fair.json", &record(&ws, "fair", 0.8)),
        write(&dir, "huge.json", &huge),
        write(&dir, "inverted.json", &inverted),
        write(&dir, "unknown.json", &unknown),
        write(&dir, "twice.json", &twice),
        write(&dir, "escape.json", &escape),
    ];
    let c = compare(&ws, &files);
    assert_eq!(c.participants.len(), 1, "only the fair file is ranked");
    assert_eq!(c.participants[0].results.participant, "fair");
    assert_eq!(c.standings[0].solved, 1, "an unknown id is never counted as solved");
    assert_problems(
        &c,
        &dir,
        &[
            "huge.json: field `exercises[0].speed_vs_reference.lo`: 1e300 is absurd",
            "inverted.json: field `exercises[0].speed_vs_reference`: lo 2 ≤ median 1 ≤ hi 0.5 does not hold",
            "unknown.json: field `exercises[0].id`: `99-not-an-exercise` is not a timed exercise",
            "twice.json: field `exercises[1].id`",
            "escape.json: field `participant`: contains a terminal escape",
        ],
    );
    assert!(c.problems.iter().all(|p| !p.contains('\u{1b}')), "no problem line carries the escape itself");
}

#[test]
fn a_fifo_or_a_device_is_left_out_unopened() {
    let (ws, dir) = (workspace(), scratch("compare-fifo"));
    let fair = write(&dir, "fair.json", &record(&ws, "fair", 1.0));
    let fifo = dir.join("fifo.json");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    // Opening the FIFO for reading would wait for a writer forever: the test would hang.
    let (files, problems) = expand(&[dir.clone(), PathBuf::from("/dev/zero")]).unwrap();
    assert_eq!(files, [fair]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("fifo.json is a FIFO (named pipe), not a regular file"), "{}", problems[0]);
    assert!(problems[1].contains("/dev/zero is a character device"), "{}", problems[1]);
}

#[test]
fn the_report_is_never_written_over_an_input() {
    let (ws, dir) = (workspace(), scratch("compare-html"));
    let fair = write(&dir, "fair.json", &record(&ws, "fair", 1.0));
    let before = std::fs::read(&fair).unwrap();
    let e = run(&ws, std::slice::from_ref(&fair), &fair).unwrap_err().to_string();
    assert!(e.contains("is one of the inputs"), "{e}");
    let e = run(&ws, std::slice::from_ref(&dir), &dir.join("./fair.json")).unwrap_err().to_string();
    assert!(e.contains("is one of the inputs"), "{e}");
    assert_eq!(std::fs::read(&fair).unwrap(), before, "the input is untouched");
    run(&ws, std::slice::from_ref(&fair), &dir.join("report.html")).unwrap();
    assert!(std::fs::read_to_string(dir.join("report.html")).unwrap().contains("<td>fair</td>"));
}
