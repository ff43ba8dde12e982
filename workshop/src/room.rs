//! The room in memory: every accepted submission, and the ranking of each
//! participant's latest one — computed by `workbench-results` exactly as
//! `compare` computes it. Changed only by the writer, after a commit; read
//! by every page.

use std::collections::{BTreeMap, HashSet};

use benches::stats::Interval;
use workbench_results::Results;
use workbench_results::ranking::{self, Comparison, Participant};

/// One accepted submission.
pub struct Accepted {
    pub seq: i64,
    pub id: String,
    pub received_utc: String,
    pub results: Results,
    /// The exact bytes received: what a download gives back.
    pub body: String,
    /// This record's own score (solved, geometric mean): a point of its participant's history.
    pub score: (usize, Option<Interval>),
}

pub struct Room {
    pub name: String,
    /// Timed exercise ids in course order: what a record may name.
    pub known: Vec<String>,
    pub submissions: Vec<Accepted>,
    ids: HashSet<String>,
    /// Participant → index of their latest submission.
    latest: BTreeMap<String, usize>,
    pub comparison: Comparison,
    /// Grows with every change; pages ask for what is newer than theirs.
    pub version: u64,
}

impl Room {
    pub fn new(name: &str, known: Vec<String>) -> Room {
        let comparison = Comparison::of(&known, Vec::new(), Vec::new());
        Room {
            name: name.to_string(),
            known,
            submissions: Vec::new(),
            ids: HashSet::new(),
            latest: BTreeMap::new(),
            comparison,
            version: 0,
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Adds a stored submission; [`Room::rerank`] afterwards, once per batch.
    pub fn add(&mut self, seq: i64, id: String, received_utc: String, results: Results, body: String) {
        self.ids.insert(id.clone());
        self.latest.insert(results.participant.clone(), self.submissions.len());
        let score = ranking::score(&results);
        self.submissions.push(Accepted { seq, id, received_utc, results, body, score });
    }

    /// Ranks every participant's latest submission, the way `compare` ranks a folder of files.
    pub fn rerank(&mut self) {
        let participants: Vec<Participant> = self
            .latest
            .values()
            .map(|&i| {
                let s = &self.submissions[i];
                Participant { source: download_name(&s.results.participant, s.seq), results: s.results.clone() }
            })
            .collect();
        self.comparison = Comparison::of(&self.known, participants, Vec::new());
        self.version += 1;
    }

    /// A participant's submissions in order: their history in this session.
    pub fn history(&self, participant: &str) -> impl Iterator<Item = &Accepted> {
        self.submissions.iter().filter(move |s| s.results.participant == participant)
    }

    /// The latest submission of each participant, with the name it downloads as.
    pub fn latest_files(&self) -> Vec<(String, &Accepted)> {
        self.latest
            .values()
            .map(|&i| {
                let s = &self.submissions[i];
                (download_name(&s.results.participant, s.seq), s)
            })
            .collect()
    }
}

/// `ana-12.json`: the participant's name kept to letters, digits, `-`, `_`
/// and `.` (a file name on every system), with the submission's number so
/// two names that fold to the same letters stay two files.
pub fn download_name(participant: &str, seq: i64) -> String {
    let safe: String = participant
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    format!("{}-{seq}.json", safe.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_plain_and_distinct() {
        assert_eq!(download_name("ana", 3), "ana-3.json");
        assert_eq!(download_name("Ñandú ../x", 4), "_and__.._x-4.json");
        assert_eq!(download_name("..", 5), "-5.json");
    }
}
