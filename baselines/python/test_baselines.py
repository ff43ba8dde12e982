"""Tests for the Python baselines: each script runs as a subprocess, as
`cargo xtask bench` runs it, on small files written to a temporary directory.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Every listed mode must print the digest a tiny independent oracle computes
here; errors must be one `error:` line with exit code 2. NumPy is made
unimportable for some tests (a stub `numpy` module on PYTHONPATH that raises
ImportError), so they check the same thing whether or not NumPy is installed.

Standard library only (Python 3.11).
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARALLEL_SUM = HERE / "parallel_sum.py"
WORD_COUNT = HERE / "word_count.py"
SKEWED_WORK = HERE / "skewed_work.py"
STATIONS = HERE / "stations.py"
WORKERS = 2
# The pool modes cut about four chunks per worker; the text below is built so
# that these cut points fall inside words.
PIECES = WORKERS * 4


def module_importable(name):
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def numpy_importable():
    return module_importable("numpy")


# --- Oracles: written independently of the scripts, as plainly as possible. ---


def oracle_sum(data):
    return sum(struct.unpack(f"<{len(data) // 4}I", data))


def oracle_fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) % 2**64
    return h


def oracle_word_counts(data):
    counts, word = {}, bytearray()
    for byte in data + b" ":  # a trailing separator ends the last word
        if byte < 128 and chr(byte).isalnum():
            word.append(ord(chr(byte).lower()))
        elif word:
            counts[bytes(word)] = counts.get(bytes(word), 0) + 1
            word.clear()
    return counts


def oracle_score(x):
    """05-skewed-work's work function, step by step as the Rust code writes it."""
    rounds = (x >> 24) * (x >> 24) // 16
    h = x | 1
    for _ in range(rounds):
        h = (h ^ (h << 13)) % 2**64
        h = h ^ (h >> 7)
        h = (h ^ (h << 17)) % 2**64
    return h


def oracle_stations_line(data):
    """The capstone's result line, with fractions for the mean (rounded half up)."""
    from fractions import Fraction
    from math import floor

    temps = {}
    for row in data.decode("utf-8").split("\n"):
        if row:
            name, temperature = row.rsplit(";", 1)
            temps.setdefault(name.encode("utf-8"), []).append(round(float(temperature) * 10))

    def shown(tenths):
        return ("-" if tenths < 0 else "") + f"{abs(tenths) // 10}.{abs(tenths) % 10}"

    parts = []
    for name in sorted(temps):
        t = temps[name]
        mean = floor(Fraction(sum(t), len(t)) + Fraction(1, 2))
        parts.append(f"{name.decode('utf-8')}={shown(min(t))}/{shown(mean)}/{shown(max(t))}")
    return "{" + ", ".join(parts) + "}"


def oracle_word_digest(counts):
    lines = b"".join(b"%s\t%d\n" % (word, counts[word]) for word in sorted(counts))
    return f"{sum(counts.values())} words, {len(counts)} distinct, fnv1a64 {oracle_fnv1a64(lines):016x}"


def sample_text():
    """A few KB: mixed case, digits, punctuation, non-ASCII, no final newline,
    and long words, so that chunk cuts land in the middle of words."""
    parts = ["Hello, hello HELLO! café CAFÉ caf 日本 語 naïve x1y2Z3 2024 a-b_c\té\n"]
    separators = [" ", "-", ", ", "é", "\n", "日本", "\t", ".", "_"]
    long_words = ["Supercalifragilisticexpialidocious", "Pneumonoultramicroscopic", "ABCDEFGHIJ0123456789abcdefghij"]
    for i in range(120):
        parts.append(long_words[i % 3] * (1 + i % 4) + str(i % 7) + separators[i % len(separators)])
    parts.append("the END without a final newline 42")
    return "".join(parts).encode("utf-8")


def write_u32(path, values):
    """`values` as little-endian u32s at `path`, as `cargo xtask gen u32` writes them."""
    path.write_bytes(struct.pack(f"<{len(values)}I", *values))
    return path


def env_without(root, module):
    """An environment in which `import MODULE` fails: a stub in `root`, found before any real one."""
    blocker = root / f"no_{module}"
    blocker.mkdir(exist_ok=True)
    (blocker / f"{module}.py").write_text(f"raise ImportError('{module} hidden by the test')\n")
    return dict(os.environ, PYTHONPATH=str(blocker))


def env_without_numpy(root):
    return env_without(root, "numpy")


def with_int_result(oracle):
    """`oracle`, for assert_every_mode_matches, where the line's result is the digest as a number."""

    def digest_and_result(path):
        digest = oracle(path)
        return digest, int(digest)

    return digest_and_result


def run(script, *args, env=None):
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=60, env=env
    )


