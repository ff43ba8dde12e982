//! expect: timed-out
//! Waits for the source thread before starting the others: once the first channel is full, the source
//! waits for a receiver that is only started after the source is done.

use crossbeam::channel::bounded;

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
        let producer = s.spawn(move || {
            for item in source {
                if to_stage.send(item).is_err() {
                    break;
                }
            }
        });
        // "Let the producer finish first": it blocks on the full channel, and nobody is receiving yet.
        producer.join().expect("the source thread panicked");
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
