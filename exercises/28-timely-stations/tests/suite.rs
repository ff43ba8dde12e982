//! The one test suite of exercise 28-timely-stations, run against the
//! learner's crate and the reference: the capstone's checks through timely
//! (three workers in this process), your three functions one at a time, and
//! the program as two processes of two workers on localhost.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use stations::RowError;
use stations::suite;
use stations_straightforward::Stats;
use testkit::TempFile;
use timely::dataflow::InputHandleVec;
use timely::dataflow::ProbeHandle;
use timely::dataflow::operators::{Inspect, Probe};
use timely_stations::{JobError, Summary, Time, gather, merge_by_station, route, run};

/// The job on `workers` threads of this process, as the capstone's checks call a stage.
fn on_workers(workers: usize, input: &[u8]) -> Result<String, RowError> {
    match run(timely::Config::process(workers), Arc::new(input.to_vec())) {
        Some(Ok(line)) => Ok(line),
        Some(Err(JobError::Row(e))) => Err(e),
        Some(Err(e)) => panic!("{e}"),
        None => panic!("no result: in one process, worker 0 is here and must return the result line"),
    }
}

fn on_one_worker(input: &[u8]) -> Result<String, RowError> {
    on_workers(1, input)
}

fn on_two_workers(input: &[u8]) -> Result<String, RowError> {
    on_workers(2, input)
}

fn on_three_workers(input: &[u8]) -> Result<String, RowError> {
    on_workers(3, input)
}

fn on_four_workers(input: &[u8]) -> Result<String, RowError> {
    on_workers(4, input)
}

const ONE_TO_FOUR: [(&str, suite::Aggregate); 4] = [
    ("1 worker", on_one_worker),
    ("2 workers", on_two_workers),
    ("3 workers", on_three_workers),
    ("4 workers", on_four_workers),
];

#[test]
fn rounding_and_negative_zero() {
    insta::assert_snapshot!(suite::rounding_table(on_three_workers));
}

#[test]
fn edge_cases() {
    for (what, input) in suite::edge_inputs() {
        suite::assert_like_oracle(on_three_workers, &input, what);
    }
}

#[test]
fn one_to_four_workers_give_the_same_line() {
    let input = suite::few_stations();
    for (what, aggregate) in ONE_TO_FOUR {
        suite::assert_like_oracle(aggregate, &input, what);
    }
}

#[test]
fn malformed_rows_are_reported_with_their_offset() {
    suite::assert_malformed_rejected(on_three_workers);
}

#[test]
fn chunk_boundaries_fall_anywhere() {
    suite::assert_boundaries_anywhere(on_three_workers);
}

fn summary(name: &str, tenths: i32) -> Summary {
    Summary::new(name, &Stats::new(tenths))
}

/// Fails the test with `message`, also written straight to stderr: when a
/// later test hangs, libtest never prints this failure's message, and the
/// checker shows what reached stderr.
fn fail_loudly(message: String) -> ! {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
    panic!("{message}");
}

/// How long the operator tests wait for their dataflow to complete.
const DATAFLOW_DEADLINE: Duration = Duration::from_secs(10);

/// Runs `build` on `workers` threads: every worker sends the batches
/// `send(index)` gives into the stream `build` makes — stepping the dataflow
/// 20 times after each, so that a batch is processed before the next is
/// sent — then closes its input; returns what each worker's output held.
fn per_worker(
    workers: usize,
    send: fn(usize) -> Vec<Vec<Summary>>,
    build: for<'s> fn(timely::dataflow::StreamVec<'s, Time, Summary>) -> timely::dataflow::StreamVec<'s, Time, Summary>,
) -> Vec<Vec<Summary>> {
    let guards = timely::execute(timely::Config::process(workers), move |worker| {
        let mut input = InputHandleVec::<Time, Summary>::new();
        let probe = ProbeHandle::new();
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = seen.clone();
        worker.dataflow::<Time, _, _>(|scope| {
            build(input.to_stream(scope))
                .inspect(move |s: &Summary| sink.borrow_mut().push(s.clone()))
                .probe_with(&probe);
        });
        for batch in send(worker.index()) {
            for s in batch {
                input.send(s);
            }
            input.flush();
            for _ in 0..20 {
                worker.step();
            }
        }
        drop(input);
        let started = Instant::now();
        while !probe.done() {
            if started.elapsed() > DATAFLOW_DEADLINE {
                fail_loudly(format!(
                    "worker {} of {workers}: the dataflow did not complete within {} s of closing its input: an \
                     operator still holds its capability (merge_by_station must drop it once it has sent the totals)",
                    worker.index(),
                    DATAFLOW_DEADLINE.as_secs()
                ));
            }
            worker.step_or_park(Some(Duration::from_millis(10)));
        }
        (worker.index(), seen.take())
    })
    .expect("timely starts in one process");
    let mut out = vec![Vec::new(); workers];
    for joined in guards.join() {
        let (index, seen) = joined.expect("a worker panicked");
        out[index] = seen;
    }
    out
}

