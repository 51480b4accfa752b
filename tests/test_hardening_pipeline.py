"""The whole pipeline under hostile input: generated deals that validate always render to text and to a
.docx that passes the OOXML checks; hostile clause templates are refused with one clear line; top-level
failures (unreadable files, bad reference documents and template folders, internal errors) each give a
one-line message and their own exit code.
"""
from __future__ import annotations

import concurrent.futures
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given

import fuzz_support as fs
import hostile_docx
from acscontracts import pack
from acscontracts.cli import main
from acscontracts.diagnostics import AcsError
from acscontracts.engine.plan import plan
from acscontracts.terms.validation import check_loaded

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ROOT = fs.ROOT
HOSTILE = ROOT / "tests" / "hostile_templates"
SAMPLE = ROOT / "samples" / "northvale-alliance.yaml"


# --------------------------------------------------------------------------- generated deals, whole pipeline


@pytest.fixture(scope="module")
def test_engine(tmp_path_factory):
    return fs.fuzz_engine(tmp_path_factory.mktemp("fuzz-library"))


@pytest.fixture(scope="module")
def shipped_engine():
    """The shipped clause library, if it renders every unmodified sample (it is still being written)."""
    engine = pack.Engine.create()
    for index in range(len(fs.SAMPLE_FILES)):
        checked = check_loaded(fs.sample(index), engine.validator())
        try:
            for spec in plan(checked.model):
                pack.render(spec, engine, "text")
        except AcsError as exc:
            pytest.skip(f"the shipped library does not render {fs.SAMPLE_FILES[index].name} yet: "
                        f"{exc.diagnostics[0].format()[:200]}")
    return engine


def _through_the_pipeline(loaded, engine, context, max_documents: int = 2) -> int:
    """check -> plan -> text and .docx for up to ``max_documents`` documents; returns how many were written."""
    checked = check_loaded(loaded, engine.validator())
    fs.assert_located(checked.diagnostics, context)
    if checked.model is None:
        return 0
    specs = [s for s in plan(checked.model) if s.doc_type in engine.library.manifests]
    specs = specs[:1] + specs[-1:] if max_documents == 2 and len(specs) > 2 else specs[:max_documents]
    for spec in specs:
        text = pack.render(spec, engine, "text").decode("utf-8")
        assert not fs.XML_INVALID.search(text)
        docx = pack.render(spec, engine, "docx")
        problems = fs.docx_problems(docx)
        assert not problems, (spec.name, context, problems[:3])
    return len(specs)


@fs.fuzz_settings(40)
@given(fs.text_mutated_deal())
def test_hostile_text_renders_to_valid_docx_test_library(test_engine, case):
    loaded, paths = case
    _through_the_pipeline(loaded, test_engine, paths)


@fs.fuzz_settings(20)
@given(fs.text_mutated_deal())
def test_hostile_text_renders_to_valid_docx_shipped_library(shipped_engine, case):
    loaded, paths = case
    _through_the_pipeline(loaded, shipped_engine, paths, max_documents=1)


@fs.fuzz_settings(60)
@given(fs.mutated_deal(max_mutations=2))
def test_structurally_mutated_deals_that_validate_render(test_engine, case):
    loaded, mutations = case
    _through_the_pipeline(loaded, test_engine, mutations, max_documents=1)


def test_every_sample_document_passes_the_ooxml_check(test_engine):
    for index in range(len(fs.SAMPLE_FILES)):
        assert _through_the_pipeline(fs.sample(index), test_engine, fs.SAMPLE_FILES[index].name, 99)


# --------------------------------------------------------------------------- hostile clause templates

CASES = sorted(p.stem for p in HOSTILE.glob("*.j2"))
TIMEOUT = 60


def _expectation(path: Path) -> str:
    match = re.search(r"\{# expect: (.*?) #\}", path.read_bytes().decode("latin-1"))
    assert match, f"{path.name} has no {{# expect: ... #}} line"
    return match.group(1)


