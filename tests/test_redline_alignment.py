"""How the redline aligns two versions: the patience alignment (compare/align.py), table rows matched by
identity (a departing partner's row is deleted, not rewritten into the Total row), lists that lose a
name read as minimal edits, renamed partners paired row by row, and bounded work on large inputs.
Speed figures are in `benchmarks/run.py`; the time limits here only guard against hangs.
"""
from __future__ import annotations

import difflib
import random
import sys
import time

import pytest

from _pairs import PAIRS, ROOT, versions
from acscontracts.compare.align import FALLBACK_CELLS, heaviest_chain, opcodes
from acscontracts.compare.redline import (accept_all, count_changes, diff_inlines, redline, reject_all, row_pairs)
from acscontracts.compare.termsdiff import render_pack
from acscontracts.engine.tree import Revision, Table, TermUse, Text
from acscontracts.writers.text import inline_text

REVISION = Revision("acscontracts", "2026-02-13")


# --------------------------------------------------------------------------- the alignment


def _check_cover(a, b, ops):
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        else:
            assert tag == ("replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert")
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))


def test_opcodes_cover_both_sequences_and_keep_as_much_as_difflib_on_small_inputs():
    rng = random.Random(17)
    kept_ours = kept_difflib = 0
    for _ in range(500):
        a = [rng.choice("abcdefgh") for _ in range(rng.randint(0, 25))]
        b = [rng.choice("abcdefgh") for _ in range(rng.randint(0, 25))]
        ops = opcodes(a, b)
        _check_cover(a, b, ops)
        kept_ours += sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
        kept_difflib += sum(size for _, _, size in difflib.SequenceMatcher(None, a, b, autojunk=False)
                            .get_matching_blocks())
    assert kept_ours >= 0.9 * kept_difflib


def test_heaviest_chain_prefers_weight_over_length():
    pairs = [(0, 2), (1, 0), (2, 1)]
    assert heaviest_chain(pairs, [1, 1, 1]) == [(1, 0), (2, 1)]
    assert heaviest_chain(pairs, [5, 1, 1]) == [(0, 2)]


def test_unique_names_anchor_a_shortened_list():
    old = ["Alpha", ",", " ", "Beta", " ", "and", " ", "Gamma"]
    new = ["Alpha", " ", "and", " ", "Beta"]
    assert opcodes(old, new, len) == [("equal", 0, 1, 0, 1), ("replace", 1, 2, 1, 3), ("equal", 2, 4, 3, 5),
                                      ("delete", 4, 8, 5, 5)]


def test_work_is_bounded_on_sequences_without_anchors():
    a, b = ["x", "y"] * 20000, ["y", "x"] * 20000  # nothing unique, no common ends: no difflib on 40,000 x 40,000
    started = time.monotonic()
    _check_cover(a, b, opcodes(a, b))
    assert time.monotonic() - started < 30
    assert len(a) * len(b) > FALLBACK_CELLS


# --------------------------------------------------------------------------- words


def test_a_list_losing_its_last_name_reads_as_minimal_edits():
    old = (Text("The Partners are Alpha Health Trust, Beta County Council and Gamma Hospital."),)
    new = (Text("The Partners are Alpha Health Trust and Beta County Council."),)
    assert inline_text(diff_inlines(old, new)) == (
        "The Partners are Alpha Health Trust[-,-]{+ and+} Beta County Council[- and Gamma Hospital-].")


def test_a_list_of_terms_losing_one_keeps_the_others_whole():
    def names(*terms):
        out = []
        for k, term in enumerate(terms):
            if k:
                out.append(Text(" and " if k == len(terms) - 1 else ", "))
            out.append(TermUse(term, term))
        return tuple(out)

    red = diff_inlines(names("the ICB", "the County Council", "Southvale Council", "Eastport Council"),
                       names("the ICB", "the County Council", "Southvale Council"))
    assert inline_text(red) == "the ICB, the County Council[-,-]{+ and+} Southvale Council[- and Eastport Council-]"


def test_an_issued_text_keeps_terms_together():
    """Compared with plain text, a term's words must pair with words that stand together."""
    old = (Text("the County Council, Southvale Council and Eastport Council must act"),)
    new = (TermUse("the County Council", "the County Council"), Text(" and "),
           TermUse("Southvale Council", "Southvale Council"), Text(" must act"))
    red = diff_inlines(old, new, by_text=True)
    assert inline_text(red) == "the County Council[-,-]{+ and+} Southvale Council [-and Eastport Council -]must act"


# --------------------------------------------------------------------------- table rows


@pytest.fixture(scope="module")
def partner_removed(engine):
    pair = next(p for p in PAIRS if p.name == "partner-removed")
    old, new = versions(pair)
    old_doc, new_doc = render_pack(old.model, engine)[pair.doc], render_pack(new.model, engine)[pair.doc]
    return old_doc, new_doc, redline(old_doc, new_doc, REVISION)


def _tables(document):
    return [b for part in document.clauses + document.schedules for b in part.blocks if isinstance(b, Table)]


def test_departing_partner_row_is_deleted_and_total_row_kept(partner_removed):
    _, _, red = partner_removed
    totals = 0
    for table in _tables(red):
        for change, row in zip(table.row_changes, table.rows):
            first = inline_text(row[0])
            if "Eastport City Council" in first or first.startswith("Eastport Council"):
                assert change == "deleted", first
            elif change:
                pytest.fail(f"{change} row {first!r}: only the departing partner's rows change whole")
            if first == "Total":
                totals += 1
                assert "[-£210,000,000-]{+£193,000,000+}" in " ".join(inline_text(c) for c in row) or \
                    "[-8-]{+7+}" in " ".join(inline_text(c) for c in row)
    assert totals == 2


def test_rows_pair_by_a_cell_unique_in_its_column():
    def rows(*texts):
        return tuple(tuple((Text(c),) for c in t.split("|")) for t in texts)

    old = rows("Alpha|10%|a@x", "Beta|20%|b@x", "Gamma|70%|c@x", "Total|100%|")
    new = rows("Alpha|15%|a@x", "Beta|85%|b@x", "Total|100%|")
    assert row_pairs(old, new) == [(0, 0), (1, 1), (3, 2)]
    renamed = rows("Alpha Trust|15%|a@x", "Beta Foundation|85%|b@x", "Total|100%|")
    assert row_pairs(new, renamed) == [(0, 0), (1, 1), (2, 2)]


def test_renamed_partners_pair_row_by_row(engine):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import partner_deal

    from acscontracts.engine.plan import plan
    from acscontracts.pack import resolved_document
    from acscontracts.terms.loader import load_terms
    from acscontracts.terms.validation import check_loaded

    loaded = load_terms(ROOT / "samples" / "northvale-alliance.yaml")
    old, new = (resolved_document(next(s for s in plan(check_loaded(partner_deal(loaded, 40, renamed),
                                                                    engine.validator()).model)
                                       if s.doc_type == "alliance_agreement"), engine) for renamed in (False, True))
    red = redline(old, new, REVISION)
    for table in _tables(red):
        assert not any(table.row_changes), [inline_text(r[0]) for r in table.rows][:3]
    parties = " ".join(inline_text(b.inlines) for b in red.preamble)
    assert "Eastport NHS Trust [-North-]{+South+} 3, an NHS trust" in parties
    assert [inline_text(b.inlines) for b in accept_all(red).preamble] == [inline_text(b.inlines) for b in new.preamble]
    assert [inline_text(b.inlines) for b in reject_all(red).preamble] == [inline_text(b.inlines) for b in old.preamble]
    assert count_changes(red)["inserted"] == count_changes(red)["deleted"] > 0
