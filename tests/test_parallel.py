"""build --jobs N gives the same bytes as a serial build, for one pack and for many deals."""
from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from acscontracts import pack
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


@pytest.mark.skipif(not pack.can_fork(), reason="parallel builds need fork")
def test_loaded_terms_render_in_forked_workers_that_share_the_engine(tmp_path, monkeypatch):
    """Terms built in code (no file to re-read) render in parallel too: the workers inherit the parent's
    engine and documents by fork, so the pool is given them without pickling, and the bytes are the serial ones."""
    import acscontracts

    terms = acscontracts.load(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")))
    acscontracts.build([terms], tmp_path / "serial")
    forked = []
    real = pack._render_forked
    monkeypatch.setattr(pack, "_render_forked", lambda outputs, *a: forked.append(len(outputs)) or real(outputs, *a))
    acscontracts.build([terms], tmp_path / "parallel", jobs=2)
    assert forked and forked[0] >= 2
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")
