"""Sizing a pool, finding a bottleneck and a memory budget in Python, measured: the numbers of chapter 6's Python corners.

    python3 book/src/ch06-resource-tuning/tuning.py [LOG]

A. multiprocessing.Pool(n) for n = 1, 2, 4, 8 on a compute-bound job (pure-Python
   integer mixing, 32 tasks): the time to start the pool and the time to compute.
B. a three-stage pipeline of processes joined by bounded multiprocessing.Queues,
   exercise 19's job: each stage profiled on a sample, then run with one process
   per stage and with the extra processes where the profile says.
C. peak memory (ru_maxrss) of reading a log whole, line by line, as a list of
   lines, through mmap, and in 1 MiB blocks through Pool(2).imap — each in a
   fresh interpreter, started while this one is still small (see D), so each
   peak is the reader's own.
D. the inherited peak: a program started by a process that once held the whole
   file reports that process's peak as its own; a multiprocessing worker does
   or does not, by start method.

LOG is a log file, e.g. from `cargo xtask gen logs --size 1000000 -o /tmp/log1m.log`.
Without it, a log of about 84 MB is written to a temporary folder and deleted
afterwards. Standard library only (Python 3.8+); about 25 s on 2 cores.
"""

import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import time

TASKS = 32
ROUNDS_PER_TASK = 300_000
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


def best_seconds(f, runs=3):
    """The best of `runs` timings: another program can only make a run slower."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def part_a():
    cores = os.cpu_count()
    print(f"A. Pool(n) on a compute-bound job: {TASKS} tasks of {ROUNDS_PER_TASK} mixing rounds, chunksize=1; "
          f"best of 3")
    one_process = best_seconds(lambda: [mix(s) for s in range(TASKS)])
    print(f"   no pool, one process: {one_process:.3f} s")
    base = None
    for n in (1, 2, 4, 8):
        def start_only():
            with multiprocessing.Pool(n) as pool:
                pool.map(nothing, range(n), chunksize=1)  # every worker is up
        start = best_seconds(start_only)

        compute = []
        for _ in range(3):
            with multiprocessing.Pool(n) as pool:
                pool.map(nothing, range(n), chunksize=1)
                t = time.perf_counter()
                pool.map(mix, range(TASKS), chunksize=1)
                compute.append(time.perf_counter() - t)
        compute = min(compute)
        base = base or compute
        note = " (more processes than cores)" if n > cores else ""
        print(f"   Pool({n}): start + stop {start * 1e3:6.1f} ms, compute {compute:.3f} s, "
              f"speedup {base / compute:.2f}x{note}")


# Exercise 19's job: stage s does ROUNDS[s] rounds of mixing per item.
ROUNDS = (8, 56, 8)
STAGE_NAMES = ("parse", "enrich", "summarize")
ITEMS = 40_000
BATCH = 512
SAMPLE = 4096


def stage(s, item):
    h = item ^ (((s + 1) * 0x9E3779B97F4A7C15) & MASK)
    for _ in range(ROUNDS[s]):
        h ^= h >> 29
        h = (h * 0xBF58476D1CE4E5B9) & MASK
    return h


def run_sequential(items):
    total = 0
    for x in items:
        total = (total + stage(2, stage(1, stage(0, x)))) & MASK
    return total


def profile(sample):
    """Seconds per item of each stage, each stage's pass on the previous one's outputs."""
    values, seconds = list(sample), []
    for s in range(len(ROUNDS)):
        t = time.perf_counter()
        values = [stage(s, v) for v in values]
        seconds.append((time.perf_counter() - t) / len(sample))
    return seconds


def rebalance(cost, workers_total):
    """One worker each, then every further worker to the current bottleneck."""
    workers = [1] * len(cost)
    for _ in range(workers_total - len(cost)):
        slowest = max(range(len(cost)), key=lambda s: cost[s] / workers[s])
        workers[slowest] += 1
    return workers


def forward(s, inbox, outbox):
    while (batch := inbox.get()) is not None:
        outbox.put([stage(s, x) for x in batch])


def summarize(inbox, results):
    total = 0
    while (batch := inbox.get()) is not None:
        for x in batch:
            total = (total + stage(2, x)) & MASK
    results.put(total)


def run_pipeline(items, workers):
    queues = [multiprocessing.Queue(maxsize=4) for _ in range(3)]
    results = multiprocessing.Queue()
    stages = [[multiprocessing.Process(target=forward, args=(s, queues[s], queues[s + 1])) for _ in range(workers[s])]
              for s in (0, 1)]
    stages.append([multiprocessing.Process(target=summarize, args=(queues[2], results)) for _ in range(workers[2])])
    for group in stages:
        for p in group:
            p.start()
    for i in range(0, len(items), BATCH):
        queues[0].put(items[i:i + BATCH])
    # A stage is done when all its processes are: then the next one gets one end marker per process.
    for s, group in enumerate(stages):
        for _ in group:
            queues[s].put(None)
        if s < 2:
            for p in group:
                p.join()
    total = 0
    for _ in stages[2]:
        total = (total + results.get()) & MASK
    for p in stages[2]:
        p.join()
    return total


def part_b():
    cores = os.cpu_count()
    items = [(i * 2654435761) & 0xFFFFFFFF for i in range(ITEMS)]
    cost = profile(items[:SAMPLE])
    shown = ", ".join(f"{n} {c * 1e6:.2f} us" for n, c in zip(STAGE_NAMES, cost))
    tuned = rebalance(cost, 3 + cores)
    print(f"B. a three-stage pipeline of processes, {ITEMS} items in batches of {BATCH}, Queue(maxsize=4); best of 3")
    print(f"   profile on {SAMPLE} items, per item: {shown}; rebalanced for {3 + cores} processes: {tuned}")
    want = run_sequential(items)
    one = best_seconds(lambda: run_sequential(items))
    print(f"   {'one process, all stages:':<34} {one:.3f} s")
    for label, workers in (("one process per stage", [1, 1, 1]), ("one more for enrich", [1, 2, 1]),
                           ("rebalanced", tuned)):
        assert run_pipeline(items, workers) == want
        t = best_seconds(lambda: run_pipeline(items, workers))
        print(f"   {label + ' ' + str(workers) + ':':<34} {t:.3f} s")


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


def blocks(path, size=1 << 20):
    """The file in blocks of about `size` bytes, each cut after its last newline."""
    with open(path, "rb") as f:
        carry = b""
        while block := f.read(size):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            carry = block[cut:]
            yield block[:cut]
        if carry:
            yield carry


def count_levels(block):
    levels = {}
    for line in block.split(b"\n"):
        fields = line.split(b" ")
        if len(fields) > 1:
            levels[fields[1]] = levels.get(fields[1], 0) + 1
    return levels


def stream_with_pool(path):
    """Exercise 20's design in Python: 1 MiB blocks to Pool(2).imap, partial counts merged."""
    lines = 0
    with multiprocessing.Pool(2) as pool:
        for levels in pool.imap(count_levels, blocks(path)):
            lines += sum(levels.values())
    return lines


