"""Hostile input never costs a traceback: every generated deal ends in a model or in located diagnostics.

Property-based (hypothesis) over the four samples: structural mutations straight into
``validation.check_loaded`` and through YAML text into ``loader.parse``; raw text into the loader;
and text Word cannot hold rejected at validation with its location.
``ACS_FUZZ_EXAMPLES`` / ``ACS_FUZZ_NIGHTLY=1``: see tests/fuzz_support.py.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from acscontracts.diagnostics import AcsError, format_all
from acscontracts.terms.loader import LoadedTerms, parse
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_loaded

import fuzz_support as fs

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

VALIDATORS = {False: SchemaValidator(), True: SchemaValidator(final=True)}


def _check(loaded: LoadedTerms, final: bool = False, context=""):
    """check_loaded must not raise; its result is a model or located errors."""
    checked = check_loaded(loaded, VALIDATORS[final])
    fs.assert_located(checked.diagnostics, context)
    if checked.model is None:
        assert any(d.is_error for d in checked.diagnostics), context
    else:
        assert not any(d.is_error for d in checked.diagnostics), context
    format_all(checked.diagnostics, "json")
    return checked


# --------------------------------------------------------------------------- structural mutations


@fs.fuzz_settings(1500)
@given(fs.mutated_deal(), st.booleans())
def test_mutated_deals_give_a_model_or_located_errors(case, final):
    loaded, mutations = case
    _check(loaded, final, mutations)


@fs.fuzz_settings(600)
@given(fs.mutated_deal())
def test_mutated_deals_through_yaml_text(case):
    loaded, mutations = case
    try:
        text = fs.to_yaml(loaded.data)
    except (UnicodeError, ValueError):  # PyYAML cannot write some values (lone surrogates): nothing to test
        return
    try:
        data, positions = parse(text, "fuzz.yaml")
    except AcsError as exc:
        fs.assert_located(exc.diagnostics, mutations)
        assert all(d.location and d.location.file == "fuzz.yaml" for d in exc.diagnostics)
        return
    _check(LoadedTerms(data, positions), False, mutations)


@fs.fuzz_settings(200)
@given(fs.text_mutated_deal())
def test_prose_fields_accept_storable_text(case):
    """Names and titles full of markup, Jinja, bidi, emoji and 10,000 characters are just text."""
    loaded, paths = case
    checked = _check(loaded, False, paths)
    codes = {d.code for d in checked.diagnostics if d.is_error}
    assert not codes & {"ACS-TEXT-CHARACTER", "ACS-LOAD", "ACS-LIMIT-NUMBER"}, (paths, codes)


# --------------------------------------------------------------------------- text Word cannot hold


@fs.fuzz_settings(150)
@given(st.integers(0, 3), st.data())
def test_xml_invalid_characters_are_rejected_with_their_location(index, data):
    loaded = fs.sample(index)
    paths = fs.free_text_paths(loaded.data)
    path = data.draw(fs.pick(paths))
    bad = data.draw(st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff",
                                     "\ufffe", "\uffff"]))
    prefix = data.draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=5))
    fs.get(loaded.data, path[:-1])[path[-1]] = prefix + bad + "tail"
    checked = _check(loaded, False, path)
    found = [d for d in checked.diagnostics if d.code == "ACS-TEXT-CHARACTER"]
    assert len(found) == 1 and checked.model is None
    d = found[0]
    assert f"U+{ord(bad):04X}" in d.message
    assert "pasted from Word or PDF" in d.hint
    assert d.location is not None and d.location.line > 0
    from acscontracts.diagnostics import json_path

    assert d.path == json_path(path)


def test_text_character_message_from_a_file(tmp_path):
    text = fs.SAMPLE_FILES[1].read_text(encoding="utf-8")
    assert text.splitlines()[20] == "    legal_name: NHS Northvale Integrated Care Board"
    text = text.replace("legal_name: NHS Northvale Integrated", 'legal_name: "NHS\\x0bNorthvale Integrated', 1)
    text = text.replace("Integrated Care Board\n", 'Integrated Care Board"\n', 1)
    path = tmp_path / "pasted.yaml"
    path.write_text(text, encoding="utf-8")
    from acscontracts.terms.validation import check_file

    checked = check_file(path, VALIDATORS[False])
    [d] = [d for d in checked.diagnostics if d.code == "ACS-TEXT-CHARACTER"]
    assert (d.location.line, d.path) == (21, "partners[0].legal_name") and "U+000B" in d.message
    assert d.format().startswith(f"{path}:21:")


def test_harmless_controls_are_allowed():
    loaded = fs.sample(1)
    loaded.data["deal"]["title"] = "tab\there, new\nline, CR\r, NEL\x85, DEL\x7f, line sep\u2028"
    assert _check(loaded).model is not None


# --------------------------------------------------------------------------- numbers at extremes


@pytest.mark.parametrize("value,code", [
    (Decimal("1E+30"), "ACS-LIMIT-NUMBER"), (10**5000, "ACS-LIMIT-NUMBER"), (Decimal("1E+999999"), "ACS-LIMIT-NUMBER"),
    (Decimal("1E-999999"), "ACS-LIMIT-NUMBER"), (Decimal("0.123456789012"), "ACS-LIMIT-NUMBER"),
    (Decimal("1320000000.001"), "ACS-SCHEMA-DECIMALS"), (-1, "ACS-SCHEMA-MINIMUM"),
], ids=["1e30", "10**5000", "1e999999", "1e-999999", "12dp", "3dp", "negative"])
def test_extreme_money(value, code):
    loaded = fs.sample(1)
    loaded.data["funding"]["budget"]["annual_amount"] = value
    checked = _check(loaded)
    assert code in {d.code for d in checked.diagnostics}


def test_largest_allowed_money_works():
    loaded = fs.sample(1)
    loaded.data["funding"]["budget"]["annual_amount"] = Decimal("999999999999999.99")
    checked = _check(loaded)
    assert "ACS-LIMIT-NUMBER" not in {d.code for d in checked.diagnostics}


def test_leading_zero_numbers_stay_text():
    data, _ = parse("company_no: 09456123\nn: 0\nm: 0.5\n")
    assert data == {"company_no": "09456123", "n": 0, "m": Decimal("0.5")}


# --------------------------------------------------------------------------- the loader on raw text


_YAMLISH = st.sampled_from(list(": -[]{}#&*!|>'\"%@`,?\n\t \\") + ["---", "...", "<<", "!!python/object:os.system",
                                                                     "&a", "*a", "\ufeff", "\x00", "\ud800", "é"])


@fs.fuzz_settings(400)
@given(st.one_of(st.text(max_size=200), st.lists(st.one_of(_YAMLISH, st.text(max_size=8)), max_size=60).map("".join)))
def test_loader_on_arbitrary_text(text):
    try:
        data, positions = parse(text, "raw.yaml")
    except AcsError as exc:
        fs.assert_located(exc.diagnostics, text)
        return
    _check(LoadedTerms(data, positions), False, text)


@fs.fuzz_settings(100)
@given(st.binary(max_size=300))
def test_loader_on_arbitrary_bytes(tmp_path_factory, raw):
    from acscontracts.terms.validation import check_file

    path = tmp_path_factory.mktemp("bytes") / "terms.yaml"
    path.write_bytes(raw)
    checked = check_file(path, VALIDATORS[False])
    fs.assert_located([d for d in checked.diagnostics if d.code != "ACS-LOAD-EMPTY"], raw)
    assert checked.model is None


@pytest.mark.parametrize("text,code", [
    ("a: &x [1, 2]\nb: *x\nc: !!python/object/apply:os.system ['id']\n", "ACS-LOAD-TAG"),
    ("a:\n\t- 1\n", "ACS-LOAD-TAB"),
    ("{a: 1, a: 2}", "ACS-LOAD-DUPLICATE"),
    ("a: {<<: {b: 1}}", "ACS-LOAD-MERGE"),
    ("? [a]\n: 1\n", "ACS-LOAD-KEY"),
    ("a: [1, 2\n", "ACS-LOAD-SYNTAX"),
    ('{"a": 1,}', None),
    ("a: \"\\ud800\"\n", "ACS-LOAD-SYNTAX"),
    ("[" * 100 + "]" * 100, "ACS-LOAD-DEPTH"),
    ("[" * 5000 + "]" * 5000, "ACS-LOAD-DEPTH"),
    ("a: " + "{b: " * 45 + "1" + "}" * 45, "ACS-LOAD-DEPTH"),
    ("", "ACS-LOAD-EMPTY"), ("# only a comment\n", "ACS-LOAD-EMPTY"),
], ids=lambda v: repr(v)[:30] if isinstance(v, str) else None)
def test_loader_refusals(text, code):
    try:
        parse(text, "x.yaml")
    except AcsError as exc:
        fs.assert_located(exc.diagnostics)
        assert code is None or exc.diagnostics[0].code == code, exc.diagnostics
    else:
        assert code is None


# --------------------------------------------------------------------------- found by the fuzzer


@pytest.mark.parametrize("field", ["from_pct", "to_pct"])
def test_draft_corridor_without_its_bounds(field):
    loaded = fs.sample(0)
    del loaded.data["funding"]["risk_share"]["corridors"][0][field]
    _check(loaded)


@pytest.mark.parametrize("name", [" ICB", "ICB ", "the  ICB", "the\nICB", " "])
def test_short_names_are_usable_as_defined_terms(name):
    """Found by the pipeline fuzzer: a short name with stray spaces could never match its own definition."""
    loaded = fs.sample(1)
    loaded.data["partners"][0]["short_name"] = name
    [d] = [d for d in _check(loaded).diagnostics if d.code == "ACS-TEXT-SPACING"]
    assert d.path == "partners[0].short_name" and d.location.line > 0
