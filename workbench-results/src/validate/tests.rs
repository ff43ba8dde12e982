use super::*;
use crate::sample::{entry, results};

fn known() -> Vec<String> {
    vec!["01-a".into(), "02-b".into()]
}

fn good() -> serde_json::Value {
    serde_json::to_value(results("ana", vec![entry("01-a", "h", Some((1.2, 1.1, 1.3))), entry("02-b", "k", None)]))
        .unwrap()
}

/// The refusal of `good()` changed by `edit`.
fn refusal(edit: impl FnOnce(&mut serde_json::Value)) -> Refusal {
    let mut value = good();
    edit(&mut value);
    parse(&serde_json::to_vec(&value).unwrap(), &known()).expect_err("refused")
}

#[test]
fn a_good_record_passes() {
    let r = parse(&serde_json::to_vec(&good()).unwrap(), &known()).unwrap();
    assert_eq!(r.participant, "ana");
}

#[test]
fn the_shape_is_checked_first_and_the_field_named() {
    assert_eq!(parse(b"{ not json", &known()).unwrap_err().reason, Reason::NotJson);
    assert_eq!(parse(&vec![b' '; MAX_RECORD_BYTES + 1], &known()).unwrap_err().reason, Reason::TooLarge);
    let r = refusal(|v| v["schema"] = "something-else".into());
    assert_eq!((r.reason, r.field.as_deref()), (Reason::NotResults, Some("schema")));
    let r = refusal(|v| v["schema_version"] = 99.into());
    assert_eq!(r.reason, Reason::UnknownSchemaVersion);
    assert!(r.to_string().starts_with("field `schema_version`: version 99"), "{r}");
    let r = refusal(|v| v["probes"]["memory_read_bytes_per_second"] = "fast".into());
    assert_eq!((r.reason, r.field.as_deref()), (Reason::Schema, Some("probes.memory_read_bytes_per_second")));
}

#[test]
fn absurd_numbers_are_refused_with_their_field() {
    let at = |r: Refusal| (r.reason, r.field.unwrap_or_default());
    // JSON has no NaN or infinity: such a number arrives as a huge literal or from code.
    let r = refusal(|v| {
        v["exercises"][0]["speed_vs_reference"] = serde_json::json!({"median": 1e300, "lo": 1e300, "hi": 1e300})
    });
    assert_eq!(at(r), (Reason::BadNumber, "exercises[0].speed_vs_reference.lo".into()));
    let r = refusal(|v| v["exercises"][0]["speed_vs_reference"]["lo"] = (-1.0).into());
    assert_eq!(at(r.clone()), (Reason::BadNumber, "exercises[0].speed_vs_reference.lo".into()));
    assert!(r.message.contains("negative"), "{r}");
    let r =
        refusal(|v| v["exercises"][0]["speed_vs_reference"] = serde_json::json!({"median": 1.0, "lo": 1.5, "hi": 1.2}));
    assert_eq!(at(r), (Reason::BadInterval, "exercises[0].speed_vs_reference".into()));
    let r = refusal(|v| v["probes"]["memory_read_bytes_per_second"] = 0.into());
    assert_eq!(at(r), (Reason::BadNumber, "probes.memory_read_bytes_per_second".into()));
    let r = refusal(|v| v["exercises"][0]["quiet_rounds"] = 11.into());
    assert_eq!(at(r), (Reason::BadNumber, "exercises[0].quiet_rounds".into()));
}

#[test]
fn nan_and_infinity_from_code_are_refused() {
    let mut r = results("ana", vec![entry("01-a", "h", Some((1.2, 1.1, 1.3)))]);
    r.exercises[0].speed_vs_reference.as_mut().unwrap().hi = f64::NAN;
    assert!(check(&r, &known()).unwrap_err().to_string().contains("is NaN"));
    r.exercises[0].speed_vs_reference.as_mut().unwrap().hi = f64::INFINITY;
    assert!(check(&r, &known()).unwrap_err().to_string().contains("is infinite"));
}

#[test]
fn unknown_and_repeated_exercises_are_refused() {
    let r = refusal(|v| v["exercises"][1]["id"] = "99-made-up".into());
    assert_eq!((r.reason, r.field.as_deref()), (Reason::UnknownExercise, Some("exercises[1].id")));
    let r = refusal(|v| v["exercises"][1] = v["exercises"][0].clone());
    assert_eq!(r.reason, Reason::DuplicateExercise);
}

#[test]
fn names_that_would_move_a_cursor_or_reorder_text_are_refused() {
    for (name, why) in [
        ("\u{1b}[2J\u{1b}[Hroot", "terminal escape"),
        ("ana\u{7}", "control character"),
        ("ana\u{202E}gnp.exe", "reorders text"),
        ("ana\u{2066}", "reorders text"),
        ("", "empty"),
        (" ana", "white space"),
        ("a/b", "slash"),
    ] {
        let e = check_name(name).expect_err(name);
        assert_eq!(e.reason, Reason::BadName);
        assert!(e.message.contains(why), "{name:?}: {e}");
    }
    assert!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    assert!(check_name("Ana Lopes-Ñandú 李").is_ok());
    let r = refusal(|v| v["participant"] = "\u{1b}]0;owned\u{7}".into());
    assert_eq!(r.reason, Reason::BadName);
}

#[test]
fn a_time_that_is_not_utc_is_refused() {
    assert_eq!(refusal(|v| v["created_utc"] = "yesterday".into()).reason, Reason::BadTime);
    assert_eq!(refusal(|v| v["created_utc"] = "2026-11-25T10:00:00+01:00".into()).reason, Reason::BadTime);
}
