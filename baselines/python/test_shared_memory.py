"""Tests for shared_memory.py (exercise 09), run as `cargo xtask bench` runs
it: a subprocess on small files written to a temporary directory, every mode
against an oracle written here and a digest the Rust side printed.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11); the numpy mode is tested where NumPy imports.
"""

import hashlib
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, module_importable, run, write_u32

SCRIPT = Path(__file__).resolve().parent / "shared_memory.py"
MODES = ["sequential", "processes"] + (["numpy"] if module_importable("numpy") else [])


def oracle_digest(path):
    """pattern(i) for every byte of the file's length, as the Rust `pattern` computes it."""
    length = Path(path).stat().st_size
    out = bytes((i * 0x9E3779B97F4A7C15 % 2**64) >> 56 for i in range(length))
    return f"{length} bytes, sha1 {hashlib.sha1(out).hexdigest()}"


class SharedMemoryBaseline(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        cls.pinned = write_u32(root / "pinned.bin", [i * 2654435761 % 2**32 for i in range(3000)])  # 12000 bytes
        cls.uneven = write_u32(root / "uneven.bin", [7] * 1_000_003)  # regions of unequal length
        cls.one = write_u32(root / "one.bin", [1])  # 4 bytes: fewer than some --workers
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of a 12000-byte file (the reference, `fill_file_with_processes`).
        self.assertEqual(oracle_digest(self.pinned), "12000 bytes, sha1 52aa48fba247aeddb6e9a1bb64ddab1bd0673c8f")

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        digests = {path: oracle_digest(path) for path in (self.pinned, self.uneven, self.one, self.empty)}
        for workers in (WORKERS, 7):  # the oracle once per file: it takes a second on `uneven`
            self.assert_every_mode_matches(SCRIPT, MODES, digests, digests.get, "--workers", str(workers))

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "processes"), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.pinned) + ".missing", "--mode", "processes"), ".missing")


if __name__ == "__main__":
    unittest.main()
