//! The worker program that `supervise` starts: see `src/worker.rs`.

fn main() -> std::process::ExitCode {
    supervised_workers::worker::main()
}
