//! `cargo xtask gen KIND --size N --seed S -o FILE`: a deterministic data file.

use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use datagen::{Kind, Spec};

use crate::ui;

pub fn run(kind: Kind, size: u64, seed: u64, malformed: f64, output: &Path) -> Result<ExitCode> {
    ensure!(size > 0, "--size must be positive");
    ensure!((0.0..=1.0).contains(&malformed), "--malformed is a share between 0 and 1, e.g. 0.01");
    ensure!(malformed == 0.0 || kind == Kind::Logs, "--malformed applies to `logs` only");
    let spec = Spec { malformed_ppm: (malformed * 1e6).round() as u32, ..Spec::new(kind, size, seed) };
    // Write to a temporary name and rename, so an interrupted run leaves no half file.
    let partial = output.with_extension("partial");
    let file = std::fs::File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut progress = ui::Progress::new(&format!("gen {}", kind.name()), size, kind.unit());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    spec.write_to(&mut writer, threads, &mut |done| progress.set(done))
        .with_context(|| format!("writing {}", partial.display()))?;
    drop(writer);
    progress.finish();
    std::fs::rename(&partial, output)?;
    let bytes = std::fs::metadata(output)?.len();
    println!("wrote {} ({}B, {size} {}, seed {seed})", output.display(), ui::human(bytes as f64), kind.unit());
    Ok(ExitCode::SUCCESS)
}
