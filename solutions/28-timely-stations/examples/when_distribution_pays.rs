//! The capstone's job on one machine, five ways, on one input file: the
//! capstone's stage 4 (rayon over the mapped file, in this process) and the
//! timely program as 1 or 2 processes of 1 or 2 workers (connected over TCP
//! on localhost). Then what the workers send each other, for the arithmetic
//! of a cluster.
//!
//! ```console
//! cargo xtask gen stations --size 10000000 -o /tmp/rows10m.txt
//! cargo build --release -p timely-stations-solution --bins --examples
//! target/release/examples/when_distribution_pays /tmp/rows10m.txt
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn main() {
    let Some(file) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: when_distribution_pays FILE (make one with `cargo xtask gen stations --size N -o FILE`)");
        std::process::exit(2);
    };
    let exe = std::env::current_exe().expect("the example knows where it is");
    let program = exe.parent().and_then(Path::parent).map(|dir| dir.join("stations-timely-solution"));
    let Some(program) = program.filter(|p| p.exists()) else {
        eprintln!(
            "error: build the program first: cargo build --release -p timely-stations-solution --bins --examples"
        );
        std::process::exit(2);
    };
    let bytes = std::fs::read(&file).expect("the input file is readable");
    let rows = count_rows(&bytes);
    let want = stations_fast::aggregate(&bytes).expect("the input is well formed");
    println!(
        "{} rows, {:.0} MB; median of {RUNS} runs after one to warm up; CPU = user + system of every process\n",
        rows,
        mb(bytes.len())
    );
    println!("| how | workers | wall s, median (fastest–slowest) | CPU s | CPU/wall | M rows/s |");
    println!("|---|---:|---:|---:|---:|---:|");

    let stage4 = median_of(RUNS, || {
        let cpu0 = own_cpu();
        let start = Instant::now();
        let file = std::fs::File::open(&file).expect("open");
        // SAFETY: read-only, and nothing changes the file while this runs.
        let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
        assert_eq!(stations_fast::aggregate(&map).expect("well formed"), want);
        (start.elapsed(), own_cpu() - cpu0)
    });
    line("capstone stage 4: rayon over the mapped file", rayon::current_num_threads(), &stage4, rows);
    for (processes, workers) in [(1, 1), (1, 2), (2, 1), (2, 2)] {
        let runs = median_of(RUNS, || run_timely(&program, &file, processes, workers, &want));
        let how = format!("timely, {processes} process(es) × {workers} worker(s)");
        line(&how, processes * workers, &runs, rows);
    }
    let one_row = std::env::temp_dir().join(format!("when-distribution-pays-{}.txt", std::process::id()));
    std::fs::write(&one_row, "Oslo;1.0\n").expect("write a one-row file");
    let fixed = median_of(RUNS, || run_timely(&program, &one_row, 2, 1, "{Oslo=1.0/1.0/1.0}"));
    let _ = std::fs::remove_file(&one_row);
    line("timely, 2 processes × 1 worker, one row (the fixed cost)", 2, &fixed, 1);

    let bytes_per_row = bytes.len() as f64 / rows as f64;
    cluster_arithmetic(
        rows as f64 / stage4.median().0.as_secs_f64(),
        bytes_per_row,
        fixed.median().0.as_secs_f64(),
        10.0,
    );
    println!(
        "\nWhat crosses between workers (bincode: a name is its length in 8 bytes, then its bytes; then 24 bytes of numbers):\n"
    );
    println!("| workers | summaries to merge | their bytes | totals to worker 0 | share of the input |");
    println!("|---:|---:|---:|---:|---:|");
    for peers in [2, 4, 16, 64] {
        let (mut summaries, mut sent) = (0usize, 0usize);
        for index in 0..peers {
            let (start, share) = timely_stations::share(&bytes, index, peers);
            let stations = stations_fast::chunk_stations(share, start).expect("well formed");
            summaries += stations.len();
            sent += stations.iter().map(|(name, _)| 8 + name.len() + 24).sum::<usize>();
        }
        let totals = want.matches('=').count();
        println!(
            "| {peers} | {summaries} | {:.2} MB | {totals} | {:.3}% |",
            mb(sent),
            100.0 * sent as f64 / bytes.len() as f64
        );
    }
}