def _render_with(case: str, root: Path) -> tuple[hostile_docx.Run | None, float, Path]:
    """The CLI rendering with the hostile template, in a fresh process whose peak memory is measured."""
    library = root / case
    (library / "clauses").mkdir(parents=True)
    (library / "clauses" / "aa-parties.j2").write_bytes((HOSTILE / f"{case}.j2").read_bytes())
    output = root / f"{case}.docx"
    start = time.monotonic()
    try:
        result = hostile_docx.run_measured("render", SAMPLE, "--doc", "alliance_agreement", "--templates", library,
                                           "-o", output, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        result = None
    return result, time.monotonic() - start, output


@pytest.fixture(scope="module")
def hostile_results(tmp_path_factory):
    """Every hostile template rendered through the CLI, a few at a time (most of the cost is start-up)."""
    root = tmp_path_factory.mktemp("hostile")
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(CASES, pool.map(lambda case: _render_with(case, root), CASES)))


@pytest.mark.parametrize("case", CASES)
def test_hostile_template_is_refused(hostile_results, case):
    result, seconds, output = hostile_results[case]
    assert result is not None, f"{case}: still running after {TIMEOUT} s"
    assert result.code == 3, (case, result.code, result.stderr[-2000:])
    assert result.peak_mb <= 300, f"{case}: peak memory {result.peak_mb:.0f} MB"
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines[:5]
    assert "aa-parties.j2" in lines[0] and _expectation(HOSTILE / f"{case}.j2") in lines[0], lines[0]
    assert not output.exists()
    from acscontracts.engine.templating import RENDER_SECONDS

    assert seconds < RENDER_SECONDS + 20


def test_corpus_covers_the_issue():
    for required in ("dunder-class-mro", "range-huge", "include-etc-passwd", "import-module", "extends-file",
                     "cycler-globals-os", "template-reference-context", "string-times-huge", "recursive-macro",
                     "nested-loop-output", "nested-loop-busy", "concat-doubling-macro", "plus-doubling-loop",
                     "list-join-huge", "replace-method-huge", "expandtabs-huge", "tojson-huge",
                     "format-filter-many-args"):
        assert required in CASES


def test_render_limits_in_process(tmp_path):
    """The same limits without a subprocess: a condition (`when:`) and a definition are sandboxed too."""
    from acscontracts.engine.templating import Renderer, load_library

    library = load_library(fs.write_library(tmp_path, {
        **fs.FUZZ_LIBRARY,
        "definitions/evil.yaml": "Evil: \"{{ 'x' * 10**9 }}\"\n",
    }))
    renderer = Renderer(library)
    with pytest.raises(AcsError, match="over a render limit"):
        renderer.condition("range(100000)|map('string')|join * 100", {}, "when")
    with pytest.raises(AcsError, match="over a render limit"):
        renderer.render_string("{{ 'x' * 10**9 }}", {}, "definitions/evil.yaml:1")
    with pytest.raises(AcsError, match="not allowed in a template"):
        renderer.condition("''.__class__.__mro__", {}, "when")
    harmless = ("{{ 'ab' * 3 }}{{ 2 ** 10 }}{{ '%5d' % 7 }}{{ range(3)|list|length }}"
                "{% for i in range(3)|reverse %}{{ i }}{% endfor %}")
    assert renderer.render_string(harmless, {}, "x") == "ababab1024    73210"
    ordinary = ("{{ 'ab' ~ 'cd' }} {{ 'a' + 'b' }} {{ ['a', 'b']|join(', ') }} {{ 'x y'|replace('x', 'z') }} "
                "{{ [1, 2]|sum }} {{ '%s-%s'|format(1, 2) }} {{ '%s/%s' % (3, 4) }} {{ {'a': 1}|tojson }} "
                "{{ 'a\tb'.expandtabs(2) }} {{ '{0}{1}'.format('c', 'd') }} {{ range(3)|map('string')|join }}")
    assert renderer.render_string(ordinary, {}, "x") == \
        'abcd ab a, b z y 3 1-2 3/4 {"a": 1} a b cd 012'


def test_render_deadline_holds_inside_a_long_filter_chain(monkeypatch):
    """A chain of lazy filters is timed item by item, not only between template statements."""
    from acscontracts import resources
    from acscontracts.engine import templating

    renderer = templating.Renderer(templating.load_library(resources.templates_dir()))
    monkeypatch.setattr(templating, "RENDER_SECONDS", 0.05)
    chain = "{{ range(100000)|map('string')|map('center', 40)|map('trim')|map('length')|sum }}"
    started = time.monotonic()
    with pytest.raises(AcsError, match="took more than 0.05 seconds"):
        renderer.render_string(chain, {}, "chain")
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- top-level errors


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.stderr
    return lines[0]


