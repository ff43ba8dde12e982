//! Exercise 05: the learner's `score_all`, the reference and the static split
//! the exercise improves on, on the same sorted `u32` array (cost grows along it).

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "05-skewed-work",
        generate: |size, seed| sorted(datagen::uniform_u32(size, seed)),
        load: |bytes| benches::load::u32_le(bytes).map(sorted),
        input_bytes: |items| std::mem::size_of_val(items.as_slice()) as u64,
        digest: |scores: &Vec<u64>| {
            let sum = scores.iter().fold(0u64, |a, &s| a.wrapping_add(s));
            format!("{} scores, wrapping sum {sum}", scores.len())
        },
        contenders: Contenders {
            learner: |items| ex_skewed_work::score_all(items),
            reference: |items| ref_skewed_work::score_all(items),
            sequential: |items| static_split(items, benches::threads()),
            baseline: "static split",
        },
    });
}

fn sorted(mut items: Vec<u32>) -> Vec<u32> {
    items.sort_unstable();
    items
}

/// The naive parallel version: one contiguous chunk per core on scoped threads.
fn static_split(items: &[u32], threads: usize) -> Vec<u64> {
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|&x| ref_skewed_work::score(x)).collect::<Vec<u64>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a scoring thread panicked")).collect()
    })
}
