//! Exercise 01: the learner's `parallel_sum`, the reference and a sequential
//! baseline, on the same generated `u32` array.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "01-parallel-sum",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |data| ex_parallel_sum::parallel_sum(data, benches::threads()),
            reference: |data| ref_parallel_sum::parallel_sum(data, benches::threads()),
            sequential: |data| data.iter().map(|&x| u64::from(x)).sum(),
            baseline: "sequential baseline",
        },
    });
}
