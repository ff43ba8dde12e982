"""Pool.map's chunksize: the Python side of exercise 06's grain size.

    python3 book/src/ch02-partitioning/chunksize_sweep.py

200 000 cheap items (the exercise's work function)
through multiprocessing.Pool(2).map with chunksizes from 1 to 100 000; the
median of 3 runs each. Standard library only.
"""

import multiprocessing
import random
import statistics
import time


MASK = (1 << 64) - 1


def cheap(x):
    """Exercise 06's work function: four rounds of multiply-and-shift."""
    h = x
    for _ in range(4):
        h = ((h ^ (h >> 29)) * 0xBF58476D1CE4E5B9) & MASK
    return h >> 56


def median_seconds(f, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    rng = random.Random(1)
    items = [rng.getrandbits(32) for _ in range(200_000)]
    expected = sum(map(cheap, items))
    one = median_seconds(lambda: sum(map(cheap, items)))
    print("| chunksize | tasks | time | vs one process |")
    print("|---:|---:|---:|---:|")
    print(f"| (one process) | 1 | {one:.3f} s | 1.00× |")
    with multiprocessing.Pool(2) as pool:
        pool.map(abs, range(100))  # start the workers before the clock
        for chunksize in (1, 10, 100, 1_000, 10_000, 25_000, 100_000):
            t = median_seconds(lambda: sum(pool.map(cheap, items, chunksize=chunksize)))
            assert sum(pool.map(cheap, items, chunksize=chunksize)) == expected
            print(f"| {chunksize} | {-(-len(items) // chunksize)} | {t:.3f} s | {one / t:.2f}× |")


if __name__ == "__main__":
    main()