def test_missing_terms_file(tmp_path):
    result = _invoke("render", tmp_path / "nope.yaml", "--doc", "heads_of_terms", "-o", tmp_path / "o.docx")
    assert result.exit_code == 1
    assert "nope.yaml: error ACS-IO: file not found" in _one_line(result)


def test_unreadable_terms_file(tmp_path, monkeypatch):
    terms = tmp_path / "terms.yaml"
    terms.write_bytes(SAMPLE.read_bytes())
    real = Path.open

    def open_(self, *args, **kwargs):
        if self.name == "terms.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = _invoke("validate", terms)
    assert result.exit_code == 1
    assert "cannot be read (Permission denied)" in result.stderr


def test_terms_file_that_is_a_folder(tmp_path):
    result = _invoke("render", tmp_path, "--doc", "heads_of_terms", "-o", tmp_path / "o.docx")
    assert result.exit_code == 2


def test_missing_and_broken_reference_documents(tmp_path):
    missing = _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--reference-doc", tmp_path / "firm.docx",
                      "-o", tmp_path / "o.docx")
    assert missing.exit_code == 3
    assert ("firm.docx: error ACS-REFERENCE-DOC: cannot use the reference document: the file cannot be read "
            "(No such file or directory)") in _one_line(missing)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    bad = _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--reference-doc", broken, "-o", tmp_path / "o.docx")
    assert bad.exit_code == 3 and "ACS-REFERENCE-DOC" in _one_line(bad)
    assert not (tmp_path / "o.docx").exists()


def test_bad_template_folder(tmp_path):
    result = _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--templates", tmp_path / "no-such-folder",
                     "-o", tmp_path / "o.docx")
    assert result.exit_code == 3
    assert "no-such-folder: error ACS-TEMPLATES: template folder not found" in _one_line(result)
    manifest = tmp_path / "lib" / "manifests" / "heads_of_terms.yaml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("doc_type: heads_of_terms\nbody: 5\n", encoding="utf-8")
    bad = _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--templates", tmp_path / "lib", "-o", tmp_path / "o.docx")
    assert bad.exit_code == 3 and "ACS-MANIFEST" in _one_line(bad)


def test_unwritable_output(tmp_path):
    (tmp_path / "file").write_text("x")
    result = _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--format", "text", "-o",
                     tmp_path / "file" / "out.txt")
    assert result.exit_code == 4 and "ACS-WRITE" in _one_line(result)


def test_internal_error_is_one_line_and_debug_shows_the_traceback(tmp_path, monkeypatch):
    import acscontracts.engine.plan

    def broken_plan(*args, **kwargs):
        raise RuntimeError("injected bug")

    monkeypatch.setattr(acscontracts.engine.plan, "plan", broken_plan)
    args = ["render", SAMPLE, "--doc", "heads_of_terms", "-o", tmp_path / "o.docx"]
    result = _invoke(*args)
    assert result.exit_code == 5
    line = _one_line(result)
    assert line.startswith("internal error: RuntimeError: injected bug") and "--debug" in line
    debug = _invoke("--debug", *args)
    assert debug.exit_code == 5
    assert "Traceback (most recent call last)" in debug.stderr and "injected bug" in debug.stderr


def test_exit_codes_are_distinct(tmp_path):
    codes = {
        "invalid": _invoke("validate", ROOT / "tests" / "invalid" / "schema-enum-typo.yaml").exit_code,
        "usage": _invoke("render", SAMPLE).exit_code,
        "template": _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--templates", tmp_path / "x",
                            "-o", tmp_path / "o.docx").exit_code,
        "write": _invoke("render", SAMPLE, "--doc", "heads_of_terms", "--format", "text", "-o",
                         SAMPLE / "o.txt").exit_code,
    }
    assert codes == {"invalid": 1, "usage": 2, "template": 3, "write": 4}


def test_terminal_escapes_in_terms_are_not_printed_raw(tmp_path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "schema_version:", '"evil\\e[2J\\nkey": 1\nschema_version:', 1), encoding="utf-8")
    result = _invoke("validate", terms)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "evil\\x1b[2J\\nkey" in result.stderr


