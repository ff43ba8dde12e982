//! Exercise 19: the learner's rebalanced pipeline, the reference's, and the
//! given one with one worker per stage.

use benches::{Contenders, Exercise};
use ref_pipeline_bottleneck::given::{items, run_one_worker_per_stage};

fn main() {
    benches::main(Exercise {
        id: "19-pipeline-bottleneck",
        generate: |size, seed| items(&datagen::uniform_u32(size, seed)),
        load: |bytes| benches::load::u32_le(bytes).map(|raw| items(&raw)),
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |data| ex_pipeline_bottleneck::run_tuned(data),
            reference: |data| ref_pipeline_bottleneck::run_tuned(data),
            sequential: |data| run_one_worker_per_stage(data),
            baseline: "one worker per stage",
        },
    });
}
