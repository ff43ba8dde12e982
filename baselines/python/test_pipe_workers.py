"""Tests for pipe_workers.py (exercise 07), run as `cargo xtask bench` runs
it: a subprocess on small files written to a temporary directory, every mode
against an oracle written here and a digest the Rust side printed.

    python3 -m unittest discover -s baselines/python -p 'test_*.py'

Standard library only (Python 3.11).
"""

import hashlib
import unittest
from pathlib import Path

from test_baselines import WORKERS, BaselineTestCase, run, write_u32

SCRIPT = Path(__file__).resolve().parent / "pipe_workers.py"
MODES = ["sequential", "pipe", "pool"]


def oracle_digest(path):
    """Jobs of 4096 bytes, each reversed and each byte plus one, byte by byte."""
    data = Path(path).read_bytes()
    jobs = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    results = [bytes((b + 1) % 256 for b in reversed(job)) for job in jobs]
    return f"{len(results)} results, {len(data)} bytes, sha1 {hashlib.sha1(b''.join(results)).hexdigest()}"


class PipeWorkers(BaselineTestCase):
    @classmethod
    def make_files(cls, root):
        # 12000 bytes: two whole jobs and a shorter one.
        cls.pinned = write_u32(root / "pinned.bin", [i * 2654435761 % 2**32 for i in range(3000)])
        cls.exact = write_u32(root / "exact.bin", [0xFFFFFFFF, 0] * 1024)  # two whole jobs, 255s wrap to 0
        cls.one = write_u32(root / "one.bin", [2**32 - 1])
        cls.empty = write_u32(root / "empty.bin", [])
        cls.odd = root / "odd.bin"
        cls.odd.write_bytes(b"\x01\x00\x00\x00\x02")

    def test_oracle_matches_the_rust_side(self):
        # The Rust bench's digest of this file (the reference, `run_workers`).
        self.assertEqual(oracle_digest(self.pinned), "3 results, 12000 bytes, sha1 8b67fb3e210e0186b56e4ba846a9f618d44ae530")

    def test_lists_its_modes(self):
        self.assertEqual(self.list_modes(SCRIPT), MODES)

    def test_every_mode_gives_the_oracle_digest(self):
        files = [self.pinned, self.exact, self.one, self.empty]
        self.assert_every_mode_matches(SCRIPT, MODES, files, oracle_digest, "--workers", str(WORKERS))

    def test_more_workers_than_jobs(self):
        line = self.assert_ok_line(run(SCRIPT, str(self.pinned), "--mode", "pipe", "--workers", "5"), "pipe")
        self.assertEqual(line["digest"], oracle_digest(self.pinned))
        self.assertIn("3 multiprocessing.Process workers", line["flavour"])

    def test_rejects_a_size_not_multiple_of_4(self):
        self.assert_error(run(SCRIPT, str(self.odd), "--mode", "pipe"), "5 bytes")

    def test_missing_file(self):
        self.assert_error(run(SCRIPT, str(self.pinned) + ".missing", "--mode", "pool"), ".missing")


if __name__ == "__main__":
    unittest.main()
