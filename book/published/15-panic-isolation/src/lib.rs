//! Exercise 15 — panic isolation. Read `book/src/ch05-errors-logging/panic-isolation.md`.
//!
//! Given: the error type (`src/given.rs`). Yours: [`run_isolated`].

mod given;

pub use given::{ItemPanic, NON_STRING_PAYLOAD};

/// Runs `work` on every item in parallel; an item that panics becomes an
/// [`ItemPanic`] in its place, and every other item still gets its result.
///
/// The model: a rayon parallel iterator over `items` (on the pool of the
/// caller — `pool.install(|| run_isolated(..))` runs it there), each call of
/// `work` inside `std::panic::catch_unwind`. The closure you give
/// `catch_unwind` must be `UnwindSafe`; wrap it in `AssertUnwindSafe` —
/// here that is true, because nothing half-updated survives the panic: the
/// item's result is simply not used.
///
/// A panic's payload is a `Box<dyn Any + Send>`. `panic!("boom")` carries a
/// `&'static str`, `panic!("item {i}")` a `String`; take the text out of
/// either with `downcast_ref` on the payload itself (not on the `Box`), and
/// use [`NON_STRING_PAYLOAD`] for anything else.
///
/// After a panic, the pool is as good as before: the next job on it runs on
/// all its threads. Hold no lock while `work` runs — a `Mutex` whose guard is
/// dropped during a panic stays *poisoned*, and every later `lock()` fails.
///
/// ```ignore
/// let out = run_isolated(&[1, 0, 4], |&x: &u32| 100 / x);
/// assert_eq!(out[0], Ok(100));
/// assert_eq!(out[1].as_ref().unwrap_err().to_string(), "item 1 panicked: attempt to divide by zero");
/// assert_eq!(out[2], Ok(25));
/// ```
///
/// # Errors
///
/// Per item: `Err(ItemPanic { index, message })` in place of the item whose
/// `work` panicked. The results come in input order: `out[i]` is item `i`'s.
///
/// # Panics
///
/// Never because of `work`.
pub fn run_isolated<T, R, F>(items: &[T], work: F) -> Vec<Result<R, ItemPanic>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    todo!("par_iter, and catch_unwind around each call of work")
}
