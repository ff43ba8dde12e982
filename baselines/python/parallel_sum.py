"""Python baseline for exercise 01-parallel-sum: the sum of a file of u32 values.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`. Usage (protocol in README.md):

    python3 parallel_sum.py FILE --mode MODE [--workers N]   # one JSON line
    python3 parallel_sum.py --list-modes                     # ["sequential", "pool", ...]

    {"impl": "pool", "flavour": "multiprocessing.Pool(2), 8 chunks, chunksize=1",
     "compute_seconds": 0.42, "digest": "2149693639027151", "result": 2149693639027151}

Modes:
  sequential  one process: sum() over a memoryview cast to unsigned ints;
  pool        multiprocessing.Pool(--workers, default os.cpu_count()), about
              four chunks per worker, pool.map(..., chunksize=1);
  numpy       numpy.frombuffer(dtype="<u4").sum(dtype=uint64), one core.

The digest is str(total), as on the Rust side. compute_seconds covers the
summing, including cutting the chunks and sending them to the workers (a cost
every Pool program pays); it excludes interpreter start-up, imports, reading
the file and starting the pool's processes.

Standard library only (Python 3.11). NumPy is optional, for --mode numpy:
python3 -m pip install numpy
"""

import sys
import time
from array import array

from workbench_baseline import BaselineError, Outcome, main, read_bytes, warm_pool

ITEM_BYTES = 4
# The array/memoryview type code of a 4-byte unsigned int ("I" on every common platform).
TYPECODE = next(code for code in "IL" if array(code).itemsize == ITEM_BYTES)


def check_u32_size(path, size):
    """Refuses a `gen u32` file of `size` bytes that cannot be whole u32 values (one message for every script)."""
    if size % ITEM_BYTES:
        raise BaselineError(f"{path}: {size} bytes is not a whole number of u32 values; is it a `cargo xtask gen u32` file?")


def load(path):
    data = read_bytes(path)
    check_u32_size(path, len(data))
    return data


def as_u32(buf):
    """The little-endian u32 values of `buf`, without a copy on little-endian machines."""
    if sys.byteorder == "little":
        return memoryview(buf).cast(TYPECODE)
    values = array(TYPECODE)
    values.frombytes(buf)
    values.byteswap()
    return values


def chunk_sum(chunk):
    """Runs in a worker process: the sum of one chunk of raw bytes."""
    return sum(as_u32(chunk))


def chunks_of(data, pieces):
    """About `pieces` chunks of raw bytes, each a whole number of items; the last may be shorter."""
    items = len(data) // ITEM_BYTES
    per_chunk = max(1, -(-items // pieces)) * ITEM_BYTES
    return [data[start : start + per_chunk] for start in range(0, len(data), per_chunk)]


def run_sequential(data, workers):
    start = time.perf_counter()
    total = sum(as_u32(data))
    return Outcome(time.perf_counter() - start, "one process, sum() over memoryview.cast()", total)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        # About four chunks per worker, so a slow worker does not hold up the rest.
        chunks = chunks_of(data, workers * 4)
        total = sum(pool.map(chunk_sum, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}), {len(chunks)} chunks, chunksize=1", total)


def run_numpy(data, workers):
    import numpy as np

    values = np.frombuffer(data, dtype="<u4")  # a view of the bytes already read: no copy
    start = time.perf_counter()
    # uint64 cannot overflow below 2**32 values; the default would be uint64 too, but say so.
    total = int(values.sum(dtype=np.uint64))
    seconds = time.perf_counter() - start
    return Outcome(seconds, f"NumPy {np.__version__}, frombuffer('<u4').sum(dtype=uint64), one core", total)


MODES = {"sequential": run_sequential, "pool": run_pool, "numpy": run_numpy}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=str))
