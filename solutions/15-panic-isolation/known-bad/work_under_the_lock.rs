//! expect: tests-failed
//! failing: items_can_run_while_another_panics
//! Results in a shared Mutex, and `work` runs while its guard is held: the first panic poisons
//! the Mutex, every later item fails on `lock().unwrap()` — and the items run one at a time.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};

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
    let slots: Mutex<Vec<Option<Result<R, ItemPanic>>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    items.par_iter().enumerate().for_each(|(index, item)| {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let mut slots = slots.lock().unwrap();
            slots[index] = Some(Ok(work(item)));
        }));
        if let Err(payload) = outcome {
            let mut slots = slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots[index] = Some(Err(ItemPanic { index, message: message_of(payload.as_ref()) }));
        }
    });
    let slots = slots.into_inner().unwrap_or_else(PoisonError::into_inner);
    slots.into_iter().map(|slot| slot.expect("every item ran")).collect()
}

fn message_of(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NON_STRING_PAYLOAD.to_string()
    }
}
