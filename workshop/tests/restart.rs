//! An acknowledged submission survives `kill -9` of the server: restarted
//! on the same database, the room has it, the same rank and the same code.

mod common;

use common::{Server, bytes, json, record, rows, scratch};

#[test]
fn acknowledged_submissions_survive_kill_9_with_their_rank() {
    let server = Server::start(&scratch("restart"), &[]);
    let code = server.code.clone();
    let fast = json(&server.submit(&bytes(&record("fast", 2.0))));
    let slow = json(&server.submit(&bytes(&record("slow", 0.5))));
    assert_eq!((fast["rank"].clone(), slow["rank"].clone()), (1.into(), 2.into()), "{fast} {slow}");
    assert_eq!(slow["participants"], 2);
    let db = server.db.clone();
    let (dir, extra) = server.kill9();
    assert_eq!(rows(&db), 2, "both acknowledged submissions are in the file");

    let again = Server::start(&dir, &extra.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(again.code, code, "the room keeps its code");
    let board = json(&again.get("/api/leaderboard"));
    let standings: Vec<(String, u64)> = board["standings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["participant"].as_str().unwrap().to_string(), s["rank"].as_u64().unwrap()))
        .collect();
    assert_eq!(standings, [("fast".to_string(), 1), ("slow".to_string(), 2)]);
    // A page opened before the restart asks for news after its version: it gets the board at once.
    let stale_page = again.get("/fragment?after=999");
    assert_eq!(stale_page.status, 200, "a page from before the restart is brought up to date");
    assert!(stale_page.text().contains("<td class=\"name\">slow</td>"));
    // The resend a participant makes after losing the answer is recognised after the restart too.
    let resent = json(&again.submit(&bytes(&record("slow", 0.5))));
    assert_eq!((resent["duplicate"].clone(), resent["rank"].clone()), (true.into(), 2.into()));
    assert_eq!(rows(&db), 2);
}
