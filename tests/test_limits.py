"""Resource limits: each one gives a clear, located error just past it, and big-but-legitimate deals
(500 partners, 200 subcontracts) still validate and build.

| limit | value | code |
| --- | --- | --- |
| terms file size | 5 MB (loader.MAX_FILE_BYTES) | ACS-LOAD-SIZE |
| values after YAML alias expansion | 200,000 (loader.MAX_NODES) | ACS-LOAD-ALIAS |
| nesting depth | 40 (loader.MAX_DEPTH) | ACS-LOAD-DEPTH |
| one text value | 20,000 characters (validation.MAX_TEXT_CHARS) | ACS-LIMIT-TEXT |
| one list | 5,000 items (validation.MAX_LIST_ITEMS) | ACS-LIMIT-ITEMS |
| partners | 2,000 (validation.MAX_PARTNERS) | ACS-LIMIT-ITEMS |
| subcontracts (= documents) | 1,000 (validation.MAX_SUBCONTRACTS) | ACS-LIMIT-ITEMS |
| numbers | at most 10^15, 10 decimal places | ACS-LIMIT-NUMBER |
| one clause's output | 2,000,000 characters (templating.MAX_OUTPUT_CHARS) | ACS-TEMPLATE |
| one clause's render time | 5 s (templating.RENDER_SECONDS) | ACS-TEMPLATE |
"""
from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import fuzz_support as fs
from acscontracts.engine import templating
from acscontracts.terms import loader, validation
from acscontracts.diagnostics import AcsError
from acscontracts.terms.loader import LoadedTerms, parse
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_file, check_loaded

VALIDATOR = SchemaValidator()


def _codes(checked) -> set:
    return {d.code for d in checked.diagnostics if d.is_error}


def _load_error(text: str):
    with pytest.raises(AcsError) as info:
        parse(text, "limits.yaml")
    return info.value.diagnostics[0]


# --------------------------------------------------------------------------- loader limits


def test_file_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    sample = fs.SAMPLE_FILES[1].read_bytes()
    big.write_bytes(sample + b"# " + b"x" * (loader.MAX_FILE_BYTES - len(sample)) + b"\n")
    checked = check_file(big, VALIDATOR)
    [d] = checked.diagnostics
    assert d.code == "ACS-LOAD-SIZE" and f"{loader.MAX_FILE_BYTES:,}" in d.message and d.location.file == str(big)
    ok = tmp_path / "ok.yaml"
    ok.write_bytes(sample + b"# " + b"x" * (loader.MAX_FILE_BYTES - len(sample) - 10) + b"\n")
    assert check_file(ok, VALIDATOR).model is not None


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom"])
def test_endless_files_are_not_read(tmp_path, special):
    if not Path(special).exists():
        pytest.skip(f"no {special}")
    [d] = check_file(Path(special), VALIDATOR).diagnostics
    assert d.code == "ACS-IO" and "not a regular file" in d.message
    terms = tmp_path / "terms.yaml"
    terms.write_text(f'schema_version: "1"\npartner_register: {special}\n', encoding="utf-8")
    [d] = check_file(terms, VALIDATOR).diagnostics
    assert d.code == "ACS-REGISTER" and "not a regular file" in d.message and d.location.line == 2


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.monotonic()
    d = _load_error("\n".join(lines) + "\n")
    assert d.code == "ACS-LOAD-ALIAS" and f"{loader.MAX_NODES:,}" in d.message and d.location.line > 0
    assert time.monotonic() - start < 30  # a guard against expanding the bomb (minutes), not a speed goal


def test_aliases_within_the_limit_are_fine():
    data, _ = parse("a: &a [1, 2, 3]\nb: *a\n")
    assert data == {"a": [1, 2, 3], "b": [1, 2, 3]}


@pytest.mark.parametrize("kind", ["block", "flow"])
def test_nesting_depth(kind):
    def nested(depth):
        if kind == "flow":
            return "a: " + "[" * depth + "1" + "]" * depth + "\n"
        return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"

    parse(nested(loader.MAX_DEPTH - 1))
    d = _load_error(nested(loader.MAX_DEPTH + 1))
    assert d.code == "ACS-LOAD-DEPTH" and d.location.line > 0


