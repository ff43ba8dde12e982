//! expect: tests-failed
//! Ignores failed sends: after the stage fails, the source thread reads its whole input for nothing.

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
        s.spawn(move || {
            for item in source {
                let _ = to_stage.send(item); // the stage stopped? never mind, keep reading
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
