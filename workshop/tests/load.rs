//! The load a workshop puts on the server, measured: 200 participants
//! submitting 50 times a second in all for about 10 s, while 60 pages watch
//! the leaderboard as the page's own script does (a held request for a newer
//! board, half a second's pause, again). Prints throughput and the
//! acknowledgement latency; asserts only correctness — every acknowledged
//! submission is in the database — never a time.
//!
//! Run alone to see the figures: `cargo test --release -p workshop --test load -- --nocapture`.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, bytes, json, record, scratch};

const PARTICIPANTS: usize = 200;
const VIEWERS: usize = 60;
const PER_SECOND: f64 = 50.0;
const SECONDS: f64 = 10.0;

#[test]
fn fifty_submissions_a_second_from_200_participants_while_60_watch() {
    let server = Arc::new(Server::start(&scratch("load"), &["--poll-seconds", "2"]));
    let path = format!("{}?room={}", workbench_results::submission::PATH, server.code);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let boards = Arc::new(AtomicUsize::new(0));

    let viewers: Vec<_> = (0..VIEWERS)
        .map(|_| {
            let (server, stop, boards) = (Arc::clone(&server), Arc::clone(&stop), Arc::clone(&boards));
            std::thread::spawn(move || {
                let mut connection = server.connect();
                let mut version = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let response = connection.send("GET", &format!("/fragment?after={version}"), &[], b"").unwrap();
                    if response.status == 200 {
                        let text = response.text();
                        let at = text.find("data-version=\"").expect("a board has its version") + 14;
                        version = text[at..].split('"').next().unwrap().parse().unwrap();
                        boards.fetch_add(1, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            })
        })
        .collect();

    // Participant i submits at i/50 s, then every 200/50 = 4 s: 50 a second in all, evenly.
    let period = PARTICIPANTS as f64 / PER_SECOND;
    let rounds = (SECONDS / period).round() as usize;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let participants: Vec<_> = (0..PARTICIPANTS)
        .map(|i| {
            let (server, path) = (Arc::clone(&server), path.clone());
            let (latencies, acknowledged) = (Arc::clone(&latencies), Arc::clone(&acknowledged));
            std::thread::spawn(move || {
                let mut connection = server.connect();
                for round in 0..rounds {
                    let due = started + Duration::from_secs_f64(i as f64 / PER_SECOND + round as f64 * period);
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                    let speed = 0.5 + (i * 7 + round) as f64 % 23.0 / 10.0;
                    let body = bytes(&record(&format!("p{i:03}"), speed));
                    let sent = Instant::now();
                    let response =
                        connection.send("POST", &path, &[("Content-Type", "application/json")], &body).unwrap();
                    let took = sent.elapsed();
                    assert_eq!(response.status, 201, "{}", response.text());
                    latencies.lock().unwrap().push(took);
                    acknowledged.lock().unwrap().push(json(&response)["id"].as_str().unwrap().to_string());
                }
            })
        })
        .collect();
    for p in participants {
        p.join().unwrap();
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for v in viewers {
        v.join().unwrap();
    }

    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let n = latencies.len();
    let at = |q: f64| latencies[((n as f64 * q).ceil() as usize).clamp(1, n) - 1].as_secs_f64() * 1e3;
    println!(
        "load: {n} submissions from {PARTICIPANTS} participants in {:.1} s ({:.1}/s) while {VIEWERS} pages watched \
         ({} boards sent); acknowledgement latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        boards.load(Ordering::Relaxed),
        at(0.5),
        at(0.99),
        at(1.0),
    );

    // Correctness, not speed: every acknowledged submission is stored, once.
    let db = rusqlite::Connection::open_with_flags(&server.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut query = db.prepare("SELECT id FROM submissions").unwrap();
    let stored: HashSet<String> = query.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let acknowledged = acknowledged.lock().unwrap();
    assert_eq!(acknowledged.len(), PARTICIPANTS * rounds);
    assert!(acknowledged.iter().all(|id| stored.contains(id)), "an acknowledged submission is missing");
    assert_eq!(stored.len(), acknowledged.iter().collect::<HashSet<_>>().len());
}
