//! `exercises.toml`, the one list of exercises, and the paths derived from it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

pub const FILE: &str = "exercises.toml";
/// Seconds a test binary may run before it is reported as stuck. The
/// reference suites take under 1 s here, except those that set their own
/// (`timeout_secs` in the manifest: the capstone's, and the processes of 20 and 28).
const DEFAULT_TEST_TIMEOUT_SECS: u64 = 15;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// `NN-slug`; the folder name under `exercises/` and `solutions/`.
    pub id: String,
    pub chapter: u32,
    pub title: String,
    /// Page under `book/src/`.
    pub book: String,
    /// `threads`, `processes`, `sync`, …
    pub kind: String,
    /// Progressively stronger.
    pub hints: Vec<String>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// The suite has loom models: `check` runs them with the crate's `loom` feature.
    #[serde(default)]
    pub loom: bool,
    #[serde(default)]
    pub perf: Option<Perf>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Perf {
    /// A `datagen` kind: `u32`, `text`, `stations`, `logs`.
    pub datagen: String,
    /// Input size for the `check` gate, in the kind's units; only a gated exercise needs one.
    #[serde(default)]
    pub check_size: u64,
    /// Input size for `bench`.
    pub bench_size: u64,
    #[serde(default = "default_max_ratio")]
    pub max_ratio: f64,
    /// Whether "really parallel" applies (CPU/wall, beating sequential).
    #[serde(default = "yes")]
    pub parallel: bool,
    /// Script name under `baselines/python/`, without `.py`.
    #[serde(default)]
    pub python: Option<String>,
    /// Whether `check` times the learner's code after the tests. `false`: only
    /// `bench` measures it, and the tests alone decide the verdict.
    #[serde(default = "yes")]
    pub gate: bool,
    /// The exercise's worker program (its `[[bin]]`; the reference's is
    /// `<worker>-solution`), which `bench` builds and hands to the bench binary.
    #[serde(default)]
    pub worker: Option<String>,
}

fn default_max_ratio() -> f64 {
    1.3
}
fn yes() -> bool {
    true
}

impl Exercise {
    /// `parallel-sum` for `01-parallel-sum`.
    pub fn slug(&self) -> &str {
        self.id.split_once('-').map_or(&self.id, |(_, slug)| slug)
    }
    /// The learner's package, named after the slug (cargo names cannot start with a digit).
    pub fn package(&self) -> String {
        self.slug().to_string()
    }
    pub fn solution_package(&self) -> String {
        format!("{}-solution", self.slug())
    }
    /// The library name both packages share.
    pub fn lib_name(&self) -> String {
        self.slug().replace('-', "_")
    }
    pub fn dir(&self, root: &Path) -> PathBuf {
        root.join("exercises").join(&self.id)
    }
    pub fn solution_dir(&self, root: &Path) -> PathBuf {
        root.join("solutions").join(&self.id)
    }
    pub fn bench_file(&self, root: &Path) -> PathBuf {
        root.join("benches/benches").join(format!("{}.rs", self.lib_name()))
    }
    pub fn book_page(&self, root: &Path) -> PathBuf {
        root.join("book/src").join(&self.book)
    }
    /// Measured by `bench` (it has `[exercise.perf]`), with or without a gate.
    pub fn benched(&self) -> bool {
        self.perf.is_some()
    }
    /// `check` runs a timing gate after the tests: the one place that decides it.
    pub fn gated(&self) -> bool {
        self.perf.as_ref().is_some_and(|p| p.gate)
    }
    pub fn test_timeout_secs(&self) -> u64 {
        self.timeout_secs.unwrap_or(DEFAULT_TEST_TIMEOUT_SECS)
    }
}

impl Manifest {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for ex in &self.exercises {
            let Some((number, slug)) = ex.id.split_once('-') else {
                bail!("{FILE}: id `{}` must look like NN-slug", ex.id);
            };
            if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) || slug.is_empty() {
                bail!("{FILE}: id `{}` must look like NN-slug (two digits, a dash, a name)", ex.id);
            }
            if !seen.insert(ex.id.as_str()) {
                bail!("{FILE}: exercise `{}` is listed twice", ex.id);
            }
            if ex.hints.is_empty() {
                bail!("{FILE}: exercise `{}` has no hints", ex.id);
            }
            if ex.gated() && ex.perf.as_ref().is_some_and(|p| p.check_size == 0) {
                bail!("{FILE}: exercise `{}` has a timing gate but no perf.check_size", ex.id);
            }
        }
        Ok(())
    }

    /// Finds an exercise by id (`01-parallel-sum`), slug (`parallel-sum`) or number (`01`, `1`).
    pub fn find(&self, query: &str) -> Result<&Exercise> {
        let by_number = |ex: &&Exercise| {
            let number = &ex.id[..2];
            query.parse::<u32>().ok().is_some_and(|n| number.parse::<u32>().ok() == Some(n))
        };
        self.exercises
            .iter()
            .find(|ex| ex.id == query || ex.slug() == query)
            .or_else(|| self.exercises.iter().find(by_number))
            .with_context(|| {
                let ids: Vec<_> = self.exercises.iter().map(|e| e.id.as_str()).collect();
                format!("no exercise `{query}`; the exercises are: {}", ids.join(", "))
            })
    }
}

/// The repository root: where `exercises.toml` lives.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository root").to_path_buf()
}

/// The repository being worked on: the real one, or a scratch copy in `verify`.
pub struct Workspace {
    pub root: PathBuf,
    pub manifest: Manifest,
    /// True for the scratch copies `verify` and `test` work in.
    pub scratch: bool,
    /// The blob id `pristine.toml` must have: the published one, or the one
    /// `verify --bless` just wrote.
    pub pristine_digest: String,
}

impl Workspace {
    pub fn open(root: &Path) -> Result<Self> {
        Ok(Self {
            root: root.to_path_buf(),
            manifest: Manifest::load(root)?,
            scratch: false,
            pristine_digest: crate::integrity::PUBLISHED_DIGEST.trim().to_string(),
        })
    }

    pub fn open_scratch(root: &Path) -> Result<Self> {
        Ok(Self { scratch: true, ..Self::open(root)? })
    }

    /// Where cargo builds this workspace; scratch copies get their own.
    pub fn cargo_target_dir(&self) -> PathBuf {
        if self.scratch { target_dir().join("scratch-target") } else { target_dir() }
    }

    pub fn target_dir(&self) -> PathBuf {
        target_dir()
    }
}

/// Cargo's target directory, shared by every crate and by scratch copies.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo_root().join("target"), PathBuf::from)
}
