"""Tests for bounded_pipeline.py (exercise 08), run as `cargo xtask bench`
runs it: a subprocess on small files written to a temporary directory, every
mode against an oracle written here and a digest the Rust side printed.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import random
import struct
import tempfile
import unittest
from pathlib import Path

import test_baselines
from test_baselines import WORKERS, run, write_u32

SCRIPT = Path(__file__).resolve().parent / "bounded_pipeline.py"
MODES = ["sequential", "process-pipeline"]


def oracle_digest(path):
    """The sum of x² mod 1000003 over every value: the blocks do not change it."""
    data = Path(path).read_bytes()
    return str(sum(x * x % 1_000_003 for x in struct.unpack(f"<{len(data) // 4}I", data)))


class BoundedPipeline(unittest.TestCase):
    assert_ok_line = test_baselines.Baselines.assert_ok_line
    assert_error = test_baselines.Baselines.assert_error
    list_modes = test_baselines.Baselines.list_modes

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name)
        rng = random.Random(8)
        cls.pinned = write_u32(root / "pinned.bin", [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 123456789])
        # More blocks than the queues hold: 40 blocks of 1024 values and a partial one.
        cls.many = write_u32(root / "many.bin", [rng.randrange(2**32) for _ in range(40 * 1024 + 7)])
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of these 8 values (the reference, `run_pipeline`).
        self.assertEqual(oracle_digest(self.pinned), "3287302")

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        for path in (self.pinned, self.many, self.empty):
            expected = oracle_digest(path)
            for mode in MODES:
                with self.subTest(file=path.name, mode=mode):
                    line = self.assert_ok_line(run(SCRIPT, str(path), "--mode", mode, "--workers", str(WORKERS)), mode)
                    self.assertEqual(line["digest"], expected)
                    self.assertEqual(line["result"], int(expected))

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "process-pipeline"), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.pinned) + ".missing", "--mode", "sequential"), ".missing")


if __name__ == "__main__":
    unittest.main()
