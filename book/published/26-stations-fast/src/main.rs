//! `stations-fast FILE` prints the result line for FILE.

fn main() -> std::process::ExitCode {
    stations::program_main(|path| Ok(stations_fast::aggregate(&std::fs::read(path)?)?))
}
