"""Python baseline for exercise 12-heat-stencil: 64 steps of heat diffusion along a rod.

The file holds little-endian u32 values, as written by
`cargo xtask gen u32 --size N -o FILE`; cell i starts at x / (2**32 - 1) * 100
degrees (given.rs's temperatures()). Each step computes every inner cell from
itself and its two neighbours in the old grid, with given.rs's
next_temperature — the same operations in the same order, so the doubles
agree with Rust's to the last bit; the two end cells keep their temperature.
Usage (protocol in README.md):

    python3 heat_stencil.py FILE --mode MODE [--workers N]   # one JSON line
    python3 heat_stencil.py --list-modes                     # ["sequential", "pool", "shared-memory", ...]

Modes:
  sequential     one process, two array("d") grids taking turns;
  pool           multiprocessing.Pool(--workers, default os.cpu_count()); every
                 step, the inner cells cut into about four ranges per worker,
                 each sent with its two neighbour cells, pool.map'ed, the new
                 ranges written back: the grid travels to the workers and back
                 64 times, and each map is the step's barrier;
  shared-memory  the exercise's design: two grids in
                 multiprocessing.shared_memory blocks, one Process per worker
                 owning one balanced range of cells for the whole run, a
                 multiprocessing.Barrier between steps; nothing is copied;
  numpy          the same Processes, blocks and Barrier, each process's step
                 one NumPy expression on slices of its range, as numerical
                 Python does it (with --workers 1, NumPy on one core).

The digest is "<cells> cells, bit hash <16 hex digits>": h = 0, then for each
cell h = rotate_left(h, 5) ^ (the cell's IEEE-754 bits), as on the Rust side.
compute_seconds covers the 64 steps, including sending ranges to the pool's
workers and back, and copying the result out of shared memory; it excludes
interpreter start-up, imports, reading the file and converting it to
temperatures, and starting the processes (shared-memory, numpy: they start,
map the blocks, and the clock starts when all wait at a Barrier; the input is
copied into the blocks before that).

Standard library only (Python 3.11). NumPy is optional, for --mode numpy:
python3 -m pip install numpy
"""

import multiprocessing
import sys
import time
from array import array
from multiprocessing.shared_memory import SharedMemory

from parallel_sum import as_u32, load as load_u32
from workbench_baseline import Outcome, main, warm_pool

STEPS = 64  # given.rs's STEPS, what the bench runs
ALPHA = 0.25
U32_MAX = float(2**32 - 1)
CELL_BYTES = 8
MASK = (1 << 64) - 1


# --- The physics, as given.rs writes it. Every mode uses these two functions,
# on floats (pure Python) or on NumPy arrays (element by element, the same
# operations in the same order): not one of them may be re-associated. ---


def conductivity(a, b):
    mean = 0.5 * (a + b)
    return 1.0 / (1.0 + mean * mean * 4e-4)


def next_temperature(left, here, right):
    return here + ALPHA * (conductivity(left, here) * (left - here) + conductivity(here, right) * (right - here))


def load(path):
    """given.rs's temperatures(): f64::from(x) / f64::from(u32::MAX) * 100.0 for every x."""
    return array("d", [x / U32_MAX * 100.0 for x in as_u32(load_u32(path))])


def inner_ranges(n, pieces):
    """At most `pieces` balanced, non-empty ranges (lo, hi) of the inner cells 1..n-1 (exercise 03's rule)."""
    inner = max(0, n - 2)
    pieces = min(pieces, inner)
    if pieces == 0:
        return []
    size, extra = divmod(inner, pieces)
    start = [1 + t * size + min(t, extra) for t in range(pieces + 1)]
    return list(zip(start, start[1:]))


def step_cells(old, lo, hi):
    """The new temperatures of cells lo..hi (0 < lo, hi < len(old)) from the old grid."""
    return array("d", map(next_temperature, old[lo - 1 : hi - 1], old[lo:hi], old[lo + 1 : hi + 1]))


def run_sequential(cells, workers):
    start = time.perf_counter()
    old, new = array("d", cells), array("d", cells)  # the end cells never change: both grids hold them
    for _ in range(STEPS):
        for lo, hi in inner_ranges(len(cells), 1):
            new[lo:hi] = step_cells(old, lo, hi)
        old, new = new, old
    return Outcome(time.perf_counter() - start, "one process, two array('d') grids", old)


