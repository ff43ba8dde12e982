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
///
/// The input is a trait object, not a type parameter, so the dataflow is
/// compiled once, here: generic, every program calling it (the job's binary,
/// the tests) would compile all of timely's operators again after each edit.
pub fn run(config: timely::Config, input: Arc<dyn AsRef<[u8]> + Send + Sync>) -> Option<Result<String, JobError>> {
    let guards = match execute(config, move |worker| {
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

/// `timely::execute`, with the connections between processes made without
/// timely's pauses: its own set-up sleeps a whole second whenever a peer is
/// not there yet, on both sides, which on one machine was most of a small
/// job's time. The sockets are made as timely makes them — process `p`
/// connects to every lower index and accepts every higher one, and says its
/// index first — but a refused connection is tried again after 5 ms, and an
/// accept waits 5 ms between looks.
fn execute<T, F>(config: timely::Config, job: F) -> Result<timely::communication::WorkerGuards<T>, String>
where
    T: Send + 'static,
    F: Fn(&mut timely::worker::Worker) -> T + Send + Sync + 'static,
{
    use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
    use timely::communication::allocator::{AllocatorBuilder, ProcessBuilder};
    use timely::communication::{Config, Hooks};
    let Config::Cluster { threads, process, addresses, zerocopy: false, .. } = config.communication else {
        return timely::execute(config, job);
    };
    let sockets = connect(&addresses, process).map_err(|e| format!("failed to connect the processes: {e}"))?;
    let hooks = Hooks::default();
    let local = ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, guard) = initialize_networking_from_sockets(local, sockets, process, threads, hooks)
        .map_err(|e| format!("failed to start the network threads: {e}"))?;
    let builders = builders.into_iter().map(AllocatorBuilder::Tcp).collect();
    timely::execute::execute_from(builders, Box::new(guard), config.worker, job)
}

/// How long a process waits for its peers before it gives up.
const PEERS_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// One socket per other process (`None` for this one), as timely's own set-up makes them.
fn connect(addresses: &[String], me: usize) -> std::io::Result<Vec<Option<std::net::TcpStream>>> {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + PEERS_WAIT;
    let gone = |what: String| std::io::Error::new(std::io::ErrorKind::TimedOut, what);
    // Bound before connecting out, so that a higher peer never waits on us.
    let listener = TcpListener::bind(addresses[me].as_str())?;
    listener.set_nonblocking(true)?;
    let mut sockets: Vec<Option<TcpStream>> = (0..addresses.len()).map(|_| None).collect();
    for (peer, address) in addresses.iter().enumerate().take(me) {
        let mut stream = loop {
            match TcpStream::connect(address.as_str()) {
                Ok(stream) => break stream,
                Err(e) if Instant::now() > deadline => {
                    return Err(gone(format!("process {peer} at {address} never answered: {e}")));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        stream.set_nodelay(true)?;
        stream.write_all(&(me as u64).to_be_bytes())?;
        sockets[peer] = Some(stream);
    }
    while sockets.iter().skip(me + 1).any(Option::is_none) {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_nodelay(true)?;
                let mut index = [0u8; 8];
                stream.read_exact(&mut index)?;
                let peer = u64::from_be_bytes(index) as usize;
                match sockets.get_mut(peer) {
                    Some(slot @ None) if peer > me => *slot = Some(stream),
                    _ => return Err(gone(format!("a connection said it was process {peer}, which is not expected"))),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    return Err(gone(format!("processes above {me} never all connected")));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(sockets)
}

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
