"""Python baseline for exercise 05-skewed-work: score every item of a sorted u32 file.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`; they are sorted after reading, so the
cost of an item grows along the input, as in the Rust exercise. Usage
(protocol in README.md):

    python3 skewed_work.py FILE --mode MODE [--workers N]   # one JSON line
    python3 skewed_work.py --list-modes

Modes:
  sequential   one process, a list comprehension;
  pool-static  multiprocessing.Pool, pool.map(score, items, chunksize=len/workers):
               one contiguous chunk per worker, like a static split;
  pool         pool.imap(score, items, chunksize=64): small chunks handed out
               as workers become free, Python's answer to work stealing.

The digest is "<n> scores, wrapping sum <s>" (sum modulo 2**64), as on the
Rust side. compute_seconds covers sending the items, scoring and receiving
the scores; it excludes start-up, reading and sorting the file, and starting
the pool. Standard library only (Python 3.11).
"""

import sys
import time

from parallel_sum import as_u32, load as load_u32
from workbench_baseline import Outcome, main, warm_pool

MASK = (1 << 64) - 1


def score(x):
    """The exercise's work function: (x >> 24)**2 // 16 rounds of xorshift64."""
    k = x >> 24
    h = x | 1
    for _ in range(k * k // 16):
        h ^= (h << 13) & MASK
        h ^= h >> 7
        h ^= (h << 17) & MASK
    return h


def load(path):
    return sorted(as_u32(load_u32(path)))


def run_sequential(items, workers):
    start = time.perf_counter()
    scores = [score(x) for x in items]
    return Outcome(time.perf_counter() - start, "one process, a list comprehension", scores)


def run_pool_static(items, workers):
    chunksize = max(1, -(-len(items) // workers))
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        scores = pool.map(score, items, chunksize=chunksize)
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}).map, chunksize={chunksize} (one chunk per worker)", scores)


def run_pool(items, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        scores = list(pool.imap(score, items, chunksize=64))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}).imap, chunksize=64", scores)


def digest(scores):
    return f"{len(scores)} scores, wrapping sum {sum(scores) & MASK}"


MODES = {"sequential": run_sequential, "pool-static": run_pool_static, "pool": run_pool}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=digest, result=lambda s: {"scores": len(s), "last": s[-3:]}))
