"""Every valid deal builds a correct pack: generated deals (tests/dealgen.py) through the shipped library.

For each generated deal that validates, every document it calls for is rendered to text, and:

* no template error (ACS-TEMPLATE) and no broken cross-reference (ACS-BROKEN-REF: the render raises);
* no markup or template syntax in the output (`<term`, `<ref`, `<note`, `<blank`, `{{`, `{%`, `&lt;`);
* figures in words and numerals agree (`six (6)`, `£1,000 (one thousand pounds)`);
* when the terms pass `validate --final`, no `[●]`: the date of signing and the forms listed below aside.

Complete deals must pass `--final` (the generator follows the domain rules, so a refusal is a bug in the
generator or an over-strict rule). Drafts are thinned towards the minimal draft; those the rules refuse are
skipped (they are counted: most must validate). A sample goes through the .docx writer and the OOXML checks.

Budgets (fuzz_support): CI builds 80 deals in full (40 final, 40 drafts; derandomized), validates 40 more and
draws 800 for coverage; ACS_FUZZ_NIGHTLY=1 runs twenty times as many, freshly random.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from num2words import num2words

import dealgen
import fuzz_support as fs
from acscontracts import pack
from acscontracts.diagnostics import AcsError
from acscontracts.engine.plan import plan
from acscontracts.formatting import money_in_words
from acscontracts.terms.loader import LoadedTerms
from acscontracts.terms.validation import check_loaded

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# Placeholders that final-valid terms still print, by hint: only the forms completed when they are used (a deed
# of accession, a conditions-precedent status table; the date of signing is allowed separately). Every other
# [●] in a final document fails the test: a term the document prints gets a field in x-required-final (or a
# conditional one, in the `then` of an `if`), is derived from the terms, or is refused by a rule with --final.
FORMS = {"[● status]", "[● date of this deed]", "[● date of the Agreement]", "[● date of approval]", "[● Accession Date]",
         "[● legal name of the new Partner]", "[● description of the new Partner]", "[● address of the new Partner]",
         "[● to be completed on accession]", "[● execution blocks]"}
MARKUP = ("<term", "<ref", "<note", "<blank", "</", "{{", "{%", "%}", "}}", "&lt;", "&gt;", "&amp;")
SIGNING_DATE = re.compile(r"^Date: \[●\]( \d{4})?$", re.M)
NUMBER_WORDS = {w for n in range(101) for w in re.split(r"[ -]", num2words(n))} | {
    "hundred", "thousand", "million", "billion", "trillion"}
FIGURE = re.compile(r"\((\d[\d,]*)\)")
MONEY = re.compile(r"£(\d[\d,]*(?:\.\d\d)?) \(([^()]*pounds?[^()]*)\)")


def figures_disagree(text: str) -> list[str]:
    """`words (n)` where the words before a bracketed figure are a number other than n; money likewise."""
    found = []
    for m in FIGURE.finditer(text):
        before = text[:m.start()].rstrip()
        last = re.split(r"[ -]", before.split()[-1].strip(",")) if before.split() else [""]
        if last[-1].lower() in NUMBER_WORDS and not before.lower().endswith(num2words(int(m.group(1).replace(",", "")))):
            found.append(text[max(0, m.start() - 60):m.end()])
    for m in MONEY.finditer(text):
        if m.group(2) != money_in_words(Decimal(m.group(1).replace(",", ""))):
            found.append(m.group(0))
    return found


def build_texts(data: dict, engine, final: bool):
    """(checked, {document name: text}); texts is None when the terms do not validate."""
    checked = check_loaded(LoadedTerms(data, {}), engine.validator(final))
    if checked.model is None:
        return checked, None
    texts = {}
    for spec in plan(checked.model):
        try:
            texts[spec.name] = pack.render(spec, engine, "text").decode("utf-8")
        except AcsError as exc:
            raise AssertionError(f"{spec.name}: " + "; ".join(d.format() for d in exc.diagnostics[:3])) from None
    return checked, texts


def assert_correct(texts: dict, final: bool) -> None:
    for name, text in texts.items():
        leaks = [m for m in MARKUP if m in text]
        assert not leaks, (name, leaks, [text[max(0, text.index(m) - 80):text.index(m) + 40] for m in leaks])
        assert not figures_disagree(text), (name, figures_disagree(text)[:3])
        if final:
            rest = SIGNING_DATE.sub("", text)
            blanks = [rest[max(0, m.start() - 100):m.end() + 20] for m in re.finditer(r"\[●[^\]]*\]", rest)
                      if m.group(0) not in FORMS]
            assert not blanks, (name, len(blanks), blanks[:5])


@fs.fuzz_settings(40)
@given(dealgen.deals(final=True))
def test_complete_deals_pass_final_and_build_without_placeholders(engine, data):
    checked, texts = build_texts(data, engine, final=True)
    # The generator does not yet route every money flow through a legal power (L2) or keep every payer
    # from paying itself (L3); such a deal is rightly refused, and is not one this test can build.
    assume(texts is not None or not {d.code for d in checked.diagnostics if d.is_error} <= {"L2", "L3"})
    assert texts is not None, [d.format() for d in checked.diagnostics if d.is_error][:5]
    assert_correct(texts, final=True)


@fs.fuzz_settings(40)
@given(dealgen.deals(final=False))
def test_draft_deals_that_validate_build(engine, data):
    _, texts = build_texts(data, engine, final=False)
    if texts is not None:
        assert_correct(texts, final=False)


def test_most_generated_drafts_validate(engine):
    """The draft strategy is realistic enough: at least 40% of the drafts it draws pass the rules. Thinning keeps
    what the deal's model needs (dealgen.MODEL_NEEDS); without that the rate hung near the threshold and depended on
    which seed a run drew (12 of 40 in CI, 17 of 40 locally)."""
    outcomes = []

    @fs.fuzz_settings(40)
    @given(dealgen.deals(final=False))
    def run(data):
        outcomes.append(check_loaded(LoadedTerms(data, {}), engine.validator()).model is not None)

    run()
    assert sum(outcomes) >= 0.4 * len(outcomes), (sum(outcomes), len(outcomes))


def test_strategies_reach_every_enum_value_and_optional_section():
    seen_values, seen_paths = set(), set()

    @fs.fuzz_settings(800)  # generation only (cheap); hypothesis does not draw enum values uniformly
    @given(st.one_of(dealgen.deals(final=True), dealgen.deals(final=False)))
    def run(data):
        seen_values.update(dealgen.enum_values_in(data))
        for path, _ in fs.walk(data):
            names = [p for p in path if isinstance(p, str)]
            seen_paths.update(".".join(names[:k]) for k in (1, 2))

    run()
    missing_values = dealgen.all_enum_values() - seen_values
    names = {}
    for node_id, value in missing_values:
        names.setdefault(node_id, []).append(value)
    assert not missing_values, list(names.values())[:10]
    assert not dealgen.optional_sections() - seen_paths, sorted(dealgen.optional_sections() - seen_paths)


@fs.fuzz_settings(4)
@given(dealgen.deals(final=True))
def test_generated_deals_write_valid_docx(engine, data):
    checked, _ = build_texts(data, engine, final=True)
    # as above: a deal refused only for a flow without a power (L2) or a payer paying itself (L3) is not built
    assume(checked.model is not None or not {d.code for d in checked.diagnostics if d.is_error} <= {"L2", "L3"})
    assert checked.model is not None, [d.format() for d in checked.diagnostics if d.is_error][:5]
    specs = plan(checked.model)
    for spec in specs[:1] + specs[-1:]:
        problems = fs.docx_problems(pack.render(spec, engine, "docx"))
        assert not problems, (spec.name, problems[:3])
