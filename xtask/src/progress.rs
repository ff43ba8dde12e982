//! The learner's progress: the last verdict of each exercise, kept in
//! `.workbench/progress.json` (it survives `cargo clean`), keyed by a
//! fingerprint of the exercise's files. A verdict counts only while the files
//! are as they were checked; any later non-pass replaces a pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::integrity;
use crate::manifest::{Exercise, Workspace};
use crate::verdict::Outcome;

/// An exercise's state as `list` and `check` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Passed definitively with the files as they are now.
    Done,
    /// Last checked inconclusive (a busy machine): not done.
    Inconclusive,
    Failing,
    /// Never checked, or changed since.
    Untried,
}

impl State {
    /// `✓ done`, `~ inconclusive`, `✗ failing`, `· untried`.
    pub fn text(self) -> &'static str {
        match self {
            State::Done => "✓ done",
            State::Inconclusive => "~ inconclusive",
            State::Failing => "✗ failing",
            State::Untried => "· untried",
        }
    }

    /// `text` padded to `width` characters, then coloured (the colour codes take no room).
    pub fn label(self, width: usize) -> String {
        let paint: fn(&str) -> String = match self {
            State::Done => crate::ui::green,
            State::Inconclusive => crate::ui::yellow,
            State::Failing => crate::ui::red,
            State::Untried => crate::ui::dim,
        };
        paint(&format!("{:<width$}", self.text()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    outcome: Outcome,
    fingerprint: String,
    /// The learner's time over the reference's, when the gate measured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ratio: Option<f64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    exercises: BTreeMap<String, Entry>,
}

impl Progress {
    fn path(ws: &Workspace) -> PathBuf {
        ws.root.join(".workbench/progress.json")
    }

    /// The record; a missing or damaged file is an empty record (it is only a cache of verdicts).
    pub fn load(ws: &Workspace) -> Self {
        std::fs::read_to_string(Self::path(ws)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// What the files of `ex` and their fingerprint say now.
    fn fingerprint(ws: &Workspace, ex: &Exercise) -> Result<String> {
        let record = integrity::record_now(&ws.root, ex)?;
        Ok(integrity::blob_id(format!("{}\n{record:?}", ws.root.display()).as_bytes()))
    }

    pub fn state(&self, ws: &Workspace, ex: &Exercise) -> State {
        let Some(entry) = self.exercises.get(&ex.id) else { return State::Untried };
        if Self::fingerprint(ws, ex).ok().as_deref() != Some(entry.fingerprint.as_str()) {
            return State::Untried;
        }
        match entry.outcome {
            Outcome::Pass => State::Done,
            Outcome::Inconclusive => State::Inconclusive,
            Outcome::Fail => State::Failing,
        }
    }

    /// The ratio to the reference of the last check, if it measured one.
    pub fn last_ratio(&self, ex: &Exercise) -> Option<f64> {
        self.exercises.get(&ex.id).and_then(|entry| entry.ratio)
    }

    /// Records the verdict (and the ratio it measured) on the files as they are now, replacing any earlier one.
    pub fn record(&mut self, ws: &Workspace, ex: &Exercise, outcome: Outcome, ratio: Option<f64>) -> Result<()> {
        self.exercises.insert(ex.id.clone(), Entry { outcome, fingerprint: Self::fingerprint(ws, ex)?, ratio });
        crate::fsutil::write_atomic(&Self::path(ws), serde_json::to_string_pretty(self)?.as_bytes())
    }

    pub fn done_count(&self, ws: &Workspace) -> usize {
        ws.manifest.exercises.iter().filter(|ex| self.state(ws, ex) == State::Done).count()
    }

    /// "12 of 28 done".
    pub fn summary(&self, ws: &Workspace) -> String {
        format!("{} of {} done", self.done_count(ws), ws.manifest.exercises.len())
    }

    /// The first exercise in course order that is not done.
    pub fn current<'a>(&self, ws: &'a Workspace) -> Option<&'a Exercise> {
        ws.manifest.exercises.iter().find(|ex| self.state(ws, ex) != State::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace of one exercise, just enough for fingerprints.
    fn tiny_workspace() -> Workspace {
        let root = crate::manifest::target_dir().join("xtask-tests/progress");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("exercises/01-sum/src")).unwrap();
        std::fs::write(
            root.join("exercises.toml"),
            "[[exercise]]\nid = \"01-sum\"\nchapter = 1\ntitle = \"Sum\"\nbook = \"sum.md\"\nkind = \"threads\"\nhints = [\"h\"]\n",
        )
        .unwrap();
        std::fs::write(root.join("exercises/01-sum/src/lib.rs"), "todo!()").unwrap();
        Workspace::open(&root).unwrap()
    }

    #[test]
    fn only_a_pass_on_the_current_files_is_done() {
        let ws = tiny_workspace();
        let ex = &ws.manifest.exercises[0];
        let mut progress = Progress::load(&ws);
        assert_eq!(progress.state(&ws, ex), State::Untried);
        progress.record(&ws, ex, Outcome::Pass, Some(1.02)).unwrap();
        assert_eq!(Progress::load(&ws).state(&ws, ex), State::Done, "kept in .workbench/");
        assert_eq!(Progress::load(&ws).last_ratio(ex), Some(1.02));
        // A later non-pass replaces the pass.
        progress.record(&ws, ex, Outcome::Fail, None).unwrap();
        assert_eq!(Progress::load(&ws).state(&ws, ex), State::Failing);
        progress.record(&ws, ex, Outcome::Inconclusive, Some(1.4)).unwrap();
        assert_eq!(Progress::load(&ws).state(&ws, ex), State::Inconclusive);
        assert_eq!(Progress::load(&ws).current(&ws).map(|e| e.id.as_str()), Some("01-sum"), "inconclusive is not done");
        // A pass on other files does not count for these.
        progress.record(&ws, ex, Outcome::Pass, None).unwrap();
        std::fs::write(ws.root.join("exercises/01-sum/src/lib.rs"), "1").unwrap();
        assert_eq!(Progress::load(&ws).state(&ws, ex), State::Untried);
        assert_eq!(Progress::load(&ws).done_count(&ws), 0);
    }
}
