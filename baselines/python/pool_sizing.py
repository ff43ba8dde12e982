"""Python baseline for exercise 18-pool-sizing: a compute-bound job in a pool of the right size.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`. The job is the exercise's kernel, a
few rounds of integer mixing per value, summed:

    h = x ^ 0x9E3779B97F4A7C15
    6 times: h ^= h >> 31; h = h * 0xBF58476D1CE4E5B9 mod 2**64
    kernel(x) = h >> 40            total = sum of kernel(x) over the file

Usage (protocol in README.md):

    python3 pool_sizing.py FILE --mode MODE [--workers N]   # one JSON line
    python3 pool_sizing.py --list-modes                     # ["sequential", "pool", "threadpool", ...]

Modes:
  sequential  one process, a generator over a memoryview of the values;
  pool        multiprocessing.Pool(--workers): the exercise's rule for
              compute, one process per core (the default, os.cpu_count(), is
              what Pool() itself picks); about four chunks per worker,
              pool.map(..., chunksize=1). Try --workers 1, 2, 4, 8 to see
              the rule: past the cores the time does not improve;
  threadpool  multiprocessing.pool.ThreadPool(--workers), the same chunks:
              the size rule for work that *waits* (ThreadPoolExecutor's
              default is min(32, cpu_count + 4) threads). On this job it is
              the wrong tool: the threads take turns holding the GIL, so it
              runs at about one core's speed whatever the size;
  numpy       the kernel on whole uint64 arrays (NumPy's multiply wraps
              modulo 2**64 as the Rust code's wrapping_mul does), one core.

The digest is str(total), as on the Rust side (`total.to_string()`).
compute_seconds covers the work, including cutting the chunks and sending
them to the workers; it excludes interpreter start-up, imports, reading the
file and starting the pool's processes or threads.

Standard library only (Python 3.11). NumPy is optional, for --mode numpy:
python3 -m pip install numpy
"""

import sys
import time
from multiprocessing.pool import ThreadPool

from parallel_sum import as_u32, chunks_of, load
from workbench_baseline import Outcome, main, warm_pool

MASK = (1 << 64) - 1
SEED = 0x9E3779B97F4A7C15
MULTIPLIER = 0xBF58476D1CE4E5B9
ROUNDS = 6


def kernel(x):
    """The exercise's work for one value, as `given::kernel`: all arithmetic, no memory traffic."""
    h = x ^ SEED
    for _ in range(ROUNDS):
        h ^= h >> 31
        h = (h * MULTIPLIER) & MASK
    return h >> 40


def chunk_total(chunk):
    """Runs in a worker: the kernel's sum over one chunk of raw bytes."""
    return sum(kernel(x) for x in as_u32(chunk))


def run_sequential(data, workers):
    start = time.perf_counter()
    total = chunk_total(data)
    return Outcome(time.perf_counter() - start, "one process, sum(kernel(x) for x in memoryview)", total)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        chunks = chunks_of(data, workers * 4)
        total = sum(pool.map(chunk_total, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}), {len(chunks)} chunks, chunksize=1", total)


def run_threadpool(data, workers):
    with ThreadPool(workers) as pool:  # its threads start here, before the clock
        start = time.perf_counter()
        chunks = chunks_of(data, workers * 4)
        total = sum(pool.map(chunk_total, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.pool.ThreadPool({workers}), {len(chunks)} chunks, chunksize=1 (one GIL)"
    return Outcome(seconds, flavour, total)


def run_numpy(data, workers):
    import numpy as np

    values = np.frombuffer(data, dtype="<u4")  # a view of the bytes already read: no copy
    start = time.perf_counter()
    h = values.astype(np.uint64) ^ np.uint64(SEED)
    for _ in range(ROUNDS):
        h ^= h >> np.uint64(31)
        h *= np.uint64(MULTIPLIER)  # wraps modulo 2**64, silently, for arrays
    # Each term is below 2**24: uint64 cannot overflow below 2**40 values.
    total = int((h >> np.uint64(40)).sum(dtype=np.uint64))
    seconds = time.perf_counter() - start
    return Outcome(seconds, f"NumPy {np.__version__}, the kernel on uint64 arrays, one core", total)


MODES = {"sequential": run_sequential, "pool": run_pool, "threadpool": run_threadpool, "numpy": run_numpy}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=str))
