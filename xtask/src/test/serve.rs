//! The live workshop, end to end: the server crate's own tests (every
//! refusal with the database's rows counted, `kill -9` and restart, escaping,
//! and the load test, whose figure is printed), then a server started here
//! and talked to the way a participant's `bench --submit` does — a rank in
//! the answer, a record kept when the server cannot be reached and resent
//! once, a restart after `kill -9` — and headless Chromium watching the
//! leaderboard while a submission arrives, which must appear without a
//! reload. Its screenshot is the book's picture of the leaderboard.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use workbench_results::http::Connection;
use workbench_results::sample::partly_solved;

use crate::manifest::Workspace;
use crate::process::{Cmd, Service};
use crate::submit::{self, Outcome, Target};
use crate::{browser, ui};

/// Where the book's screenshot lives; the test writes it when it is missing
/// or when `UPDATE_SCREENSHOTS=1` (it shows the time, so it differs on every run).
const BOOK_SCREENSHOT: &str = "book/src/images/leaderboard.png";

pub fn run(ws: &Workspace) -> Result<()> {
    Cmd::cargo_in(ws).args(["test", "--release", "--package", "workshop", "--", "--nocapture"]).run()?;
    let exe = ws.cargo_target_dir().join("release/workshop-server");
    let dir = ws.target_dir().join("workshop/serve");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let ids: Vec<String> = crate::results::known_exercises(ws).into_iter().take(3).collect();
    ensure!(ids.len() == 3, "the room needs three timed exercises");

    let server = Live::start(ws, &exe, &dir)?;
    let target = Target { url: server.url.clone(), room: server.code.clone() };
    let unsent = dir.join("unsent");
    let ana = record(&ids, "ana", 1.3, 0);
    match submit::deliver(&ana, "ana", &target, &unsent)? {
        Outcome::Acknowledged(ack) => ensure!(ack.rank == 1 && ack.participants == 1 && !ack.duplicate, "{ack:?}"),
        _ => bail!("the first submission was not acknowledged"),
    }
    let wrong = Target { room: "WRONG-CODE".into(), ..target.clone() };
    match submit::deliver(&record(&ids, "bo", 0.9, 0), "bo", &wrong, &unsent)? {
        Outcome::Refused(r) => ensure!(r.reason == "wrong-room-code", "{r:?}"),
        _ => bail!("a wrong room code was not refused"),
    }
    ensure!(!unsent.exists(), "a refused record was kept for resending: it would be refused again");

    // A server that cannot be reached: the record is kept, then resent, and a second resend stores nothing new.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let away = Target { url: format!("http://127.0.0.1:{closed}"), ..target.clone() };
    let bo = record(&ids, "bo", 0.9, 0);
    let Outcome::Kept(kept) = submit::deliver(&bo, "bo", &away, &unsent)? else {
        bail!("a record for an unreachable server was not kept")
    };
    ensure!(std::fs::read(&kept)? == bo, "the kept record differs from the one sent");
    for (attempt, expect_duplicate) in [(1, false), (2, true)] {
        match submit::deliver(&std::fs::read(&kept)?, "bo", &target, &unsent)? {
            Outcome::Acknowledged(ack) => ensure!(
                ack.duplicate == expect_duplicate && ack.rank == 2 && ack.participants == 2,
                "resend {attempt}: {ack:?}"
            ),
            _ => bail!("resend {attempt} was not acknowledged"),
        }
    }

    // kill -9, a restart on the same database: the same room, code and ranks.
    let before = server.standings()?;
    server.kill()?;
    let server = Live::start(ws, &exe, &dir)?;
    ensure!(server.code == target.room, "the restarted room has another code");
    ensure!(server.standings()? == before, "the ranks changed across kill -9 and a restart: {before:?}");
    anstream::println!("{} submit, rank, refusal, resend and kill -9 restart: {before:?}", ui::green("✓"));

    downloads(ws, &server, &dir)?;
    let target = Target { url: server.url.clone(), room: server.code.clone() };
    match browser::chromium(&ws.target_dir().join("workshop/chromium-profile"))? {
        Err(skipped) => anstream::println!("{} {skipped}", ui::yellow("!")),
        Ok(chromium) => live_in_chromium(ws, &chromium, &server, &target, &ids, &dir)?,
    }
    server.kill()
}

/// The trainer's downloads: `/room.tar` unpacked is a folder `compare`
/// ranks as the server does, and `/report.html` is `compare`'s report.
fn downloads(ws: &Workspace, server: &Live, dir: &Path) -> Result<()> {
    std::fs::write(dir.join("room.tar"), server.get_bytes("/room.tar")?)?;
    Cmd::new("tar").args(["xf", "room.tar"]).dir(dir).run()?;
    let folder = dir.join("room-workshop");
    let mut files: Vec<_> = crate::fsutil::files_under(&folder, &[])?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    ensure!(files.len() == 2 && folder.join("report.html").is_file(), "room.tar holds {files:?}");
    let c = crate::compare::compare(ws, &files);
    ensure!(c.problems.is_empty(), "compare finds problems in the downloaded room: {:?}", c.problems);
    let mut by_compare: Vec<(String, u64)> =
        c.standings.iter().map(|s| (c.participants[s.who].results.participant.clone(), s.rank as u64)).collect();
    let mut by_server = server.standings()?;
    by_compare.sort();
    by_server.sort();
    ensure!(by_compare == by_server, "compare ranks the downloaded room {by_compare:?}, the server {by_server:?}");
    let report = server.get("/report.html")?;
    ensure!(
        report.contains("<td>ana</td>") && report.contains("<svg class=\"chart\""),
        "/report.html is not the report"
    );
    anstream::println!(
        "{} room.tar is a folder compare ranks as the server does; /report.html is its report",
        ui::green("✓")
    );
    Ok(())
}

