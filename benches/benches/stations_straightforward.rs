//! Exercise 24: the learner's straightforward stage and the reference, one
//! row after another, on generated station rows.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "24-stations-straightforward",
        generate: |rows, seed| datagen::station_rows(rows, seed).into_bytes(),
        load: Ok,
        input_bytes: |text| text.len() as u64,
        digest: benches::load::stations_digest,
        contenders: Contenders {
            learner: |text| ex_stations_straightforward::aggregate(text),
            reference: |text| ref_stations_straightforward::aggregate(text),
            // The first stage has no earlier one: its baseline is itself.
            sequential: |text| ref_stations_straightforward::aggregate(text),
            baseline: "straightforward stage",
        },
    });
}
