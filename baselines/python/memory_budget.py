"""Python baseline for exercise 20-memory-budget: summarize a log without holding it in memory.

The file is a log as written by `cargo xtask gen logs --size ROWS -o FILE`,
lines like

    2026-01-01T00:00:01.042Z WARN worker=3 latency_ms=118 bytes=5120 path=/api/items

A line is valid when it is UTF-8 and has exactly six fields separated by
single spaces: a time, a level (DEBUG, INFO, WARN or ERROR), two fields not
checked, `bytes=` with a u64 and `path=` with anything. The summary counts
the lines (a last line without its newline counts too, an empty file has
none), the malformed ones, the valid lines per level and the requests and
bytes per path, as the Rust `Summary`. A line longer than 64 KiB means the
file is not a log: that is an error, reported at the byte where the first
such line starts. Usage (protocol in README.md):

    python3 memory_budget.py FILE --mode MODE [--workers N]   # one JSON line
    python3 memory_budget.py --list-modes                     # ["sequential", "pool", "pool-ranges"]

Modes, all of them streaming: no process ever holds more than about a block
of the file, whatever its size.
  sequential   one process, the file line by line (readline with a limit, so
               that even a line without end is read only up to the limit);
  pool         the exercise's design: the parent reads 1 MiB blocks, cuts each
               after its last newline and carries the rest to the next one,
               and hands the blocks to multiprocessing.Pool(--workers)
               .imap_unordered; each worker summarizes its block and sends back
               a small summary, merged in the parent. Memory stays bounded
               because the pool's feeder thread writes each block into a pipe,
               and that write waits while the pipe is full: backpressure;
  pool-ranges  no bytes through pipes: the file cut into about four byte
               ranges per worker at line starts, and each worker opens the file
               and reads its own range line by line, as `sequential` does.
No NumPy mode: this is parsing lines, not arithmetic on arrays.

The digest is the first line of the printed summary,
"<lines> lines, <malformed> malformed", as on the Rust side (the first line
of `Summary`'s Display). compute_seconds covers everything from opening the
file to the merged summary: here reading *is* the work, so unlike the other
baselines it is inside the clock (from the page cache once the file has been
read before; the Rust bench reads it from memory). It excludes interpreter
start-up and starting the pool's processes. The result holds the summary as
printed and the peak resident memory (ru_maxrss) of this process and of its
largest worker.

Standard library only (Python 3.11).
"""

import os
import sys
import time
from typing import NamedTuple

from workbench_baseline import BaselineError, Outcome, main, warm_pool

MAX_LINE = 64 << 10  # the longest line accepted, without its newline
BLOCK = 1 << 20  # bytes the `pool` mode reads at a time
LEVELS = frozenset([b"DEBUG", b"INFO", b"WARN", b"ERROR"])
U64_MAX = (1 << 64) - 1


def parse_u64(text):
    """Rust's `str::parse::<u64>`: ASCII digits, one optional '+', at most u64::MAX; else None."""
    digits = text[1:] if text.startswith(b"+") else text
    # bytes.isdigit() is ASCII only; the length check keeps int() away from huge numbers.
    if not digits.isdigit() or len(digits.lstrip(b"0")) > 20:
        return None
    value = int(digits)
    return value if value <= U64_MAX else None


def is_utf8(line):
    if line.isascii():  # the usual case, and much faster than decoding
        return True
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse(line):
    """(level, bytes, path) of a valid line, else None."""
    fields = line.split(b" ")
    if len(fields) != 6:
        return None
    _time, level, _worker, _latency, size, path = fields
    if level not in LEVELS or not size.startswith(b"bytes=") or not path.startswith(b"path="):
        return None
    size = parse_u64(size[len(b"bytes=") :])
    if size is None or not is_utf8(line):
        return None
    return level, size, path[len(b"path=") :]


class Summary:
    """Lines, malformed lines, valid lines per level, [requests, bytes] per path."""

    def __init__(self):
        self.lines, self.malformed, self.levels, self.paths = 0, 0, {}, {}

    def add_line(self, line):
        """One line, without its newline."""
        self.lines += 1
        parsed = parse(line)
        if parsed is None:
            self.malformed += 1
            return
        level, size, path = parsed
        self.levels[level] = self.levels.get(level, 0) + 1
        traffic = self.paths.setdefault(path, [0, 0])
        traffic[0] += 1
        traffic[1] += size

    def add_lines(self, text):
        """Every line of `text` (a last one without newline too); the index where the
        first line longer than MAX_LINE starts, or None."""
        if not text:
            return None
        start = 0
        for line in text.removesuffix(b"\n").split(b"\n"):
            if len(line) > MAX_LINE:
                return start
            self.add_line(line)
            start += len(line) + 1
        return None

    def merge(self, other):
        self.lines += other.lines
        self.malformed += other.malformed
        for level, n in other.levels.items():
            self.levels[level] = self.levels.get(level, 0) + n
        for path, (requests, size) in other.paths.items():
            traffic = self.paths.setdefault(path, [0, 0])
            traffic[0] += requests
            traffic[1] += size
        return self

    def printed(self):
        """The lines of the Rust `Summary`'s Display: counts, then levels and paths sorted by their bytes."""
        out = [f"{self.lines} lines, {self.malformed} malformed"]
        out += [f"{level.decode():<6} {n}" for level, n in sorted(self.levels.items())]
        out += [f"{path.decode():<16} {r} requests, {b} bytes" for path, (r, b) in sorted(self.paths.items())]
        return out


