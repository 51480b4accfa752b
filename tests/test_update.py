"""`update`: the lawyers' edited .docx carried to new terms, their edits kept, the new terms' changes tracked.

Each scenario edits the .docx generated from the old terms with python-docx as a lawyer would (a reworded
sentence, a new paragraph, a deleted clause, a pending tracked change, a comment, a table cell...) and then
updates it to new terms (tests/_pairs.py). For each one:

* accepting acscontracts' tracked changes (and none of the lawyers') gives the lawyers' text with the new
  terms applied: the same edit made to the document generated from the new terms (or, for a conflict, the
  lawyers' paragraph followed by the new wording);
* rejecting acscontracts' changes and removing its comments gives exactly the lawyers' document;
* every conflict has a comment naming the term that changed.
"""
from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from _pairs import PAIRS, ROOT, versions
from _tracked import (authors, canonical, comment_ids, comments, document_xml, drop_comments, paragraph_texts, q,
                      settle)
from acscontracts import api
from acscontracts.compare import base_record
from acscontracts.compare.update import update_docx, term_changes
from acscontracts.diagnostics import AcsError

DOCX_CHECK = Path("/work/shared/tools/docx-check")
ACS = "acscontracts"
LAWYER = "Jane Lawyer"


# --------------------------------------------------------------------------- lawyers' edits (python-docx)


def _paragraph(document, needle: str):
    for p in _all_paragraphs(document):
        if needle in p.text:
            return p
    raise AssertionError(f"no paragraph with {needle!r}")


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _run(document, needle: str):
    for p in _all_paragraphs(document):
        for r in p.runs:
            if needle in r.text:
                return r
    raise AssertionError(f"no run with {needle!r}")


def reword(old: str, new: str):
    def edit(document):
        run = _run(document, old)
        run.text = run.text.replace(old, new, 1)
    return edit


def reword_cell(table_needle: str, old: str, new: str):
    """In the first table that mentions ``table_needle``: ``old`` reworded in the first run holding it."""
    def edit(document):
        table = next(t for t in document.tables if table_needle in "".join(c.text for r in t.rows for c in r.cells))
        run = next(r for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs if old in r.text)
        run.text = run.text.replace(old, new, 1)
    return edit


def add_paragraph_after(needle: str, text: str, like_next: bool = False):
    """A new paragraph after the one holding ``needle``, formatted like it (or like the one after it)."""
    def edit(document):
        anchor = _paragraph(document, needle)._p
        new = copy.deepcopy(anchor.getnext() if like_next else anchor)
        for child in list(new):
            if child.tag != qn("w:pPr"):
                new.remove(child)
        run = etree.SubElement(new, qn("w:r"))
        etree.SubElement(run, qn("w:t")).text = text
        anchor.addnext(new)
    return edit


def delete_clause(title: str):
    def edit(document):
        heading = next(p._p for p in document.paragraphs if p.text == title and p.style.style_id == "Heading1")
        node = heading.getnext()
        heading.getparent().remove(heading)
        while node is not None and not (node.tag == qn("w:p") and node.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                                        is not None and node.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(
                                            qn("w:val")) == "Heading1"):
            following = node.getnext()
            if node.tag in (qn("w:p"), qn("w:tbl")):
                node.getparent().remove(node)
            node = following
    return edit


def pending_change(word: str, replacement: str):
    """The lawyer's own tracked change, left pending: ``word`` deleted, ``replacement`` inserted."""
    def edit(document):
        run = _run(document, word)._r
        before, _, after = run.xpath("string(w:t)").partition(word)
        pieces = []
        for text, wrapper in ((before, None), (word, "w:del"), (replacement, "w:ins"), (after, None)):
            if not text:
                continue
            r = copy.deepcopy(run)
            for child in list(r):
                if child.tag != qn("w:rPr"):
                    r.remove(child)
            t = etree.SubElement(r, qn("w:delText" if wrapper == "w:del" else "w:t"))
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if wrapper:
                box = etree.Element(qn(wrapper), {qn("w:id"): str(900 + len(pieces)), qn("w:author"): LAWYER,
                                                  qn("w:date"): "2026-05-01T09:00:00Z"})
                box.append(r)
                r = box
            pieces.append(r)
        for piece in pieces:
            run.addprevious(piece)
        run.getparent().remove(run)
    return edit


