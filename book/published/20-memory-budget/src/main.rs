//! The program the tests run as a child process, to measure its peak memory:
//! `memory-budget FILE` prints the summary of the log in FILE.

fn main() -> std::process::ExitCode {
    memory_budget::given::main()
}
