"""Python baseline for exercise 01-parallel-sum.

Sums a file of little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`, and prints one JSON line:

    {"impl": "pool", "compute_seconds": 0.42, "result": 2149693639027151}

Modes:
  sequential  one process: sum() over a memoryview cast to unsigned ints;
  pool        multiprocessing.Pool(os.cpu_count()), about four chunks per worker;
  numpy       np.fromfile(FILE, dtype="<u4").sum(dtype=np.uint64), if NumPy is installed.

compute_seconds covers the computation only: reading the file and starting
the pool's processes are outside it; sending the chunks to the workers is
inside it, because that is a cost every Pool program pays.

Standard library only (Python 3.11); NumPy is optional.
"""

import argparse
import json
import os
import sys
import time
from array import array
from multiprocessing import Pool

ITEM_BYTES = 4
# The array/memoryview type code of a 4-byte unsigned int ("I" on every common platform).
TYPECODE = next(code for code in "IL" if array(code).itemsize == ITEM_BYTES)


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


def chunks_of(data, workers):
    """About four chunks per worker, each a whole number of items."""
    items = len(data) // ITEM_BYTES
    per_chunk = max(1, -(-items // (workers * 4))) * ITEM_BYTES
    return [data[start : start + per_chunk] for start in range(0, len(data), per_chunk)]


def run_sequential(path):
    with open(path, "rb") as f:
        data = f.read()
    start = time.perf_counter()
    total = sum(as_u32(data))
    return time.perf_counter() - start, total


def run_pool(path, workers):
    with open(path, "rb") as f:
        data = f.read()
    with Pool(workers) as pool:
        # Let every worker start before the clock does.
        pool.map(abs, range(workers))
        start = time.perf_counter()
        total = sum(pool.map(chunk_sum, chunks_of(data, workers), chunksize=1))
        seconds = time.perf_counter() - start
    return seconds, total


def run_numpy(path):
    import numpy as np

    values = np.fromfile(path, dtype="<u4")
    start = time.perf_counter()
    total = int(values.sum(dtype=np.uint64))
    return time.perf_counter() - start, total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="little-endian u32 file from `cargo xtask gen u32`")
    parser.add_argument("--mode", choices=["sequential", "pool", "numpy"], default="pool")
    parser.add_argument("--numpy", action="store_const", const="numpy", dest="mode", help="same as --mode numpy")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size (default: all cores)")
    args = parser.parse_args(argv)

    if os.path.getsize(args.file) % ITEM_BYTES:
        parser.error(f"{args.file}: size is not a multiple of {ITEM_BYTES} bytes; is it a u32 file?")
    if args.mode == "numpy":
        try:
            import numpy  # noqa: F401
        except ImportError:
            print("error: --mode numpy needs NumPy (pip install numpy)", file=sys.stderr)
            return 2
        seconds, total = run_numpy(args.file)
    elif args.mode == "pool":
        seconds, total = run_pool(args.file, max(1, args.workers))
    else:
        seconds, total = run_sequential(args.file)
    print(json.dumps({"impl": args.mode, "compute_seconds": seconds, "result": total}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
