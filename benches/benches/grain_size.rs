//! Exercise 06: the learner's `sum_cheap` (their grain), the reference and a
//! sequential baseline, on the same generated `u32` array.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "06-grain-size",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |items| std::mem::size_of_val(items.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |items| ex_grain_size::sum_cheap(items),
            reference: |items| ref_grain_size::sum_cheap(items),
            sequential: |items| items.iter().map(|&x| ref_grain_size::cheap(x)).sum(),
            baseline: "sequential baseline",
        },
    });
}
