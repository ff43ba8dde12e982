//! `crossbeam::scope`, and the stage sends its error down the channel like a result: the sink returns it.

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
    let (to_sink, from_stage) = bounded::<Result<U, E>>(capacity);
    crossbeam::scope(|s| {
        s.spawn(move |_| {
            for item in source {
                if to_stage.send(item).is_err() {
                    return;
                }
            }
        });
        s.spawn(move |_| {
            for item in from_source {
                let result = stage(item);
                let failed = result.is_err();
                if to_sink.send(result).is_err() || failed {
                    return;
                }
            }
        });
        let mut delivered = 0;
        for result in from_stage {
            sink(result?);
            delivered += 1;
        }
        Ok(delivered)
    })
    .expect("a pipeline thread panicked")
}
