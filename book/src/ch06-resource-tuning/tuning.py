"""Sizing a pool and a memory budget in Python, measured: the numbers of chapter 6's Python corners.

    python3 book/src/ch06-resource-tuning/tuning.py [LOG]

A. multiprocessing.Pool(n) for n = 1, 2, 4, 8 on a compute-bound job (pure-Python
   integer mixing, 32 tasks): the time to start the pool and the time to compute.
B. peak memory (ru_maxrss) of reading a log whole, line by line, as a list of
   lines, and through mmap — each in a fresh interpreter, so each peak is its own.
C. the inherited peak: a child started by a process that once held the whole
   file reports the parent's peak as its own.

LOG is a log file, e.g. from `cargo xtask gen logs --size 1000000 -o /tmp/log1m.log`.
Without it, a log of about 84 MB is written to a temporary folder and deleted
afterwards. Standard library only (Python 3.8+); about 20 s on 2 cores.
"""

import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

TASKS = 32
ROUNDS_PER_TASK = 400_000
MASK = (1 << 64) - 1


def mix(seed):
    """One task: integer mixing in the interpreter, no memory traffic to speak of."""
    h = seed ^ 0x9E3779B97F4A7C15
    for _ in range(ROUNDS_PER_TASK):
        h ^= h >> 31
        h = (h * 0xBF58476D1CE4E5B9) & MASK
    return h >> 40


def nothing(x):
    return x


def median_seconds(f, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def part_a():
    cores = os.cpu_count()
    print(f"A. Pool(n) on a compute-bound job: {TASKS} tasks of {ROUNDS_PER_TASK} mixing rounds, chunksize=1; "
          f"median of 3")
    one_process = median_seconds(lambda: [mix(s) for s in range(TASKS)])
    print(f"   no pool, one process: {one_process:.3f} s")
    base = None
    for n in (1, 2, 4, 8):
        def start_only():
            with multiprocessing.Pool(n) as pool:
                pool.map(nothing, range(n), chunksize=1)  # every worker is up
        start = median_seconds(start_only)

        compute = []
        for _ in range(3):
            with multiprocessing.Pool(n) as pool:
                pool.map(nothing, range(n), chunksize=1)
                t = time.perf_counter()
                pool.map(mix, range(TASKS), chunksize=1)
                compute.append(time.perf_counter() - t)
        compute = statistics.median(compute)
        base = base or compute
        note = " (more processes than cores)" if n > cores else ""
        print(f"   Pool({n}): start + stop {start * 1e3:6.1f} ms, compute {compute:.3f} s, "
              f"speedup {base / compute:.2f}x{note}")


def write_log(path, target_bytes):
    """A log in exercise 20's format, written a block at a time (this process stays small)."""
    levels = ("INFO", "INFO", "WARN", "ERROR", "DEBUG", "INFO")
    paths = ("/api/items", "/api/orders", "/api/users", "/health", "/static/app.js")
    written, i = 0, 0
    with open(path, "w") as f:
        while written < target_bytes:
            block = []
            for _ in range(10_000):
                block.append(f"2026-01-01T00:{i // 60000 % 60:02}:{i // 1000 % 60:02}.{i % 1000:03}Z "
                             f"{levels[i % 6]} worker={i % 8} latency_ms={i * 7 % 500} "
                             f"bytes={i * 131 % 1_000_000} path={paths[i % 5]}\n")
                i += 1
            text = "".join(block)
            f.write(text)
            written += len(text)


# Each way of reading runs in a fresh interpreter and prints its own peak.
READERS = {
    "f.read(): the whole file at once": "data = open(path, 'rb').read(); n = data.count(b'\\n')",
    "for line in f: one line at a time": "n = 0\nfor line in open(path, 'rb'):\n    n += 1",
    "f.readlines(): a list of every line": "lines = open(path, 'rb').readlines(); n = len(lines)",
    "mmap, every page touched": (
        "import mmap\nf = open(path, 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
        "n = sum(m[i:i + 4096].count(b'\\n') for i in range(0, len(m), 4096))"
    ),
    "nothing (the interpreter alone)": "n = 0",
}

REPORT = "import resource, sys; print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def peak_of(code, path):
    """Runs `code` in a new python3; returns (lines counted, its ru_maxrss in KiB)."""
    program = f"path = {path!r}\n{code}\n{REPORT}"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    lines, kib = out.stdout.split()
    return int(lines), int(kib)


def mib(kib):
    return kib / 1024


def part_b(path):
    size = os.path.getsize(path)
    print(f"B. peak resident memory (ru_maxrss, KiB on Linux) reading a {size / 1e6:.0f} MB log, "
          f"each in a fresh python3")
    for what, code in READERS.items():
        lines, kib = peak_of(code, path)
        print(f"   {what:<38} {mib(kib):7.1f} MiB  ({lines} lines)")


def inherit(path, send):
    data = open(path, "rb").read()  # this process now peaks at the file's size
    del data
    lines, kib = peak_of(READERS["nothing (the interpreter alone)"], path)
    send.send(kib)


def part_c(path):
    print("C. the inherited peak: a process reads the file whole, frees it, then starts a fresh python3 that does nothing")
    receive, send = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=inherit, args=(path, send))
    p.start()
    kib = receive.recv()
    p.join()
    print(f"   the child's own ru_maxrss: {mib(kib):.1f} MiB — the parent's peak, not the child's")


if __name__ == "__main__":
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores, start method "
          f"{multiprocessing.get_start_method()}")
    part_a()
    if len(sys.argv) > 1:
        part_b(sys.argv[1])
        part_c(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as folder:
            log = os.path.join(folder, "log.txt")
            write_log(log, 84_000_000)
            part_b(log)
            part_c(log)
