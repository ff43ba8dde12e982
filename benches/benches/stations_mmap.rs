//! Exercise 27: the learner's mapped file, the reference's, and stage 3 on
//! the same file read into memory. The input is a file, written once.

use benches::load::InputFile;
use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "27-stations-mmap",
        generate: |rows, seed| InputFile::write(datagen::station_rows(rows, seed).as_bytes()),
        load: |bytes| Ok(InputFile::write(&bytes)),
        input_bytes: |file| file.len,
        digest: benches::load::stations_digest,
        contenders: Contenders {
            learner: |file| ex_stations_mmap::aggregate_file(&file.path).map_err(|e| e.to_string()),
            reference: |file| ref_stations_mmap::aggregate_file(&file.path).map_err(|e| e.to_string()),
            sequential: |file| {
                let bytes = std::fs::read(&file.path).map_err(|e| e.to_string())?;
                ref_stations_fast::aggregate(&bytes).map_err(|e| e.to_string())
            },
            baseline: "stage 3, file read",
        },
    });
}
