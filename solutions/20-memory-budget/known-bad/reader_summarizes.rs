//! expect: tests-failed
//! failing: one_worker_per_core
//! Streaming done right, on one thread: the reader summarizes each block itself, no workers.

#[path = "../../../exercises/20-memory-budget/src/given.rs"]
pub mod given;

use std::io::{ErrorKind, Read};

pub use given::{MAX_LINE, MEMORY_BUDGET, StreamError, Summary};

pub const BLOCK: usize = 1 << 20;
pub const BUFFERS: usize = 4;

pub fn summarize_stream<R: Read>(mut reader: R) -> Result<Summary, StreamError> {
    let mut summary = Summary::default();
    // One buffer: the line carried over from the last block, then the next block.
    let mut buffer: Vec<u8> = Vec::with_capacity(BLOCK + MAX_LINE);
    let mut offset = 0u64;
    let too_long = |offset: u64| StreamError::LineTooLong { offset, limit: MAX_LINE };
    loop {
        let kept = buffer.len();
        let read = fill(&mut reader, &mut buffer, BLOCK)?;
        if read == 0 {
            summary.add_lines(&buffer).map_err(|start| too_long(offset + start as u64))?;
            return Ok(summary);
        }
        if let Some(last) = buffer[kept..].iter().rposition(|&b| b == b'\n') {
            let end = kept + last + 1;
            summary.add_lines(&buffer[..end]).map_err(|start| too_long(offset + start as u64))?;
            buffer.drain(..end);
            offset += end as u64;
        }
        if buffer.len() > MAX_LINE {
            return Err(too_long(offset));
        }
    }
}

/// Appends up to `want` bytes from `reader` to `buffer`; fewer only at the end.
fn fill(reader: &mut impl Read, buffer: &mut Vec<u8>, want: usize) -> std::io::Result<usize> {
    let start = buffer.len();
    buffer.resize(start + want, 0);
    let mut got = 0;
    while got < want {
        match reader.read(&mut buffer[start + got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                buffer.truncate(start + got);
                return Err(e);
            }
        }
    }
    buffer.truncate(start + got);
    Ok(got)
}
