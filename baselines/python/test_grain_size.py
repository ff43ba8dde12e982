"""Tests for grain_size.py (exercise 06): every mode against a plain oracle.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11); the numpy mode is tested where NumPy is installed.
"""

import tempfile
import unittest
from pathlib import Path

import test_baselines as base
from test_baselines import WORKERS, env_without_numpy, numpy_importable, run, write_u32

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


class GrainSize(unittest.TestCase):
    assert_ok_line = base.Baselines.assert_ok_line
    assert_error = base.Baselines.assert_error
    list_modes = base.Baselines.list_modes

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.env_without_numpy = env_without_numpy(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

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
        files = {
            "mixed": write_u32(self.root / "mixed.bin", values),
            "pinned": write_u32(self.root / "pinned.bin", PINNED_VALUES),
            "one": write_u32(self.root / "one.bin", [0xFFFFFFFF]),
            "empty": write_u32(self.root / "empty.bin", []),
        }
        expected = {
            "mixed": oracle_digest(values),
            "pinned": PINNED_DIGEST,
            "one": oracle_digest([0xFFFFFFFF]),
            "empty": "0",
        }
        for name, path in files.items():
            for mode in self.list_modes(SCRIPT):
                for workers in (WORKERS, 3) if name == "mixed" else (WORKERS,):
                    with self.subTest(file=name, mode=mode, workers=workers):
                        proc = run(SCRIPT, str(path), "--mode", mode, "--workers", str(workers))
                        line = self.assert_ok_line(proc, mode)
                        self.assertEqual(line["digest"], expected[name])
                        self.assertEqual(line["result"], int(expected[name]))

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
