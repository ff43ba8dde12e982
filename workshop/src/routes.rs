//! The HTTP surface: the leaderboard (page, fragment, JSON), submissions,
//! and the trainer's downloads. Every refusal is JSON
//! `{"error": "...", "reason": "code"}` with a fitting status, and is
//! decided before anything is written.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, watch};
use workbench_results::submission::{self, Refused};
use workbench_results::validate::{self, MAX_RECORD_BYTES, Reason};
use workbench_results::{now_utc, report};

use crate::limits::Limiter;
use crate::room::Room;
use crate::store::NewSubmission;
use crate::writer::{self, Job};
use crate::{download, page};

pub struct App {
    pub room: Arc<RwLock<Room>>,
    /// Normalized (upper case, no dash).
    pub code: String,
    pub writer: mpsc::Sender<Job>,
    pub changed: watch::Receiver<u64>,
    /// Ends every held poll when the server stops.
    pub stopping: watch::Receiver<bool>,
    pub per_participant: Limiter,
    pub per_peer: Limiter,
    /// How long a poll for a newer board is held before "nothing new".
    pub poll_wait: Duration,
    /// Polls being held now: pages open on the leaderboard.
    pub watching: AtomicUsize,
    /// What participants are told to submit to.
    pub submit_url: String,
    board_cache: Mutex<(u64, Arc<str>)>,
}

impl App {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        room: Arc<RwLock<Room>>,
        code: &str,
        writer: mpsc::Sender<Job>,
        changed: watch::Receiver<u64>,
        stopping: watch::Receiver<bool>,
        limits: Limits,
        poll_wait: Duration,
        submit_url: String,
    ) -> App {
        App {
            room,
            code: normalize_code(code),
            writer,
            changed,
            stopping,
            per_participant: Limiter::new(limits.participant_burst, limits.participant_per_second),
            per_peer: Limiter::new(limits.peer_burst, limits.peer_per_second),
            poll_wait,
            watching: AtomicUsize::new(0),
            submit_url,
            board_cache: Mutex::new((u64::MAX, Arc::from(""))),
        }
    }

    fn room(&self) -> std::sync::RwLockReadGuard<'_, Room> {
        self.room.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The board of the current version, rendered once per version.
    fn board(&self) -> (u64, Arc<str>) {
        let room = self.room();
        let mut cache = self.board_cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.0 != room.version {
            *cache = (room.version, Arc::from(page::board(&room, &self.submit_url)));
        }
        cache.clone()
    }
}

/// How many submissions a participant, and a peer address, may send.
#[derive(Clone, Copy)]
pub struct Limits {
    pub participant_burst: u32,
    pub participant_per_second: f64,
    pub peer_burst: u32,
    pub peer_per_second: f64,
}

impl Default for Limits {
    /// A participant submits after each `bench` run, minutes apart: 5 at
    /// once, then one every 2 s is generous. A peer address may be a whole
    /// room behind one router: 200 at once, 100 a second.
    fn default() -> Limits {
        Limits { participant_burst: 5, participant_per_second: 0.5, peer_burst: 200, peer_per_second: 100.0 }
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(leaderboard))
        .route("/fragment", get(fragment))
        .route("/api/leaderboard", get(leaderboard_json))
        .route(submission::PATH, post(submit))
        .route("/report.html", get(comparison_report))
        .route("/room.tar", get(room_tar))
        .route("/static/leaderboard.js", get(|| async { asset("text/javascript; charset=utf-8", page::SCRIPT) }))
        .route("/static/leaderboard.css", get(|| async { asset("text/css; charset=utf-8", page::STYLE) }))
        .fallback(|| async { refuse(StatusCode::NOT_FOUND, "not-found", "nothing here".into()) })
        .with_state(app)
}

/// Pages may run only this server's script and styles, and talk only to it:
/// even a name that slipped past escaping could run nothing.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                           img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The report is self-contained: its style is inline, and it has no script.
const REPORT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'";

fn html(policy: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body,
    )
        .into_response()
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")], text).into_response()
}

pub fn refuse(status: StatusCode, reason: &str, error: String) -> Response {
    (status, Json(Refused { error, reason: reason.to_string() })).into_response()
}

