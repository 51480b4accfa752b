"""The benchmark runs in CI in its quick mode, so it cannot rot; its figures are printed, not asserted."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_benchmark_quick_mode_prints_its_tables():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True,
                            text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and " ms |" in line]
    assert {"aco_contract", "alliance_agreement", "subcontract", "heads_of_terms"} <= {
        doc for doc in ("aco_contract", "alliance_agreement", "subcontract", "heads_of_terms")
        if any(doc in row for row in rows)}
    assert any(row.startswith("| synthetic alliance_agreement x2") for row in rows)
    assert re.search(r"\| build riverbend-system\.yaml \| \d+\.\d\d s \|", out)
    assert "scaling x2: words x" in out and "| build --jobs 2 against --jobs 1" in out
    assert re.search(r"\| 80 partners \| [\d,]+ \| \d+\.\d\d s \| \d+\.\d\d s \| [\d,]+ \|", out)
    assert re.search(r"redline growth exponent 20 -> 80 partners \(CPU time\): -?\d+\.\d\d", out)
    assert re.search(r"no-op rebuild of all samples .*: [\d.]+ ms against [\d.]+ ms for a fresh build", out)
    assert re.search(r"\| rebuild riverbend-system\.yaml, nothing changed \| \d+\.\d\d s \|", out)
    print(out)  # visible with -s: the figures of this machine