HERE = os.path.dirname(os.path.abspath(__file__))

# Each way of reading runs in a fresh interpreter and prints its own peak.
READERS = {
    "f.read(): the whole file at once": "data = open(path, 'rb').read(); n = data.count(b'\\n')",
    "for line in f: one line at a time": "n = 0\nfor line in open(path, 'rb'):\n    n += 1",
    "f.readlines(): a list of every line": "lines = open(path, 'rb').readlines(); n = len(lines)",
    "mmap, every page touched": (
        "import mmap\nf = open(path, 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
        "n = sum(m[i:i + 4096].count(b'\\n') for i in range(0, len(m), 4096))"
    ),
    "Pool(2).imap over 1 MiB blocks": (
        f"import sys\nsys.path.insert(0, {HERE!r})\nimport tuning\nn = tuning.stream_with_pool(path)"
    ),
    "nothing (the interpreter alone)": "n = 0",
}

REPORT = ("import resource\n"
          "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
          "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_of(code, path):
    """Runs `code` in a new python3; returns (lines counted, its ru_maxrss, its largest child's)."""
    program = f"path = {path!r}\n{code}\n{REPORT}"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    lines, kib, children = out.stdout.split()
    return int(lines), int(kib), int(children)


def mib(maxrss):
    """ru_maxrss in MiB: Linux counts it in KiB, macOS in bytes."""
    return maxrss / (1 << 20 if sys.platform == "darwin" else 1 << 10)


def part_c(path):
    size = os.path.getsize(path)
    report = [f"C. peak resident memory (ru_maxrss) reading a {size / 1e6:.0f} MB log, "
              f"each in a fresh python3"]
    for what, code in READERS.items():
        lines, kib, children = peak_of(code, path)
        workers = f", each worker at most {mib(children):.1f} MiB" if children else ""
        report.append(f"   {what:<38} {mib(kib):7.1f} MiB  ({lines} lines{workers})")
    return report


def report_peak(queue):
    import resource
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def inherit(path, send):
    data = open(path, "rb").read()  # this process now peaks at the file's size
    del data
    lines, kib, _ = peak_of(READERS["nothing (the interpreter alone)"], path)
    workers = {}
    for method in ("fork", "spawn", "forkserver"):
        if method in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context(method)
            queue = context.Queue()
            worker = context.Process(target=report_peak, args=(queue,))
            worker.start()
            workers[method] = queue.get()
            worker.join()
    send.send((kib, workers))


def part_d(path):
    receive, send = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=inherit, args=(path, send))
    p.start()
    kib, workers = receive.recv()
    p.join()
    methods = ", ".join(f"{method} {mib(k):.1f} MiB" for method, k in workers.items())
    return ["D. the inherited peak: a process reads the file whole and frees it, then starts a fresh python3 "
            "and a multiprocessing worker per start method, each doing nothing",
            f"   the fresh python3's own ru_maxrss: {mib(kib):.1f} MiB — its parent's peak, not its own",
            f"   a worker's ru_maxrss by start method: {methods}"]


def memory_parts(path):
    return part_c(path) + part_d(path)


if __name__ == "__main__":
    print(f"Python {platform.python_version()} on {os.cpu_count()} cores, start method "
          f"{multiprocessing.get_start_method()}")
    # Parts C and D are measured first, while this process is still small: a
    # child's ru_maxrss starts at its parent's peak (which is what D shows).
    if len(sys.argv) > 1:
        memory = memory_parts(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as folder:
            log = os.path.join(folder, "log.txt")
            write_log(log, 84_000_000)
            memory = memory_parts(log)
    part_a()
    part_b()
    print("\n".join(memory))
