//! Reference solution of exercise 15 — panic isolation.
//!
//! The given module is the exercise's own file, not a copy.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use rayon::prelude::*;

#[path = "../../../exercises/15-panic-isolation/src/given.rs"]
mod given;

pub use given::{ItemPanic, NON_STRING_PAYLOAD};

// ANCHOR: run_isolated
/// Runs `work` on every item in parallel; an item that panics becomes an
/// [`ItemPanic`] in its place, and every other item still gets its result.
pub fn run_isolated<T, R, F>(items: &[T], work: F) -> Vec<Result<R, ItemPanic>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    items
        .par_iter()
        .enumerate()
        .map(|(index, item)| {
            // Unwind safe in fact: a panicking call's half-done work is dropped, never looked at.
            panic::catch_unwind(AssertUnwindSafe(|| work(item)))
                .map_err(|payload| ItemPanic { index, message: message_of(payload.as_ref()) })
        })
        .collect()
}

/// The text of a panic: `panic!("literal")` carries a `&'static str`,
/// `panic!("{x}")` a `String`.
fn message_of(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NON_STRING_PAYLOAD.to_string()
    }
}
// ANCHOR_END: run_isolated
