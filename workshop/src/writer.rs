//! The one thread that writes: it takes every submission waiting, writes
//! them in one transaction (one fsync for the lot), then adds them to the
//! room, ranks once, and only then answers each — so an answer always
//! means "stored", and fifty submissions a second cost a few commits, not
//! fifty. SQLite's calls block: they never run on the async workers.

use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::{mpsc, oneshot, watch};
use workbench_results::Results;
use workbench_results::submission::Ack;

use crate::room::Room;
use crate::store::{NewSubmission, Store};

/// At most this many submissions share a transaction.
const MAX_BATCH: usize = 512;

pub struct Job {
    pub submission: NewSubmission,
    pub results: Results,
    pub reply: oneshot::Sender<Result<Ack, String>>,
}

/// Starts the writer; it ends when every sender is dropped.
pub fn start(
    mut store: Box<dyn Store>,
    room: Arc<RwLock<Room>>,
    changed: watch::Sender<u64>,
) -> (mpsc::Sender<Job>, std::thread::JoinHandle<()>) {
    let (sender, mut jobs) = mpsc::channel::<Job>(4 * MAX_BATCH);
    let name = room.read().unwrap_or_else(PoisonError::into_inner).name.clone();
    let thread = std::thread::Builder::new()
        .name("writer".into())
        .spawn(move || {
            while let Some(first) = jobs.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let rows: Vec<NewSubmission> = batch.iter().map(|j| j.submission.clone()).collect();
                match store.insert(&name, &rows) {
                    Ok(outcomes) => answer(&room, &changed, batch, outcomes),
                    Err(e) => {
                        for job in batch {
                            let _ = job.reply.send(Err(format!("the database refused the write: {e}")));
                        }
                    }
                }
            }
        })
        .expect("a thread can be started");
    (sender, thread)
}

fn answer(room: &RwLock<Room>, changed: &watch::Sender<u64>, batch: Vec<Job>, outcomes: Vec<Option<i64>>) {
    let mut room = room.write().unwrap_or_else(PoisonError::into_inner);
    let mut replies = Vec::with_capacity(batch.len());
    for (job, stored) in batch.into_iter().zip(outcomes) {
        let Job { submission, results, reply } = job;
        if let Some(seq) = stored {
            room.add(seq, submission.id.clone(), submission.received_utc, results, submission.body);
        }
        replies.push((submission.id, submission.participant, stored.is_none(), reply));
    }
    room.rerank();
    for (id, participant, duplicate, reply) in replies {
        let _ = reply.send(Ok(ack(&room, id, participant, duplicate)));
    }
    changed.send_replace(room.version);
}

/// The answer for `participant`: their standing in the room as it is now.
pub fn ack(room: &Room, id: String, participant: String, duplicate: bool) -> Ack {
    let c = &room.comparison;
    let standing = c.standing_of(&participant);
    Ack {
        id,
        duplicate,
        rank: standing.map_or(0, |s| s.rank),
        tied: standing.is_some_and(|s| s.tied),
        solved: standing.map_or(0, |s| s.solved),
        participants: c.participants.len(),
        score: standing.and_then(|s| s.score).map(|s| s.median),
        participant,
    }
}
