//! Each item's result goes into its own slot of a pre-allocated Vec (`par_iter_mut`, no lock),
//! and the message is taken out of the payload by value with `Box::downcast`.

use std::panic::{self, AssertUnwindSafe};

use rayon::prelude::*;

#[path = "../../../exercises/15-panic-isolation/src/given.rs"]
mod given;

pub use given::{ItemPanic, NON_STRING_PAYLOAD};

pub fn run_isolated<T, R, F>(items: &[T], work: F) -> Vec<Result<R, ItemPanic>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let mut slots: Vec<Option<Result<R, ItemPanic>>> = (0..items.len()).map(|_| None).collect();
    slots.par_iter_mut().zip(items).enumerate().for_each(|(index, (slot, item))| {
        *slot = Some(match panic::catch_unwind(AssertUnwindSafe(|| work(item))) {
            Ok(value) => Ok(value),
            Err(payload) => {
                let message = match payload.downcast::<String>() {
                    Ok(text) => *text,
                    Err(payload) => match payload.downcast::<&'static str>() {
                        Ok(text) => text.to_string(),
                        Err(_) => NON_STRING_PAYLOAD.to_string(),
                    },
                };
                Err(ItemPanic { index, message })
            }
        });
    });
    slots.into_iter().map(|slot| slot.expect("every slot is filled")).collect()
}
