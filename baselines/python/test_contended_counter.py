"""Tests for contended_counter.py (exercise 10): every mode against a plain oracle.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11); the numpy mode is tested where NumPy is installed.
"""

import struct
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, env_without_numpy, numpy_importable, run, write_u32

SCRIPT = Path(__file__).resolve().parent / "contended_counter.py"
ALL_MODES = ["sequential", "pool", "value-lock", "value-once"]

# An input and the digest the Rust bench (benches/benches/contended_counter.rs,
# reference_digest) printed for it.
PINNED_VALUES = [0xFFFFFFFF, 0, 1, 8, 0xFFFFFFF8, 0x80000000, 7, 0xFFFFFFFE] * 13 + [5]
PINNED_DIGEST = "53 events"


def oracle_digest(values):
    """An event is an item that is not a multiple of 8 (given.rs's is_event)."""
    events = len([x for x in values if x % 8 > 0])
    return f"{events} events"


class ContendedCounter(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        cls.env_without_numpy = env_without_numpy(root)

    def test_oracle_matches_the_rust_digest(self):
        self.assertEqual(oracle_digest(PINNED_VALUES), PINNED_DIGEST)

    def test_lists_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), ALL_MODES + (["numpy"] if numpy_importable() else []))
        self.assertEqual(self.list_modes(SCRIPT, env=self.env_without_numpy), ALL_MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        # 2003 items: chunks of 4 per worker, or one per process, never divide it evenly.
        values = [(i * 2654435761) % 2**32 for i in range(1968)] + [0xFFFFFFFF, 0xFFFFFFF8, 0, 1, 2**31] * 7
        mixed = write_u32(self.root / "mixed.bin", values)
        files = [
            mixed,
            write_u32(self.root / "pinned.bin", PINNED_VALUES),
            write_u32(self.root / "one.bin", [0xFFFFFFFF]),  # one event
            write_u32(self.root / "none.bin", [0, 8, 0xFFFFFFF8]),  # no event
            write_u32(self.root / "empty.bin", []),
        ]

        def oracle(path):
            expected = oracle_digest(struct.unpack(f"<{path.stat().st_size // 4}I", path.read_bytes()))
            return expected, int(expected.removesuffix(" events"))  # the result is the count alone

        modes = self.list_modes(SCRIPT)
        self.assert_every_mode_matches(SCRIPT, modes, files, oracle, "--workers", str(WORKERS))
        self.assert_every_mode_matches(SCRIPT, modes, [mixed], oracle, "--workers", "3")

    def test_rejects_a_size_not_multiple_of_4(self):
        path = self.root / "odd.bin"
        path.write_bytes(b"\x01\x00\x00\x00\x02")
        self.assert_error(run(SCRIPT, str(path), "--mode", "value-lock", "--workers", str(WORKERS)), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.root / "missing.bin"), "--mode", "pool"), "missing.bin")

    def test_numpy_mode_without_numpy_says_how_to_install(self):
        path = write_u32(self.root / "small.bin", [1, 2, 3])
        proc = run(SCRIPT, str(path), "--mode", "numpy", env=self.env_without_numpy)
        self.assert_error(proc, "cargo xtask prefetch")


if __name__ == "__main__":
    unittest.main()
