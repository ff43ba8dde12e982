"""The command-line protocol every Python baseline follows (see README.md).

A baseline script only holds its computation; it calls `main()` here with
its modes, and this module does the rest:

    python3 SCRIPT.py FILE --mode MODE [--workers N]
        prints one JSON line and exits 0:
        {"impl": MODE, "flavour": "...", "compute_seconds": 0.42,
         "digest": "...", "result": ...}
    python3 SCRIPT.py --list-all-modes
        prints a JSON list of every mode the script has;
    python3 SCRIPT.py --list-modes
        prints a JSON list of the modes runnable here, e.g. ["sequential", "pool"];
        "numpy", "polars" and "duckdb" are listed only if the script has the
        mode and the module of that name imports.

Any problem (missing file, bad file, a module missing, bad argument) is one
stderr line starting `error:`, with exit code 2.

compute_seconds is measured by each mode itself: it covers the work, including
cutting the data into chunks, sending them to the workers and getting the
results back; it excludes interpreter start-up, imports, reading the file and
starting the pool's processes (`warm_pool` starts them before the clock does).

Standard library only (Python 3.11). NumPy, Polars and DuckDB, for the modes
of those names: `cargo xtask prefetch` installs them into .tools/python.
"""

from __future__ import annotations  # `X | None` in annotations on Python 3.8 and 3.9

import argparse
import json
import importlib
import os
import sys
import time
from contextlib import contextmanager
from multiprocessing import Pool
from typing import Any, Callable, NamedTuple

# Modes that need a module beyond the standard library: listed only where it imports.
# `cargo xtask prefetch` installs all three into the project's .tools/python.
OPTIONAL_MODULES = {"numpy": "numpy", "polars": "polars", "duckdb": "duckdb"}
INSTALL_HINT = "`cargo xtask prefetch` installs NumPy, Polars and DuckDB into .tools/python, which `bench` uses"

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
U64_MASK = (1 << 64) - 1


class BaselineError(Exception):
    """A problem the user can fix: reported as one `error:` line, exit code 2."""


class Outcome(NamedTuple):
    """What a mode returns: its own timing, a description, and its answer."""

    compute_seconds: float
    flavour: str
    answer: Any


def fnv1a64(data: bytes) -> int:
    """64-bit FNV-1a, as `datagen::fnv1a64` on the Rust side: xor the byte, then multiply."""
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & U64_MASK
    return h


def module_available(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def numpy_available() -> bool:
    return module_available("numpy")


def read_bytes(path: str) -> bytes:
    """The whole file; read before any clock starts."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise BaselineError(f"{path}: {e.strerror or e}") from None


def _pid_after_a_pause(_):
    # The pause keeps this worker busy, so the next warm-up task goes to another one.
    time.sleep(0.005)
    return os.getpid()


@contextmanager
def warm_pool(workers: int):
    """A multiprocessing.Pool(workers) whose workers have all answered once.

    Starting processes is a one-off cost that compute_seconds leaves out. With
    the "spawn" start method (macOS, Windows) a worker is not ready until it
    has imported this module, so keep mapping until every worker has replied.
    """
    with Pool(workers) as pool:
        seen = set()
        for _ in range(200):  # about a second at most; a slow start then only costs accuracy
            seen.update(pool.map(_pid_after_a_pause, range(workers), chunksize=1))
            if len(seen) >= workers:
                break
        yield pool


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One `error:` line, like every other failure, instead of usage + message.
        raise BaselineError(message)


def runnable_modes(modes) -> list:
    return [m for m in modes if m not in OPTIONAL_MODULES or module_available(OPTIONAL_MODULES[m])]


def main(
    doc: str,
    modes: dict,
    load: Callable[[str], Any],
    digest: Callable[[Any], str],
    result: Callable[[Any], Any] = lambda answer: answer,
    digest_of: Callable[[str], str] | None = None,
    argv=None,
) -> int:
    """Runs the protocol and returns the exit code.

    modes: name -> function(data, workers) -> Outcome; a mode named in OPTIONAL_MODULES needs that module.
    load: path -> data, raising BaselineError for a file of the wrong shape.
    digest: answer -> the string the Rust side prints for the same input.
    result: answer -> something JSON-serialisable and readable.
    digest_of: optional text -> digest, exposed as --digest-of for spot checks.
    """
    try:
        parser = _Parser(description=doc.splitlines()[0])
        parser.add_argument("file", nargs="?", help="input file from `cargo xtask gen`")
        parser.add_argument("--mode", choices=list(modes), default="pool" if "pool" in modes else None)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size (default: all cores)")
        parser.add_argument("--list-modes", action="store_true", help="print the modes runnable here as JSON")
        parser.add_argument("--list-all-modes", action="store_true", help="print every mode of the script as JSON")
        if digest_of is not None:
            parser.add_argument("--digest-of", metavar="TEXT", help="print the digest of TEXT and exit")
        args = parser.parse_args(argv)

        if args.list_modes:
            print(json.dumps(runnable_modes(modes)))
            return 0
        if args.list_all_modes:
            print(json.dumps(list(modes)))
            return 0
        if digest_of is not None and args.digest_of is not None:
            print(digest_of(args.digest_of))
            return 0
        if args.file is None:
            raise BaselineError("FILE is required (or use --list-modes)")
        if args.mode is None:
            raise BaselineError(f"--mode is required: one of {', '.join(modes)}")
        if args.workers < 1:
            raise BaselineError(f"--workers must be at least 1, got {args.workers}")
        needs = OPTIONAL_MODULES.get(args.mode)
        if needs is not None and not module_available(needs):
            raise BaselineError(f"--mode {args.mode} needs {needs}, which is not installed; {INSTALL_HINT}")

        data = load(args.file)
        outcome = modes[args.mode](data, args.workers)
    except BaselineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    line = {
        "impl": args.mode,
        "flavour": outcome.flavour,
        "compute_seconds": outcome.compute_seconds,
        "digest": digest(outcome.answer),
        "result": result(outcome.answer),
    }
    print(json.dumps(line))
    return 0