fn hundred_stations(_worker: usize) -> Vec<Vec<Summary>> {
    vec![(0..100).map(|i| summary(&format!("station {i}"), i)).collect()]
}

#[test]
fn each_station_is_merged_on_one_worker_and_the_work_is_spread() {
    let outputs = per_worker(3, hundred_stations, merge_by_station);
    let mut merged_on: HashMap<String, Vec<usize>> = HashMap::new();
    for (worker, totals) in outputs.iter().enumerate() {
        for total in totals {
            merged_on.entry(total.name.clone()).or_default().push(worker);
            assert_eq!(
                total.count, 3,
                "{}: every one of the 3 workers sent it once, so its total counts 3",
                total.name
            );
        }
    }
    assert_eq!(merged_on.len(), 100, "all 100 stations come out of merge_by_station");
    for (name, workers) in &merged_on {
        assert_eq!(workers.len(), 1, "{name} came out of workers {workers:?}: a station must be merged on one worker");
    }
    for (worker, totals) in outputs.iter().enumerate() {
        assert!(
            !totals.is_empty(),
            "worker {worker} of 3 merged none of 100 stations: route must spread the stations over the workers"
        );
    }
}

fn oslo_in_two_batches(_worker: usize) -> Vec<Vec<Summary>> {
    vec![vec![summary("Oslo", 10)], vec![summary("Oslo", -30)]]
}

#[test]
fn a_total_waits_for_the_whole_input() {
    let totals = per_worker(1, oslo_in_two_batches, merge_by_station);
    let mut want = Stats::new(10);
    want.add(-30);
    // Say what was seen: a total per batch, a total counted twice, or a wrong total.
    let why = match totals[0].len() {
        0 => "no total of Oslo came out".to_string(),
        1 => "the one total of Oslo must merge both summaries (a total sent before the input is complete               misses the later one)"
            .to_string(),
        n => format!("Oslo came out {n} times: one total per station, sent once the input is complete"),
    };
    assert_eq!(totals[0], vec![Summary::new("Oslo", &want)], "two summaries of Oslo sent a while apart: {why}");
}

fn one_per_worker(worker: usize) -> Vec<Vec<Summary>> {
    vec![vec![summary(&format!("from worker {worker}"), 1)]]
}

#[test]
fn gather_sends_everything_to_worker_0() {
    let outputs = per_worker(3, one_per_worker, gather);
    let mut at_0: Vec<&str> = outputs[0].iter().map(|s| s.name.as_str()).collect();
    at_0.sort();
    assert_eq!(at_0, ["from worker 0", "from worker 1", "from worker 2"], "worker 0 receives every total");
    assert!(outputs[1].is_empty() && outputs[2].is_empty(), "workers 1 and 2 keep nothing: {:?}", &outputs[1..]);
}

#[test]
fn route_is_a_function_of_the_name() {
    for name in ["Abha", "Zürich", "東京", ""] {
        assert_eq!(route(name), route(name), "route({name:?}) twice");
    }
    let distinct: std::collections::HashSet<u64> = (0..100).map(|i| route(&format!("station {i}"))).collect();
    assert!(distinct.len() > 50, "100 names give only {} distinct routes: too few to spread the work", distinct.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_rows_like_the_oracle(input in suite::any_rows(), workers in 0usize..4) {
        let (what, aggregate) = ONE_TO_FOUR[workers];
        suite::assert_like_oracle(aggregate, &input, &format!("random rows on {what}"));
    }
}

// ---- the program as processes ----

fn program() -> &'static str {
    option_env!("CARGO_BIN_EXE_stations-timely")
        .or(option_env!("CARGO_BIN_EXE_stations-timely-solution"))
        .expect("cargo builds the exercise's program for its tests")
}

/// A hostfile of ports free right now. Timely's default ports (2101, 2102, …)
/// are the same for every run: two runs at once would connect to each other.
fn hostfile(processes: usize) -> TempFile {
    let listeners: Vec<_> =
        (0..processes).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port")).collect();
    let lines: String = listeners.iter().map(|l| format!("{}\n", l.local_addr().expect("a bound address"))).collect();
    TempFile::with("hosts.txt", lines.as_bytes())
}

struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `-n processes -w 2` on `input`; kills every process if they are not
/// all done in `limit`. Their output is read while they run: a result line
/// is larger than a pipe holds, and a full pipe would stop the writer.
fn run_processes(input: &Path, processes: usize, limit: Duration) -> Vec<Finished> {
    let hosts = hostfile(processes);
    let mut children: Vec<Child> = (0..processes)
        .map(|p| {
            Command::new(program())
                .arg(input)
                .args(["-w", "2", "-n", &processes.to_string(), "-p", &p.to_string(), "-h"])
                .arg(hosts.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start the program")
        })
        .collect();
    let readers: Vec<_> = children
        .iter_mut()
        .map(|child| (read_all(child.stdout.take().expect("piped")), read_all(child.stderr.take().expect("piped"))))
        .collect();
    let started = Instant::now();
    while children.iter_mut().any(|c| c.try_wait().expect("poll a child").is_none()) {
        if started.elapsed() > limit {
            for child in &mut children {
                let _ = child.kill();
                let _ = child.wait();
            }
            fail_loudly(format!(
                "{processes} processes of 2 workers did not finish within {} s and were killed: a worker that never \
                 lets go of its capability keeps every process waiting",
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    children
        .into_iter()
        .zip(readers)
        .map(|(mut child, (stdout, stderr))| Finished {
            success: child.wait().expect("reap").success(),
            stdout: stdout.join().expect("a reader thread"),
            stderr: stderr.join().expect("a reader thread"),
        })
        .collect()
}

#[test]
fn impossible_counts_are_refused_at_once() {
    // The program is given; these are its own checks, before timely starts:
    // unchecked, `-p 5 -n 2` waits forever for peers that cannot exist and
    // `-w 100000` starts 100 000 threads.
    let input = TempFile::with("one-row.txt", b"Oslo;1.0\n");
    let long = "9".repeat(5000);
    let cases: [(&[&str], &str); 6] = [
        (&["-n", "2", "-p", "5"], "-p 5"),
        (&["-w", "100000"], "-w 100000"),
        (&["-w", "0"], "-w 0"),
        (&["-n", "0"], "-n 0"),
        (&["-n", "100000", "-p", "0"], "-n 100000"),
        (&["-w", &long], "-w \"999"),
    ];
    for (args, named) in cases {
        let mut child = Command::new(program())
            .arg(input.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the program");
        let stderr = read_all(child.stderr.take().expect("piped"));
        let started = Instant::now();
        while child.try_wait().expect("poll the program").is_none() {
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                fail_loudly(format!("stations-timely {} still ran after 10 s: it must refuse at once", args.join(" ")));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let status = child.wait().expect("reap the program");
        let stderr = stderr.join().expect("a reader thread");
        let shown = if stderr.len() > 300 { &stderr[..300] } else { &stderr };
        assert_eq!(
            status.code(),
            Some(2),
            "stations-timely {}: exit status 2 (usage), stderr: {shown}",
            args.join(" ")
        );
        assert!(stderr.contains(named), "the refusal of {named}… names it: {shown}");
        assert!(stderr.len() < 400, "the refusal quotes at most 80 bytes of the bad argument: {} bytes", stderr.len());
    }
}

fn read_all(mut from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        from.read_to_string(&mut text).expect("the program prints UTF-8");
        text
    })
}

#[test]
fn two_processes_of_two_workers_match_the_capstone() {
    let _alone = testkit::serial();
    let rows = datagen::station_rows(200_000, 28).into_bytes();
    let want = suite::aggregate_oracle(&rows).expect("generated rows are well formed");
    let input = TempFile::with("rows.txt", &rows);
    let finished = run_processes(input.path(), 2, Duration::from_secs(15));
    for (p, f) in finished.iter().enumerate() {
        assert!(f.success, "process {p} failed; its stderr:\n{}", f.stderr);
    }
    let want = format!("{want}\n");
    let got = &finished[0].stdout;
    if *got != want {
        let at = got.bytes().zip(want.bytes()).take_while(|(a, b)| a == b).count();
        let around = |s: &str| {
            String::from_utf8_lossy(&s.as_bytes()[at.saturating_sub(40)..(at + 40).min(s.len())]).into_owned()
        };
        panic!(
            "process 0 (worker 0) must print exactly the capstone's line ({} bytes); it printed {} bytes, differing \
             from byte {at}:\n  got      …{}…\n  expected …{}…",
            want.len(),
            got.len(),
            around(got),
            around(&want)
        );
    }
    assert_eq!(finished[1].stdout, "", "process 1 prints nothing: worker 0 is in process 0");
    testkit::assert_no_children_left("two processes");
}

#[test]
fn a_malformed_row_in_the_second_process_is_reported_by_the_first() {
    let _alone = testkit::serial();
    let mut rows = datagen::station_rows(100_000, 29).into_bytes();
    let offset = rows.len() as u64;
    rows.extend_from_slice(b"Lima;19.05\n");
    let input = TempFile::with("bad-rows.txt", &rows);
    let finished = run_processes(input.path(), 2, Duration::from_secs(15));
    assert!(!finished[0].success, "process 0 exits with an error; it printed {:?}", finished[0].stdout);
    assert!(
        finished[0].stderr.contains(&format!("malformed row at byte {offset}")),
        "process 0's stderr names the row's offset {offset}:\n{}",
        finished[0].stderr
    );
    assert_eq!(finished[0].stdout, "", "no result line when a row is malformed");
    testkit::assert_no_children_left("two processes");
}
