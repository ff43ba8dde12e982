//! Reference solution of exercise 08 — a bounded pipeline with backpressure.

use crossbeam::channel::bounded;

/// Runs `source → stage → sink` as a three-step pipeline and returns how
/// many items reached the sink.
///
/// The model: a source thread and a stage thread, connected to each other
/// and to the calling thread (the sink) by two bounded channels. Each thread
/// owns its end of its channels; dropping an end is the shutdown signal:
/// a dropped sender ends the receiver's loop, a dropped receiver makes the
/// sender's `send` fail.
// ANCHOR: solution
pub fn run_pipeline<T, U, E>(
    source: impl Iterator<Item = T> + Send,
    stage: impl Fn(T) -> Result<U, E> + Send,
    mut sink: impl FnMut(U),
    capacity: usize,
) -> Result<u64, E>
where
    T: Send,
    U: Send,
    E: Send,
{
    let (to_stage, from_source) = bounded(capacity);
    let (to_sink, from_stage) = bounded(capacity);
    std::thread::scope(|s| {
        s.spawn(move || {
            for item in source {
                // A failed send means the stage has stopped: stop reading the source.
                if to_stage.send(item).is_err() {
                    break;
                }
            }
        });
        let stage_thread = s.spawn(move || {
            for item in from_source {
                let result = stage(item)?;
                if to_sink.send(result).is_err() {
                    break;
                }
            }
            Ok(())
            // Returning drops `from_source` and `to_sink`: the source's next
            // send fails, and the sink's loop below ends.
        });
        let mut delivered = 0;
        for result in from_stage {
            sink(result);
            delivered += 1;
        }
        stage_thread.join().expect("the stage thread panicked")?;
        Ok(delivered)
    })
}
// ANCHOR_END: solution