async fn leaderboard(State(app): State<Arc<App>>) -> Response {
    let (_, board) = app.board();
    let page = page::page(&app.room(), &board);
    html(PAGE_POLICY, page)
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

/// Counts a held poll while it is held, however it ends.
struct Watching<'a>(&'a AtomicUsize);

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The board when it is not the one of version `after`: at once, or as soon
/// as the room changes, or 204 after [`App::poll_wait`]. Any other version —
/// a page opened before the server restarted counts from an older life —
/// gets the board at once.
async fn fragment(State(app): State<Arc<App>>, Query(After { after }): Query<After>) -> Response {
    let mut changed = app.changed.clone();
    if *changed.borrow_and_update() == after {
        app.watching.fetch_add(1, Ordering::Relaxed);
        let _held = Watching(&app.watching);
        let mut stopping = app.stopping.clone();
        let newer = async {
            while *changed.borrow_and_update() == after {
                if changed.changed().await.is_err() {
                    break;
                }
            }
        };
        tokio::select! {
            _ = tokio::time::timeout(app.poll_wait, newer) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }
    let (version, board) = app.board();
    if version == after {
        return StatusCode::NO_CONTENT.into_response();
    }
    html(PAGE_POLICY, board.to_string())
}

#[derive(Serialize)]
struct Board {
    room: String,
    version: u64,
    submissions: usize,
    /// Pages open on the leaderboard now.
    watching: usize,
    exercises: Vec<String>,
    standings: Vec<BoardStanding>,
}

#[derive(Serialize)]
struct BoardStanding {
    rank: usize,
    tied: bool,
    participant: String,
    solved: usize,
    score: Option<benches::stats::Interval>,
    modified: bool,
    submissions: usize,
}

async fn leaderboard_json(State(app): State<Arc<App>>) -> Response {
    let room = app.room();
    let c = &room.comparison;
    let standings = c
        .standings
        .iter()
        .map(|s| {
            let r = &c.participants[s.who].results;
            BoardStanding {
                rank: s.rank,
                tied: s.tied,
                participant: r.participant.clone(),
                solved: s.solved,
                score: s.score,
                modified: !r.tools.modified.is_empty(),
                submissions: room.history(&r.participant).count(),
            }
        })
        .collect();
    Json(Board {
        room: room.name.clone(),
        version: room.version,
        submissions: room.submissions.len(),
        watching: app.watching.load(Ordering::Relaxed),
        exercises: c.exercises.clone(),
        standings,
    })
    .into_response()
}

async fn comparison_report(State(app): State<Arc<App>>) -> Response {
    let page = report::render(&app.room().comparison);
    html(REPORT_POLICY, page)
}

async fn room_tar(State(app): State<Arc<App>>) -> Response {
    let (name, tar) = {
        let room = app.room();
        (download::folder_name(&room.name), download::room_tar(&room))
    };
    let disposition = format!("attachment; filename=\"{name}.tar\"");
    let mut response = ([(header::CONTENT_TYPE, "application/x-tar")], tar).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[derive(Deserialize)]
struct RoomCode {
    room: Option<String>,
}

/// Upper case, without the dash: `k7qm-4tzp` is `K7QM4TZP`.
pub fn normalize_code(code: &str) -> String {
    code.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

/// Equal codes, compared in time independent of where they differ.
fn same_code(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A submission: the room code, the sender's rate, the size, a resend, the
/// record's rules (`workbench_results::validate`, as `compare` applies
/// them), the participant's rate — and only then the write, whose commit
/// the answer waits for.
async fn submit(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(RoomCode { room }): Query<RoomCode>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !room.as_deref().is_some_and(|code| same_code(&normalize_code(code), &app.code)) {
        return refuse(
            StatusCode::FORBIDDEN,
            "wrong-room-code",
            "the room code is missing or wrong: ask the trainer for the code of this room (--room CODE)".into(),
        );
    }
    if !app.per_peer.allow(&peer.ip().to_string()) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many submissions from {}: wait a few seconds", peer.ip()),
        );
    }
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            Reason::TooLarge.code(),
            format!("a results record is at most {MAX_RECORD_BYTES} bytes"),
        )
    };
    if declared.is_some_and(|n| n > MAX_RECORD_BYTES as u64) {
        return too_large();
    }
    let body: Bytes = match axum::body::to_bytes(body, MAX_RECORD_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(),
    };
    let id = submission::id(&body);
    if let Some(claimed) = headers.get("x-submission-id").and_then(|v| v.to_str().ok())
        && claimed != id
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "id-mismatch",
            "the body's SHA-1 is not the X-Submission-Id sent: the record changed on the way".into(),
        );
    }
    let known = {
        let room = app.room();
        if room.contains(&id) {
            // A resend of a stored submission: the same answer, nothing written.
            let participant = room.submissions.iter().find(|s| s.id == id).map(|s| s.results.participant.clone());
            return (StatusCode::OK, Json(writer::ack(&room, id, participant.unwrap_or_default(), true)))
                .into_response();
        }
        room.known.clone()
    };
    let results = match validate::parse(&body, &known) {
        Ok(results) => results,
        Err(refusal) => {
            let status = match refusal.reason {
                Reason::NotJson => StatusCode::BAD_REQUEST,
                Reason::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return refuse(status, refusal.reason.code(), refusal.to_string());
        }
    };
    if !app.per_participant.allow(&results.participant) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("{} has submitted very often: wait a few seconds", results.participant),
        );
    }
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return refuse(StatusCode::BAD_REQUEST, Reason::NotJson.code(), "not UTF-8".into());
    };
    let (reply, answer) = oneshot::channel();
    let job = Job {
        submission: NewSubmission {
            id,
            participant: results.participant.clone(),
            received_utc: now_utc(),
            peer: peer.ip().to_string(),
            body: text,
        },
        results,
        reply,
    };
    if app.writer.send(job).await.is_err() {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "stopping", "the server is stopping".into());
    }
    match answer.await {
        Ok(Ok(ack)) => {
            let status = if ack.duplicate { StatusCode::OK } else { StatusCode::CREATED };
            (status, Json(ack)).into_response()
        }
        Ok(Err(e)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "storage", e),
        Err(_) => refuse(StatusCode::SERVICE_UNAVAILABLE, "stopping", "the server is stopping".into()),
    }
}
