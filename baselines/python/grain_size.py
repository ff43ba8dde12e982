"""Python baseline for exercise 06-grain-size: the sum of cheap(x) over a file of u32 values.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`. cheap(x) is the exercise's work
function (exercises/06-grain-size/src/work.rs): four rounds of
h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9 modulo 2**64, then h >> 56 — a few
nanoseconds in Rust, so the cost of a task shows. Usage (protocol in README.md):

    python3 grain_size.py FILE --mode MODE [--workers N]   # one JSON line
    python3 grain_size.py --list-modes                     # ["sequential", "pool", "pool-map", ...]

Modes:
  sequential  one process: sum(map(cheap, values));
  pool        multiprocessing.Pool(--workers, default os.cpu_count()), eight
              chunks of raw bytes per worker (the reference's grain rule:
              eight tasks per thread), pool.map(chunk_sum, chunks, chunksize=1):
              each worker sums its chunk and sends back one number;
  pool-map    what a Python user writes first: pool.map(cheap, values) with
              Pool.map's default chunksize (len / (4 * workers)), so every
              item's result is pickled and sent back, then summed — the grain
              is the chunksize, and each item still costs a trip;
  numpy       NumPy in blocks of 2**20 items, uint64 arithmetic (which wraps
              modulo 2**64 like Rust's wrapping_mul), one core.

The digest is str(total), as on the Rust side (`total.to_string()`).
compute_seconds covers the work, including cutting the chunks, sending them
to the workers and their results back; it excludes interpreter start-up,
imports, reading the file and starting the pool's processes.

Standard library only (Python 3.11). NumPy is optional, for --mode numpy:
python3 -m pip install numpy
"""

import sys
import time

from parallel_sum import as_u32, chunks_of, load
from workbench_baseline import Outcome, main, warm_pool

MASK = (1 << 64) - 1
MULTIPLIER = 0xBF58476D1CE4E5B9
CHUNKS_PER_WORKER = 8
NUMPY_BLOCK = 1 << 20


def cheap(x):
    """The exercise's work for one item, as work.rs: wrapping_mul is `* MULTIPLIER & MASK`."""
    h = x
    for _ in range(4):
        h = ((h ^ (h >> 29)) * MULTIPLIER) & MASK
    return h >> 56


def chunk_sum(chunk):
    """Runs in a worker process: the sum of cheap(x) over one chunk of raw bytes."""
    return sum(map(cheap, as_u32(chunk)))


def run_sequential(data, workers):
    start = time.perf_counter()
    total = sum(map(cheap, as_u32(data)))
    return Outcome(time.perf_counter() - start, "one process, sum(map(cheap, values))", total)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        chunks = chunks_of(data, workers * CHUNKS_PER_WORKER)
        total = sum(pool.map(chunk_sum, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(chunks)} chunks ({CHUNKS_PER_WORKER} per worker), one sum each"
    return Outcome(seconds, flavour, total)


def run_pool_map(data, workers):
    values = as_u32(data)
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        total = sum(pool.map(cheap, values))
        seconds = time.perf_counter() - start
    # Pool.map's own rule when no chunksize is given, for the flavour only.
    chunksize, extra = divmod(len(values), workers * 4)
    chunksize += 1 if extra else 0
    flavour = f"multiprocessing.Pool({workers}).map(cheap, values), default chunksize={chunksize}, a result per item"
    return Outcome(seconds, flavour, total)


def run_numpy(data, workers):
    import numpy as np

    values = np.frombuffer(data, dtype="<u4")  # a view of the bytes already read: no copy
    multiplier, shift = np.uint64(MULTIPLIER), np.uint64(29)
    start = time.perf_counter()
    total = 0
    # Blocks keep the uint64 temporaries small (8 MB) instead of 8 bytes per item at once.
    for begin in range(0, len(values), NUMPY_BLOCK):
        h = values[begin : begin + NUMPY_BLOCK].astype(np.uint64)
        for _ in range(4):
            h ^= h >> shift
            h *= multiplier  # uint64 arrays wrap modulo 2**64, silently
        total += int((h >> np.uint64(56)).sum(dtype=np.uint64))
    seconds = time.perf_counter() - start
    flavour = f"NumPy {np.__version__}, uint64 arithmetic in blocks of {NUMPY_BLOCK} items, one core"
    return Outcome(seconds, flavour, total)


MODES = {"sequential": run_sequential, "pool": run_pool, "pool-map": run_pool_map, "numpy": run_numpy}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=str))
