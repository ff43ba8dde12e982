//! Every kind of hostile or broken submission is refused with its reason,
//! and the database is the same row for row afterwards.

mod common;

use common::{Server, bytes, json, record, rows, scratch};

/// Posts `body` (with `code`), expects `status` and `reason`, and no new row.
fn refused(server: &Server, code: &str, body: &[u8], status: u16, reason: &str) {
    let before = rows(&server.db);
    let response = server.submit_with_code(code, body);
    assert_eq!(response.status, status, "{reason}: {}", response.text());
    let answer = json(&response);
    assert_eq!(answer["reason"], reason, "{}", response.text());
    assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "a refusal says why");
    assert_eq!(rows(&server.db), before, "{reason}: the database changed");
}

#[test]
fn hostile_and_broken_submissions_are_refused_and_change_nothing() {
    let server = Server::start(&scratch("refusals"), &[]);
    let good = record("ana", 1.2);
    let accepted = server.submit(&bytes(&good));
    assert_eq!(accepted.status, 201, "{}", accepted.text());
    assert_eq!(rows(&server.db), 1);
    let code = server.code.clone();

    // The wrong room, or none.
    refused(&server, "ZZZZ-ZZZZ", &bytes(&record("bo", 1.0)), 403, "wrong-room-code");
    refused(&server, "", &bytes(&record("bo", 1.0)), 403, "wrong-room-code");
    // Over the size limit, with an honest Content-Length.
    let mut huge = record("bo", 1.0);
    huge["padding"] = "x".repeat(300 << 10).into();
    refused(&server, &code, &bytes(&huge), 413, "too-large");
    // Not JSON; NaN and infinity are not JSON either.
    refused(&server, &code, b"{\"schema\": \"parallel-workbench-results\", ", 400, "not-json");
    let nan = String::from_utf8(bytes(&record("bo", 1.0))).unwrap().replacen("\"median\":1.0", "\"median\":NaN", 1);
    refused(&server, &code, nan.as_bytes(), 400, "not-json");
    let infinite =
        String::from_utf8(bytes(&record("bo", 1.0))).unwrap().replacen("\"median\":1.0", "\"median\":1e999", 1);
    refused(&server, &code, infinite.as_bytes(), 400, "not-json");
    // Another schema, a version from the future, a wrong type.
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = record("bo", 1.0);
        f(&mut v);
        bytes(&v)
    };
    refused(&server, &code, &edit(&|v| v["schema"] = "other".into()), 422, "not-results");
    refused(&server, &code, &edit(&|v| v["schema_version"] = 2.into()), 422, "unknown-schema-version");
    refused(&server, &code, &edit(&|v| v["probes"]["seconds"] = "slow".into()), 422, "schema");
    // Numbers no machine measures, and intervals out of order.
    let speed = |m: f64, lo: f64, hi: f64| serde_json::json!({"median": m, "lo": lo, "hi": hi});
    refused(
        &server,
        &code,
        &edit(&|v| v["exercises"][0]["speed_vs_reference"] = speed(1e300, 1e300, 1e300)),
        422,
        "bad-number",
    );
    refused(
        &server,
        &code,
        &edit(&|v| v["exercises"][0]["speed_vs_reference"] = speed(-1.0, -2.0, -0.5)),
        422,
        "bad-number",
    );
    refused(
        &server,
        &code,
        &edit(&|v| v["exercises"][0]["speed_vs_reference"] = speed(1.0, 1.5, 1.2)),
        422,
        "bad-interval",
    );
    refused(&server, &code, &edit(&|v| v["probes"]["memory_read_bytes_per_second"] = (-5.0).into()), 422, "bad-number");
    // Exercises this workbench does not have, or has but does not time, or twice.
    refused(&server, &code, &edit(&|v| v["exercises"][2]["id"] = "99-invented".into()), 422, "unknown-exercise");
    refused(&server, &code, &edit(&|v| v["exercises"][2]["id"] = "04-untimed".into()), 422, "unknown-exercise");
    refused(&server, &code, &edit(&|v| v["exercises"][1]["id"] = "01-a".into()), 422, "duplicate-exercise");
    // Names that would drive a terminal or reorder what a projector shows.
    for name in ["\u{1b}[31mred\u{1b}[0m", "bell\u{7}", "evil\u{202E}gnp.exe", "new\nline", ""] {
        refused(&server, &code, &bytes(&record(name, 1.0)), 422, "bad-name");
    }
    // A body whose id header does not match it.
    let before = rows(&server.db);
    let path = format!("{}?room={code}", workbench_results::submission::PATH);
    let mismatch =
        server.connect().send("POST", &path, &[("X-Submission-Id", "0000")], &bytes(&record("bo", 1.0))).unwrap();
    assert_eq!((mismatch.status, json(&mismatch)["reason"].clone()), (400, "id-mismatch".into()));
    assert_eq!(rows(&server.db), before);

    // Nothing refused reached the leaderboard; unknown ids count for nothing.
    let board = json(&server.get("/api/leaderboard"));
    assert_eq!(board["standings"].as_array().unwrap().len(), 1, "{board}");
    assert_eq!(board["standings"][0]["solved"], 2);

    // A resend of a stored submission: the same answer, no new row.
    let again = server.submit(&bytes(&good));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(json(&again)["duplicate"], true);
    assert_eq!(json(&again)["id"], json(&accepted)["id"]);
    assert_eq!(rows(&server.db), 1);
}

#[test]
fn a_flood_from_one_participant_is_rate_limited() {
    let server = Server::start(&scratch("flood"), &[]);
    let mut statuses = Vec::new();
    for i in 0..12 {
        let before = rows(&server.db);
        let response = server.submit(&bytes(&record("flooder", 1.0 + f64::from(i) / 100.0)));
        if response.status == 429 {
            assert_eq!(json(&response)["reason"], "rate-limited");
            assert_eq!(rows(&server.db), before, "a refused submission wrote nothing");
        }
        statuses.push(response.status);
    }
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    assert!((5..=6).contains(&accepted), "the burst is 5 (one more may refill): {statuses:?}");
    assert!(statuses.iter().rev().take(4).all(|s| *s == 429), "{statuses:?}");
    assert_eq!(rows(&server.db), accepted as i64);
    // Somebody else is not held back by the flooder.
    assert_eq!(server.submit(&bytes(&record("calm", 1.0))).status, 201);
}

#[test]
fn every_page_escapes_what_it_shows() {
    let server = Server::start(&scratch("escape"), &[]);
    let name = "<img src=x onerror=alert(1)>&\"'";
    assert_eq!(server.submit(&bytes(&record(name, 1.0))).status, 201);
    for path in ["/", "/fragment?after=0", "/report.html"] {
        let page = server.get(path).text();
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"), "{path} shows the name escaped");
        assert!(!page.contains("<img"), "{path} shows the name as markup");
    }
    let page = server.get("/");
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{policy}");
}
