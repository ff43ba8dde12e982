//! Reference solution of exercise 28-timely-stations.
//!
//! The given module is the exercise's own file, not a copy.

use std::collections::HashMap;

use timely::dataflow::StreamVec;
use timely::dataflow::channels::pact::Exchange as ExchangePact;
use timely::dataflow::operators::{Exchange, Operator};

#[path = "../../../exercises/28-timely-stations/src/given.rs"]
mod given;
pub use given::{JobError, Summary, Time, run, share};

// ANCHOR: route
/// FNV-1a over the name's bytes: a fixed function, so every process agrees.
/// (`std`'s `RandomState` is seeded per process — the one thing not to use.)
pub fn route(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}
// ANCHOR_END: route

// ANCHOR: merge
pub fn merge_by_station<'scope>(partials: StreamVec<'scope, Time, Summary>) -> StreamVec<'scope, Time, Summary> {
    let by_station = ExchangePact::new(|s: &Summary| route(&s.name));
    partials.unary_frontier(by_station, "MergeByStation", |capability, _info| {
        // Held until the input is complete: while we hold it, the totals
        // we have not yet sent can still be sent at epoch 0.
        let mut capability = Some(capability);
        let mut totals: HashMap<String, Summary> = HashMap::new();
        move |(input, frontier), output| {
            input.for_each(|_time, batch| {
                for summary in batch.drain(..) {
                    match totals.get_mut(&summary.name) {
                        Some(total) => total.merge(&summary),
                        None => {
                            totals.insert(summary.name.clone(), summary);
                        }
                    }
                }
            });
            // An empty frontier: every worker has closed its input and all
            // their summaries are here.
            if frontier.is_empty()
                && let Some(capability) = capability.take()
            {
                output.session(&capability).give_iterator(totals.drain().map(|(_, total)| total));
            }
        }
    })
}
// ANCHOR_END: merge

// ANCHOR: gather
pub fn gather<'scope>(totals: StreamVec<'scope, Time, Summary>) -> StreamVec<'scope, Time, Summary> {
    totals.exchange(|_| 0)
}
// ANCHOR_END: gather
