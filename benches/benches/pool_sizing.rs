//! Exercise 18: the compute job in the learner's pool, in the reference's, and on one thread.

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "18-pool-sizing",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |data| ex_pool_sizing::process(data),
            reference: |data| ref_pool_sizing::process(data),
            sequential: |data| ref_pool_sizing::given::process_sequential(data),
            baseline: benches::SEQUENTIAL_BASELINE,
        },
    });
}
