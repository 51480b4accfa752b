"""Numbers are bounded in the loader, before any conversion: an 800,000-digit integer, a 4-million-digit one
and `1e99999999` are refused with ACS-LIMIT-NUMBER at their line and column (all of them in one run),
in a process of bounded memory, instead of taking minutes or crashing with exit 5."""
from __future__ import annotations

from decimal import Decimal

import pytest

import hostile_docx as hd
from acscontracts.diagnostics import AcsError
from acscontracts.terms.loader import parse

SAMPLE = hd.ROOT / "samples" / "northvale-alliance.yaml"


def _with_population(tmp_path, value: str, suffix: str = ".yaml"):
    text = SAMPLE.read_text(encoding="utf-8")
    assert "  population: " in text
    lines = [f"  population: {value}" if line.startswith("  population: ") else line for line in text.splitlines()]
    path = tmp_path / f"deal{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, next(i for i, line in enumerate(lines, 1) if line.startswith("  population: "))


@pytest.mark.parametrize("value, message", [
    ("9" * 800_000, "has 800,000 digits"),
    ("9" * 4_000_000, "has 4,000,000 digits"),
    ("1e99999999", "has an exponent of 99999999"),
    ("-1.5E-99999999", "has an exponent of -99999999"),
])
def test_huge_numbers_are_refused_before_conversion(tmp_path, value, message):
    path, line = _with_population(tmp_path, value)
    run = hd.run_measured("validate", path, timeout=120)
    assert run.code == 1, run.stderr[-500:]
    assert "Traceback" not in run.stderr
    assert f"deal.yaml:{line}:15: error ACS-LIMIT-NUMBER: the number " in run.one_line
    assert message in run.one_line and "numbers are at most 10^15 with 10 decimal places" in run.one_line
    assert run.peak_mb <= 300, f"peak {run.peak_mb:.0f} MB"


def test_every_bad_number_is_reported_in_one_run():
    with pytest.raises(AcsError) as caught:
        parse("a: 1e999\nb: [1, " + "7" * 40 + ", 2]\nc: {d: 0.1e-31}\n", "x.yaml")
    found = [(d.code, d.location.line, d.location.column) for d in caught.value.diagnostics]
    assert found == [("ACS-LIMIT-NUMBER", 1, 4), ("ACS-LIMIT-NUMBER", 2, 8), ("ACS-LIMIT-NUMBER", 3, 8)]


def test_json_numbers_are_bounded_too():
    with pytest.raises(AcsError, match="ACS-LIMIT-NUMBER.*has 50 digits"):
        parse('{"a": ' + "1" * 50 + "}", "x.json")


def test_ordinary_numbers_are_unchanged():
    data, _ = parse("a: 1320000000\nb: 15.25\nc: 1_000\nd: 2.5e3\ne: 0.0000000001\nf: -0\n"
                    "g: 123456789012345678901234567890\n", "x.yaml")
    assert data == {"a": 1320000000, "b": Decimal("15.25"), "c": 1000, "d": Decimal("2.5E+3"),
                    "e": Decimal("1E-10"), "f": 0, "g": 123456789012345678901234567890}
