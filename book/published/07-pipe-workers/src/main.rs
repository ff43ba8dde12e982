//! The worker program that `run_workers` starts: see `src/worker.rs`.

fn main() -> std::process::ExitCode {
    pipe_workers::worker::serve_stdio()
}
