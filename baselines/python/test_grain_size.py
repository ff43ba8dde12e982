"""Tests for grain_size.py (exercise 06): every mode against a plain oracle.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11); the numpy mode is tested where NumPy is installed.
"""

import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, env_without_numpy, numpy_importable, run, with_int_result, write_u32

SCRIPT = Path(__file__).resolve().parent / "grain_size.py"

# An input and the digest the Rust bench (benches/benches/grain_size.rs,
# reference_digest) printed for it: values at both ends of the u32 range.
PINNED_VALUES = [0xFFFFFFFF, 0, 1, 8, 0xFFFFFFF8, 0x80000000, 7, 0xFFFFFFFE] * 13 + [5]
PINNED_DIGEST = "9327"


def oracle_cheap(x):
    """work.rs's cheap(), one step at a time: xor-shift, then multiply modulo 2**64."""
    h = x
    for _ in range(4):
        h = h ^ (h >> 29)
        h = (h * 0xBF58476D1CE4E5B9) % 2**64
    return h // 2**56


def oracle_digest(values):
    total = 0
    for x in values:
        total += oracle_cheap(x)
    return str(total)


class GrainSize(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        cls.env_without_numpy = env_without_numpy(root)

    def test_oracle_matches_the_rust_digest(self):
        self.assertEqual(oracle_cheap(0), 0)
        self.assertEqual(oracle_digest(PINNED_VALUES), PINNED_DIGEST)

    def test_lists_modes(self):
        expected = ["sequential", "pool", "pool-map"] + (["numpy"] if numpy_importable() else [])
        self.assertEqual(self.list_modes(SCRIPT), expected)
        self.assertEqual(self.list_modes(SCRIPT, env=self.env_without_numpy), ["sequential", "pool", "pool-map"])

    def test_every_mode_gives_the_oracle_digest(self):
        # 1237 items: no chunk count of the modes divides it; 3 workers split it unevenly too.
        values = [(i * 2654435761) % 2**32 for i in range(1200)] + [0xFFFFFFFF, 0xFFFFFFFE, 0, 1, 2**31] * 7 + [2]
        mixed = write_u32(self.root / "mixed.bin", values)
        expected = {
            mixed: oracle_digest(values),
            write_u32(self.root / "pinned.bin", PINNED_VALUES): PINNED_DIGEST,
            write_u32(self.root / "one.bin", [0xFFFFFFFF]): oracle_digest([0xFFFFFFFF]),
            write_u32(self.root / "empty.bin", []): "0",
        }
        modes, oracle = self.list_modes(SCRIPT), with_int_result(expected.get)
        self.assert_every_mode_matches(SCRIPT, modes, expected, oracle, "--workers", str(WORKERS))
        self.assert_every_mode_matches(SCRIPT, modes, [mixed], oracle, "--workers", "3")

    def test_rejects_a_size_not_multiple_of_4(self):
        path = self.root / "odd.bin"
        path.write_bytes(b"\x01\x00\x00\x00\x02\x00")
        self.assert_error(run(SCRIPT, str(path), "--mode", "pool", "--workers", str(WORKERS)), "6 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.root / "none.bin"), "--mode", "sequential"), "none.bin")

    def test_numpy_mode_without_numpy_says_how_to_install(self):
        path = write_u32(self.root / "small.bin", [1, 2, 3])
        proc = run(SCRIPT, str(path), "--mode", "numpy", env=self.env_without_numpy)
        self.assert_error(proc, "cargo xtask prefetch")


if __name__ == "__main__":
    unittest.main()
