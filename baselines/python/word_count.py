"""Python baseline for exercise 02-word-count: word frequencies of a text file.

The file is text as written by `cargo xtask gen text --size N -o FILE`. The
exercise's rule: a word is a maximal run of ASCII letters and digits (regex
rb"[A-Za-z0-9]+" on the bytes), counted in ASCII lowercase; every other byte,
the bytes of non-ASCII characters included, separates words. Usage (protocol
in README.md):

    python3 word_count.py FILE --mode MODE [--workers N]   # one JSON line
    python3 word_count.py --list-modes                     # ["sequential", "pool"]
    python3 word_count.py --digest-of 'b a B'              # the digest of a short text

    {"impl": "pool", "flavour": "multiprocessing.Pool(2), 8 chunks, imap_unordered, chunksize=1",
     "compute_seconds": 0.85, "digest": "369477 words, 8885 distinct, fnv1a64 ...",
     "result": {"total_words": 369477, "distinct_words": 8885, "top5": [["on", 44494], ...]}}

Modes:
  sequential  one process: collections.Counter over the regex matches;
  pool        multiprocessing.Pool(--workers, default os.cpu_count()), about
              four chunks per worker, each cut where no word is split,
              partial Counters merged with update().
No NumPy mode: a Python programmer would not reach for NumPy to count words.

The digest is "<total> words, <distinct> distinct, fnv1a64 <16 hex digits>",
the hash taken over "word\\tcount\\n" lines sorted by word, as on the Rust side:
equal digests mean equal counts. compute_seconds covers the counting,
including cutting the chunks, sending them to the workers and their Counters
back (a cost every Pool program pays); it excludes interpreter start-up,
imports, reading the file and starting the pool's processes.

Standard library only (Python 3.11).
"""

import re
import sys
import time
from collections import Counter

from workbench_baseline import Outcome, fnv1a64, main, read_bytes, warm_pool

WORD = re.compile(rb"[A-Za-z0-9]+")
NOT_WORD = re.compile(rb"[^A-Za-z0-9]")


def count_words(data):
    """The exercise's rule; bytes.lower() changes only ASCII letters."""
    return Counter(WORD.findall(data.lower()))


def chunks_of(data, pieces):
    """About `pieces` chunks; each cut moves forward to the next separator byte, so no word is split."""
    target = max(1, -(-len(data) // pieces))
    chunks, start = [], 0
    while start < len(data):
        cut = NOT_WORD.search(data, start + target)
        end = cut.start() if cut else len(data)
        chunks.append(data[start:end])
        start = end
    return chunks


def run_sequential(data, workers):
    start = time.perf_counter()
    counts = count_words(data)
    return Outcome(time.perf_counter() - start, "one process, Counter(re.findall())", counts)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        chunks = chunks_of(data, workers * 4)
        counts = Counter()
        # Merge each partial Counter as soon as it arrives, whatever its order.
        for partial in pool.imap_unordered(count_words, chunks, chunksize=1):
            counts.update(partial)
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(chunks)} chunks, imap_unordered, chunksize=1"
    return Outcome(seconds, flavour, counts)


def digest(counts):
    # bytes sort like the Rust side's Strings (all ASCII here); only the distinct words are hashed.
    lines = b"".join(word + b"\t" + str(n).encode() + b"\n" for word, n in sorted(counts.items()))
    return f"{sum(counts.values())} words, {len(counts)} distinct, fnv1a64 {fnv1a64(lines):016x}"


def summary(counts):
    """Totals and the five most frequent words (count desc, word asc), for people to read."""
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
    return {
        "total_words": sum(counts.values()),
        "distinct_words": len(counts),
        "top5": [[word.decode("ascii"), n] for word, n in top],
    }


MODES = {"sequential": run_sequential, "pool": run_pool}

if __name__ == "__main__":
    sys.exit(
        main(
            __doc__,
            MODES,
            load=read_bytes,
            digest=digest,
            result=summary,
            digest_of=lambda text: digest(count_words(text.encode())),
        )
    )
