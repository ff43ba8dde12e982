"""Tests for pipeline_bottleneck.py (exercise 19), run as `cargo xtask bench`
runs it: a subprocess on small files written to a temporary directory; and
its greedy split, imported, against the book's table and a brute force.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import itertools
import random
import struct
import unittest
from pathlib import Path

import pipeline_bottleneck
from test_baselines import WORKERS, BaselineTestCase, run, with_int_result, write_u32

SCRIPT = Path(__file__).resolve().parent / "pipeline_bottleneck.py"
MODES = ["sequential", "pool", "pipeline-one-per-stage", "pipeline"]


def oracle_stage(stage, x):
    """`Pipeline::stage` for JOB = [8, 56, 8], step by step as the Rust code writes it."""
    h = x ^ ((stage + 1) * 0x9E3779B97F4A7C15 % 2**64)
    for _ in range([8, 56, 8][stage]):
        h = h ^ (h >> 29)
        h = (h * 0xBF58476D1CE4E5B9) % 2**64
    return h


def oracle_digest(path):
    data = Path(path).read_bytes()
    total = 0
    for x in struct.unpack(f"<{len(data) // 4}I", data):
        total = (total + oracle_stage(2, oracle_stage(1, oracle_stage(0, x)))) % 2**64
    return str(total)


class PipelineBottleneck(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        rng = random.Random(19)
        edges = [0, 1, 2**31, 2**32 - 2, 2**32 - 1]
        # 1300 items: two whole batches of 512 and a partial one.
        cls.file = write_u32(root / "items.bin", edges + [rng.randrange(2**32) for _ in range(1295)])
        cls.pinned = write_u32(root / "pinned.bin", [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 123456789])
        cls.one = write_u32(root / "one.bin", [2**32 - 1])
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of these 8 items (the reference, `run_tuned`).
        self.assertEqual(oracle_digest(self.pinned), "2557714199359014216")

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        files = [self.file, self.pinned, self.one, self.empty]
        self.assert_every_mode_matches(SCRIPT, MODES, files, with_int_result(oracle_digest), "--workers", str(WORKERS))

    def test_more_items_than_the_sample_with_three_workers(self):
        # SAMPLE + 1 items: the profile sees all but the last; 3 + 3 processes.
        values = [random.Random(7).randrange(2**32) for _ in range(pipeline_bottleneck.SAMPLE + 1)]
        path = write_u32(self.root / "sample_plus_one.bin", values)
        expected = oracle_digest(path)
        for mode in ("pool", "pipeline"):
            with self.subTest(mode=mode):
                line = self.assert_ok_line(run(SCRIPT, str(path), "--mode", mode, "--workers", "3"), mode)
                self.assertEqual(line["digest"], expected)
                if mode == "pipeline":
                    self.assertIn("for 3 + 3 processes", line["flavour"])

    def test_the_split_follows_the_book(self):
        rebalance = pipeline_bottleneck.rebalance
        # The book's table: costs [10, 60, 10], one more process at a time.
        steps = [rebalance([10, 60, 10], n) for n in range(3, 9)]
        self.assertEqual(steps, [[1, 1, 1], [1, 2, 1], [1, 3, 1], [1, 4, 1], [1, 5, 1], [1, 6, 1]])
        self.assertEqual(rebalance([1.28, 6.71, 1.20], 5), [1, 3, 1])  # the book's Python profile
        self.assertEqual(rebalance([50.0, 1.0, 1.0], 6), [4, 1, 1])
        self.assertEqual(rebalance([0.0, 0.0, 3.0], 5), [1, 1, 3])

    def test_the_split_is_as_good_as_any(self):
        rng = random.Random(1919)
        for _ in range(200):
            cost = [rng.uniform(0.0, 100.0) for _ in range(3)]
            processes = rng.randrange(3, 12)
            got = pipeline_bottleneck.rebalance(cost, processes)
            self.assertEqual(sum(got), processes)
            self.assertTrue(all(w >= 1 for w in got))
            best = min(
                max(c / w for c, w in zip(cost, split))
                for split in itertools.product(range(1, processes), repeat=3)
                if sum(split) == processes
            )
            self.assertAlmostEqual(max(c / w for c, w in zip(cost, got)), best)

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "pipeline"), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.file) + ".missing", "--mode", "pool"), ".missing")

    def test_has_no_numpy_mode(self):
        self.assert_error(run(SCRIPT, str(self.file), "--mode", "numpy"), "numpy")


if __name__ == "__main__":
    unittest.main()
