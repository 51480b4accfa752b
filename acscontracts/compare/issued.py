"""Read an issued .docx (the lawyers' version) as a plain Document to redline against.

Only paragraph text matters: the body is read with python-docx, the front page, contents and
execution page are skipped (by their house styles), clause and schedule headings split it into
parts that take the id of the new document's clause or schedule with the same title. Paragraph
levels come from the numbering styles when the file used ours; otherwise every paragraph is
plain body text. Formatting is not compared.
"""
from __future__ import annotations

from pathlib import Path

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.engine.tree import Clause, Document, Para, Schedule, Table, Text

SKIP_STYLES = {"Title", "Subtitle", "CoverText", "CoverParty", "CoverStatus", "ContentsHeading", "TOC1", "TOC2",
               "TOC3", "Header", "Footer", "DatedLine", "PreambleHeading"}
EXECUTION_STYLES = {"ExecutionHeading", "SignatureParty", "SignatureText", "SignatureLine"}
LEVELS = {"Clause2": ("body", 1), "Clause3": ("body", 2), "Clause4": ("body", 3), "SchedPara1": ("body", 1),
          "SchedPara2": ("body", 2), "SchedPara3": ("body", 3), "Parties": ("party", 0),
          "Recitals": ("recital", 0), "Definition": ("definition", 0), "DraftingNote": ("note", 0),
          "Subheading": ("subheading", 0), "Centered": ("centered", 0)}


def _style_id(paragraph) -> str:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.pStyle is not None:
        return ppr.pStyle.val or ""
    return ""


def _body_items(path: Path):
    """(kind, style id, text or rows) for every body paragraph and table, in order."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise AcsError([Diagnostic(ERROR, "ACS-ISSUED-DOCX", f"cannot be read as a Word document ({exc})",
                                   "name a .docx file saved by Word", Location(str(path)))])
    body = document.element.body
    notes = _comment_texts(document)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            before, text, after = _text_with_notes(p, notes) if notes else ([], p.text, [])
            for note in before:
                yield "p", "DraftingNote", note
            yield "p", _style_id(p), text
            for note in after:
                yield "p", "DraftingNote", note
        elif tag == "tbl":
            table = DocxTable(child, document)
            # the writer puts zero-width spaces into email addresses in tables, as break points
            yield "t", "", [[cell.text.replace("\u200b", "") for cell in row.cells] for row in table.rows]


def _comment_texts(document) -> dict:
    """{comment id: text} of the document's comments (our writer's drafting notes)."""
    try:
        return {str(c.comment_id): c.text for c in document.comments}
    except Exception:  # a comments part python-docx cannot read: compare the text alone
        return {}


def _text_with_notes(paragraph, notes: dict) -> tuple[list, str, list]:
    """The paragraph's text with its drafting-note comments as the writer's inline form puts them:
    a comment over the whole paragraph (a note on a line of its own) follows it as a paragraph of
    its own; a comment at the paragraph's start (a note after a table) comes before it; a comment
    at any other point is "[Drafting note: ...]" there. Returns (notes before, text, notes after)."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    p = paragraph._p
    opening = {e.get(qn("w:id")) for e in p.iterchildren(qn("w:commentRangeStart"))
               if e.getprevious() is None or e.getprevious().tag in (qn("w:pPr"), qn("w:commentRangeStart"))}
    closing = {e.get(qn("w:id")) for e in p.iterchildren(qn("w:commentRangeEnd"))}
    before, text, after = [], [], []
    for r in p.iter(qn("w:r")):
        ref = r.find(qn("w:commentReference"))
        if ref is None:
            text.append(Run(r, paragraph).text)
            continue
        cid = ref.get(qn("w:id"))
        if cid not in notes:
            continue
        note = f"[Drafting note: {notes[cid]}]"
        if cid in opening and not "".join(text):  # a point at the start: the note came before
            before.append(note)
        elif cid in opening and cid in closing:
            after.append(note)
        else:
            text.append(note)
    return before, "".join(text), after


def read_issued(path: Path, like: Document) -> Document:
    """The issued .docx as a Document shaped like ``like`` (the new version): same ids for same titles."""
    clause_ids = {c.title.strip().casefold(): c.id for c in like.clauses}
    schedule_ids = {s.title.strip().casefold(): s.id for s in like.schedules}
    operative = like.operative_words.strip()
    preamble: list = []
    parts: list = []  # [kind, id, title, blocks]
    seen_body = False
    for kind, style, content in _body_items(Path(path)):
        if kind == "t":
            rows = tuple(tuple((Text(c),) for c in row) for row in content)
            if rows:
                table = Table(rows[0], rows[1:])
                (parts[-1][3] if parts else preamble).append(table)
            continue
        text = content.replace("\n", " ").strip() if style == "ScheduleHeading" else content
        if style in SKIP_STYLES or (not seen_body and style in ("", "BodyText") and not text.strip()):
            continue
        if style in EXECUTION_STYLES:
            break
        if operative and text.strip() == operative:
            seen_body = True
            continue
        key = text.strip().casefold()
        if style == "Heading1" or (style == "" and key in clause_ids and seen_body):
            parts.append(["clause", clause_ids.get(key, f"issued-clause-{len(parts) + 1}"), text.strip(), []])
            seen_body = True
            continue
        if style == "ScheduleHeading":
            title = _schedule_title(text)
            parts.append(["schedule", schedule_ids.get(title.casefold(), f"issued-schedule-{len(parts) + 1}"),
                          title, []])
            seen_body = True
            continue
        if not text.strip():
            continue
        para_style, level = LEVELS.get(style, ("body", 0))
        para = Para((Text(text),), level=level, style=para_style)
        (parts[-1][3] if parts else preamble).append(para)
    clauses = tuple(Clause(pid, title, tuple(blocks)) for kind, pid, title, blocks in parts if kind == "clause")
    schedules = tuple(Schedule(pid, title, tuple(blocks)) for kind, pid, title, blocks in parts
                      if kind == "schedule")
    return Document(like.doc_type, like.name, like.title, like.subtitle, like.date_text, like.status_label,
                    like.parties, tuple(preamble), clauses, schedules, like.signatures, like.properties,
                    like.operative_words)


def _schedule_title(text: str) -> str:
    """"Schedule 3 Financial framework" (number from live numbering is not in the text) -> the title."""
    text = text.strip()
    if text.casefold().startswith("schedule "):
        rest = text[9:].lstrip()
        first, _, tail = rest.partition(" ")
        if first.isdigit():
            return tail.strip()
    return text
