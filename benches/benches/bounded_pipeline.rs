//! Exercise 08: the learner's `run_pipeline`, the reference's, and the same
//! three steps in one loop on one core, on a `gen u32` file: the source
//! decodes blocks of values, the stage scores each block, the sink adds.

use std::convert::Infallible;

use benches::{Contenders, Exercise};

/// Bytes per item sent down the pipeline (1024 values), as
/// `baselines/python/bounded_pipeline.py` cuts the file.
const BLOCK_BYTES: usize = 4096;
/// Items each channel holds, as the Python side's `Queue(maxsize=16)`.
const CAPACITY: usize = 16;
/// The stage's per-value score: `x² mod P`.
const P: u64 = 1_000_003;

/// The source's step: one block of the file as values.
fn decode(block: &[u8]) -> Vec<u32> {
    block.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

/// The stage's step: the block's score.
fn score(values: Vec<u32>) -> Result<u64, Infallible> {
    Ok(values.iter().map(|&x| u64::from(x) * u64::from(x) % P).sum())
}

fn main() {
    benches::main(Exercise {
        id: "08-bounded-pipeline",
        generate: |size, seed| datagen::uniform_u32(size, seed).iter().flat_map(|x| x.to_le_bytes()).collect(),
        load: |bytes| match bytes.len() % 4 {
            0 => Ok(bytes),
            _ => Err(format!("{} bytes is not a whole number of u32 values; is it a `gen u32` file?", bytes.len())),
        },
        input_bytes: |bytes| bytes.len() as u64,
        digest: |total: &u64| total.to_string(),
        contenders: Contenders {
            learner: |bytes| {
                let mut total = 0;
                let source = bytes.chunks(BLOCK_BYTES).map(decode);
                ex_bounded_pipeline::run_pipeline(source, score, |s| total += s, CAPACITY).map_or(0, |_| total)
            },
            reference: |bytes| {
                let mut total = 0;
                let source = bytes.chunks(BLOCK_BYTES).map(decode);
                ref_bounded_pipeline::run_pipeline(source, score, |s| total += s, CAPACITY).map_or(0, |_| total)
            },
            sequential: |bytes| bytes.chunks(BLOCK_BYTES).map(|block| score(decode(block)).unwrap_or(0)).sum(),
            // The steps are cheap: against one loop, this measures what the channels cost.
            baseline: "one loop, no channels",
        },
    });
}
