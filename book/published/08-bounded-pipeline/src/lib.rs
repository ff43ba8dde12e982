//! Exercise 08 — a bounded pipeline with backpressure. Read `book/src/ch03-processes/bounded-pipeline.md`.

/// Runs `source → stage → sink` as a three-step pipeline and returns how
/// many items reached the sink.
///
/// The model: one thread pulls items from `source` and sends them into a
/// bounded channel of `capacity`; a second thread receives them, applies
/// `stage`, and sends the results into a second bounded channel of
/// `capacity`; the calling thread receives those and passes each to `sink`,
/// in order. Use `crossbeam::channel::bounded` and `std::thread::scope`.
///
/// A `capacity` of 0 is allowed: crossbeam's `bounded(0)` is a rendezvous
/// channel, where each `send` waits for a matching `recv`.
///
/// Backpressure: when the sink is slow, the channels fill up and `send`
/// blocks, so the source is not read ahead. At any moment at most
/// `2 * capacity + 3` items have been taken from `source` and not yet passed
/// to `sink` — `capacity` in each channel, one in each thread's hands.
///
/// Shutdown: when the source ends, every item still reaches the sink, then
/// all threads end. When `stage` fails on an item, the pipeline stops: the
/// sink still gets the results of the items before it, the source is not
/// read to its end (its thread ends once its `send` fails), and the error is
/// returned after every thread has ended.
///
/// ```ignore
/// let mut out = Vec::new();
/// let n = run_pipeline(1..=3, |x| Ok::<_, ()>(x * 10), |y| out.push(y), 1);
/// assert_eq!((n, out), (Ok(3), vec![10, 20, 30]));
/// ```
///
/// # Errors
///
/// The first error `stage` returns.
pub fn run_pipeline<T, U, E>(
    source: impl Iterator<Item = T> + Send,
    stage: impl Fn(T) -> Result<U, E> + Send,
    sink: impl FnMut(U),
    capacity: usize,
) -> Result<u64, E>
where
    T: Send,
    U: Send,
    E: Send,
{
    todo!("connect three threads with two bounded channels")
}
