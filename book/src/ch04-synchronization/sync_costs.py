"""What synchronization costs in Python: the numbers of chapter 4's Python corners.

    python3 book/src/ch04-synchronization/sync_costs.py

A. a shared counter: multiprocessing.Value with its lock, 2 processes, versus
   a local count added once; the same with threads (one lock, and the GIL).
B. a bounded queue between two threads: queue.Queue(maxsize) is a Lock and
   two Conditions — the design of exercise 11.
C. a barrier per phase: multiprocessing.Barrier between 2 processes, and
   threading.Barrier between 2 threads.
D. taking two locks: multiprocessing.Lock acquire/release pairs.
"""

import multiprocessing as mp
import queue
import threading
import time

N_COUNT = 200_000
N_QUEUE = 200_000
N_PHASES = 5_000
N_LOCKS = 200_000


def count_shared(value, n):
    for _ in range(n):
        with value.get_lock():
            value.value += 1


def count_local(value, n):
    local = 0
    for _ in range(n):
        local += 1
    with value.get_lock():
        value.value += local


def per_op(seconds, ops):
    return f"{seconds / ops * 1e9:,.0f} ns"


def part_a():
    for name, target in [("shared Value, lock per increment", count_shared), ("local count, added once", count_local)]:
        value = mp.Value("q", 0)
        workers = [mp.Process(target=target, args=(value, N_COUNT)) for _ in range(2)]
        t = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - t
        assert value.value == 2 * N_COUNT
        print(f"A  2 processes, {name}: {per_op(elapsed, 2 * N_COUNT)} per increment (process start included)")
    lock, total = threading.Lock(), [0]

    def locked():
        for _ in range(N_COUNT):
            with lock:
                total[0] += 1

    threads = [threading.Thread(target=locked) for _ in range(2)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    assert total[0] == 2 * N_COUNT
    print(f"A  2 threads, one threading.Lock: {per_op(elapsed, 2 * N_COUNT)} per increment")


def part_b():
    for maxsize in [1, 16, 256]:
        q = queue.Queue(maxsize=maxsize)

        def produce():
            for i in range(N_QUEUE):
                q.put(i)
            q.put(None)

        t = time.perf_counter()
        producer = threading.Thread(target=produce)
        producer.start()
        got = 0
        while q.get() is not None:
            got += 1
        producer.join()
        elapsed = time.perf_counter() - t
        assert got == N_QUEUE
        print(f"B  queue.Queue(maxsize={maxsize}) between 2 threads: {per_op(elapsed, N_QUEUE)} per item")


def phases(barrier, n):
    for _ in range(n):
        barrier.wait()


def time_phases(barrier, other):
    """Seconds per phase while `other` (a Process or Thread) waits at `barrier` too
    (once more than we time: the first wait, which also waits for it to start)."""
    other.start()
    barrier.wait()  # both are running: the start-up is not timed
    t = time.perf_counter()
    phases(barrier, N_PHASES)
    elapsed = time.perf_counter() - t
    other.join()
    return elapsed / N_PHASES


def part_c():
    barrier = mp.Barrier(2)
    per_phase = time_phases(barrier, mp.Process(target=phases, args=(barrier, N_PHASES + 1)))
    print(f"C  multiprocessing.Barrier, 2 processes: {per_phase * 1e6:.1f} µs per phase")
    barrier = threading.Barrier(2)
    per_phase = time_phases(barrier, threading.Thread(target=phases, args=(barrier, N_PHASES + 1)))
    print(f"C  threading.Barrier, 2 threads: {per_phase * 1e6:.1f} µs per phase")


def part_d():
    a, b = mp.Lock(), mp.Lock()
    t = time.perf_counter()
    for _ in range(N_LOCKS):
        with a, b:
            pass
    elapsed = time.perf_counter() - t
    print(f"D  multiprocessing.Lock, two taken and released: {per_op(elapsed, N_LOCKS)} per pair")


if __name__ == "__main__":
    part_a()
    part_b()
    part_c()
    part_d()
