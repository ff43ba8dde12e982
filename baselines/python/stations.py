"""Python baseline for the capstone (exercises 24 to 27): min/mean/max per weather station.

The file is rows as written by `cargo xtask gen stations --size N -o FILE`:
`name;temperature\n`, the temperature exactly -?D?D.D. The result is the
capstone's line, `{name=min/mean/max, ...}`, sorted by the name's bytes,
temperatures in tenths printed with one decimal, the mean rounded half up
(floor((2*sum + n) / (2*n)) tenths). Usage (protocol in README.md):

    python3 stations.py FILE --mode MODE [--workers N]   # one JSON line
    python3 stations.py --list-modes                     # ["sequential", "pool", ...]

Modes:
  sequential  one process: split the bytes into rows, one dict of
              [min, max, sum, count] lists keyed by the name's bytes;
  pool        what a careful multiprocessing user writes: the file cut into
              about four pieces per worker at row boundaries, each worker
              maps the file itself (mmap: no bytes are sent to it), builds
              its own dict for its piece, and sends the dict back; the dicts
              are merged in the parent;
  polars      Polars, a lazy CSV scan and a group-by (if Polars imports);
  duckdb      DuckDB, one SQL query over the file (if DuckDB imports).

The digest is "<stations> stations, fnv1a64 <16 hex digits>", the hash of the
result line's UTF-8 bytes, as `benches::load::stations_digest` on the Rust
side. compute_seconds covers the aggregation and the merge, and for `pool`
cutting the pieces, the workers' mapping and sending the dicts back; it
excludes interpreter start-up, reading the file (the cut points need it) and
starting the pool's processes. Building the result line is left out on both
sides' Python modes alike.

Standard library only (Python 3.11), and Polars and DuckDB for their modes.
"""

import mmap
import sys
import time

from workbench_baseline import Outcome, fnv1a64, main, read_bytes, warm_pool


class Input:
    """The file's path (for the workers to map) and its bytes (for the cut points)."""

    def __init__(self, path, data):
        self.path, self.data = path, data


def load(path):
    return Input(path, read_bytes(path))


def aggregate(rows):
    """Name -> [min, max, sum, count] in tenths; `-12.3` is -123."""
    stations = {}
    for row in rows.split(b"\n"):
        if not row:
            continue
        name, _, temperature = row.rpartition(b";")
        tenths = int(temperature.replace(b".", b""))
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


def aggregate_piece(task):
    """Runs in a worker process: maps the file and aggregates bytes [start, end)."""
    path, start, end = task
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return aggregate(m[start:end])


def merge(into, other):
    for name, o in other.items():
        s = into.get(name)
        if s is None:
            into[name] = o
        else:
            s[0], s[1], s[2], s[3] = min(s[0], o[0]), max(s[1], o[1]), s[2] + o[2], s[3] + o[3]
    return into


def cut_points(data, pieces):
    """About `pieces` pieces of `data`; each cut moves forward past the next newline."""
    target = max(1, -(-len(data) // pieces))
    starts = [0]
    while starts[-1] + target < len(data):
        newline = data.find(b"\n", starts[-1] + target)
        if newline < 0:
            break
        starts.append(newline + 1)
    return list(zip(starts, starts[1:] + [len(data)]))


def run_sequential(data, workers):
    start = time.perf_counter()
    stations = aggregate(data.data)
    return Outcome(time.perf_counter() - start, "one process, bytes.split + dict of lists", stations)


def run_pool(data, workers):
    with warm_pool(workers) as pool:
        start = time.perf_counter()
        pieces = cut_points(data.data, workers * 4)
        stations = {}
        for partial in pool.imap_unordered(aggregate_piece, [(data.path, a, b) for a, b in pieces]):
            merge(stations, partial)
        seconds = time.perf_counter() - start
    flavour = f"multiprocessing.Pool({workers}), {len(pieces)} pieces of an mmap, one dict per piece, merged"
    return Outcome(seconds, flavour, stations)


def format_tenths(tenths):
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}"


def result_line(stations):
    parts = []
    for name in sorted(stations):  # bytes sort by their bytes, as the Rust side's &[u8]
        low, high, total, count = stations[name]
        mean = (2 * total + count) // (2 * count)
        shown = f"{format_tenths(low)}/{format_tenths(mean)}/{format_tenths(high)}"
        parts.append(f"{name.decode('utf-8', 'replace')}={shown}")
    return "{" + ", ".join(parts) + "}"


def digest(stations):
    line = result_line(stations)
    return f"{line.count('=')} stations, fnv1a64 {fnv1a64(line.encode('utf-8')):016x}"


def result(stations):
    line = result_line(stations)
    return {"stations": len(stations), "first": line[:80]}


def from_rows(rows):
    """name (str) -> [min, max, sum, count], from (name, min, max, sum, count) rows."""
    return {name.encode("utf-8"): [low, high, total, count] for name, low, high, total, count in rows}


def run_polars(data, workers):
    """What a data-frame user writes: a lazy CSV scan, a group-by, on all cores."""
    import polars as pl

    start = time.perf_counter()
    frame = (
        pl.scan_csv(
            data.path,
            separator=";",
            has_header=False,
            new_columns=["name", "t"],
            schema_overrides={"name": pl.String, "t": pl.Float64},
            quote_char=None,
        )
        .with_columns((pl.col("t") * 10).round().cast(pl.Int64).alias("tenths"))
        .group_by("name")
        .agg(
            pl.col("tenths").min().alias("low"),
            pl.col("tenths").max().alias("high"),
            pl.col("tenths").sum().alias("total"),
            pl.len().alias("count"),
        )
        .collect()
    )
    stations = from_rows(frame.iter_rows())
    seconds = time.perf_counter() - start
    return Outcome(seconds, f"Polars {pl.__version__}: scan_csv, group_by, all cores", stations)


def run_duckdb(data, workers):
    """What a SQL user writes: one query over the file, on all cores."""
    import duckdb

    path = data.path.replace("'", "''")
    query = f"""
        SELECT name, min(v), max(v), sum(v), count(*) FROM (
            SELECT name, CAST(round(t * 10) AS BIGINT) AS v
            FROM read_csv('{path}', delim=';', header=false, quote='', escape='',
                          columns={{'name': 'VARCHAR', 't': 'DOUBLE'}})
        ) GROUP BY name
    """
    start = time.perf_counter()
    with duckdb.connect() as db:
        stations = from_rows(db.sql(query).fetchall())
    seconds = time.perf_counter() - start
    return Outcome(seconds, f"DuckDB {duckdb.__version__}: read_csv, GROUP BY, all cores", stations)


MODES = {"sequential": run_sequential, "pool": run_pool, "polars": run_polars, "duckdb": run_duckdb}

if __name__ == "__main__":
    sys.exit(main(__doc__, MODES, load, digest=digest, result=result))
