//! Exercise 26: the learner's fast stage, the reference, and stage 2.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "26-stations-fast",
        generate: |rows, seed| datagen::station_rows(rows, seed).into_bytes(),
        load: Ok,
        input_bytes: |text| text.len() as u64,
        digest: benches::load::stations_digest,
        contenders: Contenders {
            learner: |text| ex_stations_fast::aggregate(text),
            reference: |text| ref_stations_fast::aggregate(text),
            sequential: |text| ref_stations_parallel::aggregate(text),
            baseline: "parallel stage",
        },
    });
}
