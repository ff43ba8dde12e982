//! Exercise 20: the learner's streaming summary, the reference's, and the
//! whole log summarized in memory on one thread.

use benches::{Contenders, Exercise};
use ref_memory_budget::given::summarize_in_memory;

fn main() {
    benches::main(Exercise {
        id: "20-memory-budget",
        generate: |rows, seed| datagen::log_lines(rows, seed, 0).into_bytes(),
        load: Ok,
        input_bytes: |text| text.len() as u64,
        // Learner and reference each have their own `Summary` type: compare the printed form.
        digest: |summary: &Option<String>| {
            summary.as_deref().and_then(|s| s.lines().next()).unwrap_or("error").to_string()
        },
        contenders: Contenders {
            learner: |text| ex_memory_budget::summarize_stream(&text[..]).ok().map(|s| s.to_string()),
            reference: |text| ref_memory_budget::summarize_stream(&text[..]).ok().map(|s| s.to_string()),
            sequential: |text| summarize_in_memory(text).ok().map(|s| s.to_string()),
            baseline: benches::SEQUENTIAL_BASELINE,
        },
    });
}
