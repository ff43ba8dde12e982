"""Python baseline for exercise 10-contended-counter: count the events of a u32 file.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`. An item is an event when it is not a
multiple of 8 (the exercise's is_event: seven uniform items in eight are).
The Rust exercise counts them from every core into one shared counter; the
Python forms of that counter are a multiprocessing.Value with its lock,
taken for every event, or a count kept by each process and added once.
Usage (protocol in README.md):

    python3 contended_counter.py FILE --mode MODE [--workers N]   # one JSON line
    python3 contended_counter.py --list-modes                     # ["sequential", "pool", ...]

Modes:
  sequential  one process, a loop adding 1 to a local count per event;
  pool        multiprocessing.Pool(--workers, default os.cpu_count()), about
              four chunks of raw bytes per worker, each counted locally and
              sent back as one number, the numbers summed: per-process
              counts summed at the end, the careful program;
  value-lock  --workers Processes, one contiguous chunk each (like the
              exercise's count_events_with), every event
              `with counter.get_lock(): counter.value += 1` on one shared
              multiprocessing.Value("q"): the Python form of the Mutex counter;
  value-once  the same Processes and Value, but each counts locally and adds
              its count to the Value once, under the lock;
  numpy       numpy.count_nonzero(values % 8), one core.

The digest is "<events> events", as on the Rust side. compute_seconds covers
the counting, including cutting the chunks and sending them (pool); it
excludes interpreter start-up, imports, reading the file and starting the
processes: the value-* modes start their Processes, let each take its chunk,
and start the clock when all of them wait at a multiprocessing.Barrier; it
stops when all have finished counting.

Standard library only (Python 3.11). NumPy is optional, for --mode numpy:
python3 -m pip install numpy
"""

import multiprocessing
import sys
import time

from parallel_sum import as_u32, chunks_of, load
from workbench_baseline import Outcome, main, warm_pool


def is_event(x):
    """The exercise's is_event: seven in eight uniform items are events."""
    return x % 8 != 0


def count_chunk(chunk):
    """Runs in a worker process: the events of one chunk of raw bytes, counted locally."""
    count = 0
    for x in as_u32(chunk):
        if is_event(x):
            count += 1
    return count


def run_sequential(data, workers):
    start = time.perf_counter()
    events = count_chunk(data)
    return Outcome(time.perf_counter() - start, "one process, a local count", events)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        chunks = chunks_of(data, workers * 4)
        events = sum(pool.map(count_chunk, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}), {len(chunks)} chunks, a count per chunk, summed", events)


def count_with_lock_per_event(chunk, counter, gate):
    """Runs in a Process: every event takes the shared Value's lock."""
    values = as_u32(chunk)
    gate.wait()  # everyone ready: the clock starts
    for x in values:
        if is_event(x):
            with counter.get_lock():
                counter.value += 1
    gate.wait()  # everyone done: the clock stops


def count_then_add_once(chunk, counter, gate):
    """Runs in a Process: a local count, added to the shared Value once."""
    gate.wait()
    events = count_chunk(chunk)
    with counter.get_lock():
        counter.value += events
    gate.wait()


def run_processes(data, workers, target):
    """One Process per chunk (at most `workers`), one shared Value; seconds and the Value's total."""
    chunks = chunks_of(data, workers)  # one contiguous chunk per process
    counter = multiprocessing.Value("q", 0)  # a shared signed 64-bit integer and a lock
    gate = multiprocessing.Barrier(len(chunks) + 1)  # the processes and this one
    processes = [multiprocessing.Process(target=target, args=(chunk, counter, gate)) for chunk in chunks]
    for p in processes:
        p.start()
    try:
        gate.wait()
        start = time.perf_counter()
        gate.wait()
        seconds = time.perf_counter() - start
    finally:
        for p in processes:
            p.join()
    return seconds, len(processes), counter.value


def run_value_lock(data, workers):
    seconds, processes, events = run_processes(data, workers, count_with_lock_per_event)
    flavour = f"{processes} multiprocessing.Process, one Value('q'), its lock taken per event"
    return Outcome(seconds, flavour, events)


def run_value_once(data, workers):
    seconds, processes, events = run_processes(data, workers, count_then_add_once)
    flavour = f"{processes} multiprocessing.Process, a local count each, added to one Value('q') once"
    return Outcome(seconds, flavour, events)


def run_numpy(data, workers):
    import numpy as np

    values = np.frombuffer(data, dtype="<u4")  # a view of the bytes already read: no copy
    start = time.perf_counter()
    events = int(np.count_nonzero(values % 8))
    seconds = time.perf_counter() - start
    return Outcome(seconds, f"NumPy {np.__version__}, count_nonzero(values % 8), one core", events)


def digest(events):
    return f"{events} events"


MODES = {
    "sequential": run_sequential,
    "pool": run_pool,
    "value-lock": run_value_lock,
    "value-once": run_value_once,
    "numpy": run_numpy,
}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=digest))