class BaselineTestCase(unittest.TestCase):
    """What every script's test class shares: a temporary directory `root` for
    the class, the protocol's checks, and the every-mode-against-the-oracle loop.

    No test_ method here: every test file imports this class, and `discover`
    would run such a method once per file.
    """

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        # A class cleanup runs even when make_files fails, unlike tearDownClass.
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.root = Path(cls.tmp.name)
        cls.make_files(cls.root)

    @classmethod
    def make_files(cls, root):
        """Writes the files the class's tests share into `root`."""

    def assert_ok_line(self, proc, mode):
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 1, proc.stdout)
        line = json.loads(lines[0])
        self.assertEqual(list(line), ["impl", "flavour", "compute_seconds", "digest", "result"])
        self.assertEqual(line["impl"], mode)
        self.assertIsInstance(line["flavour"], str)
        self.assertIsInstance(line["compute_seconds"], float)
        self.assertGreaterEqual(line["compute_seconds"], 0.0)
        self.assertIsInstance(line["digest"], str)
        return line

    def assert_error(self, proc, *fragments):
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout, "")
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith("error: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def list_modes(self, script, env=None):
        proc = run(script, "--list-modes", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        modes = json.loads(proc.stdout)
        self.assertIsInstance(modes, list)
        return modes

    def assert_every_mode_matches(self, script, modes, files, oracle, *extra_args):
        """Runs `script FILE --mode MODE EXTRA_ARGS` for every file and mode.

        oracle(path) is the digest every mode must print, or (digest, result):
        then the line's "result" must equal `result` too or, for a dict, hold
        its keys with those values (the other keys are the script's to choose).
        """
        for path in files:
            expected = oracle(path)
            digest, result = expected if isinstance(expected, tuple) else (expected, None)
            for mode in modes:
                with self.subTest(file=path.name, mode=mode, args=" ".join(extra_args)):
                    line = self.assert_ok_line(run(script, str(path), "--mode", mode, *extra_args), mode)
                    self.assertEqual(line["digest"], digest)
                    if isinstance(result, dict):
                        for key, value in result.items():
                            self.assertEqual(line["result"][key], value, key)
                    elif result is not None:
                        self.assertEqual(line["result"], result)


class Baselines(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        # 0xFFFFFFFF values push the sum past 2**32, and past 2**64 would need far more.
        values = [0xFFFFFFFF] * 500 + [0, 1, 2**31, 123456789] * 100
        cls.u32 = write_u32(root / "u32.bin", values)
        cls.u32_sum = sum(values)
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")
        cls.text = root / "text.txt"
        cls.text.write_bytes(sample_text())
        cls.empty = root / "empty.txt"
        cls.empty.write_bytes(b"")
        cls.env_without_numpy = env_without_numpy(root)

    # --- oracles against the pinned values the Rust side checks too ---

    def test_oracles_match_pinned_values(self):
        self.assertEqual(oracle_word_digest({b"a": 1, b"b": 2}), "3 words, 2 distinct, fnv1a64 d795784afa1d9ef5")
        self.assertEqual(oracle_word_counts("b a B café 日本x".encode()), {b"a": 1, b"b": 2, b"caf": 1, b"x": 1})

    def test_the_text_has_words_across_chunk_cuts(self):
        data = sample_text()
        self.assertFalse(data.endswith(b"\n"))
        target = -(-len(data) // PIECES)
        for cut in range(target, len(data), target):
            self.assertTrue(data[cut - 1 : cut + 1].isalnum(), f"byte {cut} is not inside a word")

    # --- parallel_sum ---

    def test_parallel_sum_lists_modes(self):
        modes = self.list_modes(PARALLEL_SUM)
        expected = ["sequential", "pool"] + (["numpy"] if numpy_importable() else [])
        self.assertEqual(modes, expected)
        self.assertEqual(self.list_modes(PARALLEL_SUM, env=self.env_without_numpy), ["sequential", "pool"])

    def test_parallel_sum_every_mode_gives_the_oracle_digest(self):
        self.assertGreater(self.u32_sum, 2**32)
        self.assertEqual(oracle_sum(self.u32.read_bytes()), self.u32_sum)
        oracle = lambda _: (str(self.u32_sum), self.u32_sum)  # noqa: E731
        modes = self.list_modes(PARALLEL_SUM)
        self.assert_every_mode_matches(PARALLEL_SUM, modes, [self.u32], oracle, "--workers", str(WORKERS))

    def test_parallel_sum_rejects_a_size_not_multiple_of_4(self):
        proc = run(PARALLEL_SUM, str(self.odd), "--mode", "sequential", "--workers", str(WORKERS))
        self.assert_error(proc, "5 bytes")

    def test_parallel_sum_missing_file(self):
        proc = run(PARALLEL_SUM, str(self.u32) + ".missing", "--mode", "pool", "--workers", str(WORKERS))
        self.assert_error(proc, ".missing")

    def test_parallel_sum_numpy_mode_without_numpy_says_how_to_install(self):
        proc = run(PARALLEL_SUM, str(self.u32), "--mode", "numpy", env=self.env_without_numpy)
        self.assert_error(proc, "cargo xtask prefetch")

    # --- word_count ---

    def test_word_count_lists_modes_without_numpy(self):
        self.assertEqual(self.list_modes(WORD_COUNT), ["sequential", "pool"])

    def test_word_count_every_mode_gives_the_oracle_digest(self):
        def oracle(path):
            counts = oracle_word_counts(path.read_bytes())
            return oracle_word_digest(counts), {"total_words": sum(counts.values()), "distinct_words": len(counts)}

        files = [self.text, self.empty]
        self.assert_every_mode_matches(WORD_COUNT, self.list_modes(WORD_COUNT), files, oracle, "--workers", str(WORKERS))

    def test_word_count_digest_of_the_pinned_example(self):
        proc = run(WORD_COUNT, "--digest-of", "b a B")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), "3 words, 2 distinct, fnv1a64 d795784afa1d9ef5")

    def test_word_count_missing_file(self):
        proc = run(WORD_COUNT, str(self.text) + ".missing", "--mode", "sequential")
        self.assert_error(proc, ".missing")

    # --- stations (the capstone, 24 to 27) ---

    def test_stations_oracle_matches_a_line_worked_by_hand(self):
        self.assertEqual(oracle_stations_line(b"b;-0.5\na;1.0\nb;0.4\na;2.0\n"), "{a=1.0/1.5/2.0, b=-0.5/0.0/0.4}")

    def stations_file(self, file_name, names):
        """3 000 rows over `names`, and the digest the oracle gives for them."""
        rows = [f"{names[i % len(names)]};{(i * 37 % 1999 - 999) / 10:.1f}" for i in range(3000)]
        path = self.root / file_name
        path.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
        line = oracle_stations_line(path.read_bytes())
        return path, f"{len(set(names))} stations, fnv1a64 {oracle_fnv1a64(line.encode('utf-8')):016x}"

    def test_stations_every_mode_gives_the_oracle_digest(self):
        path, expected = self.stations_file("stations.txt", ["Oslo", "Zürich", "東京", "a", "A;b", "Ōsaka", "x" * 100])
        frames = [m for m in ("polars", "duckdb") if module_importable(m)]
        self.assertEqual(self.list_modes(STATIONS), ["sequential", "pool"] + frames)
        self.assert_every_mode_matches(
            STATIONS, ["sequential", "pool"], [path], lambda _: expected, "--workers", str(WORKERS)
        )

    def test_stations_data_frame_modes_give_the_oracle_digest(self):
        # A CSV reader splits at every ';', so these names have none (as the format says).
        names = ["Oslo", "Zürich", "東京", "a", "St. John's", "Ōsaka", "x" * 100, '"quoted"']
        path, expected = self.stations_file("stations-frames.txt", names)
        frames = [m for m in ("polars", "duckdb") if module_importable(m)]
        if not frames:
            self.skipTest("neither Polars nor DuckDB is installed (`cargo xtask prefetch` installs them)")
        self.assert_every_mode_matches(STATIONS, frames, [path], lambda _: expected, "--workers", str(WORKERS))

    def test_stations_data_frame_mode_without_its_module_says_how_to_install(self):
        proc = run(STATIONS, str(self.empty), "--mode", "polars", env=env_without(self.root, "polars"))
        self.assert_error(proc, "cargo xtask prefetch")

    def test_stations_missing_file(self):
        self.assert_error(run(STATIONS, "no-such-file.txt", "--mode", "pool"), "no-such-file.txt")

    # --- skewed_work ---

    def test_skewed_work_every_mode_gives_the_oracle_digest(self):
        values = [0xFFFFFFFF, 0, 2**24, 7, 2**31 + 5, 0x12345678] * 30
        path = write_u32(self.root / "skewed.bin", values)
        scores = [oracle_score(x) for x in sorted(values)]
        expected = f"{len(scores)} scores, wrapping sum {sum(scores) % 2**64}"
        self.assertEqual(oracle_score(0), 1)
        oracle = lambda _: (expected, {"last": scores[-3:]})  # noqa: E731
        self.assert_every_mode_matches(SKEWED_WORK, self.list_modes(SKEWED_WORK), [path], oracle, "--workers", str(WORKERS))

    def test_skewed_work_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SKEWED_WORK, str(self.odd), "--mode", "sequential"), "5 bytes")

    def test_word_count_has_no_numpy_mode(self):
        self.assert_error(run(WORD_COUNT, str(self.text), "--mode", "numpy"), "numpy")


if __name__ == "__main__":
    unittest.main()
