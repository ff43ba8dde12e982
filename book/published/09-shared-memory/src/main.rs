//! The worker program that `fill_file_with_processes` starts: see `src/worker.rs`.

fn main() -> std::process::ExitCode {
    shared_memory::worker::main()
}
