//! The worker program `start_worker` starts: see `given::worker_main`.

fn main() -> std::process::ExitCode {
    sealed_frames::given::worker_main()
}
