"""Python baseline for exercise 08-bounded-pipeline: three steps joined by bounded queues.

The file (`cargo xtask gen u32 --size N -o FILE`) is read in blocks of 4096
bytes (1024 values); the source step turns a block into values, the stage
scores it (the sum of x * x % 1000003 over its values), the sink adds the
scores. Usage (protocol in README.md):

    python3 bounded_pipeline.py FILE --mode MODE [--workers N]   # one JSON line
    python3 bounded_pipeline.py --list-modes                     # ["sequential", "process-pipeline"]

Modes:
  sequential  one process, the three steps in one loop;
  process-pipeline
              a source Process and a stage Process, joined to each other and
              to the parent (the sink) by multiprocessing.Queue(maxsize=16),
              with None as the end of the stream: backpressure as in the
              exercise. --workers does not apply (one process per step).

The digest is str(total), as on the Rust side. compute_seconds runs from
starting the source to the sink's last score, the processes' start included
(they are the pipeline); it excludes interpreter start-up and reading the file.

Standard library only (Python 3.11).
"""

import sys
import time
from array import array
from multiprocessing import Process, Queue

from parallel_sum import load
from workbench_baseline import Outcome, main

BLOCK_BYTES = 4096
CAPACITY = 16
P = 1_000_003
TYPECODE = next(code for code in "IL" if array(code).itemsize == 4)


def decode(block):
    """The source's step: one block as little-endian u32 values."""
    values = array(TYPECODE)
    values.frombytes(block)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def score(values):
    """The stage's step."""
    return sum(x * x % P for x in values)


def blocks(data):
    return (data[start : start + BLOCK_BYTES] for start in range(0, len(data), BLOCK_BYTES))


def run_sequential(data, workers):
    start = time.perf_counter()
    total = sum(score(decode(block)) for block in blocks(data))
    return Outcome(time.perf_counter() - start, "one process, the three steps in one loop", total)


def source(data, out):
    for block in blocks(data):
        out.put(decode(block))
    out.put(None)


def stage(inbox, out):
    while (values := inbox.get()) is not None:
        out.put(score(values))
    out.put(None)


def run_pipeline(data, workers):
    to_stage, to_sink = Queue(maxsize=CAPACITY), Queue(maxsize=CAPACITY)
    start = time.perf_counter()
    steps = [Process(target=source, args=(data, to_stage)), Process(target=stage, args=(to_stage, to_sink))]
    for step in steps:
        step.start()
    total = 0
    while (s := to_sink.get()) is not None:
        total += s
    seconds = time.perf_counter() - start
    for step in steps:
        step.join()
    flavour = f"source and stage Processes, multiprocessing.Queue(maxsize={CAPACITY}) between the steps, the parent the sink"
    return Outcome(seconds, flavour, total)


if __name__ == "__main__":
    raise SystemExit(
        main(__doc__, {"sequential": run_sequential, "process-pipeline": run_pipeline}, load, lambda total: str(total))
    )