/// One billion rows on `nodes` machines like this one: the data either
/// starts on one of them and crosses its network link to the others, or is
/// already spread (each node reads its own share from local disks).
fn cluster_arithmetic(rows_per_s: f64, bytes_per_row: f64, fixed: f64, link_gbit: f64) {
    let rows = 1e9;
    let link = link_gbit * 1e9 / 8.0 / bytes_per_row; // rows per second over one link
    println!(
        "\nOne billion rows ({:.1} GB) on N machines like this one ({:.1} M rows/s each, measured above), a {link_gbit} Gbit/s \
         link ({:.0} M rows/s), {fixed:.1} s to start a cluster (measured above):\n",
        rows * bytes_per_row / 1e9,
        rows_per_s / 1e6,
        link / 1e6
    );
    println!("| N | data on one machine: s | speed-up | data already spread: s | speed-up |");
    println!("|---:|---:|---:|---:|---:|");
    let one = rows / rows_per_s;
    for nodes in [1.0f64, 2.0, 4.0, 8.0, 16.0, 64.0] {
        let start = if nodes > 1.0 { fixed } else { 0.0 };
        let parse = rows / (nodes * rows_per_s);
        // The machine holding the data sends (N-1)/N of it through its one link.
        let ship = rows * (nodes - 1.0) / nodes / link;
        let from_one = start + parse.max(ship);
        let spread = start + parse;
        println!("| {nodes} | {from_one:.1} | {:.1}× | {spread:.1} | {:.1}× |", one / from_one, one / spread);
    }
}

/// Starts `processes` programs of `workers` workers on free ports; wall time
/// and the CPU time of all of them.
fn run_timely(program: &Path, file: &Path, processes: usize, workers: usize, want: &str) -> (Duration, Duration) {
    let hosts = std::env::temp_dir().join(format!("when-distribution-pays-hosts-{}.txt", std::process::id()));
    let listeners: Vec<_> =
        (0..processes).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a port")).collect();
    let lines: String = listeners.iter().map(|l| format!("{}\n", l.local_addr().expect("bound"))).collect();
    std::fs::write(&hosts, lines).expect("write the hostfile");
    drop(listeners);
    let cpu0 = children_cpu();
    let start = Instant::now();
    let children: Vec<_> = (0..processes)
        .map(|p| {
            let mut command = Command::new(program);
            command.arg(file).args(["-w", &workers.to_string()]);
            if processes > 1 {
                command.args(["-n", &processes.to_string(), "-p", &p.to_string(), "-h"]).arg(&hosts);
            }
            command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start the program")
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().expect("the program runs")).collect();
    let wall = start.elapsed();
    let _ = std::fs::remove_file(&hosts);
    assert!(outputs.iter().all(|o| o.status.success()), "every process succeeds");
    assert_eq!(String::from_utf8_lossy(&outputs[0].stdout).trim_end(), want, "process 0 prints the capstone's line");
    (wall, children_cpu() - cpu0)
}

/// The runs of `f` (wall, CPU) after one to warm up, sorted by wall time.
fn median_of(runs: usize, mut f: impl FnMut() -> (Duration, Duration)) -> Runs {
    f();
    let mut samples: Vec<_> = (0..runs).map(|_| f()).collect();
    samples.sort();
    Runs(samples)
}

struct Runs(Vec<(Duration, Duration)>);

impl Runs {
    fn median(&self) -> (Duration, Duration) {
        self.0[self.0.len() / 2]
    }
}

fn line(how: &str, workers: usize, runs: &Runs, rows: usize) {
    let (wall, cpu) = runs.median();
    let (w, c) = (wall.as_secs_f64(), cpu.as_secs_f64());
    let (fastest, slowest) = (runs.0[0].0.as_secs_f64(), runs.0[runs.0.len() - 1].0.as_secs_f64());
    println!(
        "| {how} | {workers} | {w:.3} ({fastest:.2}–{slowest:.2}) | {c:.3} | {:.2} | {:.1} |",
        c / w,
        rows as f64 / w / 1e6
    );
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn count_rows(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn own_cpu() -> Duration {
    rusage(libc::RUSAGE_SELF)
}

fn children_cpu() -> Duration {
    rusage(libc::RUSAGE_CHILDREN)
}

fn rusage(who: libc::c_int) -> Duration {
    // SAFETY: getrusage writes one plain struct that we own.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(libc::getrusage(who, &mut usage), 0, "getrusage failed");
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}
