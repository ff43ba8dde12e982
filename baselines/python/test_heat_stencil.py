"""Tests for heat_stencil.py (exercise 12): every mode against a plain oracle, bit for bit.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11); the numpy mode is tested where NumPy is installed.
"""

import struct
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, env_without_numpy, numpy_importable, run, write_u32

SCRIPT = Path(__file__).resolve().parent / "heat_stencil.py"
ALL_MODES = ["sequential", "pool", "shared-memory"]
STEPS = 64  # given.rs's STEPS

# Inputs and the digests the Rust bench (benches/benches/heat_stencil.rs,
# reference_digest) printed for them.
PINNED_VALUES = [0xFFFFFFFF, 0, 1, 8, 0xFFFFFFF8, 0x80000000, 7, 0xFFFFFFFE] * 13 + [5]
PINNED = {
    "pinned": (PINNED_VALUES, "105 cells, bit hash a9e73811b29f010e"),
    "three": ([0, 0xFFFFFFFF, 0], "3 cells, bit hash 8e2ab24aa1adaa47"),
    "two": ([0xFFFFFFFF, 0], "2 cells, bit hash 0b20000000000008"),
    "one": ([0xFFFFFFFF], "1 cells, bit hash 4059000000000000"),
    "empty": ([], "0 cells, bit hash 0000000000000000"),
}


def oracle_cells(values, steps=STEPS):
    """given.rs, written out plainly: the temperatures, then `steps` steps with fixed end cells."""

    def conductivity(a, b):
        mean = 0.5 * (a + b)
        return 1.0 / (1.0 + mean * mean * 4e-4)

    cells = [float(x) / float(0xFFFFFFFF) * 100.0 for x in values]
    for _ in range(steps):
        new = list(cells)
        for i in range(1, len(cells) - 1):
            left, here, right = cells[i - 1], cells[i], cells[i + 1]
            flow = conductivity(left, here) * (left - here) + conductivity(here, right) * (right - here)
            new[i] = here + 0.25 * flow
        cells = new
    return cells


def oracle_digest(cells):
    h = 0
    for c in cells:
        bits = struct.unpack("<Q", struct.pack("<d", c))[0]
        h = ((h << 5) % 2**64 + (h >> 59)) ^ bits  # the two parts share no bit: + is |
    return f"{len(cells)} cells, bit hash {h:016x}"


class HeatStencil(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        cls.env_without_numpy = env_without_numpy(root)

    def check_every_mode(self, path, expected, workers_list=(WORKERS,)):
        oracle = lambda _: (expected, {"cells": int(expected.split()[0])})  # noqa: E731
        modes = self.list_modes(SCRIPT)
        for workers in workers_list:
            self.assert_every_mode_matches(SCRIPT, modes, [path], oracle, "--workers", str(workers))

    def test_oracle_matches_the_rust_digests(self):
        for name, (values, digest) in PINNED.items():
            with self.subTest(input=name):
                self.assertEqual(oracle_digest(oracle_cells(values)), digest)

    def test_oracle_keeps_the_end_cells(self):
        cells = oracle_cells([0, 0xFFFFFFFF, 0, 0xFFFFFFFF], steps=1)
        self.assertEqual((cells[0], cells[-1]), (0.0, 100.0))
        self.assertTrue(0.0 < cells[1] < 100.0 and 0.0 < cells[2] < 100.0)

    def test_lists_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), ALL_MODES + (["numpy"] if numpy_importable() else []))
        self.assertEqual(self.list_modes(SCRIPT, env=self.env_without_numpy), ALL_MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        # 301 cells: 299 inner ones, which no range count of the modes divides evenly.
        values = [(i * 2654435761) % 2**32 for i in range(280)] + [0xFFFFFFFF, 0, 1, 2**31, 0xFFFFFFFE] * 4 + [7]
        path = write_u32(self.root / "rod.bin", values)
        self.check_every_mode(path, oracle_digest(oracle_cells(values)), workers_list=(WORKERS, 3))

    def test_every_mode_gives_the_rust_digest_on_tiny_rods(self):
        # 103 inner cells; one (fewer than the ranges asked for); none; no cell
        # at all ("one" takes the same way as "two": no inner cell).
        for name in ("pinned", "three", "two", "empty"):
            values, digest = PINNED[name]
            self.check_every_mode(write_u32(self.root / f"{name}.bin", values), digest)

    def test_rejects_a_size_not_multiple_of_4(self):
        path = self.root / "odd.bin"
        path.write_bytes(b"\x01\x00\x00\x00\x02\x00\x00")
        self.assert_error(run(SCRIPT, str(path), "--mode", "shared-memory", "--workers", str(WORKERS)), "7 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.root / "missing.bin"), "--mode", "pool"), "missing.bin")

    def test_numpy_mode_without_numpy_says_how_to_install(self):
        path = write_u32(self.root / "small.bin", [1, 2, 3])
        proc = run(SCRIPT, str(path), "--mode", "numpy", env=self.env_without_numpy)
        self.assert_error(proc, "cargo xtask prefetch")


if __name__ == "__main__":
    unittest.main()