def too_long(path, offset):
    return BaselineError(f"{path}: the line at byte {offset} is longer than {MAX_LINE} bytes: is this a log?")


def load(path):
    """Only checks that the file can be opened: every mode streams it itself, inside the clock."""
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise BaselineError(f"{path}: {e.strerror or e}") from None
    return path


# --- line by line: `sequential`, and each worker of `pool-ranges` ---


def summarize_range(task):
    """The lines in bytes [start, end) of the file, start at a line's start, read one at a
    time; (summary, where the first too-long line starts or None)."""
    path, start, end = task
    summary = Summary()
    with open(path, "rb") as f:
        f.seek(start)
        while start < end:
            # At most MAX_LINE + 2 bytes: enough to see that a line is too long, never more.
            line = f.readline(MAX_LINE + 2)
            if not line:
                break
            text = line.removesuffix(b"\n")
            if len(text) > MAX_LINE:
                return summary, start
            summary.add_line(text)
            start += len(line)
    return summary, None


def line_start_after(f, position):
    """The first line start at or after `position`: 0, or just after a newline."""
    if position == 0:
        return 0
    f.seek(position - 1)
    while True:
        piece = f.readline(BLOCK)  # a line without end is read a block at a time, not whole
        if not piece or piece.endswith(b"\n"):
            return f.tell()


def line_ranges(path, pieces):
    """About `pieces` byte ranges covering the file, each starting at a line's start."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        starts = sorted({line_start_after(f, i * size // pieces) for i in range(pieces)} - {size})
    return list(zip(starts, starts[1:] + [size]))


# --- blocks from one reader: `pool` ---


class Blocks:
    """The file as (offset, block) pairs, each block about BLOCK bytes of whole lines
    (the last may lack its newline). Stops when the carried start of a line grows past
    MAX_LINE, and keeps in `too_long_at` where that line starts."""

    def __init__(self, path):
        self.path, self.too_long_at = path, None

    def __iter__(self):
        offset, carry = 0, b""
        with open(self.path, "rb") as f:
            while data := f.read(BLOCK):
                block = carry + data
                cut = block.rfind(b"\n") + 1  # 0 when no line ends in this block
                carry = block[cut:]
                if cut:
                    yield offset, block[:cut]
                    offset += cut
                if len(carry) > MAX_LINE:
                    self.too_long_at = offset
                    return
        if carry:
            yield offset, carry


def summarize_block(task):
    """Runs in a worker: (summary, where the first too-long line starts or None)."""
    offset, block = task
    summary = Summary()
    start = summary.add_lines(block)
    return summary, None if start is None else offset + start


# --- the modes ---


class Answer(NamedTuple):
    summary: Summary
    peak_rss_mib: dict


def peak_rss_mib():
    """ru_maxrss of this process and of its largest waited-for child, in MiB."""
    try:
        import resource
    except ImportError:  # not on Windows
        return {}
    unit = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux

    def mib(who):
        return round(resource.getrusage(who).ru_maxrss * unit / (1 << 20), 1)

    return {"this_process": mib(resource.RUSAGE_SELF), "largest_worker": mib(resource.RUSAGE_CHILDREN)}


def merged(path, results):
    """Merges (summary, too_long) results; raises for the earliest too-long line."""
    total, offsets = Summary(), []
    for summary, offset in results:
        total.merge(summary)
        if offset is not None:
            offsets.append(offset)
    if offsets:
        raise too_long(path, min(offsets))
    return total


def run_sequential(path, workers):
    start = time.perf_counter()
    total = merged(path, [summarize_range((path, 0, os.path.getsize(path)))])
    seconds = time.perf_counter() - start
    flavour = f"one process, line by line (readline({MAX_LINE + 2}))"
    return Outcome(seconds, flavour, Answer(total, peak_rss_mib()))


def run_pool(path, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        blocks = Blocks(path)
        results = list(pool.imap_unordered(summarize_block, blocks))  # summaries only: a few hundred bytes each
        if blocks.too_long_at is not None:  # after every block before it: a worker's find comes first
            results.append((Summary(), blocks.too_long_at))
        total = merged(path, results)
        seconds = time.perf_counter() - start
    flavour = (
        f"multiprocessing.Pool({workers}).imap_unordered over {len(results)} blocks of {BLOCK >> 20} MiB "
        "cut at newlines, one summary per block, merged"
    )
    return Outcome(seconds, flavour, Answer(total, peak_rss_mib()))


def run_pool_ranges(path, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        ranges = line_ranges(path, workers * 4)
        total = merged(path, pool.imap_unordered(summarize_range, [(path, a, b) for a, b in ranges]))
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(ranges)} byte ranges at line starts, each read line by line"
    return Outcome(seconds, flavour, Answer(total, peak_rss_mib()))


def digest(answer):
    return answer.summary.printed()[0]


def result(answer):
    return {"summary": answer.summary.printed(), "peak_rss_mib": answer.peak_rss_mib}


MODES = {"sequential": run_sequential, "pool": run_pool, "pool-ranges": run_pool_ranges}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=digest, result=result))
