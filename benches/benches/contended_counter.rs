//! Exercise 10-contended-counter: learner, reference and a sequential baseline on the same input.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "10-contended-counter",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |data| ex_contended_counter::process(data),
            reference: |data| ref_contended_counter::process(data),
            sequential: |data| data.iter().map(|&x| u64::from(x)).sum(),
            baseline: benches::SEQUENTIAL_BASELINE,
        },
    });
}
