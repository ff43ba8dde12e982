//! Exercise 09: the learner's `fill_file_with_processes`, the reference's,
//! and the pattern written into memory by one loop on one core; beside them
//! (bench only), the reference's `fill_with_threads`. The input is a length:
//! that of a `gen u32` file, whose bytes are not used.

use std::fmt;
use std::path::{Path, PathBuf};

use benches::{Contenders, Exercise};
use ref_shared_memory::pattern;

/// The filled bytes: in memory, or the file the workers filled, mapped.
enum Bytes {
    Memory(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Memory(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// What a contender answers: the bytes, or why there are none.
struct Filled(Result<Bytes, String>);

impl PartialEq for Filled {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Ok(a), Ok(b)) => a[..] == b[..],
            (Err(a), Err(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Debug for Filled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(bytes) => write!(f, "{} bytes, sha1 {}", bytes.len(), sha1_smol::Sha1::from(&bytes[..]).digest()),
            Err(e) => write!(f, "error: {e}"),
        }
    }
}

/// A file of this process's own for each contender, so one's result stays
/// mapped while the next one fills its file.
fn file_for(who: &str) -> PathBuf {
    std::env::temp_dir().join(format!("workbench-09-{}-{who}.bin", std::process::id()))
}

/// Maps the file the workers filled, then unlinks it: the mapping keeps the
/// bytes, and nothing is left behind in the temporary folder.
fn mapped(path: &Path) -> Result<Bytes, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // SAFETY: the workers have ended and nothing else writes or truncates the file,
    // which is unlinked at once.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = std::fs::remove_file(path);
    Ok(Bytes::Mapped(map))
}

fn main() {
    benches::main_beside(
        Exercise {
            id: "09-shared-memory",
            generate: |size, _seed| size as u64 * 4,
            load: |bytes| Ok(bytes.len() as u64),
            input_bytes: |len| *len,
            digest: |filled: &Filled| format!("{filled:?}"),
            contenders: Contenders {
                learner: |&len| {
                    let (path, program) = (
                        file_for("learner"),
                        benches::worker_program(benches::LEARNER_WORKER_ENV, "shared-memory-worker"),
                    );
                    let filled =
                        ex_shared_memory::fill_file_with_processes(&path, len, benches::threads(), &program, &[]);
                    Filled(filled.map_err(|e| e.to_string()).and_then(|()| mapped(&path)))
                },
                reference: |&len| {
                    let (path, program) = (
                        file_for("reference"),
                        benches::worker_program(benches::REFERENCE_WORKER_ENV, "shared-memory-worker-solution"),
                    );
                    let filled =
                        ref_shared_memory::fill_file_with_processes(&path, len, benches::threads(), &program, &[]);
                    Filled(filled.map_err(|e| e.to_string()).and_then(|()| mapped(&path)))
                },
                sequential: |&len| Filled(Ok(Bytes::Memory((0..len).map(pattern).collect()))),
                baseline: benches::SEQUENTIAL_BASELINE,
            },
        },
        &[("reference, threads", |&len| {
            let mut out = vec![0; len as usize];
            ref_shared_memory::fill_with_threads(&mut out, benches::threads());
            Filled(Ok(Bytes::Memory(out)))
        })],
    );
}
