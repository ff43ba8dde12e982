"""Python baseline for exercise 19-pipeline-bottleneck: a three-stage pipeline whose slow stage gets the workers.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`; each is an item. Every item passes
through three stages, parse, enrich and summarize; stage s does ROUNDS[s]
rounds of mixing (8, 56 and 8: enrich is the slow one):

    h = item ^ ((s + 1) * 0x9E3779B97F4A7C15 mod 2**64)
    ROUNDS[s] times: h ^= h >> 29; h = h * 0xBF58476D1CE4E5B9 mod 2**64

and the answer is the sum of the last stage's outputs modulo 2**64. Usage
(protocol in README.md):

    python3 pipeline_bottleneck.py FILE --mode MODE [--workers N]   # one JSON line
    python3 pipeline_bottleneck.py --list-modes

Modes:
  sequential              one process, all three stages item after item;
  pool                    multiprocessing.Pool(--workers), about four chunks
                          per worker, each worker runs all three stages on its
                          chunk and returns the chunk's sum: no pipeline at all,
                          what a Python user writes when the stages are plain
                          functions (often the best answer, and a fair one here);
  pipeline-one-per-stage  the exercise's given split: one Process per stage,
                          joined by multiprocessing.Queue(maxsize=4), the items
                          in batches of 512; the parent feeds the first queue;
  pipeline                the exercise's answer: each stage timed on a sample
                          of the first 8192 items (each pass on the previous
                          stage's outputs), then STAGES + --workers processes
                          split greedily: one per stage, and every further one
                          to the stage that is slowest per item *now*
                          (cost / processes); then run as above.
No NumPy mode: the stages stand for record processing (parse, enrich,
summarize), not array arithmetic.

The digest is str(total), as on the Rust side (`total.to_string()`).
compute_seconds covers the work: for `pipeline` the profile too (the Rust
`run_tuned` times it as well), sending the batches through the queues and
collecting the sums. It excludes interpreter start-up, reading the file and
starting the processes: the clock starts once every stage process (or pool
worker) is up.

Standard library only (Python 3.11).
"""

import multiprocessing
import sys
import time

from parallel_sum import as_u32, load as load_u32
from workbench_baseline import Outcome, main, warm_pool

MASK = (1 << 64) - 1
ROUNDS = (8, 56, 8)
STAGE_NAMES = ("parse", "enrich", "summarize")
STAGES = len(ROUNDS)
BATCH = 512  # items per queue message, as the Rust runner's batches
QUEUE_BATCHES = 4  # batches a queue holds before its sender waits (backpressure)
SAMPLE = 8192  # items profiled, as the Rust reference


def stage(s, item):
    """Stage s's work on one item, as `Pipeline::stage`."""
    h = item ^ (((s + 1) * 0x9E3779B97F4A7C15) & MASK)
    for _ in range(ROUNDS[s]):
        h ^= h >> 29
        h = (h * 0xBF58476D1CE4E5B9) & MASK
    return h


def through_all_stages(items):
    """All stages on one item after another: the wrapping sum of the results."""
    total = 0
    for x in items:
        total += stage(2, stage(1, stage(0, x)))
    return total & MASK


def load(path):
    """The items: the file's u32 values, widened (as `given::items`)."""
    return list(as_u32(load_u32(path)))


# --- sequential and pool ---


def run_sequential(items, workers):
    start = time.perf_counter()
    total = through_all_stages(items)
    return Outcome(time.perf_counter() - start, "one process, all stages item after item", total)


def run_pool(items, workers):
    per_chunk = max(1, -(-len(items) // (workers * 4)))
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        chunks = [items[i : i + per_chunk] for i in range(0, len(items), per_chunk)]
        total = sum(pool.map(through_all_stages, chunks, chunksize=1)) & MASK
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(chunks)} chunks of all three stages, chunksize=1"
    return Outcome(seconds, flavour, total)


# --- the pipeline of processes ---


def profile(sample):
    """Seconds per item of each stage, each pass on the previous stage's outputs."""
    values, seconds = list(sample), []
    for s in range(STAGES):
        start = time.perf_counter()
        values = [stage(s, v) for v in values]
        seconds.append((time.perf_counter() - start) / len(sample))
    return seconds


def rebalance(cost, processes):
    """One process per stage, then each further one to the current bottleneck."""
    workers = [1] * STAGES
    for _ in range(processes - STAGES):
        slowest = max(range(STAGES), key=lambda s: cost[s] / workers[s])
        workers[slowest] += 1
    return workers


def forward(s, ready, inbox, outbox):
    """A parse or enrich process: batches in, stage s applied, batches out, until None."""
    ready.wait()
    while (batch := inbox.get()) is not None:
        outbox.put([stage(s, x) for x in batch])


def summarize(ready, inbox, results):
    """A summarize process: its part of the sum, sent when its input ends."""
    ready.wait()
    total = 0
    while (batch := inbox.get()) is not None:
        for x in batch:
            total += stage(2, x)
    results.put(total & MASK)


def run_pipeline(items, workers):
    """Items through `workers[s]` processes per stage; (seconds, total). The clock starts when all are up."""
    queues = [multiprocessing.Queue(maxsize=QUEUE_BATCHES) for _ in range(STAGES)]
    results = multiprocessing.Queue()
    ready = multiprocessing.Barrier(sum(workers) + 1)
    groups = [
        [multiprocessing.Process(target=forward, args=(s, ready, queues[s], queues[s + 1])) for _ in range(workers[s])]
        for s in range(STAGES - 1)
    ]
    groups.append([multiprocessing.Process(target=summarize, args=(ready, queues[-1], results)) for _ in range(workers[-1])])
    for group in groups:
        for p in group:
            p.start()
    ready.wait()
    start = time.perf_counter()
    for i in range(0, len(items), BATCH):
        queues[0].put(items[i : i + BATCH])
    # A stage has finished when all its processes have: then the next stage gets one None per process.
    for s, group in enumerate(groups):
        for _ in group:
            queues[s].put(None)
        if s < STAGES - 1:
            for p in group:
                p.join()
    total = sum(results.get() for _ in groups[-1]) & MASK
    seconds = time.perf_counter() - start
    for p in groups[-1]:
        p.join()
    return seconds, total


def run_pipeline_one_per_stage(items, workers):
    seconds, total = run_pipeline(items, [1] * STAGES)
    flavour = f"Process per stage [1, 1, 1], Queue(maxsize={QUEUE_BATCHES}), batches of {BATCH}"
    return Outcome(seconds, flavour, total)


def run_pipeline_tuned(items, workers):
    if not items:
        return Outcome(0.0, "no items: nothing to profile or run", 0)
    start = time.perf_counter()
    cost = profile(items[:SAMPLE])
    split = rebalance(cost, STAGES + workers)
    profiling = time.perf_counter() - start
    seconds, total = run_pipeline(items, split)
    shown = ", ".join(f"{name} {c * 1e6:.2f} us" for name, c in zip(STAGE_NAMES, cost))
    flavour = (
        f"Process per stage {split} for {STAGES} + {workers} processes (profile per item: {shown}), "
        f"Queue(maxsize={QUEUE_BATCHES}), batches of {BATCH}"
    )
    return Outcome(profiling + seconds, flavour, total)


MODES = {
    "sequential": run_sequential,
    "pool": run_pool,
    "pipeline-one-per-stage": run_pipeline_one_per_stage,
    "pipeline": run_pipeline_tuned,
}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=str))
