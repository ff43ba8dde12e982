//! Exercise 29: the learner's stage and the reference on the same mapped
//! file, beside stage 4 (exercise 27, the baseline to beat) and — for
//! `cargo xtask bench` only — stages 3 and 2 on the file read into memory:
//! one run shows what each step bought.

use benches::load::InputFile;
use benches::{Contenders, Exercise};

/// The file mapped, as the stage's program does (`src/main.rs` of exercise 29).
fn mapped(
    file: &InputFile,
    aggregate: fn(&[u8]) -> Result<String, ref_stations_fastest::RowError>,
) -> Result<String, String> {
    let opened = std::fs::File::open(&file.path).map_err(|e| e.to_string())?;
    // SAFETY: the bench's own input file, written once and never changed while mapped.
    let map = unsafe { memmap2::Mmap::map(&opened) }.map_err(|e| e.to_string())?;
    aggregate(&map).map_err(|e| e.to_string())
}

/// The file read into memory, for the stages before mapping.
fn read(
    file: &InputFile,
    aggregate: fn(&[u8]) -> Result<String, ref_stations_fastest::RowError>,
) -> Result<String, String> {
    let bytes = std::fs::read(&file.path).map_err(|e| e.to_string())?;
    aggregate(&bytes).map_err(|e| e.to_string())
}

fn main() {
    benches::main_beside(
        Exercise {
            id: "29-stations-fastest",
            generate: |rows, seed| InputFile::write(datagen::station_rows(rows, seed).as_bytes()),
            load: |bytes| Ok(InputFile::write(&bytes)),
            input_bytes: |file| file.len,
            digest: benches::load::stations_digest,
            contenders: Contenders {
                learner: |file| mapped(file, ex_stations_fastest::aggregate),
                reference: |file| mapped(file, ref_stations_fastest::aggregate),
                sequential: |file| ref_stations_mmap::aggregate_file(&file.path).map_err(|e| e.to_string()),
                baseline: "stage 4 (27, mapped)",
            },
        },
        &[
            ("stage 3 (26, file read)", |file| read(file, ref_stations_fast::aggregate)),
            ("stage 2 (25, file read)", |file| read(file, ref_stations_parallel::aggregate)),
        ],
    );
}
