"""build --jobs N gives the same bytes as a serial build, for one pack and for many deals."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SAMPLES


def _build(out, *extra):
    result = subprocess.run([sys.executable, "-m", "acscontracts", "build", *map(str, SAMPLES), "-o", str(out),
                             *extra], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_build_is_byte_identical_to_serial(tmp_path):
    _build(tmp_path / "serial")
    parallel = _build(tmp_path / "parallel", "--jobs", "2")
    serial_files, parallel_files = _files(tmp_path / "serial"), _files(tmp_path / "parallel")
    assert len(serial_files) >= 18 and sum(n.endswith(".docx") for n in serial_files) >= 14
    assert serial_files == parallel_files
    assert "[#" not in parallel.stderr  # no progress bar when stderr is not a terminal
