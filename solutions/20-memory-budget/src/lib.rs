//! Reference solution of exercise 20-memory-budget.

#[path = "../../../exercises/20-memory-budget/src/given.rs"]
pub mod given;

use std::io::{ErrorKind, Read};

use crossbeam::channel::{Receiver, Sender, bounded};
pub use given::{MAX_LINE, MEMORY_BUDGET, StreamError, Summary};

pub const BLOCK: usize = 1 << 20;
pub const BUFFERS: usize = 4;

/// Whole lines, and the byte offset of the first in the input.
type Block = (u64, Vec<u8>);

// ANCHOR: solution
pub fn summarize_stream<R: Read>(mut reader: R) -> Result<Summary, StreamError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (full, to_summarize) = bounded::<Block>(BUFFERS);
    // Room for every buffer: a worker handing one back never waits.
    let (give_back, returned) = bounded::<Vec<u8>>(BUFFERS);
    std::thread::scope(|scope| {
        let summaries: Vec<_> = (0..workers)
            .map(|_| {
                let (input, give_back) = (to_summarize.clone(), give_back.clone());
                scope.spawn(move || {
                    let mut summary = Summary::default();
                    // The first too-long line this worker saw; it keeps going,
                    // so that every buffer comes back to the reader.
                    let mut too_long = None;
                    for (offset, mut block) in input {
                        if too_long.is_none()
                            && let Err(start) = summary.add_lines(&block)
                        {
                            too_long = Some(offset + start as u64);
                        }
                        block.clear();
                        // Never full (it has room for every buffer), and after
                        // an error nobody takes buffers back: never wait here.
                        let _ = give_back.try_send(block);
                    }
                    (summary, too_long)
                })
            })
            .collect();
        drop((to_summarize, give_back));
        let read = read_blocks(&mut reader, &full, &returned);
        // Closing the channel ends the workers, also after an error.
        drop(full);
        let mut total = Summary::default();
        let mut first_too_long: Option<u64> = None;
        for worker in summaries {
            let (summary, too_long) = worker.join().expect("a summarizing worker panicked");
            total.merge(summary);
            first_too_long = first_too_long.into_iter().chain(too_long).min();
        }
        // A worker's find lies before the reader's, which stopped reading there.
        match (first_too_long, read) {
            (Some(offset), _) => Err(StreamError::LineTooLong { offset, limit: MAX_LINE }),
            (None, read) => read.map(|()| total),
        }
    })
}

/// Sends the input as blocks of whole lines (the last may lack its `\n`).
fn read_blocks(reader: &mut impl Read, full: &Sender<Block>, returned: &Receiver<Vec<u8>>) -> Result<(), StreamError> {
    let mut made = 0;
    // The start of a line that continues in the next block, and where it began.
    let mut carry: Vec<u8> = Vec::with_capacity(MAX_LINE);
    let mut carry_offset = 0u64;
    loop {
        let mut buffer = if made < BUFFERS {
            made += 1;
            Vec::with_capacity(BLOCK + MAX_LINE)
        } else {
            returned.recv().expect("the workers hand every buffer back")
        };
        buffer.extend_from_slice(&carry);
        let kept = buffer.len();
        let read = fill(reader, &mut buffer, BLOCK)?;
        if read == 0 {
            if !buffer.is_empty() {
                full.send((carry_offset, buffer)).expect("a worker is running");
            }
            return Ok(());
        }
        let offset = carry_offset;
        carry.clear();
        match buffer[kept..].iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                let end = kept + last + 1;
                carry.extend_from_slice(&buffer[end..]);
                carry_offset += end as u64;
                buffer.truncate(end);
            }
            None => {
                // No line ends here: all of it continues into the next block.
                carry.append(&mut buffer);
            }
        }
        if buffer.is_empty() {
            // Its bytes moved to `carry`; the buffer itself is gone.
            made -= 1;
        } else {
            // Sent even when the carry is too long: a too-long line that ends
            // in this block comes first, and only a worker would find it.
            full.send((offset, buffer)).expect("a worker is running");
        }
        if carry.len() > MAX_LINE {
            return Err(StreamError::LineTooLong { offset: carry_offset, limit: MAX_LINE });
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
// ANCHOR_END: solution
