"""Tests for bounded_pipeline.py (exercise 08), run as `cargo xtask bench`
runs it: a subprocess on small files written to a temporary directory, every
mode against an oracle written here and a digest the Rust side printed.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import random
import struct
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, run, with_int_result, write_u32

SCRIPT = Path(__file__).resolve().parent / "bounded_pipeline.py"
MODES = ["sequential", "process-pipeline"]


def oracle_digest(path):
    """The sum of x² mod 1000003 over every value: the blocks do not change it."""
    data = Path(path).read_bytes()
    return str(sum(x * x % 1_000_003 for x in struct.unpack(f"<{len(data) // 4}I", data)))


class BoundedPipeline(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        rng = random.Random(8)
        cls.pinned = write_u32(root / "pinned.bin", [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 123456789])
        # More blocks than the queues hold: 40 blocks of 1024 values and a partial one.
        cls.many = write_u32(root / "many.bin", [rng.randrange(2**32) for _ in range(40 * 1024 + 7)])
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of these 8 values (the reference, `run_pipeline`).
        self.assertEqual(oracle_digest(self.pinned), "3287302")

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        files = [self.pinned, self.many, self.empty]
        self.assert_every_mode_matches(SCRIPT, MODES, files, with_int_result(oracle_digest), "--workers", str(WORKERS))

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "process-pipeline"), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.pinned) + ".missing", "--mode", "sequential"), ".missing")


if __name__ == "__main__":
    unittest.main()
