"""Python baseline for exercise 02-word-count.

Counts the words of a text file, as written by `cargo xtask gen text`, with
the exercise's rule: a word is a maximal run of ASCII letters and digits
(regex rb"[A-Za-z0-9]+" on the bytes), counted in ASCII lowercase; every other
byte, the bytes of non-ASCII characters included, separates words. Prints one
JSON line:

    {"impl": "pool", "compute_seconds": 0.85,
     "result": {"total_words": 369477, "distinct_words": 8885, "top5": [["on", 44494], ...]}}

Modes:
  sequential  one process: collections.Counter over the regex matches;
  pool        multiprocessing.Pool(os.cpu_count()), about four chunks per worker
              cut at a space or newline, partial Counters merged with update().

compute_seconds covers the counting only: reading the file and starting the
pool's processes are outside it; sending chunks to the workers and their
Counters back is inside it, because every Pool program pays for that.

Standard library only (Python 3.11).
"""

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from multiprocessing import Pool

WORD = re.compile(rb"[A-Za-z0-9]+")


def count_words(data):
    """The exercise's rule; bytes.lower() changes only ASCII letters."""
    return Counter(WORD.findall(data.lower()))


def chunks_of(data, pieces):
    """About `pieces` chunks; each cut moves forward to a space or newline, so no word is cut."""
    target = max(1, -(-len(data) // pieces))
    chunks, start = [], 0
    while start < len(data):
        end = min(start + target, len(data))
        cuts = [i for i in (data.find(b" ", end), data.find(b"\n", end)) if i != -1]
        end = min(cuts) if cuts and end < len(data) else len(data)
        chunks.append(data[start:end])
        start = end
    return chunks


def summary(counts):
    """What the Rust side reports too: totals and the five most frequent words (count desc, word asc)."""
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
    return {
        "total_words": sum(counts.values()),
        "distinct_words": len(counts),
        "top5": [[word.decode("ascii"), n] for word, n in top],
    }


def run_sequential(data):
    start = time.perf_counter()
    counts = count_words(data)
    return time.perf_counter() - start, counts


def run_pool(data, workers):
    with Pool(workers) as pool:
        # Let every worker start before the clock does.
        pool.map(abs, range(workers))
        start = time.perf_counter()
        counts = Counter()
        for partial in pool.imap_unordered(count_words, chunks_of(data, workers * 4)):
            counts.update(partial)
        seconds = time.perf_counter() - start
    return seconds, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="text file from `cargo xtask gen text`")
    parser.add_argument("--mode", choices=["sequential", "pool"], default="pool")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size (default: all cores)")
    args = parser.parse_args(argv)

    with open(args.file, "rb") as f:
        data = f.read()
    if args.mode == "pool":
        seconds, counts = run_pool(data, max(1, args.workers))
    else:
        seconds, counts = run_sequential(data)
    print(json.dumps({"impl": args.mode, "compute_seconds": seconds, "result": summary(counts)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
