//! Exercise 07: the learner's `run_workers`, the reference's, and the same
//! jobs worked in this process on one core, on a `gen u32` file cut into jobs.
//! The work (given) is cheap, so this measures what the pipes cost.

use benches::{Contenders, Exercise};

/// Bytes per job: the file is cut into jobs of this size (the last may be shorter),
/// as `baselines/python/pipe_workers.py` cuts it.
const JOB_BYTES: usize = 4096;

fn jobs(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.chunks(JOB_BYTES).map(<[u8]>::to_vec).collect()
}

/// The results as one line: their count, their bytes and the SHA-1 of them in order.
fn digest(results: &Result<Vec<Vec<u8>>, String>) -> String {
    match results {
        Ok(results) => {
            let mut sha1 = sha1_smol::Sha1::new();
            results.iter().for_each(|r| sha1.update(r));
            let bytes: usize = results.iter().map(Vec::len).sum();
            format!("{} results, {bytes} bytes, sha1 {}", results.len(), sha1.digest())
        }
        Err(e) => format!("error: {e}"),
    }
}

fn main() {
    benches::main(Exercise {
        id: "07-pipe-workers",
        generate: |size, seed| {
            jobs(&datagen::uniform_u32(size, seed).iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<_>>())
        },
        load: |bytes| Ok(jobs(&bytes)),
        input_bytes: |jobs| jobs.iter().map(|j| j.len() as u64).sum(),
        digest,
        contenders: Contenders {
            learner: |jobs| {
                let program = benches::worker_program(benches::LEARNER_WORKER_ENV, "pipe-worker");
                ex_pipe_workers::run_workers(&program, &[], benches::threads(), jobs).map_err(|e| e.to_string())
            },
            reference: |jobs| {
                let program = benches::worker_program(benches::REFERENCE_WORKER_ENV, "pipe-worker-solution");
                ref_pipe_workers::run_workers(&program, &[], benches::threads(), jobs).map_err(|e| e.to_string())
            },
            sequential: |jobs| Ok(jobs.iter().map(|job| ref_pipe_workers::work(job)).collect()),
            // The work is cheap: against it in this process, this measures what the pipes cost.
            baseline: "the work in this process, no pipes",
        },
    });
}
