//! Sending a results record to a live workshop (`cargo xtask serve`):
//! `bench --submit URL --room CODE` after measuring, and `cargo xtask submit
//! FILE --to URL --room CODE` to send an export again.
//!
//! A plain HTTP/1.1 POST over a socket (`workbench_results::http`), with a
//! time limit on every step. A record that does not reach the server is
//! kept in `results/unsent/` with the command that resends it; the server
//! knows a submission by the SHA-1 of its bytes, so resending the same file
//! twice, or one that did arrive after all, stores it once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use workbench_results::http::{Connection, Url};
use workbench_results::submission::{self, Ack, Refused};
use workbench_results::validate::MAX_RECORD_BYTES;

use crate::manifest::Workspace;
use crate::{fsutil, results, ui};

/// Connecting, sending and waiting for the answer: each at most this long.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Where a live workshop listens, and its room's code.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: String,
    pub room: String,
}

/// How a submission ended.
pub enum Outcome {
    Acknowledged(Ack),
    /// The server answered, and refused the record: sending it again will not help.
    Refused(Refused),
    /// No answer: the record is kept at this path, to be resent.
    Kept(PathBuf),
}

/// Sends `body` (a results record, as `bench --export` writes it) and says
/// what happened; a record that did not arrive is written to `unsent_dir`
/// first, under the participant's name and the submission's id.
pub fn deliver(body: &[u8], participant: &str, target: &Target, unsent_dir: &Path) -> Result<Outcome> {
    let id = submission::id(body);
    let response = post(body, &id, target);
    let outcome = match response {
        Ok((status, text)) if status == 200 || status == 201 => {
            let ack: Ack = serde_json::from_str(&text).with_context(|| format!("the server's answer: {text}"))?;
            Outcome::Acknowledged(ack)
        }
        Ok((status, text)) if (400..500).contains(&status) => {
            let refused = serde_json::from_str(&text)
                .unwrap_or_else(|_| Refused { error: text.trim().to_string(), reason: format!("http-{status}") });
            Outcome::Refused(refused)
        }
        failed => {
            let why = match failed {
                Ok((status, text)) => format!("the server answered {status}: {}", text.trim()),
                Err(e) => format!("{e:#}"),
            };
            let kept = unsent_dir.join(format!("{participant}-{}.json", &id[..12]));
            fsutil::write_atomic(&kept, body)?;
            anstream::eprintln!("{} could not submit to {}: {why}", ui::yellow("!"), target.url);
            Outcome::Kept(kept)
        }
    };
    Ok(outcome)
}

fn post(body: &[u8], id: &str, target: &Target) -> Result<(u16, String)> {
    let url = Url::parse(&target.url).map_err(anyhow::Error::msg)?;
    let mut connection =
        Connection::open(&url.host, url.port, TIMEOUT).with_context(|| format!("cannot reach {}", target.url))?;
    let path = format!("{}?room={}", submission::PATH, target.room.trim());
    let headers = [("Content-Type", "application/json"), ("X-Submission-Id", id), ("Connection", "close")];
    let response =
        connection.send("POST", &path, &headers, body).with_context(|| format!("no answer from {}", target.url))?;
    Ok((response.status, response.text()))
}

/// Prints an outcome in the participant's words; `false` unless it was acknowledged.
pub fn report(outcome: &Outcome, target: &Target) -> bool {
    match outcome {
        Outcome::Acknowledged(ack) => {
            let rank = if ack.tied { format!("={}", ack.rank) } else { ack.rank.to_string() };
            let again = if ack.duplicate { " (it had arrived before: stored once)" } else { "" };
            anstream::println!(
                "{} submitted to {}{again}: {} is {} of {} — the leaderboard: {}/",
                ui::green("✓"),
                target.url,
                ack.participant,
                ui::bold(&format!("rank {rank}")),
                ack.participants,
                target.url.trim_end_matches('/'),
            );
            true
        }
        Outcome::Refused(refused) => {
            anstream::eprintln!(
                "{} the workshop server refused the results ({}): {}",
                ui::red("✗"),
                refused.reason,
                workbench_results::text::inert(&refused.error)
            );
            false
        }
        Outcome::Kept(path) => {
            anstream::eprintln!(
                "  kept in {}; send it again when the server is reachable:\n  cargo xtask submit {} --to {} --room {}",
                path.display(),
                path.display(),
                target.url,
                target.room
            );
            false
        }
    }
}

/// `cargo xtask submit FILE --to URL --room CODE`: sends an exported (or
/// kept) results file as it is; a kept file that arrives is removed.
pub fn run(ws: &Workspace, file: &Path, target: &Target) -> Result<ExitCode> {
    let body = fsutil::read_regular(file, MAX_RECORD_BYTES as u64)?;
    // The server's rules, here first: a file it would refuse is not sent.
    let record = results::load(file, &results::known_exercises(ws))
        .with_context(|| format!("{} is not a results file the server would accept", file.display()))?;
    let unsent = unsent_dir(ws);
    let outcome = deliver(&body, &record.participant, target, &unsent)?;
    let delivered = report(&outcome, target);
    if delivered && file.parent().is_some_and(|dir| same_dir(dir, &unsent)) {
        std::fs::remove_file(file).with_context(|| format!("cannot remove {}", file.display()))?;
    }
    Ok(if delivered { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Where records that did not reach the server wait: `results/unsent/`.
pub fn unsent_dir(ws: &Workspace) -> PathBuf {
    ws.root.join("results/unsent")
}

fn same_dir(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
