//! Generated input files, cached under `.workbench/data/`: `bench` and the
//! Python baselines read the same bytes, and `prefetch` makes them ahead of a
//! workshop. Generated data is never committed.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use datagen::{Kind, Spec};

use crate::manifest::{Perf, Workspace};
use crate::{fsutil, ui};

/// Which data set a result was measured on (the results schema's type).
pub use workbench_results::InputFile;

pub const BENCH_SEED: u64 = 1;

/// The largest file `gen` writes: the capstone's billion rows are about
/// 14 GB; a typo of a few zeros should not fill a disk.
pub const MAX_GEN_BYTES: u64 = 64 << 30;

/// About how many bytes `spec` takes: its first 16 384 units, rendered, scaled.
pub fn estimated_bytes(spec: &Spec) -> u64 {
    let sample = Spec { size: spec.size.min(16_384), ..*spec };
    let mut out = Vec::new();
    sample.render_block(0, &mut out);
    (out.len() as f64 / sample.size.max(1) as f64 * spec.size as f64).ceil() as u64
}

/// Writes `spec` to `output` with a progress bar, through a file of its own
/// beside it ([`fsutil::PartialFile`]), so an error, a Ctrl-C or a kill never
/// leaves a half file, under the final name or any other. Refuses, before
/// writing anything, an output that is not a regular file, a size over
/// [`MAX_GEN_BYTES`], and a file the disk has no room for.
pub fn write_file(spec: &Spec, output: &Path) -> Result<()> {
    let estimate = estimated_bytes(spec);
    ensure!(
        estimate <= MAX_GEN_BYTES,
        "--size {} {} would make a file of about {}B, over the limit of {}B",
        spec.size,
        spec.kind.unit(),
        ui::human(estimate as f64),
        ui::human(MAX_GEN_BYTES as f64)
    );
    fsutil::refuse_unless_regular(output)?;
    let dir = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if let Some(free) = fsutil::free_bytes(dir) {
        ensure!(
            estimate < free,
            "{} would take about {}B, and its file system has {}B free",
            output.display(),
            ui::human(estimate as f64),
            ui::human(free as f64)
        );
    }
    let mut partial = fsutil::PartialFile::beside(output)?;
    let mut writer = BufWriter::with_capacity(1 << 20, partial.file());
    let mut progress = ui::Progress::new(&format!("gen {}", spec.kind.name()), spec.size, spec.kind.unit());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    spec.write_to(&mut writer, threads, &mut |done| progress.set(done))
        .with_context(|| format!("writing {}", output.display()))?;
    writer.into_inner().map_err(|e| e.into_error()).with_context(|| format!("writing {}", output.display()))?;
    progress.finish();
    partial.commit(output)
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
