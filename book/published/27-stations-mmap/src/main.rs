//! `stations-mmap FILE` prints the result line for FILE.

fn main() -> std::process::ExitCode {
    stations::program_main(|path| Ok(stations_mmap::aggregate_file(path)?))
}