def test_json_output_stays_valid_json_with_hostile_keys(tmp_path):
    import json

    terms = tmp_path / "terms.yaml"
    terms.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "schema_version:", '"del\\x7f nel\\x85 bidi\\u202e esc\\e": 1\nschema_version:', 1), encoding="utf-8")
    result = _invoke("validate", terms, "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert any("del\x7f nel\x85 bidi\u202e esc\x1b" in r["message"] for r in records)
    assert not any(ch in result.stdout for ch in "\x7f\x85\u202e\x1b")


def test_markup_refuses_characters_word_cannot_hold():
    from acscontracts.engine.markup import MarkupError, parse_inlines

    with pytest.raises(MarkupError, match="U\\+0001 cannot be stored"):
        parse_inlines("plain \x01 text")
    with pytest.raises(AcsError):  # a MarkupError is an AcsError: a bad title is a template error, not a crash
        parse_inlines("<b>unclosed")


@pytest.mark.parametrize("markup", ["before <!-- a reviewer's note --> after", "before <?pi data?> after"])
def test_an_xml_comment_in_clause_text_is_a_located_template_error(markup):
    from acscontracts.engine.markup import parse_body
    from acscontracts.engine.tree import Source

    blocks, problems = parse_body(f"- {markup}\n- plain <term>Partner</term>", Source("clauses/x.j2", 0))
    assert [p.code for p in problems] == ["ACS-TEMPLATE-MARKUP"]
    assert "an XML comment or processing instruction is not clause text" in problems[0].message
    assert "{# ... #}" in problems[0].message and "0x" not in problems[0].message
    assert problems[0].location.file == "clauses/x.j2"


def test_docx_writer_refuses_exactly_the_characters_xml_1_0_does_not_allow():
    """The writer's check, over every code point, against XML 1.0's Char production."""
    from acscontracts.writers.ooxml import checked

    def allowed(c):
        return c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF

    refused = set()
    for c in range(0x110000):
        try:
            checked(chr(c))
        except ValueError:
            refused.add(c)
    assert refused == {c for c in range(0x110000) if not allowed(c)}


MONEY_KEYS = {"amount", "annual_amount", "value_pa", "total", "cap_amount", "max_amount", "contract_value_pa",
              "cost_pa", "amount_pa", "pool_amount", "min_net_assets", "price"}


@pytest.mark.parametrize("value", [Decimal("999999999999999.99"), 10**15], ids=["largest-pence", "limit"])
@pytest.mark.parametrize("name", ["eastmoor-icp.yaml", "westmoor-lead-provider.yaml"])
def test_largest_amounts_render(shipped_engine, name, value):
    """Every amount at the number limit: the words and figures still render into a valid .docx."""
    loaded = fs.sample(fs.SAMPLE_FILES.index(fs.SAMPLES_DIR / name))
    for path, item in fs.walk(loaded.data):
        if path and path[-1] in MONEY_KEYS and isinstance(item, (int, Decimal)):
            fs.get(loaded.data, path[:-1])[path[-1]] = value
    for fund in loaded.data.get("funding", {}).get("pooled_funds", []):  # the pool's total is at the limit
        contributions = fund.get("contributions", [])
        share = (Decimal(value) / len(contributions)).quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
        for c in contributions:
            c["amount"] = share
        fund["total"] = share * len(contributions)
    for sub in loaded.data.get("contracting", {}).get("subcontracts", []):  # so is its breakdown by service
        specs = [s for s in sub.get("specifications", []) if "annual_value" in s]
        if specs:
            share = (Decimal(value) / len(specs)).quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
            for spec in specs:
                spec["annual_value"] = share
            sub["value_pa"] = share * len(specs)
    assert _through_the_pipeline(loaded, shipped_engine, name, 99) >= 3


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["U+2028", "U+2029", "U+0085"])
def test_line_separators_in_data_cannot_start_a_paragraph(test_engine, separator):
    """str.splitlines() breaks at these too: data holding one must stay inside its own paragraph."""
    loaded = fs.sample(fs.SAMPLE_FILES.index(fs.SAMPLES_DIR / "northvale-alliance.yaml"))
    loaded.data["deal"]["system_name"] = f"Northvale{separator}- [#evil] injected paragraph"
    checked = check_loaded(loaded, test_engine.validator())
    spec = plan(checked.model)[0]
    text = pack.render(spec, test_engine, "text").decode("utf-8")
    assert f"Northvale{separator}- [#evil] injected paragraph" in text
    assert not any(line.startswith(("- [#evil]", "[#evil]")) for line in text.split("\n"))
    assert not fs.docx_problems(pack.render(spec, test_engine, "docx"))
