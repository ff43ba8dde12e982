// ANCHOR: usage
//! The worker program's side (given): `src/main.rs` runs [`main`].
//!
//! ```text
//! shared-memory-worker [--fail-at OFFSET] [--record DIR] [--barrier DIR N] [--stdout] FILE START END
//! ```
//!
//! Fills bytes `START..END` of `FILE` with [`pattern`](crate::pattern) by
//! calling your [`fill_region_of_file`](crate::fill_region_of_file). The
//! options are for the tests and the measurements:
//! `--fail-at OFFSET` makes the worker whose region holds that byte exit
//! with status 9 before writing; `--record DIR` creates the file
//! `DIR/START-END` (so a test can count the workers); `--barrier DIR N`
//! creates a file in `DIR` and waits (at most 3 s) until `DIR` holds N files,
//! exiting with status 8 if the other workers never come (so a test can tell
//! workers that run together from workers run one after another);
//! `--stdout` writes the bytes to stdout instead of the file (the "copy
//! through a pipe" contrast).
// ANCHOR_END: usage

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("shared-memory worker: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let (mut fail_at, mut record, mut barrier, mut stdout, mut rest) = (None, None, None, false, Vec::new());
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--fail-at" => fail_at = Some(number(it.next())?),
            "--record" => record = Some(PathBuf::from(it.next().ok_or("--record needs a folder")?)),
            "--barrier" => {
                let dir = PathBuf::from(it.next().ok_or("--barrier needs a folder")?);
                barrier = Some((dir, number(it.next())?));
            }
            "--stdout" => stdout = true,
            _ => rest.push(arg),
        }
    }
    let [file, start, end] = <[String; 3]>::try_from(rest).map_err(|_| "usage: FILE START END")?;
    let (start, end) = (number(Some(start))?, number(Some(end))?);
    if fail_at.is_some_and(|at| (start..end).contains(&at)) {
        return Ok(ExitCode::from(9));
    }
    if let Some(dir) = record {
        std::fs::write(dir.join(format!("{start}-{end}")), b"").map_err(|e| format!("--record: {e}"))?;
    }
    if let Some((dir, n)) = barrier
        && !met_at_barrier(&dir, n, start).map_err(|e| format!("--barrier: {e}"))?
    {
        eprintln!("shared-memory worker {start}..{end}: waited 3 s for {n} workers at the barrier; they never came");
        return Ok(ExitCode::from(8));
    }
    if stdout {
        let mut out = std::io::stdout().lock();
        let bytes: Vec<u8> = (start..end).map(crate::pattern).collect();
        out.write_all(&bytes).and_then(|()| out.flush()).map_err(|e| format!("stdout: {e}"))?;
    } else {
        crate::fill_region_of_file(file.as_ref(), start, end).map_err(|e| format!("{file} {start}..{end}: {e}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn met_at_barrier(dir: &std::path::Path, n: u64, start: u64) -> std::io::Result<bool> {
    std::fs::write(dir.join(start.to_string()), b"")?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < deadline {
        if std::fs::read_dir(dir)?.count() as u64 >= n {
            return Ok(true);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Ok(false)
}

fn number(arg: Option<String>) -> Result<u64, String> {
    let arg = arg.ok_or("a number is missing")?;
    arg.parse().map_err(|_| format!("not a number: {arg}"))
}