def comment_on(needle: str, text: str):
    """A comment, as Word adds it (with the comment styles python-docx refers to but does not define)."""
    def edit(document):
        paragraph = _paragraph(document, needle)
        document.add_comment(paragraph.runs[0], text=text, author=LAWYER, initials="JL")
        styles = document.styles.element
        for style_id, kind, name in (("CommentReference", "character", "annotation reference"),
                                     ("CommentText", "paragraph", "annotation text")):
            if not styles.xpath(f'w:style[@w:styleId="{style_id}"]'):
                style = etree.SubElement(styles, qn("w:style"), {qn("w:type"): kind, qn("w:styleId"): style_id})
                etree.SubElement(style, qn("w:name"), {qn("w:val"): name})
    return edit


def both(*edits):
    def edit(document):
        for e in edits:
            e(document)
    return edit


def lawyers(data: bytes, edit) -> bytes:
    document = docx.Document(io.BytesIO(data))
    edit(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    name: str
    pair: str  # tests/_pairs.py
    edit: Callable  # the lawyers' edit, made with python-docx
    conflicts: int = 0
    new_wording: str = ""  # conflict: text of the new generated paragraph expected after the lawyers' one


DEFINITIONS_REWORDED = reword("the following words and expressions have the meanings given to them below:",
                              "these words have the following meanings:")
SCENARIOS = (
    Scenario("reworded-sentence", "pct-only", reword("If consensus cannot be reached", "Where consensus fails")),
    Scenario("new-paragraph", "money-changed", add_paragraph_after(
        "put to a vote", "The Partners shall review this voting rule after the first year.")),
    Scenario("deleted-clause", "share-changed", delete_clause("Principles and behaviours")),
    Scenario("pending-tracked-change", "money-changed", pending_change("cast by its", "exercised by its")),
    Scenario("comment", "date-changed", comment_on("put to a vote", "Is a vote ever needed?")),
    Scenario("edit-beside-changed-figure", "pct-only", reword("Except for a ", "Save for a ")),
    Scenario("conflict-on-changed-figure", "pct-only", reword("at least 75.00% of the total votes",
                                                              "at least 80% of the total votes"),
             conflicts=1, new_wording="at least 70.00% of the total votes"),
    Scenario("partner-removed-from-edited-table", "partner-removed", reword_cell("For the attention of",
                                                                                      "Chief Executive", "Chief Executive Officer")),
    Scenario("partner-added", "partner-added", both(reword("If consensus cannot be reached", "Where consensus fails"),
                                                    comment_on("put to a vote", "Agreed."))),
    Scenario("clause-switched-on", "condition-on", DEFINITIONS_REWORDED),
    Scenario("clause-switched-off", "condition-off", DEFINITIONS_REWORDED),
    Scenario("clause-switched-on-around-edits", "condition-on", both(
        delete_clause("Workforce"),
        add_paragraph_after("Data protection and information governance",
                            "The Parties shall agree a data sharing protocol.", like_next=True))),
)
PAIR = {p.name: p for p in PAIRS}


def _terms(checked) -> api.Terms:
    return api.Terms(checked.loaded)


@pytest.fixture(scope="module")
def pipe():
    return api.pipeline()


def _documents(pipe, pair):
    old_checked, new_checked = versions(pair)
    old, new = _terms(old_checked), _terms(new_checked)
    spec = next(d for d in pipe.documents(new) if d.name == pair.doc)
    return old, new, pipe.document(old, spec.doc_type, spec.id), pipe.document(new, spec.doc_type, spec.id)


@pytest.fixture(scope="module")
def results(pipe):
    """scenario name -> (issued bytes, result, expected accepted texts or None, theirs bytes)"""
    out = {}
    for scenario in SCENARIOS:
        pair = PAIR[scenario.pair]
        old, new, base_doc, new_doc = _documents(pipe, pair)
        issued = lawyers(pipe.write(base_doc), scenario.edit)
        theirs = pipe.write(new_doc)
        changes = term_changes(old.loaded, new.loaded, base_doc, new_doc)
        result = update_docx(issued, base_doc, new_doc, api.revision_for(pipe.model(new)), changes)
        out[scenario.name] = (issued, result, theirs)
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_accepting_ours_gives_the_lawyers_text_with_the_new_terms(scenario, results):
    issued, result, theirs = results[scenario.name]
    accepted = paragraph_texts(settle(document_xml(result.data), ACS, accept=True))
    if scenario.conflicts:
        lawyers_text = [t for t in paragraph_texts(document_xml(issued)) if t not in
                        paragraph_texts(document_xml(PIPE_BASE[scenario.name]))]
        expected = paragraph_texts(document_xml(theirs))
        at = next(k for k, t in enumerate(expected) if scenario.new_wording in t)
        expected[at:at] = lawyers_text
    else:
        expected = paragraph_texts(document_xml(lawyers(theirs, scenario.edit)))
    assert accepted == expected


PIPE_BASE: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _bases(pipe):
    for scenario in SCENARIOS:
        if scenario.conflicts:
            PIPE_BASE[scenario.name] = pipe.write(_documents(pipe, PAIR[scenario.pair])[2])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_rejecting_ours_gives_exactly_the_lawyers_document(scenario, results):
    issued, result, _ = results[scenario.name]
    # ours: the comments update added (the issued file's own drafting notes are Word comments by acscontracts too)
    ours = comment_ids(result.data, ACS) - comment_ids(issued, ACS)
    referenced = {r.get(q("id")) for r in document_xml(result.data).iter(q("commentReference"))}
    assert referenced == {c[0] for c in comments(result.data)}  # every anchor has its comment, and back
    rejected = drop_comments(settle(document_xml(result.data), ACS, accept=False), ours)
    assert canonical(rejected) == canonical(document_xml(issued))
    assert [c for c in comments(result.data) if c[0] not in ours] == comments(issued)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_every_conflict_has_a_comment_naming_the_term(scenario, results):
    issued, result, _ = results[scenario.name]
    assert len(result.conflicts) == scenario.conflicts
    ours = [c for c in comments(result.data) if c[1] == ACS and c not in comments(issued)]
    assert len(ours) == scenario.conflicts
    for conflict, (_, _, text) in zip(result.conflicts, ours):
        assert conflict.terms and all(t.words in text for t in conflict.terms)
        assert conflict.where.startswith(("clause", "Schedule"))


def test_tracked_changes_are_ours_and_dated_from_the_new_terms(results):
    _, result, _ = results["reworded-sentence"]
    root = document_xml(result.data)
    changes = list(root.iter(q("ins"), q("del")))
    assert changes and {c.get(q("author")) for c in changes} == {ACS}
    assert {c.get(q("date")) for c in changes} == {"2026-02-13T00:00:00Z"}
    text = "".join(root.itertext())
    assert "Where consensus fails" in text


def test_lawyers_pending_change_and_comment_survive_with_their_author(results):
    _, result, _ = results["pending-tracked-change"]
    assert authors(document_xml(result.data)) == {ACS, LAWYER}
    _, result, _ = results["comment"]
    assert ("Is a vote ever needed?" in [c[2] for c in comments(result.data) if c[1] == LAWYER])


def test_conflict_keeps_the_lawyers_figure_and_offers_the_new_one(results):
    _, result, _ = results["conflict-on-changed-figure"]
    (conflict,) = result.conflicts
    assert [t.path for t in conflict.terms] == ["governance.supermajority_pct"]
    assert "75.00% → 70.00%" in conflict.terms[0].words
    accepted = paragraph_texts(settle(document_xml(result.data), ACS, accept=True))
    lawyers_at = next(k for k, t in enumerate(accepted) if "at least 80% of the total votes" in t)
    assert "at least 70.00% of the total votes" in accepted[lawyers_at + 1]


def test_new_partner_rows_and_paragraphs_land_in_place(results):
    issued, result, theirs = results["partner-added"]
    accepted = paragraph_texts(settle(document_xml(result.data), ACS, accept=True))
    assert accepted.count("St Luke's Hospice Northvale") == paragraph_texts(document_xml(theirs)).count(
        "St Luke's Hospice Northvale") > 0


def test_an_unrelated_document_is_refused(pipe):
    pair = PAIR["pct-only"]
    old, new, base_doc, new_doc = _documents(pipe, pair)
    other = api.load(ROOT / "samples" / "riverbend-system.yaml")  # same clause library: much boilerplate in common
    document = next(d for d in pipe.documents(other) if d.doc_type == "alliance_agreement")
    issued = pipe.render(other, document.doc_type, document.id)
    with pytest.raises(AcsError) as caught:
        update_docx(issued, base_doc, new_doc, api.revision_for(pipe.model(new)))
    assert caught.value.diagnostics[0].code == "ACS-UPDATE-MISMATCH"
    assert "not generated from the old terms" in caught.value.diagnostics[0].message


def test_not_a_word_file_is_a_located_error(pipe):
    pair = PAIR["pct-only"]
    old, new, base_doc, new_doc = _documents(pipe, pair)
    with pytest.raises(AcsError) as caught:
        update_docx(b"PK\x03\x04 not really", base_doc, new_doc, api.revision_for(pipe.model(new)), source="x.docx")
    assert caught.value.diagnostics[0].code == "ACS-ISSUED-DOCX"


def test_recorded_base_round_trips(pipe):
    pair = PAIR["partner-added"]
    _, _, base_doc, _ = _documents(pipe, pair)
    document, recorded = base_record.decode(base_record.encode(base_doc, "abc"))
    assert document == base_doc and recorded == "abc"
    assert document.references == base_doc.references
    assert pipe.write(document) == pipe.write(base_doc)


@pytest.fixture(scope="module")
def docx_check_cache(tmp_path_factory):
    """A LibreOffice profile of our own: runs elsewhere on the machine sharing the default one make it fail."""
    return tmp_path_factory.mktemp("docx-check-cache")


@pytest.mark.skipif(not DOCX_CHECK.exists(), reason="docx-check not installed")
@pytest.mark.parametrize("name", ["conflict-on-changed-figure", "partner-added", "clause-switched-on"])
def test_updated_documents_pass_the_strict_check(name, results, tmp_path, docx_check_cache):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(results[name][1].data)
    result = subprocess.run([str(DOCX_CHECK), str(path), "--strict"], capture_output=True, text=True, timeout=900,
                            env={**os.environ, "DOCX_CHECK_CACHE": str(docx_check_cache)})
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- commands


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "acscontracts", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def test_update_and_build_update_from_commands(tmp_path):
    source = (ROOT / "samples" / "northvale-alliance.yaml").read_text(encoding="utf-8")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(source, encoding="utf-8")
    new.write_text(source.replace("supermajority_pct: 75", "supermajority_pct: 70"), encoding="utf-8")
    pack = tmp_path / "pack"
    assert _cli("build", old, "-o", pack).returncode == 0
    assert (pack / ".acscontracts" / "alliance_agreement.json.gz").is_file()
    issued = pack / "alliance_agreement.docx"
    edited = lawyers(issued.read_bytes(), reword("at least 75.00% of the total votes",
                                                  "at least 80% of the total votes"))
    issued.write_bytes(edited)

    out = tmp_path / "updated.docx"
    done = _cli("update", issued, old, new, "--doc", "alliance_agreement", "-o", out)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert "conflict: clause" in line and "governance.supermajority_pct" in line
    assert "rebuilt" not in done.stderr  # the recorded base was used
    added = [c for c in comments(out.read_bytes()) if c not in comments(edited)]  # not the drafting notes
    assert [c[1] for c in added] == [ACS]
    failing = _cli("update", issued, old, new, "--doc", "alliance_agreement", "-o", out, "--fail-on-conflict")
    assert failing.returncode == 1 and "conflict:" in failing.stdout

    loose_copy = tmp_path / "elsewhere" / "issued.docx"
    loose_copy.parent.mkdir()
    loose_copy.write_bytes(edited)
    loose = _cli("update", loose_copy, old, new, "--doc", "alliance_agreement", "-o", tmp_path / "loose.docx")
    assert loose.returncode == 0 and "rebuilt from" in loose.stderr and "conflict:" in loose.stdout

    assert _cli("update", issued, old, new, "--doc", "alliance_agreement", "-o", issued).returncode == 2

    rebuilt = _cli("build", new, "-o", pack, "--update-from", old)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert issued.read_bytes() == edited  # the lawyers' file is never overwritten
    assert (pack / "alliance_agreement.updated.docx").is_file() and "conflict: clause" in rebuilt.stdout


def test_update_refuses_a_document_from_other_terms(tmp_path):
    source = ROOT / "samples" / "northvale-alliance.yaml"
    other = tmp_path / "other.docx"
    assert _cli("render", ROOT / "samples" / "eastmoor-icp.yaml", "--doc", "aco_contract", "-o", other).returncode == 0
    refused = _cli("update", other, source, source, "--doc", "alliance_agreement", "-o", tmp_path / "out.docx")
    assert refused.returncode == 1 and "ACS-UPDATE-MISMATCH" in refused.stderr
    assert not (tmp_path / "out.docx").exists()
