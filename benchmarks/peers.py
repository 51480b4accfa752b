"""docxtpl rendering the peer benchmark's reference contract (../shared/bench-peers), timed in this run,
so that our speed goals are ratios against a peer measured on the same machine at the same moment.

Set-up (once, outside the repository; see ../shared/bench-peers/README.md):

    cp -r ../shared/bench-peers /tmp/bench-peers && (cd /tmp/bench-peers && bash setup.sh &&
        /tmp/peers-venv/bin/python prepare.py)

ACS_BENCH_PEERS (default /tmp/bench-peers) and ACS_BENCH_PEERS_PYTHON (default /tmp/peers-venv/bin/python)
say where it is. Without it, the benchmark prints our figures only.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REFERENCE_WORDS = 25_190  # the reference contract at scale 1 (bench-peers README)


@dataclass(frozen=True)
class Docxtpl:
    in_process: float  # seconds: one render to a file, template and terms loaded
    whole_process: float  # seconds: interpreter start, imports, load, render, write

    def per_1000_words(self, seconds: float) -> float:
        return seconds / REFERENCE_WORDS * 1000


def peers_dir() -> Path:
    return Path(os.environ.get("ACS_BENCH_PEERS", "/tmp/bench-peers"))


def peers_python() -> Path:
    return Path(os.environ.get("ACS_BENCH_PEERS_PYTHON", "/tmp/peers-venv/bin/python"))


def available() -> bool:
    return (peers_dir() / "out" / "terms_1x.json").exists() and peers_python().exists()


def docxtpl(repeat: int) -> Docxtpl:
    """docxtpl's in-process median (bench_inproc.py) and whole-process median (cold.py)."""
    here, python = peers_dir(), str(peers_python())
    result = subprocess.run([python, "bench_inproc.py", "--pipeline", "docxtpl", "--scale", "1", "--n", str(repeat),
                             "--warmup", "2"], cwd=here, check=True, capture_output=True, text=True)
    record = json.loads(result.stdout.strip().splitlines()[-1])
    in_process = _median_seconds(record)
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([python, "cold.py", "docxtpl", "1", f"{tmp}/out.docx"], cwd=here, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - start)
    return Docxtpl(in_process, statistics.median(times))


def _median_seconds(record: dict) -> float:
    return float(record["median_s"])
