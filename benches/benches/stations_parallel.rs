//! Exercise 25: the learner's parallel stage, the reference, and stage 1.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "25-stations-parallel",
        generate: |rows, seed| datagen::station_rows(rows, seed).into_bytes(),
        load: Ok,
        input_bytes: |text| text.len() as u64,
        digest: benches::load::stations_digest,
        contenders: Contenders {
            learner: |text| ex_stations_parallel::aggregate(text),
            reference: |text| ref_stations_parallel::aggregate(text),
            sequential: |text| ref_stations_straightforward::aggregate(text),
            baseline: "straightforward stage",
        },
    });
}
