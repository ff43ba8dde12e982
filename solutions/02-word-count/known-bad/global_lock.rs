//! expect: too-slow
//! One shared Mutex<HashMap> locked once per word: correct, but the threads queue on the lock.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    let counts = Mutex::new(HashMap::new());
    text.par_split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .for_each(|word| {
            *counts
                .lock()
                .unwrap()
                .entry(word.to_ascii_lowercase())
                .or_insert(0) += 1;
        });
    counts.into_inner().unwrap()
}
