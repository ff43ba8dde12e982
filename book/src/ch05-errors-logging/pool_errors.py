"""What goes wrong in a multiprocessing.Pool, measured: the numbers of chapter 5's Python corners.

    python3 book/src/ch05-errors-logging/pool_errors.py

Standard library only (Python 3.8+). Timings are the median of 3 runs.
"""

import concurrent.futures
import logging
import logging.handlers
import multiprocessing
import os
import signal
import statistics
import time

TASKS = 1000
BAD = 617


def work(x):
    """A task that fails on one item, as exercise 15's does."""
    if x == BAD:
        raise ValueError(f"item {x} is cursed")
    return x * x


def pid_of(_):
    return os.getpid()


def die_on_bad(x):
    """A task that kills its own worker process on one item, as exercise 16's workers do."""
    if x == BAD:
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def tiny(x):
    return x + 1


def median_seconds(f, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def part_a():
    print("A. an exception in one task (Pool(2), 1000 tasks, task 617 raises)")
    with multiprocessing.Pool(2) as pool:
        try:
            pool.map(work, range(TASKS))
        except ValueError as e:
            print(f"   map: raises {type(e).__name__}({e}) in the parent; results kept: 0 of {TASKS - 1} good ones")
        got = 0
        try:
            for _ in pool.imap(work, range(TASKS)):
                got += 1
        except ValueError:
            print(f"   imap: {got} results, then the exception; the {TASKS - 1 - got} after it are lost")
        pending = [pool.apply_async(work, (x,)) for x in range(TASKS)]
        ok, failed = 0, []
        for x, p in enumerate(pending):
            try:
                p.get()
                ok += 1
            except ValueError as e:
                failed.append((x, str(e)))
        print(f"   apply_async + get() per task: {ok} results and {failed} (isolation by hand)")
        before = {p.pid for p in pool._pool}  # the pool's worker processes (a private attribute)
        try:
            pool.map(work, range(TASKS))
        except ValueError:
            pass
        after = {p.pid for p in pool._pool}
        print(f"   worker processes before and after the exception: {len(before)} and {len(after)}, same: {before == after}")


def part_b():
    print("B. a worker killed by SIGKILL in the middle of a task (task 617)")
    with multiprocessing.Pool(2) as pool:
        start = time.perf_counter()
        try:
            pool.map_async(die_on_bad, range(TASKS)).get(timeout=5)
            print("   Pool.map: finished (unexpected)")
        except multiprocessing.TimeoutError:
            print(f"   Pool.map: no result and no error; still waiting when get(timeout=5) gave up after "
                  f"{time.perf_counter() - start:.1f} s (the pool replaced the worker, the task is lost)")
        pool.terminate()
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        try:
            list(executor.map(die_on_bad, range(TASKS)))
        except concurrent.futures.process.BrokenProcessPool as e:
            print(f"   ProcessPoolExecutor.map: BrokenProcessPool after {time.perf_counter() - start:.3f} s: {e}")


def part_c():
    n = 2_000
    print(f"C. maxtasksperchild: {n} tiny tasks on Pool(2), chunksize=1")
    for limit in (None, 100, 10, 1):
        def run():
            with multiprocessing.Pool(2, maxtasksperchild=limit) as pool:
                pool.map(tiny, range(n), chunksize=1)
        with multiprocessing.Pool(2, maxtasksperchild=limit) as pool:
            pids = len(set(pool.map(pid_of, range(n), chunksize=1)))
        print(f"   maxtasksperchild={str(limit):>4}: {median_seconds(run):6.3f} s, {pids:4} worker processes used")


def log_many(count):
    log = logging.getLogger("worker")
    for i in range(count):
        log.info("record %d from %d", i, os.getpid())
    return count


def init_worker(queue):
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


class Count(logging.Handler):
    def __init__(self):
        super().__init__()
        self.n = 0

    def emit(self, record):
        self.n += 1


def logged_run(per_task, tasks, join):
    """Runs the logging tasks with a QueueHandler in each worker; returns how many records arrived."""
    queue = multiprocessing.Queue()
    counter = Count()
    listener = logging.handlers.QueueListener(queue, counter)
    listener.start()
    pool = multiprocessing.Pool(2, initializer=init_worker, initargs=(queue,))
    pool.map(log_many, [per_task] * tasks)
    if join:
        pool.close()  # the workers exit normally: their queue feeder threads flush first
        pool.join()
    else:
        pool.terminate()  # what `with Pool(...) as pool:` does on the way out
    listener.stop()
    return counter.n


def terminate_case(send, per_task, tasks):
    send.send(logged_run(per_task, tasks, join=False))


def part_d():
    per_task, tasks = 5_000, 4
    records = per_task * tasks
    print(f"D. logging from child processes: {tasks} tasks x {per_task} records on Pool(2), QueueHandler in each worker")
    t_queue = median_seconds(lambda: logged_run(per_task, tasks, join=True))
    arrived = [logged_run(per_task, tasks, join=True) for _ in range(3)]
    print(f"   close() + join(), then QueueListener.stop(): {t_queue:.3f} s ({t_queue / records * 1e6:.1f} us per record); "
          f"records arrived in 3 runs: {arrived}")
    outcomes = []
    for _ in range(3):
        receive, send = multiprocessing.Pipe(duplex=False)
        run = multiprocessing.Process(target=terminate_case, args=(send, per_task, tasks))
        run.start()
        if receive.poll(10):
            outcomes.append(receive.recv())
        else:
            outcomes.append("hung")  # QueueListener.stop() never returned (a worker killed mid-put can leave the queue locked)
            run.kill()
        run.join()
    print(f"   terminate() (the end of a `with Pool()` block): records arrived in 3 runs: {outcomes} of {records}")

    def silent():
        with multiprocessing.Pool(2) as pool:
            pool.map(log_many, [per_task] * tasks)  # no handler: INFO records are dropped at the logger
    print(f"   the same tasks with logging off: {median_seconds(silent):.3f} s")


if __name__ == "__main__":
    import platform
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores, start method {multiprocessing.get_start_method()}")
    part_a()
    part_b()
    part_c()
    part_d()
