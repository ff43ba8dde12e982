//! The plumbing of this exercise (given: you need not change it): each
//! worker's share of the input, the dataflow around your three functions,
//! malformed rows gathered to worker 0, and the result line.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
pub use stations::{Problem, RowError};
pub use stations_straightforward::Stats;
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};

/// The timestamp of the dataflow. A batch job has one epoch, 0: it is
/// complete when every worker has closed its input.
pub type Time = u64;

// ANCHOR: summary
/// One station's statistics as they travel between workers. What crosses a
/// process boundary is serialized (timely uses bincode through serde), so
/// this owns its name instead of borrowing the input as `Stats` tables do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub name: String,
    pub min: i32,
    pub max: i32,
    pub sum: i64,
    pub count: u64,
}
// ANCHOR_END: summary

impl Summary {
    /// `name` is UTF-8: the capstone's parser checked it.
    pub fn new(name: &str, stats: &Stats) -> Summary {
        Summary { name: name.to_string(), min: stats.min, max: stats.max, sum: stats.sum, count: stats.count }
    }

    pub fn stats(&self) -> Stats {
        Stats { min: self.min, max: self.max, sum: self.sum, count: self.count }
    }

    /// Adds another summary of the same station.
    pub fn merge(&mut self, other: &Summary) {
        debug_assert_eq!(self.name, other.name, "merging two different stations");
        let mut stats = self.stats();
        stats.merge(&other.stats());
        (self.min, self.max, self.sum, self.count) = (stats.min, stats.max, stats.sum, stats.count);
    }
}

/// Why a run gave no result line.
#[derive(Debug, PartialEq, Eq)]
pub enum JobError {
    /// The input has a malformed row (the earliest one, over all workers).
    Row(RowError),
    /// A station reached worker 0 more than once: it was not merged on one worker.
    StationTwice(String),
    /// Timely could not start (a port in use, a bad hostfile) or a worker panicked.
    Timely(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Row(e) => e.fmt(f),
            JobError::StationTwice(name) => write!(
                f,
                "station {name:?} reached worker 0 more than once: either two workers merged it (route differs \
                 between workers or processes, or merge_by_station does not exchange by route), or one worker gave \
                 it twice (merge_by_station must give each total once, when its input frontier is empty)"
            ),
            JobError::Timely(e) => write!(f, "timely: {e}"),
        }
    }
}

impl std::error::Error for JobError {}

/// Worker `index` of `peers`'s share of the input, and where it starts:
/// newline-aligned chunks, one per worker (empty when the input is short).
pub fn share(input: &[u8], index: usize, peers: usize) -> (u64, &[u8]) {
    stations_parallel::newline_chunks(input, peers).get(index).copied().unwrap_or((input.len() as u64, &[]))
}

/// A malformed row as it travels to worker 0.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct WireError {
    offset: u64,
    problem: u8,
}

impl From<RowError> for WireError {
    fn from(e: RowError) -> Self {
        let problem = match e.problem {
            Problem::NoSeparator => 0,
            Problem::BadName => 1,
            Problem::BadTemperature => 2,
        };
        WireError { offset: e.offset, problem }
    }
}

impl From<WireError> for RowError {
    fn from(e: WireError) -> Self {
        let problem = match e.problem {
            0 => Problem::NoSeparator,
            1 => Problem::BadName,
            _ => Problem::BadTemperature,
        };
        RowError { offset: e.offset, problem }
    }
}

// ANCHOR: run
/// Runs the job on the workers `config` describes (threads of this process,
/// or processes connected over TCP). Every process must call it with the same
/// input; the one holding worker 0 gets `Some(result)`, the others `None`.
pub fn run<D>(config: timely::Config, input: Arc<D>) -> Option<Result<String, JobError>>
where
    D: AsRef<[u8]> + Send + Sync + 'static,
{
    let guards = match timely::execute(config, move |worker| {
        let (index, peers) = (worker.index(), worker.peers());
        let (start, chunk) = share((*input).as_ref(), index, peers);
        let mut partials = InputHandleVec::<Time, Summary>::new();
        let mut errors = InputHandleVec::<Time, WireError>::new();
        let probe = ProbeHandle::new();
        let arrived: Rc<RefCell<Vec<Summary>>> = Rc::default();
        let first_error: Rc<RefCell<Option<RowError>>> = Rc::default();
        worker.dataflow::<Time, _, _>(|scope| {
            let totals = crate::gather(crate::merge_by_station(partials.to_stream(scope)));
            let sink = arrived.clone();
            totals.inspect(move |s: &Summary| sink.borrow_mut().push(s.clone())).probe_with(&probe);
            let sink = first_error.clone();
            errors
                .to_stream(scope)
                .exchange(|_| 0)
                .inspect(move |e: &WireError| {
                    let e = RowError::from(e.clone());
                    let mut first = sink.borrow_mut();
                    if first.is_none_or(|f| e.offset < f.offset) {
                        *first = Some(e);
                    }
                })
                .probe_with(&probe);
        });
        match stations_fast::chunk_stations(chunk, start) {
            Ok(stations) => {
                for (name, stats) in stations {
                    let name = std::str::from_utf8(name).expect("the parser checks names");
                    partials.send(Summary::new(name, &stats));
                }
            }
            Err(e) => errors.send(WireError::from(e)),
        }
        // Closing the inputs completes epoch 0 on this worker.
        drop((partials, errors));
        // Parked, not spinning, while waiting for other workers' data.
        while !probe.done() {
            worker.step_or_park(None);
        }
        let first_error = first_error.borrow_mut().take();
        (index == 0).then(|| match first_error {
            Some(e) => Err(JobError::Row(e)),
            None => result_line(std::mem::take(&mut *arrived.borrow_mut())),
        })
    }) {
        Ok(guards) => guards,
        Err(e) => return Some(Err(JobError::Timely(e))),
    };
    let mut mine = None;
    for joined in guards.join() {
        match joined {
            Ok(Some(result)) => mine = Some(result),
            Ok(None) => {}
            // timely hands back the payload's Debug form, "Any { .. }": the panic's
            // own message was printed when it happened.
            Err(_) => return Some(Err(JobError::Timely("a worker panicked; its message is printed above".into()))),
        }
    }
    mine
}
// ANCHOR_END: run

/// The capstone's line from the totals worker 0 received.
fn result_line(totals: Vec<Summary>) -> Result<String, JobError> {
    let mut sorted: BTreeMap<Vec<u8>, Stats> = BTreeMap::new();
    for total in totals {
        if sorted.insert(total.name.clone().into_bytes(), total.stats()).is_some() {
            return Err(JobError::StationTwice(total.name));
        }
    }
    Ok(stations_straightforward::format_result(sorted.iter().map(|(name, stats)| (name.as_slice(), stats))))
}
