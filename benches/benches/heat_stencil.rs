//! Exercise 12-heat-stencil: learner, reference and a sequential baseline on the same input.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "12-heat-stencil",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |data| ex_heat_stencil::process(data),
            reference: |data| ref_heat_stencil::process(data),
            sequential: |data| data.iter().map(|&x| u64::from(x)).sum(),
            baseline: benches::SEQUENTIAL_BASELINE,
        },
    });
}
