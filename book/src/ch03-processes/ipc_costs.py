"""What moving data between processes costs in Python: the numbers of chapter 3's Python corners.

    python3 book/src/ch03-processes/ipc_costs.py

Standard library only (Python 3.8+). Each figure is the median of 3 runs.
"""

import multiprocessing
import os
import pickle
import statistics
import time
from multiprocessing import shared_memory

PLUS_ONE = bytes((b + 1) % 256 for b in range(256))
REGION = 32 * 1024 * 1024  # bytes each of two workers produces in part D


def work(job):
    """Exercise 07's job: the bytes reversed, each plus one."""
    return job.translate(PLUS_ONE)[::-1]


def median_seconds(f, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def consume(queue):
    for _ in iter(queue.get, None):
        pass


def through_queue(items):
    queue = multiprocessing.Queue(maxsize=64)
    consumer = multiprocessing.Process(target=consume, args=(queue,))
    consumer.start()
    for item in range(items):
        queue.put(item)
    queue.put(None)
    consumer.join()


def region_bytes(index):
    return bytes([index + 1]) * REGION


def fill_shared(name, index):
    shm = shared_memory.SharedMemory(name=name)
    shm.buf[index * REGION : (index + 1) * REGION] = region_bytes(index)
    shm.close()


def send_through_pipe(conn, index):
    conn.send_bytes(region_bytes(index))
    conn.close()


def by_shared_memory():
    shm = shared_memory.SharedMemory(create=True, size=2 * REGION)
    try:
        workers = [multiprocessing.Process(target=fill_shared, args=(shm.name, i)) for i in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert shm.buf[REGION - 1] == 1 and shm.buf[2 * REGION - 1] == 2
    finally:
        shm.close()
        shm.unlink()


def by_pipes():
    out = bytearray(2 * REGION)
    pipes = [multiprocessing.Pipe(duplex=False) for _ in range(2)]
    workers = [multiprocessing.Process(target=send_through_pipe, args=(w, i)) for i, (_, w) in enumerate(pipes)]
    for w in workers:
        w.start()
    for i, (r, _) in enumerate(pipes):
        out[i * REGION : (i + 1) * REGION] = r.recv_bytes()
    for w in workers:
        w.join()
    assert out[REGION - 1] == 1 and out[2 * REGION - 1] == 2


def main():
    jobs = [os.urandom(64 * 1024) for _ in range(2048)]
    mb = sum(map(len, jobs)) / 1e6
    local = median_seconds(lambda: [work(job) for job in jobs])
    with multiprocessing.Pool(2) as pool:
        pool.map(abs, range(100))  # start the workers before the clock
        pooled = median_seconds(lambda: pool.map(work, jobs, chunksize=16))
    print(f"A. {mb:.0f} MB of 64 KiB jobs, in this process:        {local:.3f} s ({mb / local:.0f} MB/s)")
    print(f"   the same through Pool(2).map, chunksize=16:   {pooled:.3f} s ({mb / pooled:.0f} MB/s)")
    numbers = list(range(1_000_000))
    print(f"B. pickle.dumps + loads of a list of 10**6 ints: {median_seconds(lambda: pickle.loads(pickle.dumps(numbers))):.3f} s")
    items = 100_000
    queued = median_seconds(lambda: through_queue(items))
    print(f"C. {items} ints through a Queue(maxsize=64) to another process: {queued:.3f} s ({queued / items * 1e6:.1f} µs per item)")
    shared = median_seconds(by_shared_memory)
    piped = median_seconds(by_pipes)
    print(f"D. 2 workers produce {2 * REGION >> 20} MiB: into SharedMemory {shared:.3f} s; sent through Pipes {piped:.3f} s")


if __name__ == "__main__":
    main()
