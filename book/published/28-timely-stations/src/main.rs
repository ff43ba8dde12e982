//! The job as a program (given): `stations-timely FILE [-w THREADS] [-n PROCESSES -p INDEX -h HOSTFILE]`.
//! Each process maps FILE; the one with worker 0 prints the result line.

use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let mut options = getopts::Options::new();
    timely::Config::install_options(&mut options);
    let usage = "usage: stations-timely FILE [-w THREADS] [-n PROCESSES -p INDEX [-h HOSTFILE]]";
    let matches = match options.parse(std::env::args().skip(1)) {
        Ok(m) if m.free.len() == 1 => m,
        Ok(_) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = check_counts(&matches) {
        eprintln!("{e}\n{usage}");
        return ExitCode::from(2);
    }
    let path = std::path::Path::new(&matches.free[0]);
    let config = match timely::Config::from_matches(&matches) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let map = match std::fs::File::open(path).and_then(|file| {
        // SAFETY: the map is read-only and the course's input files are not
        // changed while a job runs; a truncation would be a SIGBUS, not a wrong answer.
        unsafe { memmap2::Mmap::map(&file) }
    }) {
        Ok(map) => map,
        Err(e) => {
            eprintln!("{}: cannot read the file: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut result_out = stdout_for_the_result_only();
    match timely_stations::run(config, Arc::new(map)) {
        None => ExitCode::SUCCESS,
        Some(Ok(line)) => {
            use std::io::Write as _;
            match writeln!(result_out, "{line}").and_then(|()| result_out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("cannot print the result: {e}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Some(Err(e)) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// More threads per process than this is a typo: each worker is a thread
/// with its own buffers (`-w 100000` would take gigabytes).
const MAX_WORKERS: usize = 1024;
/// More processes than this is a typo too: each one is a socket to every other.
const MAX_PROCESSES: usize = 256;

/// Refuses counts timely would take badly, before it starts anything: with
/// `-p 5 -n 2` it would wait forever for peers that cannot exist.
fn check_counts(matches: &getopts::Matches) -> Result<(), String> {
    let count = |flag: &str, default: usize| match matches.opt_str(flag) {
        None => Ok(default),
        Some(text) => text.parse::<usize>().map_err(|_| format!("-{flag} {}: not a whole number", shown(&text))),
    };
    let (workers, processes, index) = (count("w", 1)?, count("n", 1)?, count("p", 0)?);
    if !(1..=MAX_WORKERS).contains(&workers) {
        return Err(format!("-w {workers}: worker threads per process are 1 to {MAX_WORKERS}"));
    }
    if !(1..=MAX_PROCESSES).contains(&processes) {
        return Err(format!("-n {processes}: processes are 1 to {MAX_PROCESSES}"));
    }
    if index >= processes {
        return Err(format!("-p {index}: with -n {processes} the process index is 0 to {}", processes - 1));
    }
    Ok(())
}

/// At most 80 bytes of a bad argument, cut at a character boundary.
fn shown(text: &str) -> String {
    match text.char_indices().map(|(i, _)| i).find(|&i| i > 80) {
        Some(cut) => format!("{:?}… ({} bytes)", &text[..cut], text.len()),
        None => format!("{text:?}"),
    }
}

/// Timely prints connection progress ("awaiting connections …") on stdout;
/// this moves everything else printed on fd 1 to stderr and returns the
/// original stdout, so that stdout carries the result line and nothing else.
fn stdout_for_the_result_only() -> std::fs::File {
    use std::os::fd::FromRawFd as _;
    // SAFETY: plain descriptor calls on fds 1 and 2, which every process has;
    // the duplicate is a new fd that only the returned File owns.
    unsafe {
        let original = libc::dup(1);
        assert!(original >= 0, "dup(1) failed: {}", std::io::Error::last_os_error());
        assert!(libc::dup2(2, 1) >= 0, "dup2(2, 1) failed: {}", std::io::Error::last_os_error());
        std::fs::File::from_raw_fd(original)
    }
}
