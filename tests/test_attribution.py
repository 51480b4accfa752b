"""Exact attribution: for single-term changes on the samples, the clauses `diff` names are exactly the
clauses whose wording differs between the two builds (a clause only renumbered, or whose
cross-references are only renumbered, does not count), and each one is named under the change."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from _pairs import checked, edited, loaded
from acscontracts.compare.termsdiff import compare, format_text
from acscontracts.engine.reads import document_inputs, overlaps, prune, value_at
from acscontracts.engine.tree import Para, Ref
from acscontracts.writers.text import inline_text


def _partner(d, pid):
    return next(p for p in d["partners"] if p["id"] == pid)


def service_added(d):
    d["scope"]["services"].append("Hospice at home services")


def share_pct(d):
    d["funding"]["risk_share"]["corridors"][0]["shares"][0]["pct"] += Decimal(5)
    d["funding"]["risk_share"]["corridors"][0]["shares"][1]["pct"] -= Decimal(5)


def deadband(d):
    d["funding"]["risk_share"]["deadband_pct"] = Decimal("0.25")


def signatory_removed(d):  # read backwards: a signatory added
    del _partner(d, "northvale-cmh")["signatory"]


def pool_pct(d):
    d["funding"]["incentives"]["pool_pct_of_budget"] = Decimal(3)


def renamed(d):
    _partner(d, "northvale-cmh")["legal_name"] = "Northvale Healthcare NHS Foundation Trust"


def short_renamed(d):
    _partner(d, "westmoor-community")["short_name"] = "WCS"


def notice_months(d):
    d["exit"]["withdrawal_notice_months"] += 3


def quorum(d):
    d["governance"]["board"]["quorum"] += 1


def sub_value(d):
    d["contracting"]["subcontracts"][0]["value_pa"] += Decimal(100000)
    d["contracting"]["subcontracts"][0]["specifications"][0]["annual_value"] += Decimal(100000)  # its breakdown too


def tupe_off(d):
    d["enablers"]["workforce"]["tupe_transfers"] = []


def measure_weight(d):
    measures = d["funding"]["incentives"]["measures"]
    measures[0]["weight_pct"], measures[1]["weight_pct"] = measures[1]["weight_pct"], measures[0]["weight_pct"]


def open_book(d):
    d["funding"]["open_book"] = not d["funding"].get("open_book", False)


def estates_removed(d):
    d["enablers"]["estates"] = []


def term_end(d):
    d["term"]["end"] = "2036-03-31"


def governing_law(d):
    d["deal"]["system_name"] = "Northvale Integrated Care System"


NV, WM, EM = "northvale-alliance.yaml", "westmoor-lead-provider.yaml", "eastmoor-icp.yaml"
CHANGES = [
    ("service-added", NV, service_added, False),
    ("risk-share-pct", NV, share_pct, False),
    ("deadband", NV, deadband, False),
    ("signatory-added", NV, signatory_removed, True),
    ("pool-pct", EM, pool_pct, False),
    ("partner-renamed", NV, renamed, False),
    ("short-name", WM, short_renamed, False),
    ("notice-months", NV, notice_months, False),
    ("quorum", NV, quorum, False),
    ("subcontract-value", WM, sub_value, False),
    ("tupe-off", WM, tupe_off, False),
    ("measure-weights", EM, measure_weight, False),
    ("open-book", EM, open_book, False),
    ("term-end", WM, term_end, False),
    ("estates-removed", NV, estates_removed, False),
    ("system-name", NV, governing_law, False),
]


def _words(blocks) -> str:
    """A part's words with cross-references by target: renumbering alone changes nothing."""
    lines = []
    for block in blocks:
        rows = [block.inlines] if isinstance(block, Para) else [c for row in (block.header,) + block.rows for c in row]
        lines += [inline_text(tuple(Ref(i.target, i.target) if isinstance(i, Ref) else i for i in row)) for row in rows]
    return "\n".join(lines)


def _parts(document) -> dict:
    parts = {"front": (document.title, document.subtitle, document.date_text, document.parties),
             "preamble": _words(document.preamble), "execution": document.signatures}
    for part in document.clauses + document.schedules:
        parts[part.id] = (part.title, _words(part.blocks))
    return parts


