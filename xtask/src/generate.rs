//! `cargo xtask gen KIND --size N --seed S -o FILE`: a deterministic data file.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, ensure};
use datagen::{Kind, Spec};

use crate::{data, ui};

pub fn run(kind: Kind, size: u64, seed: u64, malformed: f64, output: &Path) -> Result<ExitCode> {
    ensure!(size > 0, "--size must be positive");
    ensure!((0.0..=1.0).contains(&malformed), "--malformed is a share between 0 and 1, e.g. 0.01");
    ensure!(malformed == 0.0 || kind == Kind::Logs, "--malformed applies to `logs` only");
    let spec = Spec { malformed_ppm: (malformed * 1e6).round() as u32, ..Spec::new(kind, size, seed) };
    data::write_file(&spec, output)?;
    let bytes = std::fs::metadata(output)?.len();
    anstream::println!(
        "wrote {} ({}B, {size} {}, seed {seed})",
        output.display(),
        ui::human(bytes as f64),
        kind.unit()
    );
    Ok(ExitCode::SUCCESS)
}