def step_window(window):
    """Runs in a worker process: one range and its two neighbours in, the range's new cells out."""
    return step_cells(window, 1, len(window) - 1)


def run_pool(cells, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        pieces = inner_ranges(len(cells), workers * 4)
        old, new = array("d", cells), array("d", cells)
        for _ in range(STEPS):
            windows = [old[lo - 1 : hi + 1] for lo, hi in pieces]
            for (lo, hi), part in zip(pieces, pool.map(step_window, windows, chunksize=1)):
                new[lo:hi] = part
            old, new = new, old
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(pieces)} ranges per step sent and returned, {STEPS} maps"
    return Outcome(seconds, flavour, old)


# --- Shared memory: one Process per range for the whole run, a Barrier per step. ---


def python_grid(block, n):
    """The block's n cells as a memoryview of doubles: indexing gives Python floats."""
    return block.buf.cast("d")[:n]


def python_step(old, new, lo, hi):
    new[lo:hi] = step_cells(old, lo, hi)


def numpy_grid(block, n):
    import numpy as np

    return np.frombuffer(block.buf, dtype=np.float64, count=n)  # a view of the block, writable


def numpy_step(old, new, lo, hi):
    new[lo:hi] = next_temperature(old[lo - 1 : hi - 1], old[lo:hi], old[lo + 1 : hi + 1])


def stencil_process(blocks, n, lo, hi, grid, step, phase, gate):
    """Runs in a Process: owns cells lo..hi of both grids; reads its neighbours' edge cells from the old one."""
    grids = [grid(block, n) for block in blocks]
    gate.wait()  # every process ready: the clock starts
    for k in range(STEPS):
        step(grids[k % 2], grids[(k + 1) % 2], lo, hi)
        phase.wait()  # nobody reads this step's grid as the old one before every range is written
    gate.wait()  # every process done: the parent copies the result out
    del grids  # the views must go before the blocks can close
    for block in blocks:
        block.close()


def run_in_shared_memory(cells, workers, grid, step):
    """Seconds, processes and the final cells of STEPS steps by one Process per range."""
    n = len(cells)
    pieces = inner_ranges(n, workers)
    blocks = [SharedMemory(create=True, size=max(1, n) * CELL_BYTES) for _ in range(2)]
    try:
        for block in blocks:  # both grids start as the input: the end cells are never written
            block.buf[: n * CELL_BYTES] = cells.tobytes()
        phase = multiprocessing.Barrier(max(1, len(pieces)))
        gate = multiprocessing.Barrier(len(pieces) + 1)  # the processes and this one
        processes = [
            multiprocessing.Process(target=stencil_process, args=(blocks, n, lo, hi, grid, step, phase, gate))
            for lo, hi in pieces
        ]
        for p in processes:
            p.start()
        try:
            gate.wait()
            start = time.perf_counter()
            gate.wait()
            result = array("d")
            result.frombytes(blocks[STEPS % 2].buf[: n * CELL_BYTES])
            seconds = time.perf_counter() - start
        finally:
            for p in processes:
                p.join()
    finally:
        for block in blocks:
            block.close()
            block.unlink()
    return seconds, len(processes), result


def run_shared_memory(cells, workers):
    seconds, processes, result = run_in_shared_memory(cells, workers, python_grid, python_step)
    flavour = f"{processes} multiprocessing.Process, 2 shared_memory grids, a Barrier per step, pure Python"
    return Outcome(seconds, flavour, result)


def run_numpy(cells, workers):
    import numpy as np

    seconds, processes, result = run_in_shared_memory(cells, workers, numpy_grid, numpy_step)
    flavour = (
        f"NumPy {np.__version__} slices, {processes} multiprocessing.Process, 2 shared_memory grids, a Barrier per step"
    )
    return Outcome(seconds, flavour, result)


def digest(cells):
    h = 0
    for bits in memoryview(cells.tobytes()).cast("Q"):  # each double's bits, as f64::to_bits
        h = (((h << 5) | (h >> 59)) & MASK) ^ bits  # h.rotate_left(5) ^ bits
    return f"{len(cells)} cells, bit hash {h:016x}"


def result(cells):
    return {"cells": len(cells), "first": list(cells[:3]), "last": list(cells[-3:])}


MODES = {"sequential": run_sequential, "pool": run_pool, "shared-memory": run_shared_memory, "numpy": run_numpy}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=digest, result=result))
