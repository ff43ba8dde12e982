//! Generated input files, cached under `.workbench/data/`: `bench` and the
//! Python baselines read the same bytes, and `prefetch` makes them ahead of a
//! workshop. Generated data is never committed.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use datagen::{Kind, Spec};
use serde::{Deserialize, Serialize};

use crate::manifest::{Perf, Workspace};
use crate::ui;

/// Which data set a result was measured on; equal hashes mean equal bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub kind: String,
    pub size: u64,
    pub seed: u64,
    pub bytes: u64,
    /// FNV-1a 64 of the file's bytes, in hex.
    pub hash: String,
    #[serde(skip)]
    pub path: PathBuf,
}

pub const BENCH_SEED: u64 = 1;

/// Writes `spec` to `output` with a progress bar, through a temporary name,
/// so an interrupted run never leaves a half file under the final name.
pub fn write_file(spec: &Spec, output: &Path) -> Result<()> {
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = output.with_extension("partial");
    let file = std::fs::File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut progress = ui::Progress::new(&format!("gen {}", spec.kind.name()), spec.size, spec.kind.unit());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    spec.write_to(&mut writer, threads, &mut |done| progress.set(done))
        .with_context(|| format!("writing {}", partial.display()))?;
    writer.into_inner().map_err(|e| e.into_error()).with_context(|| format!("writing {}", partial.display()))?;
    progress.finish();
    std::fs::rename(&partial, output).with_context(|| format!("cannot rename {}", partial.display()))?;
    Ok(())
}

fn bench_spec(perf: &Perf) -> Result<Spec> {
    let kind: Kind = perf.datagen.parse().map_err(anyhow::Error::msg).context("exercises.toml: perf.datagen")?;
    Ok(Spec::new(kind, perf.bench_size, BENCH_SEED))
}

/// Where the bench-size input of an exercise lives.
pub fn bench_input_path(ws: &Workspace, perf: &Perf) -> Result<PathBuf> {
    let spec = bench_spec(perf)?;
    Ok(ws.root.join(".workbench/data").join(format!("{}-{}-s{}.bin", spec.kind.name(), spec.size, spec.seed)))
}

/// The bench-size input of an exercise, generated on first use.
pub fn bench_input(ws: &Workspace, perf: &Perf) -> Result<InputFile> {
    let (spec, path) = (bench_spec(perf)?, bench_input_path(ws, perf)?);
    let kind = spec.kind;
    if !path.exists() {
        write_file(&spec, &path)?;
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(InputFile {
        kind: kind.name().to_string(),
        size: spec.size,
        seed: spec.seed,
        bytes: bytes.len() as u64,
        hash: format!("{:016x}", datagen::fnv1a64(&bytes)),
        path,
    })
}
