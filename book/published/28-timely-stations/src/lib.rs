//! Exercise 28 — the capstone's job on timely dataflow. Read
//! `book/src/ch09-beyond-one-machine/timely-stations.md`.
//!
//! Each worker summarizes its share of the file (given). You write what
//! happens next: send every station's summaries to one worker, merge them
//! there, and gather the totals at worker 0, which prints the result line.

use timely::dataflow::StreamVec;

mod given;
pub use given::{JobError, Summary, Time, run, share};

/// Which worker merges station `name`: timely's `Exchange` sends a record to
/// worker `route(name) % peers`.
///
/// It must give the same number for the same name on every worker **of
/// every process**: a station routed two ways is merged on two workers.
pub fn route(name: &str) -> u64 {
    todo!("a hash of the name's bytes, the same in every process")
}

/// Sends each summary to the worker [`route`] picks, merges the summaries of
/// each station there, and gives every station's total once — when no more
/// summaries can arrive (the input frontier is empty).
pub fn merge_by_station<'scope>(partials: StreamVec<'scope, Time, Summary>) -> StreamVec<'scope, Time, Summary> {
    todo!("unary_frontier with an Exchange pact")
}

/// Sends every total to worker 0.
pub fn gather<'scope>(totals: StreamVec<'scope, Time, Summary>) -> StreamVec<'scope, Time, Summary> {
    todo!("one exchange")
}