def _differing(old_docs, new_docs) -> set:
    """(document, part) whose wording differs, computed here from the two builds."""
    out = set()
    for name in set(old_docs) & set(new_docs):
        old, new = _parts(old_docs[name]), _parts(new_docs[name])
        out |= {(name, part) for part in set(old) | set(new) if old.get(part) != new.get(part)}
    return out


@pytest.fixture(scope="module")
def comparisons(engine):
    out = {}
    for name, sample, edit, backwards in CHANGES:
        base = loaded(sample)
        old, new = checked(base), checked(edited(base, edit))
        out[name] = compare(*((new, old) if backwards else (old, new)), engine)
    return out


@pytest.mark.parametrize("name", [c[0] for c in CHANGES])
def test_named_clauses_are_exactly_those_whose_wording_differs(comparisons, name):
    comparison = comparisons[name]
    assert len(comparison.changes) >= 1
    named = {(ref.document, ref.clause_id) for change in comparison.changes for ref in change.affects}
    differing = _differing(comparison.old_docs, comparison.new_docs)
    assert differing, f"{name}: the change should alter some wording"
    assert named == differing, format_text(comparison)
    assert not comparison.unexplained
    for change in comparison.changes:  # each change of a single-term edit moves something
        assert change.affects, change.words()


def test_a_renumbered_clause_is_not_named(comparisons):
    """Without estates the alliance agreement loses its estates clause: later clauses move up a number,
    and cross-references to them with them, but only the clauses whose words change are named."""
    comparison = comparisons["estates-removed"]
    doc = comparison.new_docs["alliance_agreement"]
    old = comparison.old_docs[doc.name]
    renumbered = [c.id for c in doc.clauses if any(o.id == c.id and o.number != c.number for o in old.clauses)]
    assert renumbered
    named = {ref.clause_id for change in comparison.changes for ref in change.affects if ref.document == doc.name}
    assert not set(renumbered) <= named


def test_added_service_names_the_scope_schedule(comparisons):
    text = format_text(comparisons["service-added"])
    assert "scope.services: added “Hospice at home services”" in text
    assert "Schedule" in text.split("\n")[1]


def test_added_signatory_shows_name_and_title(comparisons):
    comparison = comparisons["signatory-added"]
    (change,) = comparison.changes
    assert change.words() == "partners[northvale-cmh].signatory: added Sarah Whitfield, Chief Executive"
    assert any(ref.clause_id == "execution" for ref in change.affects)


def test_pool_pct_is_a_percentage(comparisons):
    (change,) = comparisons["pool-pct"].changes
    assert change.words() == "funding.incentives.pool_pct_of_budget: 2.00% → 3.00%"


def test_reads_are_stored_per_document_only_when_asked_for(engine):
    from acscontracts.engine.plan import plan
    from acscontracts.pack import resolved_document

    model = checked(loaded(NV)).model
    spec = next(s for s in plan(model) if s.doc_type == "alliance_agreement")
    document = resolved_document(spec, engine, track_reads=True)
    inputs = document_inputs(document.reads)
    assert "funding.risk_share" in inputs or any(p.startswith("funding.risk_share.") for p in inputs)
    assert "enablers.workforce.tupe_transfers" in inputs
    assert inputs == prune(inputs)  # nothing listed twice
    assert resolved_document(spec, engine).reads["aa-risk-share"] == frozenset()  # writing a file needs none
    risk = document.reads["aa-risk-share"]
    assert overlaps(risk, "funding.risk_share.corridors[0].shares[1].pct")
    assert not overlaps(risk, "exit.withdrawal_notice_months")


def test_read_paths_helpers():
    assert prune({"a", "a.b", "a[0].c", "ab", "x?", "y?", "y.z"}) == ["a", "ab", "x?", "y.z"]
    assert overlaps({"a.b?"}, "a") and overlaps({"a.b?"}, "a.b") and not overlaps({"a.b?"}, "a.b.c")
    assert overlaps({"a.b"}, "a.b[2].c") and not overlaps({"a.bc"}, "a.b")
    data = {"a": [{"b": 1}], "c": None}
    assert value_at(data, "a[0].b") == 1 and value_at(data, "a[3].b") is None
    assert value_at(data, "a?") is True and value_at(data, "c?") is False and value_at(data, "z.y?") is False
