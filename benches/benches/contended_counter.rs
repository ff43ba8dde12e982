//! Exercise 10: the learner's sharded counter, the reference's and one
//! `Mutex`, each counting the same events from every core.

use benches::{Contenders, Exercise};
use ref_contended_counter::given::{MutexCounter, count_events_with};

fn main() {
    benches::main(Exercise {
        id: "10-contended-counter",
        generate: |size, seed| datagen::uniform_u32(size, seed),
        load: benches::load::u32_le,
        input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,
        digest: |events: &u64| format!("{events} events"),
        contenders: Contenders {
            learner: |data| ex_contended_counter::count_events(data),
            reference: |data| ref_contended_counter::count_events(data),
            sequential: |data| count_events_with(data, &MutexCounter::default(), benches::threads()),
            baseline: "single Mutex",
        },
    });
}
