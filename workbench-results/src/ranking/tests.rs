use benches::stats::Interval;

use super::*;
use crate::report;
use crate::sample::{entry, results};

fn participant(name: &str, exercises: Vec<ExerciseResult>) -> Participant {
    Participant { source: format!("{name}.json"), results: results(name, exercises) }
}

fn names_by_rank(standings: &[Standing], participants: &[Participant]) -> Vec<String> {
    standings.iter().map(|s| format!("{} {}", rank_label(s), participants[s.who].results.participant)).collect()
}

#[test]
fn geometric_mean_of_intervals() {
    let g = geometric_mean(&[Interval { median: 2.0, lo: 1.0, hi: 4.0 }, Interval { median: 0.5, lo: 0.25, hi: 1.0 }])
        .unwrap();
    assert!((g.median - 1.0).abs() < 1e-12 && (g.lo - 0.5).abs() < 1e-12 && (g.hi - 2.0).abs() < 1e-12);
    assert!(geometric_mean(&[]).is_none());
}

#[test]
fn overlapping_intervals_tie_and_separated_ones_rank() {
    let ps = vec![
        participant("slow", vec![entry("01", "h", Some((0.5, 0.45, 0.55)))]),
        participant("fast", vec![entry("01", "h", Some((1.2, 1.1, 1.3)))]),
        participant("close", vec![entry("01", "h", Some((1.05, 0.95, 1.15)))]),
        participant("nothing", vec![entry("01", "h", None)]),
    ];
    let standings = rank(&ps);
    assert_eq!(names_by_rank(&standings, &ps), ["=1 fast", "=1 close", "3 slow", "4 nothing"]);
}

#[test]
fn solving_more_exercises_ranks_first() {
    let ps = vec![
        participant("one-fast", vec![entry("01", "h", Some((3.0, 2.9, 3.1))), entry("02", "k", None)]),
        participant("two-slow", vec![entry("01", "h", Some((0.9, 0.8, 1.0))), entry("02", "k", Some((0.9, 0.8, 1.0)))]),
    ];
    assert_eq!(names_by_rank(&rank(&ps), &ps), ["1 two-slow", "2 one-fast"]);
}

#[test]
fn an_entry_on_other_input_bytes_is_left_out_and_named() {
    let mut ps = vec![
        participant("a", vec![entry("01", "same", Some((1.0, 0.9, 1.1)))]),
        participant("b", vec![entry("01", "same", Some((1.0, 0.9, 1.1)))]),
        participant("c", vec![entry("01", "other", Some((5.0, 4.9, 5.1))), entry("02", "k", None)]),
    ];
    let problems = drop_mismatched_inputs(&mut ps);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("c.json: field `exercises[0].input.hash`: other differs from same"),
        "{}",
        problems[0]
    );
    assert_eq!(ps[2].results.exercises.len(), 1, "c's other exercise is still compared");
}

#[test]
fn the_newer_record_of_one_participant_is_kept_and_the_other_named() {
    let older = participant("ana", vec![entry("01", "h", Some((1.0, 0.9, 1.1)))]);
    let mut newer = participant("ana", vec![entry("01", "h", Some((2.0, 1.9, 2.1)))]);
    newer.source = "ana-again.json".into();
    newer.results.created_utc = "2026-11-25T11:00:00Z".into();
    let c = Comparison::of(&["01".into()], vec![older, newer], vec![]);
    assert_eq!(c.participants.len(), 1);
    assert_eq!(c.participants[0].source, "ana-again.json");
    assert_eq!(c.problems.len(), 1);
    assert!(
        c.problems[0].starts_with("ana.json: field `participant`: `ana` is also the participant of ana-again.json")
    );
}

#[test]
fn the_report_is_self_contained_and_escapes_names() {
    let ps = vec![
        participant("<script>x</script>", vec![entry("01-parallel-sum", "h", Some((1.0, 0.9, 1.1)))]),
        participant("bo", vec![entry("01-parallel-sum", "h", None)]),
    ];
    let c = Comparison::of(&["01-parallel-sum".into()], ps, vec![]);
    let page = report::render(&c);
    assert!(!page.contains("<script"), "names are escaped and the page has no script");
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert_eq!(page.matches("<svg").count(), 2, "the ranking chart and one per exercise");
    assert!(page.contains("not solved"));
    assert!(
        !page.contains("http://")
            || page.matches("http://").all(|_| page.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );
}

#[test]
fn results_from_a_modified_workbench_are_marked() {
    let mut edited = participant("edited", vec![entry("01-a", "h", Some((1.0, 0.9, 1.1)))]);
    edited.results.tools.modified = vec!["benches/src/gate.rs was edited".into()];
    let honest = participant("honest", vec![entry("01-a", "h", Some((1.0, 0.9, 1.1)))]);
    let c = Comparison::of(&["01-a".into()], vec![edited, honest], vec![]);
    let page = report::render(&c);
    assert_eq!(page.matches("modified workbench").count(), 1, "only the edited participant is marked");
    assert!(page.contains("benches/src/gate.rs was edited"));
}

#[test]
fn a_time_without_a_quiet_round_is_left_out_with_a_line() {
    let mut busy = participant("busy", vec![entry("01-a", "h", Some((1.0, 0.9, 1.1)))]);
    busy.results.exercises[0].quiet_rounds = 0;
    let mut participants = vec![busy, participant("calm", vec![entry("01-a", "h", Some((1.0, 0.9, 1.1)))])];
    let problems = drop_unquiet(&mut participants);
    assert!(participants[0].results.exercises.is_empty() && participants[1].results.exercises.len() == 1);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("busy.json") && problems[0].contains("quiet_rounds"), "{}", problems[0]);
}

#[test]
fn each_exercise_is_ranked_on_its_own_by_the_same_rule() {
    let ps = vec![
        participant("a", vec![entry("01", "h", Some((1.0, 0.9, 1.1))), entry("02", "k", Some((3.0, 2.9, 3.1)))]),
        participant("b", vec![entry("01", "h", Some((2.0, 1.9, 2.1))), entry("02", "k", None)]),
        participant("c", vec![entry("01", "h", Some((1.05, 0.95, 1.15)))]),
    ];
    let c = Comparison::of(&["01".into(), "02".into()], ps, vec![]);
    let names = |standings: Vec<Standing>| names_by_rank(&standings, &c.participants);
    assert_eq!(names(exercise_standings(&c, "01")), ["1 b", "=2 c", "=2 a"]);
    assert_eq!(names(exercise_standings(&c, "02")), ["1 a", "2 b"], "c did not measure 02: not ranked on it");
    let rows = report::exercise_rows(&c, "02");
    assert_eq!(rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["1 a", "b", "c"], "no rank without a speed");
    assert_eq!(rows[2].2, "not measured");
}
