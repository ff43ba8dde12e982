"""Python baseline for exercise 09-shared-memory: worker processes filling regions of shared memory.

The output is LEN bytes, byte i being pattern(i) = (i * 0x9E3779B97F4A7C15 mod 2**64) >> 56,
as the exercise's given `pattern`; LEN is the size of the file
(`cargo xtask gen u32 --size N -o FILE`), whose bytes are not used. Usage
(protocol in README.md):

    python3 shared_memory.py FILE --mode MODE [--workers N]   # one JSON line
    python3 shared_memory.py --list-modes                     # ["sequential", "processes", "numpy"]

Modes:
  sequential  one process fills a bytearray;
  processes   a multiprocessing.shared_memory.SharedMemory of LEN bytes, and
              --workers multiprocessing.Process workers, each filling its own
              balanced region (exercise 03's formula) through shm.buf;
  numpy       the same processes, each filling its region through a NumPy
              array over shm.buf (optional: needs NumPy).

The digest is "<LEN> bytes, sha1 <hex>", the SHA-1 of the output, as on the
Rust side. compute_seconds covers creating the memory, starting the workers
(they are started per fill, as the Rust side starts its programs) and waiting
for them; it excludes interpreter start-up and imports.

Standard library only (Python 3.11). NumPy is optional, for --mode numpy.
"""

import hashlib
import os
import time
from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory

from parallel_sum import check_u32_size
from workbench_baseline import BaselineError, Outcome, main

K = 0x9E3779B97F4A7C15
U64_MASK = (1 << 64) - 1
# NumPy fills at most this many bytes at a time (8 bytes of index each).
NUMPY_PIECE = 1 << 20


def load(path):
    try:
        size = os.stat(path).st_size
    except OSError as e:
        raise BaselineError(f"{path}: {e.strerror or e}") from None
    check_u32_size(path, size)
    return size


def region(length, parts, i):
    """The i-th of `parts` balanced ranges of range(length) (exercise 03)."""
    base, extra = divmod(length, parts)
    start = lambda k: k * base + min(k, extra)  # noqa: E731
    return start(i), start(i + 1)


def fill(buf, start, end):
    buf[start:end] = bytes(((i * K) & U64_MASK) >> 56 for i in range(start, end))


def fill_numpy(buf, start, end):
    import numpy as np

    out = np.ndarray((end - start,), dtype=np.uint8, buffer=buf, offset=start)
    for at in range(start, end, NUMPY_PIECE):
        index = np.arange(at, min(at + NUMPY_PIECE, end), dtype=np.uint64)
        out[at - start : at - start + len(index)] = (index * np.uint64(K)) >> np.uint64(56)


def fill_region(shm, start, end, numpy):
    """A worker process: fills its region of the shared memory."""
    (fill_numpy if numpy else fill)(shm.buf, start, end)


def run_sequential(length, workers):
    start = time.perf_counter()
    out = bytearray(length)
    fill(out, 0, length)
    return Outcome(time.perf_counter() - start, "one process fills a bytearray", bytes(out))


def with_processes(length, workers, numpy):
    if length == 0:
        return 0.0, b""
    start = time.perf_counter()
    shm = SharedMemory(create=True, size=length)
    try:
        # Under fork the workers inherit the mapping itself; under spawn they attach by name.
        regions = [region(length, workers, k) for k in range(workers)]
        processes = [Process(target=fill_region, args=(shm, a, b, numpy)) for a, b in regions if a < b]
        for p in processes:
            p.start()
        for p in processes:
            p.join()
        seconds = time.perf_counter() - start
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        if failed:
            raise BaselineError(f"a worker exited with {failed[0]}")
        # SharedMemory may round its size up to a page: only the first `length` bytes are the output.
        return seconds, bytes(shm.buf[:length])
    finally:
        shm.close()
        shm.unlink()


def run_processes(length, workers):
    seconds, out = with_processes(length, workers, numpy=False)
    return Outcome(seconds, f"SharedMemory, {workers} multiprocessing.Process workers, one region each", out)


def run_numpy(length, workers):
    seconds, out = with_processes(length, workers, numpy=True)
    return Outcome(seconds, f"SharedMemory, {workers} Process workers, NumPy over each region", out)


def digest(out):
    return f"{len(out)} bytes, sha1 {hashlib.sha1(out).hexdigest()}"


if __name__ == "__main__":
    raise SystemExit(
        main(
            __doc__,
            {"sequential": run_sequential, "processes": run_processes, "numpy": run_numpy},
            load,
            digest,
            result=lambda out: {"bytes": len(out)},
        )
    )
