"""Station statistics in Python, measured: the numbers of chapter 8's Python corners.

    python3 book/src/ch08-capstone/stations.py FILE [loop|pool|blocks|mapped|all]

A. loop: one process reads FILE line by line into a dict of [min, max, sum, count]
   in integer tenths, parsing each row with split(b';') and int() of the digits.
B. pool: multiprocessing.Pool(2) over newline-aligned byte ranges of FILE; each
   worker reads its range, splits it into rows and returns a dict like A's; the
   dicts are merged in input order.
C. blocks: B's code in one process, without the pool: how much of B's gain is
   the second core, and how much is splitting a block instead of `for line in f`.
D. mapped: B with each worker mapping FILE (mmap.ACCESS_READ) instead of reading
   its range; slicing the map copies the range into a bytes object anyway.

Each prints the result line on stdout — the same bytes as the Rust stages print —
and its time and rows/s on stderr. FILE is a stations file, e.g. from
`cargo xtask gen stations --size 1000000 -o /tmp/st1m.txt`. The input is assumed
well formed: the Rust stages' checks and byte offsets are left out, which only
flatters Python. Standard library only (Python 3.8+).
"""

import mmap
import multiprocessing
import os
import platform
import sys
import time

WORKERS = 2
MAX_RANGE = 64 * 1024 * 1024  # bytes per task at most: the file is never held whole


# ANCHOR: loop
def add_rows(lines, stations):
    """Adds `name;-12.3` rows to stations: name -> [min, max, sum, count] in tenths."""
    for line in lines:
        name, temperature = line.split(b";")
        tenths = int(temperature.replace(b".", b""))  # int() ignores the b"\n"
        s = stations.get(name)
        if s is None:
            stations[name] = [tenths, tenths, tenths, 1]
        else:
            if tenths < s[0]:
                s[0] = tenths
            if tenths > s[1]:
                s[1] = tenths
            s[2] += tenths
            s[3] += 1
    return stations


def loop(path):
    with open(path, "rb") as f:
        return add_rows(f, {})
# ANCHOR_END: loop


# ANCHOR: format
def tenths_text(t):
    """-123 -> '-12.3'; 0 -> '0.0', never '-0.0'."""
    sign = "-" if t < 0 else ""
    return f"{sign}{abs(t) // 10}.{abs(t) % 10}"


def result_line(stations):
    parts = []
    for name in sorted(stations):  # bytes sort by byte value, as in Rust
        lo, hi, total, n = stations[name]
        mean = (2 * total + n) // (2 * n)  # floor((2·sum + n) / (2·n)): half up
        parts.append(f"{name.decode()}={tenths_text(lo)}/{tenths_text(mean)}/{tenths_text(hi)}")
    return "{" + ", ".join(parts) + "}"
# ANCHOR_END: format


# ANCHOR: pool
def newline_ranges(path, size):
    """(start, end) byte ranges of about `size` bytes, each ending just after a b'\\n'."""
    length = os.path.getsize(path)
    ranges, start = [], 0
    with open(path, "rb") as f:
        while start < length:
            f.seek(min(start + size, length))
            f.readline()  # move on to the end of the row that straddles the cut
            end = min(f.tell(), length)
            ranges.append((start, end))
            start = end
    return ranges


def range_stats(task):
    path, start, end = task
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the empty piece after the range's last b"\n"
    return add_rows(lines, {})


def merge(into, other):
    for name, (lo, hi, total, n) in other.items():
        s = into.get(name)
        if s is None:
            into[name] = [lo, hi, total, n]
        else:
            s[0] = min(s[0], lo)
            s[1] = max(s[1], hi)
            s[2] += total
            s[3] += n


def tasks(path):
    size = min(MAX_RANGE, os.path.getsize(path) // (4 * WORKERS) + 1)  # 4 tasks per worker at least
    return [(path, start, end) for start, end in newline_ranges(path, size)]


def pool(path):
    stations = {}
    with multiprocessing.Pool(WORKERS) as p:
        for part in p.imap(range_stats, tasks(path)):  # results in input order
            merge(stations, part)
    return stations
# ANCHOR_END: pool


# ANCHOR: mapped
def mapped_range_stats(task):
    path, start, end = task
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        lines = m[start:end].split(b"\n")  # the slice is a copy
    if lines[-1] == b"":
        lines.pop()
    return add_rows(lines, {})


def mapped(path):
    stations = {}
    with multiprocessing.Pool(WORKERS) as p:
        for part in p.imap(mapped_range_stats, tasks(path)):
            merge(stations, part)
    return stations
# ANCHOR_END: mapped


def blocks(path):
    stations = {}
    for part in map(range_stats, tasks(path)):
        merge(stations, part)
    return stations


def main():
    stages = {"loop": ("A. loop, one process", loop), "pool": (f"B. Pool({WORKERS})", pool),
              "blocks": ("C. B's code, one process", blocks), "mapped": (f"D. Pool({WORKERS}), mapped", mapped)}
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["all"], *([s] for s in stages)):
        sys.exit(__doc__)
    path = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) == 3 else "all"
    rows, last = 0, b"\n"
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            rows, last = rows + block.count(b"\n"), block[-1:]
    rows += last != b"\n"  # a last row without its b"\n" counts too
    print(f"{rows} rows, {os.path.getsize(path) / 1e6:.1f} MB; Python {platform.python_version()}, "
          f"{os.cpu_count()} cores", file=sys.stderr)
    for name, (label, stage) in stages.items():
        if which not in (name, "all"):
            continue
        start = time.perf_counter()
        line = result_line(stage(path))
        seconds = time.perf_counter() - start
        print(line)
        print(f"{label}: {seconds:.2f} s, {rows / seconds / 1e6:.2f} M rows/s", file=sys.stderr)


if __name__ == "__main__":
    main()
