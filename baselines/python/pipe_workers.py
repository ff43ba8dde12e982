"""Python baseline for exercise 07-pipe-workers: jobs sent to worker processes over pipes.

The file (`cargo xtask gen u32 --size N -o FILE`) is cut into jobs of 4096
bytes (the last may be shorter); each job's result is its bytes reversed,
each plus one (mod 256), as the exercise's given worker computes it. Usage
(protocol in README.md):

    python3 pipe_workers.py FILE --mode MODE [--workers N]   # one JSON line
    python3 pipe_workers.py --list-modes                     # ["sequential", "pipe", "pool"]

Modes:
  sequential  one process, a loop over the jobs;
  pipe        --workers multiprocessing.Process workers, each with a Pipe for
              its jobs and one for its results: worker k gets jobs k, k + n, …
              (a feeding thread per worker, so no pipe fills up while the
              parent reads), the parent reads the results in job order;
  pool        multiprocessing.Pool(--workers).imap(work, jobs, chunksize),
              about eight chunks per worker.

The digest is "<n> results, <bytes> bytes, sha1 <hex>", the SHA-1 of the
results joined in job order, as on the Rust side. compute_seconds covers
sending the jobs and receiving every result; it excludes interpreter start-up,
reading the file and starting the processes.

Standard library only (Python 3.11).
"""

import hashlib
import threading
import time
from multiprocessing import Pipe, Process

from parallel_sum import load as load_u32
from workbench_baseline import Outcome, main, warm_pool

JOB_BYTES = 4096
PLUS_ONE = bytes((b + 1) % 256 for b in range(256))


def load(path):
    data = load_u32(path)
    return [data[start : start + JOB_BYTES] for start in range(0, len(data), JOB_BYTES)]


def work(job):
    """The given worker's work: the bytes reversed, each plus one."""
    return job[::-1].translate(PLUS_ONE)


def run_sequential(jobs, workers):
    start = time.perf_counter()
    results = [work(job) for job in jobs]
    return Outcome(time.perf_counter() - start, "one process, a loop over the jobs", results)


def serve(jobs_in, results_out):
    """A worker process: answers each job until the parent sends None."""
    while (job := jobs_in.recv()) is not None:
        results_out.send(work(job))


def feed(conn, jobs):
    for job in jobs:
        conn.send(job)
    conn.send(None)


def run_pipe(jobs, workers):
    count = max(1, min(workers, len(jobs)))
    pipes = []
    for _ in range(count):
        jobs_in, jobs_out = Pipe(duplex=False)  # (the end that receives, the end that sends)
        results_in, results_out = Pipe(duplex=False)
        process = Process(target=serve, args=(jobs_in, results_out), daemon=True)
        process.start()
        pipes.append((process, jobs_out, results_in))
    start = time.perf_counter()
    feeders = [threading.Thread(target=feed, args=(jobs_out, jobs[k::count])) for k, (_, jobs_out, _) in enumerate(pipes)]
    for feeder in feeders:
        feeder.start()
    # Job i went to worker i % count, which answers its jobs in order.
    results = [pipes[i % count][2].recv() for i in range(len(jobs))]
    for feeder in feeders:
        feeder.join()
    seconds = time.perf_counter() - start
    for process, _, _ in pipes:
        process.join()
    flavour = f"{count} multiprocessing.Process workers, a Pipe each way, a feeding thread per worker"
    return Outcome(seconds, flavour, results)


def run_pool(jobs, workers):
    chunksize = max(1, len(jobs) // (workers * 8))
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        results = list(pool.imap(work, jobs, chunksize=chunksize))
        seconds = time.perf_counter() - start
    return Outcome(seconds, f"multiprocessing.Pool({workers}).imap, chunksize={chunksize}", results)


def digest(results):
    sha1 = hashlib.sha1()
    for result in results:
        sha1.update(result)
    return f"{len(results)} results, {sum(map(len, results))} bytes, sha1 {sha1.hexdigest()}"


if __name__ == "__main__":
    raise SystemExit(
        main(
            __doc__,
            {"sequential": run_sequential, "pipe": run_pipe, "pool": run_pool},
            load,
            digest,
            result=lambda results: {"results": len(results), "bytes": sum(map(len, results))},
        )
    )
