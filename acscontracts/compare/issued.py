"""Read an issued .docx (the lawyers' version) as a plain Document to redline against.

Only paragraph text matters: the body is read through the safe package reader (``docx_package``);
the front page, contents and execution page are skipped (by their house styles), clause and schedule headings split it into
parts that take the id of the new document's clause or schedule with the same title. Paragraph
levels come from the numbering styles when the file used ours; otherwise every paragraph is
plain body text. Formatting is not compared.
"""
from __future__ import annotations

from pathlib import Path

from acscontracts.docx_package import DocxPackage, PackageError
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.engine.tree import Clause, Document, Para, Schedule, Table, Text

SKIP_STYLES = {"Title", "Subtitle", "CoverText", "CoverParty", "CoverStatus", "ContentsHeading", "TOC1", "TOC2",
               "TOC3", "Header", "Footer", "DatedLine", "PreambleHeading"}
EXECUTION_STYLES = {"ExecutionHeading", "SignatureParty", "SignatureText", "SignatureLine"}
LEVELS = {"Clause2": ("body", 1), "Clause3": ("body", 2), "Clause4": ("body", 3), "SchedPara1": ("body", 1),
          "SchedPara2": ("body", 2), "SchedPara3": ("body", 3), "Parties": ("party", 0),
          "Recitals": ("recital", 0), "Definition": ("definition", 0), "DraftingNote": ("note", 0),
          "Subheading": ("subheading", 0), "Centered": ("centered", 0)}


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Run content as text, as python-docx reads it: w:t, tabs, line breaks, non-breaking hyphens.
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
# Containers whose runs are part of the paragraph's text (accepted view: insertions in, deletions out).
_RUN_CONTAINERS = {f"{_W}hyperlink", f"{_W}ins", f"{_W}smartTag", f"{_W}customXml", f"{_W}fldSimple",
                   f"{_W}sdt", f"{_W}sdtContent"}


def _run_text(run) -> str:
    out = []
    for child in run:
        if child.tag == f"{_W}t":
            out.append(child.text or "")
        elif child.tag == f"{_W}br":
            out.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        else:
            out.append(_RUN_TEXT.get(child.tag, ""))
    return "".join(out)


def _paragraph_text(container) -> str:
    out = []
    for child in container:
        if child.tag == f"{_W}r":
            out.append(_run_text(child))
        elif child.tag in _RUN_CONTAINERS:
            out.append(_paragraph_text(child))
    return "".join(out)


def _style_id(p) -> str:
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return (style.get(f"{_W}val") or "") if style is not None else ""


def _row_texts(tr) -> list[str]:
    """The text of each grid column of a table row: a cell spanning n columns counts n times."""
    cells = []
    for tc in tr.iterchildren(f"{_W}tc"):
        # the writer puts zero-width spaces into email addresses in tables, as break points
        text = "\n".join(_paragraph_text(p) for p in tc.iterchildren(f"{_W}p")).replace("\u200b", "")
        span = tc.find(f"{_W}tcPr/{_W}gridSpan")
        count = span.get(f"{_W}val", "1") if span is not None else "1"
        cells.extend([text] * (min(int(count), 64) if count.isdigit() and int(count) > 0 else 1))
    return cells


def _body_items(path: Path):
    """(kind, style id, text or rows) for every body paragraph and table, in order. The .docx is read
    through the safe package reader; a bad file is an ACS-ISSUED-DOCX error naming the part."""
    try:
        package = DocxPackage.open(path)
        body = package.xml(package.main_part(), "document").find(f"{_W}body")
    except PackageError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-ISSUED-DOCX", f"cannot use the issued document: {exc}",
                                   "name a .docx file saved by Word", Location(str(path)))])
    notes = _comment_texts(package)
    for child in body if body is not None else ():
        if child.tag == f"{_W}p":
            before, text, after = _text_with_notes(child, notes) if notes else ([], _paragraph_text(child), [])
            for note in before:
                yield "p", "DraftingNote", note
            yield "p", _style_id(child), text
            for note in after:
                yield "p", "DraftingNote", note
        elif child.tag == f"{_W}tbl":
            yield "t", "", [_row_texts(tr) for tr in child.iterchildren(f"{_W}tr")]


def _comment_texts(package: DocxPackage) -> dict:
    """{comment id: text} of the document's comments (our writer's drafting notes), read through the
    safe package reader; a comments part that cannot be read leaves the text to be compared alone."""
    try:
        part = package.relationships(package.main_part()).get("comments")
        if not part or not package.has(part):
            return {}
        root = package.xml(part, "comments")
    except PackageError:
        return {}
    out = {}
    for comment in root.iterchildren(f"{_W}comment"):
        cid = comment.get(f"{_W}id")
        if cid is not None:
            out[cid] = "\n".join(_paragraph_text(p) for p in comment.iterchildren(f"{_W}p"))
    return out


def _text_with_notes(p, notes: dict) -> tuple[list, str, list]:
    """The paragraph's text with its drafting-note comments as the writer's inline form puts them:
    a comment over the whole paragraph (a note on a line of its own) follows it as a paragraph of
    its own; a comment at the paragraph's start (a note after a table) comes before it; a comment
    at any other point is "[Drafting note: ...]" there. Returns (notes before, text, notes after)."""
    opening = {e.get(f"{_W}id") for e in p.iterchildren(f"{_W}commentRangeStart")
               if e.getprevious() is None or e.getprevious().tag in (f"{_W}pPr", f"{_W}commentRangeStart")}
    closing = {e.get(f"{_W}id") for e in p.iterchildren(f"{_W}commentRangeEnd")}
    before, text, after = [], [], []

    def walk(container):
        for child in container:
            if child.tag in _RUN_CONTAINERS:
                walk(child)
            elif child.tag != f"{_W}r":
                continue
            elif (ref := child.find(f"{_W}commentReference")) is None:
                text.append(_run_text(child))
            elif (cid := ref.get(f"{_W}id")) in notes:
                note = f"[Drafting note: {notes[cid]}]"
                if cid in opening and not "".join(text):  # a point at the start: the note came before
                    before.append(note)
                elif cid in opening and cid in closing:
                    after.append(note)
                else:
                    text.append(note)

    walk(p)
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
