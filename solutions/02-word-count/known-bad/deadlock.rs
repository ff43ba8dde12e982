//! expect: deadlock
//! failing: a_long_word_is_never_cut
//! Keeps the guard of the total map alive in the calling thread while a `par_iter` locks the same Mutex to merge into it.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    let partials: Vec<HashMap<String, u64>> = text
        .par_lines()
        .map(|line| {
            let mut counts = HashMap::new();
            for word in line
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
            }
            counts
        })
        .collect();

    let total = Mutex::new(HashMap::new());
    let mut guard = total.lock().unwrap();
    guard.reserve(partials.iter().map(HashMap::len).max().unwrap_or(0));
    // The guard lives until the end of the scope: every worker below waits
    // for it, and this thread waits for the workers.
    partials.par_iter().for_each(|partial| {
        let mut total = total.lock().unwrap();
        for (word, n) in partial {
            *total.entry(word.clone()).or_insert(0) += n;
        }
    });
    let counts = std::mem::take(&mut *guard);
    drop(guard);
    counts
}