# --------------------------------------------------------------------------- validation limits


def _deal(mutate) -> LoadedTerms:
    loaded = fs.sample(1)
    mutate(loaded.data)
    return loaded


def test_text_length_limit():
    at_limit = check_loaded(_deal(lambda d: d["deal"].update(title="T" * validation.MAX_TEXT_CHARS)), VALIDATOR)
    assert at_limit.model is not None
    over = check_loaded(_deal(lambda d: d["deal"].update(title="T" * (validation.MAX_TEXT_CHARS + 1))), VALIDATOR)
    [d] = [d for d in over.diagnostics if d.code == "ACS-LIMIT-TEXT"]
    assert d.path == "deal.title" and d.location.line > 0 and "20,000" in d.message


def test_list_length_limit():
    over = check_loaded(_deal(lambda d: d["scope"].update(
        services=[f"Service {i}" for i in range(validation.MAX_LIST_ITEMS + 1)])), VALIDATOR)
    [d] = [d for d in over.diagnostics if d.code == "ACS-LIMIT-ITEMS"]
    assert d.path == "scope.services" and "5,000" in d.message


def test_partner_and_subcontract_limits():
    data = fs.big_deal(partners=validation.MAX_PARTNERS, subcontracts=validation.MAX_SUBCONTRACTS + 1)
    start = time.monotonic()
    checked = check_loaded(LoadedTerms(data, {(): fs._sample(fs.SAMPLES_DIR / "westmoor-lead-provider.yaml")
                                              .positions[()]}), VALIDATOR)
    assert time.monotonic() - start < 30
    limits = {d.path: d.message for d in checked.diagnostics if d.code == "ACS-LIMIT-ITEMS"}
    assert set(limits) == {"partners", "contracting.subcontracts"}
    assert "2,000" in limits["partners"] and "1,000" in limits["contracting.subcontracts"]


@pytest.mark.parametrize("value,ok", [
    (Decimal("999999999999999.99"), True), (10**15, True), (10**15 + 1, False), (Decimal("0.0000000001"), True),
    (Decimal("0.00000000001"), False), (Decimal("-1E+16"), False),
], ids=["just-under-1e15", "1e15", "1e15+1", "10dp", "11dp", "-1e16"])
def test_number_limits(value, ok):
    loaded = _deal(lambda d: d["deal"].update(population=value))
    found = [d for d in check_loaded(loaded, VALIDATOR).diagnostics if d.code == "ACS-LIMIT-NUMBER"]
    assert (not found) == ok
    if found:
        assert found[0].path == "deal.population" and found[0].location.line > 0


def test_limits_are_documented():
    assert validation.MAX_PARTNERS >= 500 and validation.MAX_SUBCONTRACTS >= 200
    assert templating.MAX_OUTPUT_CHARS == 2_000_000 and templating.RENDER_SECONDS <= 10
    for name in ("MAX_TEXT_CHARS", "MAX_LIST_ITEMS", "MAX_PARTNERS", "MAX_SUBCONTRACTS", "MAX_NUMBER"):
        assert f"validation.{name}" in __doc__ or name in ("MAX_NUMBER",)


# --------------------------------------------------------------------------- big but legitimate


@pytest.fixture(scope="module")
def big_terms(tmp_path_factory):
    return fs.write_terms(tmp_path_factory.mktemp("big") / "big.yaml", fs.big_deal(partners=500, subcontracts=200))


def test_500_partners_and_200_subcontracts_validate(big_terms):
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "acscontracts", "validate", str(big_terms)], capture_output=True,
                            text=True, cwd=fs.ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "0 error(s)" in result.stderr
    assert time.monotonic() - start < 30


def test_500_partners_and_200_subcontracts_build_one_subcontract(big_terms, tmp_path):
    output = tmp_path / "sub.docx"
    result = subprocess.run([sys.executable, "-m", "acscontracts", "render", str(big_terms), "--doc", "subcontract",
                             "--id", "sub-extra-0150", "-o", str(output)], capture_output=True, text=True,
                            cwd=fs.ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not fs.docx_problems(output.read_bytes())
