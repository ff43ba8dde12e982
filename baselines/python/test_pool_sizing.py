"""Tests for pool_sizing.py (exercise 18), run as `cargo xtask bench` runs it: a
subprocess on small files written to a temporary directory.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import random
import struct
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, env_without_numpy, numpy_importable, run, with_int_result, write_u32

SCRIPT = Path(__file__).resolve().parent / "pool_sizing.py"
MODES = ["sequential", "pool", "threadpool"]


def oracle_kernel(x):
    """`given::kernel`, step by step as the Rust code writes it."""
    h = (x ^ 0x9E3779B97F4A7C15) % 2**64
    for _ in range(6):
        h = h ^ (h >> 31)
        h = (h * 0xBF58476D1CE4E5B9) % 2**64
    return h >> 40


def oracle_digest(path):
    data = Path(path).read_bytes()
    return str(sum(oracle_kernel(x) for x in struct.unpack(f"<{len(data) // 4}I", data)))


class PoolSizing(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        edges = [0, 1, 2, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1, 0x9E3779B9]
        rng = random.Random(18)
        # 1003 values: no multiple of the 8 or 12 chunks the pool modes cut.
        cls.values = edges + [rng.randrange(2**32) for _ in range(995)]
        cls.file = write_u32(root / "values.bin", cls.values)
        cls.pinned = write_u32(root / "pinned.bin", [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 123456789])
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")
        cls.env_without_numpy = env_without_numpy(root)

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of these 8 values (the reference, `process`).
        self.assertEqual(oracle_digest(self.pinned), "78497756")
        self.assertEqual(oracle_kernel(0xFFFFFFFF), oracle_kernel(2**32 - 1))
        self.assertLess(max(oracle_kernel(x) for x in self.values), 2**24)

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES + (["numpy"] if numpy_importable() else []))
        self.assertEqual(self.list_modes(SCRIPT, env=self.env_without_numpy), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        modes, oracle = self.list_modes(SCRIPT), with_int_result(oracle_digest)
        files = [self.file, self.pinned, self.empty]
        self.assert_every_mode_matches(SCRIPT, modes, files, oracle, "--workers", str(WORKERS))
        self.assert_every_mode_matches(SCRIPT, modes, [self.file], oracle, "--workers", "3")

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "pool", "--workers", str(WORKERS)), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.file) + ".missing", "--mode", "sequential"), ".missing")

    def test_numpy_mode_without_numpy_says_how_to_install(self):
        proc = run(SCRIPT, str(self.file), "--mode", "numpy", env=self.env_without_numpy)
        self.assert_error(proc, "cargo xtask prefetch")


if __name__ == "__main__":
    unittest.main()
