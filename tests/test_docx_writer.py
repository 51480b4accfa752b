"""Word writer: hand-made resolved Documents in, assertions on the package XML out."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from acscontracts.engine.tree import (Clause, Document, DocumentProperties, Note, Para, Party,
                               Placeholder, Ref, Schedule, SignatureBlock, Table, TermDef,
                               TermUse, Text)
from acscontracts.docx_package import PackageError, reference_from_bytes
from acscontracts.writers import docx as house
from acscontracts.writers.docx import bookmark_name, write_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
HOSTILE = '{{ 7*7 }} <w:b/> & "Co"'
DOCX_CHECK = Path("/work/shared/tools/docx-check")


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --------------------------------------------------------------------------- fixtures


def rich_document(**changes) -> Document:
    """Four numbering levels, refs to each level, schedules with a table, every signature
    form, notes, placeholders and a hostile party name. Numbers filled in by hand."""
    clauses = (
        Clause("definitions", "Definitions and interpretation", number="1", blocks=(
            Para((Text("In this Agreement:"),)),
            Para((TermDef("Board"), Text(" means the board set up under clause "),
                  Ref("board", "2"), Text("."),), style="definition"),
            Para((Text("Headings do not affect interpretation."),), level=1, number="1.1",
                 anchor="headings"),
        )),
        Clause("board", "The Alliance Board", number="2", blocks=(
            Para((Text("The "), TermUse("Board", "Board"), Text(" shall:")), level=1,
                 number="2.1", anchor="board-duties"),
            Para((Text("meet "), Text("monthly", bold=True), Text(";")), level=2, number="(a)",
                 anchor="board-meet"),
            Para((Text("keep minutes, which shall:"),), level=2, number="(b)"),
            Para((Text("be "), Text("signed", italic=True), Text(" by the chair; and")),
                 level=3, number="(i)", anchor="board-minutes-signed"),
            Para((Text("be circulated within "), Placeholder("number"), Text(" days."),),
                 level=3, number="(ii)"),
            Para((Note("Check the meeting frequency with the partners."),), style="note"),
            Para((Text("The quorum is "), Placeholder(), Text("."),
                  Note("Two thirds is usual.")), level=1, number="2.2"),
            Para((Text("Members are listed in Schedule "), Ref("schedule-members", "1"),
                  Text("."),), level=1, number="2.3"),
        )),
        Clause("references", "Cross-references", number="3", blocks=(
            Para((Text("See clause "), Ref("board", "2"), Text(", clause "),
                  Ref("board-duties", "2.1"), Text(", clause "), Ref("board-meet", "2.1(a)"),
                  Text(", clause "), Ref("board-minutes-signed", "2.1(b)(i)"),
                  Text(", paragraph "), Ref("sched-voting", "1.1"), Text(" of Schedule "),
                  Ref("schedule-voting", "2"), Text(".")), level=1, number="3.1"),
            Para((Text("Unnumbered text in a clause."),)),
            Para((Text("Payment"),), style="subheading"),
            Para((Text("Centred text."),), style="centered"),
        )),
    )
    schedules = (
        Schedule("schedule-members", "Board members", number="1", blocks=(
            Para((Text("Membership"),), level=1, number="1"),
            Para((Text("Each partner appoints members as follows:"),), level=2, number="1.1"),
            Table(header=((Text("Partner"),), (Text("Seats"),)),
                  rows=(((Text(HOSTILE),), (Text("2"),)),
                        ((Text("Northvale ICB"),), (Placeholder(),)))),
            Para((Text("a member may be replaced"),), level=3, number="(a)"),
        )),
        Schedule("schedule-voting", "Voting", number="2", blocks=(
            Para((Text("Voting rules"),), level=1, number="1"),
            Para((Text("Each member has one vote."),), level=2, number="1.1",
                 anchor="sched-voting"),
        )),
    )
    doc = Document(
        doc_type="alliance_agreement", name="alliance_agreement-northvale",
        title="Alliance Agreement",
        subtitle="relating to the Northvale Accountable Care System",
        date_text="[●] 2026", status_label="DRAFT — SUBJECT TO CONTRACT",
        parties=(Party("icb", "NHS Northvale Integrated Care Board", "Northvale ICB",
                       "an integrated care board"),
                 Party("hostile", HOSTILE, "Hostile", "a company"),
                 Party("council", "Northvale County Council", "Council", "a local authority")),
        preamble=(
            Para((Text("NHS Northvale Integrated Care Board"),), style="party", number="(1)"),
            Para((Text(HOSTILE),), style="party", number="(2)"),
            Para((Text("Northvale County Council"),), style="party", number="(3)"),
            Para((Text("The partners wish to work together."),), style="recital", number="(A)"),
            Para((Text("They agree as follows."),), style="recital", number="(B)"),
        ),
        clauses=clauses, schedules=schedules,
        signatures=(
            SignatureBlock("NHS Northvale Integrated Care Board", "nhs_body", "Jane Smith",
                           "Chief Executive"),
            SignatureBlock("Northvale County Council", "local_authority_seal", "", ""),
            SignatureBlock(HOSTILE, "company", "A Director", ""),
            SignatureBlock("Physio First CIC", "other", "", "Director"),
        ),
        properties=DocumentProperties(title="Alliance Agreement", subject="Northvale ACS",
                                      keywords="alliance; NHS", version="0.4",
                                      created="2026-03-31"),
        references={"definitions": "1", "headings": "1.1", "board": "2",
                    "board-duties": "2.1", "board-meet": "2.1(a)",
                    "board-minutes-signed": "2.1(b)(i)", "references": "3",
                    "schedule-members": "1", "schedule-voting": "2", "sched-voting": "1.1"},
    )
    return tree_replace(doc, **changes) if changes else doc


def tree_replace(doc, **changes):
    import dataclasses
    return dataclasses.replace(doc, **changes)


def parts(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def xml(data: bytes, name: str = "word/document.xml"):
    return etree.fromstring(parts(data)[name])


@pytest.fixture(scope="module")
def rich() -> bytes:
    return write_docx(rich_document())


@pytest.fixture(scope="module")
def body(rich):
    return xml(rich).find(q("body"))


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(q("t")))


def para_with(body, needle: str):
    for p in body.iter(q("p")):
        if needle in text_of(p) and style_of(p) != "TOC1":
            return p
    raise AssertionError(f"no paragraph contains {needle!r}")


def num_of(p):
    numpr = p.find(f"{q('pPr')}/{q('numPr')}")
    if numpr is None:
        return None
    return (int(numpr.find(q("numId")).get(q("val"))), int(numpr.find(q("ilvl")).get(q("val"))))


def style_of(p):
    s = p.find(f"{q('pPr')}/{q('pStyle')}")
    return None if s is None else s.get(q("val"))


# --------------------------------------------------------------------------- numbering


def _abstracts(numbering):
    by_name = {a.find(q("name")).get(q("val")): a for a in numbering.iter(q("abstractNum"))}
    num_to_abstract = {int(n.get(q("numId"))): n.find(q("abstractNumId")).get(q("val"))
                       for n in numbering.iter(q("num"))}
    return by_name, num_to_abstract


def test_clause_list_levels_are_bound_to_clause_styles(rich):
    numbering = xml(rich, "word/numbering.xml")
    by_name, _ = _abstracts(numbering)
    levels = by_name["acs-clauses"].findall(q("lvl"))
    got = [(lv.find(q("numFmt")).get(q("val")), lv.find(q("lvlText")).get(q("val")),
            lv.find(q("pStyle")).get(q("val"))) for lv in levels[:4]]
    assert got == [("decimal", "%1", "Heading1"), ("decimal", "%1.%2", "Clause2"),
                   ("lowerLetter", "(%3)", "Clause3"), ("lowerRoman", "(%4)", "Clause4")]
    styles = xml(rich, "word/styles.xml")
    clause_num = None
    for ilvl, sid in enumerate(house.CLAUSE_STYLES):
        style = styles.find(f"{q('style')}[@{q('styleId')}='{sid}']")
        numpr = style.find(f"{q('pPr')}/{q('numPr')}")
        assert numpr.find(q("ilvl")).get(q("val")) == str(ilvl)
        nid = numpr.find(q("numId")).get(q("val"))
        clause_num = clause_num or nid
        assert nid == clause_num


def test_other_lists(rich):
    by_name, _ = _abstracts(xml(rich, "word/numbering.xml"))

    def first(name):
        lv = by_name[name].find(q("lvl"))
        return lv.find(q("numFmt")).get(q("val")), lv.find(q("lvlText")).get(q("val"))

    assert first("acs-parties") == ("decimal", "(%1)")
    assert first("acs-recitals") == ("upperLetter", "(%1)")
    assert first("acs-schedules") == ("decimal", "Schedule %1")
    texts = [lv.find(q("lvlText")).get(q("val"))
             for lv in by_name["acs-schedule-paragraphs"].findall(q("lvl"))[:3]]
    assert texts == ["%1", "%1.%2", "(%3)"]


def test_each_schedule_restarts_its_paragraph_numbering(rich, body):
    numbering = xml(rich, "word/numbering.xml")
    by_name, num_to_abstract = _abstracts(numbering)
    sched_abstract = by_name["acs-schedule-paragraphs"].get(q("abstractNumId"))
    first = num_of(para_with(body, "Membership"))
    second = num_of(para_with(body, "Voting rules"))
    assert first[1] == second[1] == 0 and first[0] != second[0]
    for nid in (first[0], second[0]):
        assert num_to_abstract[nid] == sched_abstract
        n = numbering.find(f"{q('num')}[@{q('numId')}='{nid}']")
        assert n.find(f"{q('lvlOverride')}/{q('startOverride')}").get(q("val")) == "1"


def simulate(body, numbering) -> list[tuple[str, str]]:
    """What Word shows: (label, paragraph text) for every numbered paragraph."""
    by_name, num_to_abstract = _abstracts(numbering)
    restarting = by_name["acs-schedule-paragraphs"].get(q("abstractNumId"))
    defs = {a.get(q("abstractNumId")): a for a in numbering.iter(q("abstractNum"))}
    counters: dict = {}
    out = []
    fmt = {"decimal": str, "upperLetter": lambda n: chr(64 + n),
           "lowerLetter": lambda n: chr(96 + n),
           "lowerRoman": lambda n: ["", "i", "ii", "iii", "iv", "v", "vi"][n]}
    for p in body.iter(q("p")):
        np_ = num_of(p)
        if np_ is None:
            continue
        nid, ilvl = np_
        aid = num_to_abstract[nid]
        key = (aid, nid) if aid == restarting else (aid,)  # startOverride: its own counters
        c = counters.setdefault(key, [0] * 9)
        c[ilvl] += 1
        for lower in range(ilvl + 1, 9):
            c[lower] = 0
        lvls = defs[aid].findall(q("lvl"))
        text = lvls[ilvl].find(q("lvlText")).get(q("val"))
        for k in range(9):
            f = lvls[k].find(q("numFmt")).get(q("val"))
            text = text.replace(f"%{k + 1}", fmt[f](c[k]) if c[k] else "0")
        out.append((text, text_of(p)))
    return out


def test_word_shows_the_tree_numbers(rich, body):
    shown = dict((t, label) for label, t in simulate(body, xml(rich, "word/numbering.xml")))
    doc = rich_document()
    for clause in doc.clauses:
        assert shown[clause.title] == clause.number
        for b in clause.blocks:
            if isinstance(b, Para) and b.level:
                assert shown[text_of_inlines(b)] == b.number
    for s in doc.schedules:
        assert shown[s.title] == f"Schedule {s.number}"
        for b in s.blocks:
            if isinstance(b, Para) and b.level:
                assert shown[text_of_inlines(b)] == b.number
    for b in doc.preamble:
        assert shown[text_of_inlines(b)] == b.number


def text_of_inlines(para) -> str:
    out = []
    for x in para.inlines:
        if isinstance(x, (Text, TermUse)):
            out.append(x.text)
        elif isinstance(x, Placeholder):
            out.append(f"[● {x.hint}]" if x.hint else "[●]")
        elif isinstance(x, Ref):
            out.append(x.number)
        elif isinstance(x, TermDef):
            out.append(f"“{x.term}”")
    return "".join(out)


def test_numbered_paragraph_styles(body):
    assert style_of(para_with(body, "Definitions and interpretation")) == "Heading1"
    assert style_of(para_with(body, "shall:")) == "Clause2"
    assert num_of(para_with(body, "shall:"))[1] == 1
    assert (style_of(para_with(body, "meet")), num_of(para_with(body, "meet"))[1]) == ("Clause3", 2)
    assert style_of(para_with(body, "by the chair")) == "Clause4"
    assert num_of(para_with(body, "by the chair"))[1] == 3
    assert style_of(para_with(body, "Unnumbered text")) == "BodyTextIndent"
    assert num_of(para_with(body, "Unnumbered text")) is None
    assert style_of(para_with(body, "Northvale County Council")) == "CoverParty"
    assert num_of(para_with(body, "The partners wish"))[1] == 0
    assert style_of(para_with(body, "work together")) == "Recitals"
    assert style_of(para_with(body, "Each member has one vote")) == "SchedPara2"
    assert style_of(para_with(body, "Payment")) == "Subheading"
    assert style_of(para_with(body, "Centred")) == "Centered"


# --------------------------------------------------------------------------- references


def test_bookmarks_and_ref_fields(body):
    starts = {b.get(q("name")) for b in body.iter(q("bookmarkStart"))}
    ends = {b.get(q("id")) for b in body.iter(q("bookmarkEnd"))}
    assert {b.get(q("id")) for b in body.iter(q("bookmarkStart"))} == ends
    for node in ("board", "board-duties", "board-meet", "board-minutes-signed",
                 "schedule-voting", "sched-voting", "definitions"):
        assert f"_Ref_{node.replace('-', '_')}" in starts
    fields = _fields(para_with(body, "See clause"))
    assert [(instr, res) for instr, res in fields] == [
        ("REF _Ref_board \\w \\h", "2"),
        ("REF _Ref_board_duties \\w \\h", "2.1"),
        ("REF _Ref_board_meet \\w \\h", "2.1(a)"),
        ("REF _Ref_board_minutes_signed \\w \\h", "2.1(b)(i)"),
        ("REF _Ref_sched_voting \\w \\h", "1.1"),
        ("REF _Ref_schedule_voting \\w \\h", "Schedule 2"),
    ]
    # the word "Schedule" is carried by the field result (Word's \w gives "Schedule 2")
    assert "of Schedule 2." in text_of(para_with(body, "See clause"))
    assert "Schedule Schedule" not in text_of(para_with(body, "See clause"))


def _fields(p) -> list[tuple[str, str]]:
    out, state, instr, result = [], None, "", ""
    for r in p.iter(q("r")):
        fc = r.find(q("fldChar"))
        if fc is not None:
            kind = fc.get(q("fldCharType"))
            if kind == "begin":
                state, instr, result = "instr", "", ""
            elif kind == "separate":
                state = "result"
            else:
                out.append((instr.strip(), result))
                state = None
        elif state == "instr":
            instr += "".join(t.text for t in r.iter(q("instrText")))
        elif state == "result":
            result += "".join(t.text or "" for t in r.iter(q("t")))
    return out


def test_bookmark_names_are_short_unique_and_stable():
    used: set = set()
    long_id = "a-very-long-clause-identifier-that-goes-on-and-on"
    a = bookmark_name(long_id, used)
    b = bookmark_name(long_id, used)
    assert len(a) <= 40 and len(b) <= 40 and a != b
    assert a == bookmark_name(long_id, set())
    assert re.fullmatch(r"_Ref_[A-Za-z0-9_]+", a)


def test_unresolvable_ref_is_plain_text():
    doc = rich_document(clauses=(Clause("x", "X", (Para((Text("see "), Ref("gone", "9"))),),
                                        number="1"),), schedules=())
    p = para_with(xml(write_docx(doc)).find(q("body")), "see")
    assert text_of(p) == "see 9" and not _fields(p)


# --------------------------------------------------------------------------- contents, front page


def test_toc_field_with_cached_entries(body):
    toc = [p for p in body.iter(q("p")) if style_of(p) == "TOC1"]
    instr = "".join(t.text for t in toc[0].iter(q("instrText")))
    assert instr.strip().startswith('TOC \\o "1-1" \\h')
    entries = [text_of(p) for p in toc]
    assert entries[0].startswith("1Definitions and interpretation")
    assert any(e.startswith("Schedule 2Voting") for e in entries)
    assert len(entries) == 5
    assert toc[-1].findall(f".//{q('fldChar')}")[-1].get(q("fldCharType")) == "end"
    assert all(p.find(q("hyperlink")).get(q("anchor")).startswith("_Ref_") for p in toc)


def test_front_page_order(body):
    texts = [text_of(p) for p in body.iter(q("p"))]
    assert texts[0] == "Alliance Agreement"
    assert texts[1].startswith("relating to")
    assert texts[2] == "between"
    assert HOSTILE in texts[3:7] and "[●] 2026" in texts and "DRAFT — SUBJECT TO CONTRACT" in texts
    assert texts.index("Contents") < texts.index("The partners wish to work together.") \
        < texts.index("IT IS AGREED as follows:") < texts.index("Definitions and interpretation")
    contents = para_with(body, "Contents")
    assert style_of(contents) == "ContentsHeading"


# --------------------------------------------------------------------------- inlines


def _runs_with(body, text):
    return [r for r in body.iter(q("r")) if text in "".join(t.text or "" for t in r.iter(q("t")))]


def test_placeholders_are_highlighted_and_notes_are_comments(rich, body):
    blanks = _runs_with(body, "[●")
    assert blanks and all(r.find(f"{q('rPr')}/{q('highlight')}").get(q("val")) == "yellow"
                          for r in blanks)
    assert _runs_with(body, "[● number]")
    everything = "".join(t.text or "" for t in body.iter(q("t")))
    assert "Drafting note" not in everything and "Two thirds" not in everything
    comments = xml(rich, "word/comments.xml")
    found = {c.get(q("id")): (c.get(q("author")), c.get(q("date")), text_of(c))
             for c in comments.iter(q("comment"))}
    assert sorted(t for _, _, t in found.values()) == [
        "Check the meeting frequency with the partners.", "Two thirds is usual."]
    assert {(a, d) for a, d, _ in found.values()} == {("acscontracts", "2026-03-31T00:00:00Z")}
    # every comment has its range and reference in the body, and nothing else does
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        assert sorted(e.get(q("id")) for e in body.iter(q(tag))) == sorted(found)
    # the whole-paragraph note comments on the paragraph before it; the inline note sits where it was
    by_text = {v[2]: k for k, v in found.items()}
    quorum = para_with(body, "The quorum is")
    assert quorum.find(f".//{q('commentReference')}").get(q("id")) == by_text["Two thirds is usual."]
    circulated = para_with(body, "be circulated within")
    assert circulated[1].tag == q("commentRangeStart")
    assert circulated.find(f".//{q('commentReference')}").get(q("id")) == by_text[
        "Check the meeting frequency with the partners."]
    rels = parts(rich)["word/_rels/document.xml.rels"].decode()
    assert 'Target="comments.xml"' in rels
    assert 'PartName="/word/comments.xml"' in parts(rich)["[Content_Types].xml"].decode()


def test_inline_notes_are_highlighted_text():
    body = xml(write_docx(rich_document(), notes="inline")).find(q("body"))
    note = _runs_with(body, "[Drafting note: Two thirds is usual.]")[0]
    assert note.find(f"{q('rPr')}/{q('highlight')}").get(q("val")) == "cyan"
    assert note.find(f"{q('rPr')}/{q('i')}") is not None
    assert style_of(para_with(body, "Check the meeting")) == "DraftingNote"
    assert next(body.iter(q("commentReference")), None) is None
    with pytest.raises(ValueError, match="notes must be one of"):
        write_docx(rich_document(), notes="margin")


@pytest.mark.parametrize("notes", ["comments", "inline"])
def test_clean_drops_notes(notes):
    data = write_docx(rich_document(), clean=True, notes=notes)
    body = xml(data).find(q("body"))
    everything = "".join(t.text or "" for t in body.iter(q("t")))
    assert "Drafting note" not in everything and "Check the meeting" not in everything
    assert "The quorum is [●]." in everything
    assert "word/comments.xml" not in parts(data) and next(body.iter(q("commentReference")), None) is None


def test_term_definition_through_a_character_style(rich, body):
    run = _runs_with(body, "“Board”")[0]
    assert run.find(f"{q('rPr')}/{q('rStyle')}").get(q("val")) == "DefinedTerm"
    assert run.find(f"{q('rPr')}/{q('b')}") is None  # no direct formatting
    assert "“Board” means the board" in text_of(para_with(body, "means the board"))
    styles = xml(rich, "word/styles.xml")
    term = [s for s in styles.iter(q("style")) if s.get(q("styleId")) == "DefinedTerm"]
    assert term and term[0].get(q("type")) == "character" and term[0].find(f"{q('rPr')}/{q('b')}") is not None


def test_inline_definitions_quote_the_term_and_leave_the_article_outside():
    doc = rich_document()
    clause = Clause("parties", "Parties", number="4", blocks=(
        Para((Text("The integrated care board ("), TermDef("the ICB"), Text(")"),), level=1, number="4.1"),
        Para((Text("on the following (the "), TermUse("Condition", "Conditions"), Text("):")), level=1, number="4.2"),
        Para((Text("each of the "), TermUse("Condition", "Conditions"), Text(" (the first)")), level=1, number="4.3"),
    ))
    body = xml(write_docx(tree_replace(doc, clauses=doc.clauses + (clause,)))).find(q("body"))
    assert text_of(para_with(body, "The integrated care board")) == "The integrated care board (the “ICB”)"
    assert _runs_with(body, "“ICB”")[0].find(f"{q('rPr')}/{q('rStyle')}").get(q("val")) == "DefinedTerm"
    assert text_of(para_with(body, "on the following")) == "on the following (the “Conditions”):"
    assert _runs_with(body, "“Conditions”")[0].find(f"{q('rPr')}/{q('rStyle')}") is not None
    assert text_of(para_with(body, "each of the")) == "each of the Conditions (the first)"


def test_hostile_text_is_literal(rich, body):
    assert any(text_of(p) == HOSTILE for p in body.iter(q("p")))
    raw = parts(rich)["word/document.xml"].decode()
    assert "{{ 7*7 }} &lt;w:b/&gt; &amp; \"Co\"" in raw


def test_invalid_xml_character_raises():
    doc = rich_document(title="bad\x01title")
    with pytest.raises(ValueError, match="U\\+0001"):
        write_docx(doc)


def test_unknown_signature_form_raises():
    with pytest.raises(ValueError, match="unknown form"):
        write_docx(rich_document(signatures=(SignatureBlock("X", "by_magic", "", ""),)))


# --------------------------------------------------------------------------- tables, signatures


def test_table_header_repeats(body):
    tbl = next(body.iter(q("tbl")))
    assert tbl.find(f"{q('tblPr')}/{q('tblStyle')}").get(q("val")) == "TableGrid"
    rows = tbl.findall(q("tr"))
    assert rows[0].find(f"{q('trPr')}/{q('tblHeader')}") is not None
    assert rows[1].find(f"{q('trPr')}/{q('tblHeader')}") is None
    assert all(r.find(f"{q('trPr')}/{q('cantSplit')}") is not None for r in rows)
    assert [style_of(p) for p in rows[0].iter(q("p"))] == ["TableHeader"] * 2
    assert text_of(rows[1]) == HOSTILE + "2"


def test_signature_forms(body):
    texts = [text_of(p) for p in body.iter(q("p"))]
    start = texts.index("Execution")
    page = texts[start:]
    assert "Signed for and on behalf of NHS Northvale Integrated Care Board by its " \
           "authorised signatory" in page
    assert "The common seal of Northvale County Council was affixed in the presence of:" in page
    assert f"Executed by {HOSTILE} acting by a director" in page
    assert "Signed for and on behalf of Physio First CIC" in page
    assert "Name:Jane Smith" in [t.replace("\t", "") for t in page]
    assert page.count("Name:[●]") == 2 and page.count("Title:[●]") == 2
    opening = para_with(body, "The common seal of")
    assert opening.find(f"{q('pPr')}/{q('keepNext')}") is not None


# --------------------------------------------------------------------------- package


def test_header_and_footer(rich):
    p = parts(rich)
    header = etree.fromstring(p["word/header1.xml"])
    footer = etree.fromstring(p["word/footer1.xml"])
    assert "Alliance Agreement" in text_of(header) and "SUBJECT TO CONTRACT" in text_of(header)
    instrs = [t.text.strip() for t in footer.iter(q("instrText"))]
    assert instrs == ["PAGE", "NUMPAGES"]
    assert text_of(footer) == "Version 0.4Page  of "  # no guessed page numbers: Word fills them in
    sect = etree.fromstring(p["word/document.xml"]).find(f"{q('body')}/{q('sectPr')}")
    assert sect.find(q("pgSz")).get(q("w")) == "11906" and sect.find(q("pgSz")).get(q("h")) == "16838"
    assert sect.find(q("pgMar")).get(q("left")) == "1440"
    rels = p["word/_rels/document.xml.rels"].decode()
    for ref in sect.iter(q("headerReference"), q("footerReference")):
        rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        assert f'Id="{rid}"' in rels


def test_core_properties(rich):
    core = parts(rich)["docProps/core.xml"].decode()
    for needle in ("<dc:title>Alliance Agreement</dc:title>", "<dc:creator>acscontracts</dc:creator>",
                   "<cp:keywords>alliance; NHS</cp:keywords>", "<cp:version>0.4</cp:version>",
                   '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-31T00:00:00Z</dcterms:created>',
                   "<dc:subject>Northvale ACS</dc:subject>", "<cp:lastModifiedBy>"):
        assert needle in core
    ct = parts(rich)["[Content_Types].xml"].decode()
    for part in ("/word/document.xml", "/word/styles.xml", "/word/numbering.xml",
                 "/docProps/core.xml", "/docProps/app.xml", "/word/footer1.xml"):
        assert f'PartName="{part}"' in ct


def test_deterministic(rich):
    again = write_docx(rich_document())
    assert again == rich
    with zipfile.ZipFile(io.BytesIO(again)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"


def test_en_gb_proofing(rich):
    styles = xml(rich, "word/styles.xml")
    lang = styles.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}/{q('lang')}")
    assert lang.get(q("val")) == "en-GB"


def test_firm_reference_changes_fonts_and_keeps_our_styles(tmp_path):
    docx = pytest.importorskip("docx")
    firm = docx.Document()
    firm.styles["Normal"].font.name = "Garamond"
    buf = io.BytesIO()
    firm.save(buf)
    out = write_docx(rich_document(), reference=reference_from_bytes(buf.getvalue()))
    styles = xml(out, "word/styles.xml")
    normal = styles.find(f"{q('style')}[@{q('styleId')}='Normal']")
    assert normal.find(f"{q('rPr')}/{q('rFonts')}").get(q("ascii")) == "Garamond"
    ours = parts(write_docx(rich_document()))["word/styles.xml"]
    assert b"Garamond" not in ours and b"Arial" in ours
    ids = {s.get(q("styleId")) for s in styles.iter(q("style"))}
    used = {e.get(q("val")) for e in xml(out).iter(q("pStyle"), q("tblStyle"), q("rStyle"))}
    assert used <= ids
    # the firm's own Heading 1 is now bound to the clause list
    h1 = styles.find(f"{q('style')}[@{q('styleId')}='Heading1']")
    assert h1.find(f"{q('pPr')}/{q('numPr')}") is not None
    lang = styles.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}/{q('lang')}")
    assert lang.get(q("val")) == "en-GB"
    settings = parts(out)["word/settings.xml"]
    assert b'w:percent="100"' in settings
    if DOCX_CHECK.exists():
        path = tmp_path / "firm.docx"
        path.write_bytes(out)
        _docx_check(path)


def _firm_reference(left_cm: float = 3.0, right_cm: float = 3.5, font: str = "Times New Roman") -> bytes:
    """A firm's house style made the way a firm makes one: Word's default template (Letter paper,
    its own Header and TOC styles), other margins and another font."""
    docx = pytest.importorskip("docx")
    from docx.shared import Cm
    firm = docx.Document()
    firm.styles["Normal"].font.name = font
    section = firm.sections[0]
    section.left_margin, section.right_margin = Cm(left_cm), Cm(right_cm)
    buf = io.BytesIO()
    firm.save(buf)
    return buf.getvalue()


def _tab_stops(styles, style_id):
    style = styles.find(f"{q('style')}[@{q('styleId')}='{style_id}']")
    return [(t.get(q("val")), int(t.get(q("pos")))) for t in style.iter(q("tab"))]


def test_tab_stops_follow_the_text_width_of_a_firms_page(tmp_path):
    out = write_docx(rich_document(), reference=reference_from_bytes(_firm_reference()))
    sect = xml(out).find(f"{q('body')}/{q('sectPr')}")
    size, margins = sect.find(q("pgSz")), sect.find(q("pgMar"))
    width = int(size.get(q("w"))) - int(margins.get(q("left"))) - int(margins.get(q("right")))
    assert width < 9026  # narrower than our A4 page
    styles = xml(out, "word/styles.xml")
    for sid in ("Header", "Footer", "TOC1"):
        stops = dict((k, v) for k, v in _tab_stops(styles, sid) if k in ("right", "center"))
        assert stops["right"] == width, sid
        if "center" in stops:
            assert stops["center"] == width // 2
    for sid in ("SignatureText", "SignatureLine"):
        assert all(pos <= width for _, pos in _tab_stops(styles, sid))
    seal = styles.find(f"{q('style')}[@{q('styleId')}='SealBox']")
    assert int(seal.find(f"{q('pPr')}/{q('ind')}").get(q("right"))) == width - 2268
    for tbl in xml(out).iter(q("tbl")):
        indent = int(tbl.find(f"{q('tblPr')}/{q('tblInd')}").get(q("w")))
        assert sum(int(g.get(q("w"))) for g in tbl.iter(q("gridCol"))) == width - indent
    if DOCX_CHECK.exists():
        path = tmp_path / "firm-margins.docx"
        path.write_bytes(out)
        _docx_check(path)


def test_settings_ask_word_to_update_fields(rich):
    for data in (rich, write_docx(rich_document(), reference=reference_from_bytes(_firm_reference()))):
        settings = xml(data, "word/settings.xml")
        update = settings.find(q("updateFields"))
        assert update is not None and update.get(q("val")) == "true"
        assert len(settings.findall(q("updateFields"))) == 1


def _pageref_results(link) -> list[str]:
    """The cached result text of the PAGEREF field in a contents entry."""
    runs = list(link.iter(q("r")))
    kinds = [(r.find(q("fldChar")).get(q("fldCharType")) if r.find(q("fldChar")) is not None else None)
             for r in runs]
    separate = len(kinds) - 1 - kinds[::-1].index("separate")
    return [t.text for r in runs[separate + 1:-1] for t in r.iter(q("t"))]


def test_contents_has_no_guessed_page_numbers(body, rich):
    toc = [p for p in body.iter(q("p")) if style_of(p) == "TOC1"]
    assert len(toc) == 5
    for p in toc:
        link = p.find(q("hyperlink"))
        instr = "".join(t.text for t in link.iter(q("instrText")))
        assert instr.strip() == f"PAGEREF {link.get(q('anchor'))} \\h"
        assert _pageref_results(link) == []
    assert parts(rich)["docProps/app.xml"].find(b"<Pages>") == -1


def test_paginate_caches_the_pages_of_a_layout(monkeypatch):
    from acscontracts.writers import layout
    seen = []

    def fake_layout(data):
        seen.append(data)
        body = etree.fromstring(parts(data)["word/document.xml"])
        names = [b.get(q("name")) for b in body.iter(q("bookmarkStart"))]
        return layout.Layout({name: 10 + i for i, name in enumerate(names)}, 42)

    monkeypatch.setattr(layout, "page_layout", fake_layout)
    data = write_docx(rich_document(), paginate=True)
    assert len(seen) == 1 and seen[0] == write_docx(rich_document())  # laid out the plain document
    pages = fake_layout(seen[0]).bookmark_pages
    body = xml(data).find(q("body"))
    for p in (p for p in body.iter(q("p")) if style_of(p) == "TOC1"):
        link = p.find(q("hyperlink"))
        assert _pageref_results(link) == [str(pages[link.get(q("anchor"))])]
    footer = etree.fromstring(parts(data)["word/footer1.xml"])
    assert text_of(footer).endswith("of 42")
    assert b"<Pages>42</Pages>" in parts(data)["docProps/app.xml"]
    assert write_docx(rich_document(), paginate=True) == data  # same layout, same bytes
    monkeypatch.setattr(layout, "page_layout", lambda data: None)  # no LibreOffice: no numbers
    assert write_docx(rich_document(), paginate=True) == write_docx(rich_document())


def test_tables_are_laid_out_from_their_content():
    from acscontracts.writers.table_layout import column_widths, text_width
    doc = rich_document()
    amount, email = "£1,320,000,000", "governance@northvale.icb.nhs.uk"
    table = Table(header=((Text("Commissioner(s)"),), (Text("Annual value"),), (Text("Email for notices"),),
                          (Text("Purpose"),)),
                  rows=(((Text("NHS Northvale Integrated Care Board"),), (Text(amount),), (Text(email),),
                         (Text("To fund the work of the alliance in the first year of its operation, "
                               "including the programme office and the alliance manager"),)),))
    clause = Clause("money", "Money", number="4", blocks=(
        Para((Text("The contributions are:"),), level=1, number="4.1"),
        table,
        Para((Text("Each contribution is paid quarterly."),), level=1, number="4.2"),
    ))
    data = write_docx(tree_replace(doc, clauses=doc.clauses + (clause,)))
    body = xml(data).find(q("body"))
    tbl = [t for t in body.iter(q("tbl")) if amount in text_of(t)][0]
    widths = [int(g.get(q("w"))) for g in tbl.iter(q("gridCol"))]
    assert tbl.find(f"{q('tblPr')}/{q('tblInd')}").get(q("w")) == "720"  # at the clause text
    assert tbl.find(f"{q('tblPr')}/{q('tblLayout')}").get(q("type")) == "fixed"
    assert sum(widths) == 9026 - 720
    assert widths[1] >= text_width(amount) + 216  # the amount fits on one line
    assert widths[0] >= text_width("Commissioner(s)", bold=True) + 216
    assert widths[3] > widths[1]  # the long text gets more room than the amount, which fits
    cells = [tc for tc in tbl.iter(q("tc"))]
    assert [int(tc.find(f"{q('tcPr')}/{q('tcW')}").get(q("w"))) for tc in cells[:4]] == widths
    assert "governance@\u200bnorthvale.\u200bicb.\u200bnhs.\u200buk" in text_of(tbl)  # breaks only there
    lead = para_with(body, "The contributions are:")
    assert lead.find(f"{q('pPr')}/{q('keepNext')}") is not None  # kept with its table
    after = para_with(body, "Each contribution is paid")
    assert after.find(f"{q('pPr')}/{q('spacing')}").get(q("before")) == "240"  # space after the table
    assert after.find(f"{q('pPr')}/{q('keepNext')}") is None
    assert column_widths([["a", "b"]], 1000, header=False) == [500, 500]


def test_preamble_in_the_form_a_firm_uses(body):
    texts = [text_of(p) for p in body.iter(q("p"))]
    dated = texts.index("THIS AGREEMENT is dated [●] 2026")
    assert texts[dated + 1] == "PARTIES"
    assert texts[dated + 2].startswith("NHS Northvale Integrated Care Board")
    assert texts.index("BACKGROUND") == texts.index("The partners wish to work together.") - 1
    assert texts.index("BACKGROUND") < texts.index("IT IS AGREED as follows:")
    dated_p = para_with(body, "THIS AGREEMENT is dated")
    assert style_of(dated_p) == "DatedLine" and dated_p.find(f"{q('pPr')}/{q('pageBreakBefore')}") is not None
    assert style_of(para_with(body, "PARTIES")) == "PreambleHeading"
    assert _runs_with(body, "THIS AGREEMENT")[0].find(f"{q('rPr')}/{q('b')}") is not None


def test_clause_levels_have_outline_levels(rich):
    styles = xml(rich, "word/styles.xml")
    for sid, level in (("Heading1", 0), ("Clause2", 1), ("Clause3", 2), ("Clause4", 3), ("ScheduleHeading", 0),
                       ("SchedPara1", 1), ("SchedPara2", 2), ("SchedPara3", 3)):
        style = styles.find(f"{q('style')}[@{q('styleId')}='{sid}']")
        assert style.find(f"{q('pPr')}/{q('outlineLvl')}").get(q("val")) == str(level), sid


def test_cover_years_do_not_break_and_title_property_is_set():
    doc = rich_document(subtitle="under the NHS Standard Contract 2026-2033")
    data = write_docx(doc)
    body = xml(data).find(q("body"))
    sub = [p for p in body.iter(q("p")) if style_of(p) == "Subtitle"][0]
    assert text_of(sub) == "under the NHS Standard Contract 20262033"
    assert sub.find(f".//{q('noBreakHyphen')}") is not None
    core = parts(data)["docProps/core.xml"].decode()
    assert "<dc:title>Alliance Agreement</dc:title>" in core  # the terms' own title wins
    untitled = write_docx(tree_replace(doc, properties=tree_replace(doc.properties, title="")))
    assert ("<dc:title>Alliance Agreement under the NHS Standard Contract 2026-2033</dc:title>"
            in parts(untitled)["docProps/core.xml"].decode())


def test_execution_blocks_kept_together_and_balanced_over_pages():
    from acscontracts.writers.docx import _page_starts
    assert _page_starts([4000] * 7, 13958, first_page_used=900) == {2, 4}  # 2, 2, 3
    assert _page_starts([5000] * 3, 13958, first_page_used=900) == {1}  # 1, 2: never 2, 1
    assert _page_starts([4000] * 3, 13958, first_page_used=900) == set()
    assert _page_starts([], 13958, first_page_used=900) == set()
    seal_party = Party("lb", "Eastport City Council", "Eastport", "a council")
    blocks = tuple(SignatureBlock(f"Council {i}", "local_authority_seal", "", "") for i in range(5))
    body = xml(write_docx(rich_document(signatures=blocks, parties=(seal_party,)))).find(q("body"))
    texts = [text_of(p) for p in body.iter(q("p"))]
    page = texts[texts.index("Execution"):]
    assert page.count("Common seal") == 5 and page.count("Date:") == 5
    openings = [p for p in body.iter(q("p")) if style_of(p) == "SignatureParty"]
    breaks = [p.find(f"{q('pPr')}/{q('pageBreakBefore')}") is not None for p in openings]
    assert breaks.count(True) >= 1 and not breaks[0] and not breaks[-1]
    for p in body.iter(q("p")):
        if style_of(p) in ("SignatureParty", "SealBox"):
            assert p.find(f"{q('pPr')}/{q('keepNext')}") is not None


def test_own_output_as_reference_does_not_duplicate_lists(rich):
    out = write_docx(rich_document(), reference=reference_from_bytes(rich))
    by_name, _ = _abstracts(xml(out, "word/numbering.xml"))
    names = [a.find(q("name")).get(q("val")) for a in xml(out, "word/numbering.xml").iter(
        q("abstractNum"))]
    assert sorted(names) == sorted(by_name) and names.count("acs-clauses") == 1
    assert xml(out, "word/styles.xml").find(
        f"{q('style')}[@{q('styleId')}='Heading1']") is not None


def test_every_style_and_list_used_is_defined(rich):
    styles = {s.get(q("styleId")) for s in xml(rich, "word/styles.xml").iter(q("style"))}
    used = {e.get(q("val")) for name in ("word/document.xml", "word/header1.xml",
                                          "word/footer1.xml")
            for e in xml(rich, name).iter(q("pStyle"), q("tblStyle"), q("rStyle"))}
    assert used <= styles
    nums = {n.get(q("numId")) for n in xml(rich, "word/numbering.xml").iter(q("num"))}
    assert {e.get(q("val")) for e in xml(rich).iter(q("numId"))} <= nums


def test_bad_reference_raises():
    with pytest.raises(PackageError, match="not a .docx"):
        reference_from_bytes(b"not a zip")


def test_empty_document_writes():
    doc = rich_document(preamble=(), clauses=(), schedules=(), signatures=(), parties=(),
                        subtitle="", status_label="", date_text="")
    assert xml(write_docx(doc)).find(q("body")) is not None


# --------------------------------------------------------------------------- external checkers


def _docx_check(path: Path) -> None:
    res = subprocess.run([str(DOCX_CHECK), str(path), "--strict"], capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.skipif(not DOCX_CHECK.exists(), reason="docx-check not installed")
def test_docx_check_passes_strict(tmp_path, rich):
    for name, data in (("rich.docx", rich),
                       ("clean.docx", write_docx(rich_document(), clean=True))):
        path = tmp_path / name
        path.write_bytes(data)
        _docx_check(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_shows_tree_numbers(tmp_path, rich):
    src = tmp_path / "rich.docx"
    src.write_bytes(rich)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    lines = [re.sub(r"\s+", " ", ln).strip()
             for ln in (tmp_path / "rich.txt").read_text("utf-8-sig").splitlines()]
    text = "\n".join(lines)  # LibreOffice prints a list label and a space before the text
    for expected in ("1 Definitions and interpretation", "1.1 Headings do not affect",
                     "2 The Alliance Board", "2.1 The Board shall:", "(a) meet monthly;",
                     "(b) keep minutes", "(i) be signed by the chair; and", "(ii) be circulated",
                     "(1) NHS Northvale Integrated Care Board", "(3) Northvale County Council",
                     "(A) The partners wish", "(B) They agree", "Schedule 1\nBoard members",
                     "1 Membership", "1.1 Each partner", "(a) a member may be replaced",
                     "Schedule 2\nVoting", "1 Voting rules", "1.1 Each member has one vote.",
                     "2.3 Members are listed in Schedule 1.",
                     "See clause 2, clause 2.1, clause 2.1(a), clause 2.1(b)(i), paragraph 1.1 "
                     "of Schedule 2."):
        assert expected in text, expected


def test_redline_contents_equal_a_clean_builds_when_nothing_changed(rich):
    from acscontracts.compare.redline import redline
    from acscontracts.engine.tree import Revision

    def contents(data):
        body = xml(data).find(q("body"))
        return [etree.tostring(p) for p in body.iter(q("p")) if style_of(p) == "TOC1"]

    same = redline(rich_document(), rich_document(), Revision("acscontracts", "2026-04-01"))
    assert contents(write_docx(same)) == contents(rich)
