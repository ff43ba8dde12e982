"""Python baseline for exercise 12-heat-stencil: multiprocessing.Pool over a datagen u32 file.

Protocol, timing rules and NumPy: see README.md and workbench_baseline.py.
"""

import sys
import time
from array import array

from workbench_baseline import BaselineError, Outcome, main, read_bytes, warm_pool


def load(path):
    data = read_bytes(path)
    if len(data) % 4:
        raise BaselineError(f"{path}: not a whole number of u32 values")
    return data


def chunk_sum(chunk):
    values = array("I")
    values.frombytes(chunk)
    return sum(values)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        step = max(4, len(data) // (workers * 4) // 4 * 4)
        chunks = [data[i : i + step] for i in range(0, len(data), step)]
        total = sum(pool.map(chunk_sum, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}), {len(chunks)} chunks", total)


MODES = {"pool": run_pool}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=str))
