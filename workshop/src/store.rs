//! Where submissions live: behind the [`Store`] trait, so the server knows
//! nothing of SQL; [`Sqlite`] is the one implementation (a single file, the
//! library compiled in: nothing to install). ARCHITECTURE.md says what a
//! conference-sized event would put behind the same trait.
//!
//! Durability: a submission is acknowledged only after the transaction that
//! holds it has committed with `synchronous = FULL` in WAL mode — the WAL is
//! fsynced at every commit, so an acknowledged submission survives a
//! `kill -9` of the server and a power cut alike. `NORMAL` would survive the
//! kill (the WAL sits in the OS's cache) but may lose the last commits to a
//! power cut; the fsync's cost is shared by every submission of a batch
//! ([`crate::writer`]), so FULL costs little here.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

/// A submission as stored: the exact bytes received, and what it was filed under.
#[derive(Clone, Debug)]
pub struct Stored {
    /// The order of arrival, from 1.
    pub seq: i64,
    pub id: String,
    pub received_utc: String,
    pub body: String,
}

/// A submission to be written.
#[derive(Clone, Debug)]
pub struct NewSubmission {
    pub id: String,
    pub participant: String,
    pub received_utc: String,
    /// The peer it came from, kept for the trainer (who sent a flood).
    pub peer: String,
    pub body: String,
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub trait Store: Send {
    /// The room's code, made by `new_code` the first time the room is opened
    /// and the same ever after (participants keep theirs across a restart).
    fn room_code(&mut self, room: &str, new_code: &mut dyn FnMut() -> String) -> Result<String, Error>;
    /// Every submission of `room`, in order of arrival.
    fn load(&mut self, room: &str) -> Result<Vec<Stored>, Error>;
    /// Writes `batch` to `room` durably, all or nothing; for each, its stored
    /// sequence number, or `None` when that id was stored before (a resend).
    fn insert(&mut self, room: &str, batch: &[NewSubmission]) -> Result<Vec<Option<i64>>, Error>;
}

pub struct Sqlite {
    db: Connection,
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        // A reader (a test, the trainer's sqlite3 shell) never makes a write fail at once.
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS rooms (
                 name TEXT PRIMARY KEY,
                 code TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS submissions (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 room TEXT NOT NULL,
                 id TEXT NOT NULL,
                 participant TEXT NOT NULL,
                 received_utc TEXT NOT NULL,
                 peer TEXT NOT NULL,
                 body TEXT NOT NULL,
                 UNIQUE (room, id)
             );",
        )?;
        Ok(Sqlite { db })
    }
}

impl Store for Sqlite {
    fn room_code(&mut self, room: &str, new_code: &mut dyn FnMut() -> String) -> Result<String, Error> {
        let known: Option<String> =
            self.db.query_row("SELECT code FROM rooms WHERE name = ?1", [room], |row| row.get(0)).optional()?;
        if let Some(code) = known {
            return Ok(code);
        }
        let code = new_code();
        self.db.execute("INSERT INTO rooms (name, code) VALUES (?1, ?2)", params![room, code])?;
        Ok(code)
    }

    fn load(&mut self, room: &str) -> Result<Vec<Stored>, Error> {
        let mut query =
            self.db.prepare("SELECT seq, id, received_utc, body FROM submissions WHERE room = ?1 ORDER BY seq")?;
        let rows = query.query_map([room], |row| {
            Ok(Stored { seq: row.get(0)?, id: row.get(1)?, received_utc: row.get(2)?, body: row.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert(&mut self, room: &str, batch: &[NewSubmission]) -> Result<Vec<Option<i64>>, Error> {
        let tx = self.db.transaction()?;
        let mut outcomes = Vec::with_capacity(batch.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO submissions (room, id, participant, received_utc, peer, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for s in batch {
                let added = insert.execute(params![room, s.id, s.participant, s.received_utc, s.peer, s.body])?;
                outcomes.push((added == 1).then(|| tx.last_insert_rowid()));
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(id: &str) -> NewSubmission {
        NewSubmission {
            id: id.into(),
            participant: "ana".into(),
            received_utc: "2026-11-25T10:00:00Z".into(),
            peer: "127.0.0.1".into(),
            body: "{}".into(),
        }
    }

    #[test]
    fn a_resent_id_is_stored_once_and_the_code_is_kept() {
        let dir = std::env::temp_dir().join(format!("workshop-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("w.sqlite");
        let mut store = Sqlite::open(&path).unwrap();
        let code = store.room_code("r", &mut || "ABCD-EFGH".into()).unwrap();
        let outcomes = store.insert("r", &[submission("a"), submission("b"), submission("a")]).unwrap();
        assert_eq!(outcomes, [Some(1), Some(2), None]);
        drop(store);
        let mut again = Sqlite::open(&path).unwrap();
        assert_eq!(again.room_code("r", &mut || unreachable!("the code is kept")).unwrap(), code);
        assert_eq!(again.load("r").unwrap().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert!(again.load("other").unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