/// A page opened before a submission shows it without a reload; then the
/// screenshot of a room of seven for the book.
fn live_in_chromium(
    ws: &Workspace,
    chromium: &browser::Chromium,
    server: &Live,
    target: &Target,
    ids: &[String],
    dir: &Path,
) -> Result<()> {
    for (name, speed, round) in
        [("chen", 1.1, 0), ("ana", 1.45, 1), ("dara", 0.7, 0), ("eli", 2.1, 0), ("ana", 1.6, 2), ("fatou", 1.0, 0)]
    {
        send(target, &record(ids, name, speed, round), dir)?;
    }
    let mut modified: serde_json::Value = serde_json::from_slice(&record(ids, "gil", 3.5, 0))?;
    modified["tools"]["modified"] = serde_json::json!(["benches/src/gate.rs was edited"]);
    send(target, &serde_json::to_vec_pretty(&modified)?, dir)?;

    let url = format!("{}/", server.url);
    let first_paint = server.get("/")?;
    ensure!(first_paint.contains("<td class=\"name\">chen</td>"), "the first paint has no table without JavaScript");
    let page = {
        let (chromium, url) = (chromium.clone(), url.clone());
        std::thread::spawn(move || chromium.dump_dom(&url))
    };
    // The page is open once its script holds a request for news.
    let opened = Instant::now();
    while server.board()?["watching"].as_u64().unwrap_or(0) == 0 {
        ensure!(opened.elapsed() < Duration::from_secs(60), "the page never asked for news: its script did not run");
        std::thread::sleep(Duration::from_millis(50));
    }
    send(target, &record(ids, "late-arrival", 1.25, 0), dir)?;
    let dom = page.join().map_err(|_| anyhow::anyhow!("the Chromium thread panicked"))??;
    ensure!(!first_paint.contains("late-arrival"), "the submission was there before the page opened");
    ensure!(
        dom.contains("<td class=\"name\">late-arrival</td>"),
        "a submission made after the page opened did not appear without a reload"
    );
    ensure!(dom.contains("class=\"modified\""), "the modified workbench is not marked");
    ensure!(dom.matches("<svg class=\"chart\"").count() == 1 + ids.len(), "the leaderboard lacks a chart");
    ensure!(dom.contains("<svg class=\"history\""), "the leaderboard shows no participant's history");

    let png = ws.target_dir().join("workshop/leaderboard.png");
    chromium.screenshot(&url, &png, (1280, 720))?;
    let book = ws.root.join(BOOK_SCREENSHOT);
    if !book.exists() || std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        crate::fsutil::write_atomic(&book, &std::fs::read(&png)?)?;
        anstream::println!("  wrote {BOOK_SCREENSHOT}");
    }
    anstream::println!(
        "{} Chromium: a submission made after the page opened appeared without a reload; screenshot {}",
        ui::green("✓"),
        png.display()
    );
    Ok(())
}

fn send(target: &Target, body: &[u8], dir: &Path) -> Result<()> {
    let name = serde_json::from_slice::<serde_json::Value>(body)?["participant"].as_str().unwrap_or("").to_string();
    match submit::deliver(body, &name, target, &dir.join("unsent"))? {
        Outcome::Acknowledged(_) => Ok(()),
        _ => bail!("{name}'s submission was not acknowledged"),
    }
}

/// A participant's record on the room's three exercises (two solved around
/// `speed`); `round` makes each submission's bytes its own.
fn record(ids: &[String], name: &str, speed: f64, round: u32) -> Vec<u8> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut r = partly_solved(&ids, name, speed);
    r.created_utc = format!("2026-11-25T10:{:02}:00Z", 10 + round);
    serde_json::to_vec_pretty(&r).expect("a record serializes")
}

/// A server started by this test on a free loopback port.
struct Live {
    service: Service,
    url: String,
    port: u16,
    code: String,
}

impl Live {
    fn start(ws: &Workspace, exe: &Path, dir: &Path) -> Result<Live> {
        let mut service = Cmd::new(exe)
            .args(["--port", "0", "--bind", "127.0.0.1", "--room", "workshop", "--poll-seconds", "1"])
            .arg("--db")
            .arg(dir.join("workshop.sqlite"))
            .arg("--manifest")
            .arg(ws.root.join("exercises.toml"))
            .start_service()?;
        // It prints the address it listens on, then the room's code.
        let mut port = None;
        let (port, code) = service.read_until(|line| {
            let line = line.trim();
            if let Some(url) = line.strip_prefix("on this machine: http://127.0.0.1:") {
                port = url.trim_end_matches('/').parse::<u16>().ok();
            }
            Some((port?, line.strip_prefix("room code: ")?.to_string()))
        })?;
        Ok(Live { service, url: format!("http://127.0.0.1:{port}"), port, code })
    }

    fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let mut connection = Connection::open("127.0.0.1", self.port, Duration::from_secs(30))?;
        let response = connection.send("GET", path, &[], b"")?;
        ensure!(response.status == 200, "GET {path}: {}", response.status);
        Ok(response.body)
    }

    fn get(&self, path: &str) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.get_bytes(path)?).into_owned())
    }

    fn board(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.get("/api/leaderboard")?).context("/api/leaderboard is not JSON")
    }

    /// (participant, rank) in rank order.
    fn standings(&self) -> Result<Vec<(String, u64)>> {
        let board = self.board()?;
        let standings = board["standings"].as_array().context("no standings")?;
        Ok(standings
            .iter()
            .map(|s| (s["participant"].as_str().unwrap_or("").to_string(), s["rank"].as_u64().unwrap_or(0)))
            .collect())
    }

    fn kill(self) -> Result<()> {
        self.service.kill()
    }
}
