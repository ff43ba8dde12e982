"""Tests for memory_budget.py (exercise 20), run as `cargo xtask bench` runs it:
a subprocess on small logs written to a temporary directory, each mode's
summary against an oracle written here, plainly, on the whole file in memory.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import random
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, run

SCRIPT = Path(__file__).resolve().parent / "memory_budget.py"
MODES = ["sequential", "pool", "pool-ranges"]
MAX_LINE = 65536
U64_MAX = "18446744073709551615"

# A small log and its summary as the Rust reference program prints it
# (target/release/memory-budget-solution FILE), pinned.
PINNED_LOG = (
    b"A INFO w l bytes=10 path=/a\nB WARN w l bytes=+5 path=/b\nC LOUD w l bytes=1 path=/a\n\n"
    b"D ERROR w latency_ms=x bytes=3 path=/a\nE INFO w l bytes=-1 path=/a\nF DEBUG w l bytes=7 path=/\xc3\xa9\n"
    b"G INFO w l bytes=1 path=/\xff\nH INFO w l bytes=2 path=/a extra\n"
    b"I INFO w l bytes=18446744073709551615 path=/max\nJ INFO w l bytes=18446744073709551616 path=/max\n"
    b"K INFO  l bytes=1 path=/a"
)
PINNED_SUMMARY = [
    "12 lines, 6 malformed",
    "DEBUG  1",
    "ERROR  1",
    "INFO   3",
    "WARN   1",
    "/a               3 requests, 14 bytes",
    "/b               1 requests, 5 bytes",
    "/max             1 requests, 18446744073709551615 bytes",
    "/é               1 requests, 7 bytes",
]


# --- The oracle: the whole file in memory, on str. ---


def oracle_lines(data):
    """Lines end with a newline; a last one without counts too; no bytes, no lines."""
    if not data:
        return []
    return (data[:-1] if data.endswith(b"\n") else data).split(b"\n")


def oracle_u64(text):
    """u64 by comparing digit strings: a '+' or not, then ASCII digits, at most 18446744073709551615."""
    digits = text[1:] if text[:1] == "+" else text
    if digits == "" or any(c not in "0123456789" for c in digits):
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(U64_MAX) or (len(digits) == len(U64_MAX) and digits > U64_MAX):
        return None
    return int(digits)


def oracle_parse(line):
    try:
        fields = line.decode("utf-8").split(" ")
    except UnicodeDecodeError:
        return None
    if len(fields) != 6 or fields[1] not in ("DEBUG", "INFO", "WARN", "ERROR"):
        return None
    if not (fields[4].startswith("bytes=") and fields[5].startswith("path=")):
        return None
    size = oracle_u64(fields[4][len("bytes=") :])
    return None if size is None else (fields[1], size, fields[5][len("path=") :])


def oracle_summary(data):
    """The summary as printed, or the offset of the first line longer than MAX_LINE."""
    lines, levels, paths, malformed, offset = oracle_lines(data), {}, {}, 0, 0
    for line in lines:
        if len(line) > MAX_LINE:
            return offset
        offset += len(line) + 1
        parsed = oracle_parse(line)
        if parsed is None:
            malformed += 1
            continue
        level, size, path = parsed
        levels[level] = levels.get(level, 0) + 1
        requests, total = paths.get(path, (0, 0))
        paths[path] = (requests + 1, total + size)
    printed = [f"{len(lines)} lines, {malformed} malformed"]
    printed += [f"{level:<6} {levels[level]}" for level in sorted(levels)]
    printed += [f"{path:<16} {r} requests, {b} bytes" for path, (r, b) in sorted(paths.items())]
    return printed


def sample_log(rows, seed):
    """Lines like `cargo xtask gen logs --malformed ...` writes, and odder ones."""
    rng = random.Random(seed)
    levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
    paths = ["/api/items", "/api/users", "/health", "/api/orders", "/static/app.js", "/日本/ü"]
    odd = [
        "", " ", "x", "t INFO w l bytes=1 path=/a b", "t INFO w l bytes= path=/a", "t INFO w l bytes=+ path=/a",
        "t INFO w l bytes=１２ path=/a", "t INFO w l bytes=1_0 path=/a", "t INFO w l bytes=" + "9" * 5000 + " path=/a",
        "t INFO w l bytes=0018446744073709551615 path=/max", "t INFO w l bytes=18446744073709551616 path=/a",
        "t\tINFO w l bytes=1 path=/tab", "t INFO w l bytes=1 path=/cr\r", "t INFO w l bytes=1 path=", "t info w l bytes=1 path=/a",
    ]
    out = []
    for row in range(rows):
        level = rng.choice(levels)
        latency = 1 + rng.randrange(2000)
        line = (
            f"2026-01-01T00:00:{row // 1000 % 60:02}.{row % 1000:03}Z {level} worker={rng.randrange(16)} "
            f"latency_ms={latency} bytes={rng.randrange(1 << 20)} path={rng.choice(paths)}"
        )
        roll = rng.randrange(100)
        if roll == 0:
            line = line[: rng.randrange(len(line))]
        elif roll == 1:
            line = line.replace("latency_ms=", "latency_ms=x")  # still valid: latency is not checked
        elif roll == 2:
            line = line.replace(f" latency_ms={latency}", "")
        elif roll == 3:
            line = line.replace(level, "LOUD")
        elif roll == 4:
            line = rng.choice(odd)
        data = line.encode("utf-8")
        if roll == 5:
            data = data.replace(b"path=", b"path=\xff")  # not UTF-8
        out.append(data)
    return b"\n".join(out) + b"\n"


class MemoryBudget(BaselineTestCase):
    def write(self, name, data):
        path = self.root / name
        path.write_bytes(data)
        return path

    def check_every_mode(self, path, workers=WORKERS):
        expected = oracle_summary(path.read_bytes())
        self.assertIsInstance(expected, list, "a log without too-long lines")
        oracle = lambda _: (expected[0], {"summary": expected})  # noqa: E731
        self.assert_every_mode_matches(SCRIPT, MODES, [path], oracle, "--workers", str(workers))

    def test_oracle_matches_the_rust_side(self):
        self.assertEqual(oracle_summary(PINNED_LOG), PINNED_SUMMARY)

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_the_pinned_log(self):
        path = self.write("pinned.log", PINNED_LOG)
        oracle = lambda _: ("12 lines, 6 malformed", {"summary": PINNED_SUMMARY})  # noqa: E731
        self.assert_every_mode_matches(SCRIPT, MODES, [path], oracle, "--workers", str(WORKERS))

    def test_a_log_of_several_blocks(self):
        # About 1.5 MB: two of the `pool` mode's 1 MiB blocks, the first ending inside a line.
        data = sample_log(18_000, seed=20)
        self.assertGreater(len(data), 1 << 20)
        self.assertNotEqual(data[(1 << 20) - 1], ord("\n"))
        self.check_every_mode(self.write("blocks.log", data))
        self.check_every_mode(self.write("blocks-no-final-newline.log", data[:-1]), workers=3)

    def test_tiny_logs(self):
        longest = b"t INFO w l bytes=1 path=/" + b"x" * (MAX_LINE - len(b"t INFO w l bytes=1 path=/"))
        self.assertEqual(len(longest), MAX_LINE)  # accepted: only longer lines are refused
        for name, data in [
            ("empty.log", b""),
            ("newline.log", b"\n"),
            ("blank-lines.log", b"\n\n\nx"),
            ("one-line.log", b"t WARN w l bytes=5 path=/a"),
            ("longest-line.log", b"a\n" + longest + b"\nb ERROR w l bytes=2 path=/b\n"),
        ]:
            self.check_every_mode(self.write(name, data))

    def test_a_too_long_line_is_an_error_at_its_offset(self):
        good = sample_log(12_000, seed=3)  # about 1 MB
        for name, data in [
            ("long-line-inside.log", good + b"y" * (MAX_LINE + 1) + b"\n" + good),
            ("long-line-at-end.log", good + b"y" * (MAX_LINE + 1)),
            ("two-long-lines.log", good + b"a" * 200_000 + b"\n" + b"b" * 100_000 + good),
            ("no-newline.log", b"z" * (2 << 20)),
        ]:
            offset = oracle_summary(data)
            self.assertIsInstance(offset, int)
            path = self.write(name, data)
            for mode in MODES:
                with self.subTest(file=name, mode=mode):
                    proc = run(SCRIPT, str(path), "--mode", mode, "--workers", str(WORKERS))
                    self.assert_error(proc, f"the line at byte {offset} is longer than {MAX_LINE} bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.root / "no-such.log"), "--mode", "pool"), "no-such.log")

    def test_has_no_numpy_mode(self):
        self.assert_error(run(SCRIPT, str(self.write("x.log", b"x")), "--mode", "numpy"), "numpy")


if __name__ == "__main__":
    unittest.main()
