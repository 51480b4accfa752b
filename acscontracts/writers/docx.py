"""Word writer: a resolved ``tree.Document`` -> .docx bytes.

Phases: (1) read the reference document (ours or the firm's) and merge its styles with ours;
(2) name a bookmark for every clause, schedule and anchored paragraph; (3) write the body
(front page, contents, preamble, clauses, schedules, execution page) as escaped XML text
(``ooxml`` fragment builders: fast, and every user string goes through ``ooxml.esc``);
(4) write numbering, header, footer and properties; (5) zip it deterministically.

Numbering is live Word multilevel numbering laid out so that Word shows the numbers the tree
holds; cross-references are ``REF`` fields whose cached result is the resolved reference text.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
import re

from lxml import etree

from acscontracts.docx_package import builtin_reference
from acscontracts.engine import tree
from acscontracts.formatting import signpost, split_article
from acscontracts.writers import table_layout
from acscontracts.writers.text import inline_text
from acscontracts.writers import ooxml as ox
from acscontracts.writers.ooxml import Level, ListDef, w

# --------------------------------------------------------------------------- house style ids

TITLE, SUBTITLE = "Title", "Subtitle"
COVER, COVER_PARTY, COVER_STATUS = "CoverText", "CoverParty", "CoverStatus"
CONTENTS_HEADING, TOC1, TOC2 = "ContentsHeading", "TOC1", "TOC2"
CLAUSE_STYLES = ("Heading1", "Clause2", "Clause3", "Clause4")  # clause heading, 1.1, (a), (i)
BODY, CLAUSE_BODY = "BodyText", "BodyTextIndent"
SUBHEADING, DEFINITION, NOTE, CENTERED = "Subheading", "Definition", "DraftingNote", "Centered"
PARTIES, RECITALS = "Parties", "Recitals"
SCHEDULE_HEADING = "ScheduleHeading"
SCHEDULE_STYLES = ("SchedPara1", "SchedPara2", "SchedPara3")  # 1, 1.1, (a)
TABLE, TABLE_HEADER, TABLE_TEXT = "TableGrid", "TableHeader", "TableText"
EXECUTION_HEADING = "ExecutionHeading"
SIGNATURE_PARTY, SIGNATURE_TEXT, SIGNATURE_LINE = "SignatureParty", "SignatureText", "SignatureLine"
HEADER, FOOTER = "Header", "Footer"
PREAMBLE_HEADING, DATED = "PreambleHeading", "DatedLine"  # "PARTIES", "BACKGROUND"; "THIS AGREEMENT is dated"
SEAL_BOX = "SealBox"
DEFINED_TERM = "DefinedTerm"  # character style of a term where it is defined: bold, in quotes
COMMENT_TEXT, COMMENT_REFERENCE = "CommentText", "CommentReference"
NOTES = ("comments", "inline")  # how drafting notes are shown (``clean`` leaves them out)

# Abstract numbering definitions, in this order; their numIds are allocated by the writer
# (1..5 with the built-in reference: clauses 1, schedules 2, schedule paragraphs 3,
# parties 4, recitals 5; 6.. one restarting list per schedule).
LISTS = (
    ListDef("acs-clauses", "5AC50001", (
        Level("decimal", "%1", CLAUSE_STYLES[0]),
        Level("decimal", "%1.%2", CLAUSE_STYLES[1]),
        Level("lowerLetter", "(%3)", CLAUSE_STYLES[2], left=1440),
        Level("lowerRoman", "(%4)", CLAUSE_STYLES[3], left=2160),
    )),
    ListDef("acs-schedules", "5AC50002", (
        Level("decimal", "Schedule %1", SCHEDULE_HEADING, left=0, hanging=0, suffix="nothing"),
    )),
    ListDef("acs-schedule-paragraphs", "5AC50003", (
        Level("decimal", "%1", SCHEDULE_STYLES[0]),
        Level("decimal", "%1.%2", SCHEDULE_STYLES[1], left=1440, hanging=720),
        Level("lowerLetter", "(%3)", SCHEDULE_STYLES[2], left=2160),
        Level("lowerRoman", "(%4)", left=2880),
    )),
    ListDef("acs-parties", "5AC50004", (Level("decimal", "(%1)", PARTIES),)),
    ListDef("acs-recitals", "5AC50005", (Level("upperLetter", "(%1)", RECITALS),)),
)
CLAUSES, SCHEDULES, SCHEDULE_PARAS, PARTY_LIST, RECITAL_LIST = range(5)

HIGHLIGHT_BLANK, HIGHLIGHT_NOTE = "yellow", "cyan"
BLANK = "[●]"

SIGNATURE_FORMS = {
    # form: (opening words, with {party}; lines: (label, "name" | "title" | "sign" | "date"))
    "nhs_body": ("Signed for and on behalf of {party} by its authorised signatory",
                 (("Signature", "sign"), ("Name", "name"), ("Title", "title"), ("Date", "date"))),
    "local_authority_seal": ("The common seal of {party} was affixed in the presence of:",
                             (("Seal", "seal"), ("Authorised signatory", "sign"), ("Name", "name"),
                              ("Title", "title"), ("Date", "date"))),
    "company": ("Executed by {party} acting by a director",
                (("Signature of director", "sign"), ("Name", "name"), ("Title", "title"),
                 ("Date", "date"))),
    "other": ("Signed for and on behalf of {party}",
              (("Signature", "sign"), ("Name", "name"), ("Title", "title"), ("Date", "date"))),
}


# --------------------------------------------------------------------------- public API


def write_docx(document: tree.Document, *, reference: dict | None = None,
               clean: bool = False, notes: str = "comments", paginate: bool = False) -> bytes:
    """Render a resolved document as .docx bytes (same input, same bytes).

    ``reference``: the parts of a .docx (``docx_package.read_reference``) whose styles, theme, fonts,
    settings and page setup to use (default: the built-in house style); style ids it lacks are added
    from ours.
    ``clean``: leave out drafting notes (the counterparty version); otherwise ``notes`` says
    how they are shown: "comments" (Word comments in the margin) or "inline" (highlighted text).
    ``paginate``: lay the document out with LibreOffice, when it is installed, and cache the
    contents' page numbers and the page count from that layout (same LibreOffice, same bytes);
    without it (or without LibreOffice) the contents carry no page numbers and Word fills them
    in on opening (``w:updateFields``).
    Raises ValueError for an unusable reference, an unknown signature form or notes mode, or
    text that XML 1.0 cannot hold.
    """
    if notes not in NOTES:
        raise ValueError(f"notes must be one of {', '.join(NOTES)}, not {notes!r}")
    ours = builtin_reference()
    ref = reference if reference is not None else ours
    notes = "" if clean else notes
    data = _package(document, ref, ours, notes=notes, layout=None)
    if paginate:
        from acscontracts.writers import layout
        found = layout.page_layout(data)
        if found is not None:
            data = _package(document, ref, ours, notes=notes, layout=found)
    return data


def _package(document: tree.Document, ref: dict, ours: dict, *, notes: str, layout) -> bytes:
    numbering = ox.merge_numbering(ref.get("numbering"), LISTS)
    bound = {lvl.style: (numbering.num_ids[i], ilvl)
             for i, d in enumerate(LISTS) for ilvl, lvl in enumerate(d.levels) if lvl.style}
    styles = ox.merge_styles(ref["styles"], ours["styles"], bound)
    page = ox.page_setup(ref.get("sectPr"))
    geometry = ox.PageGeometry.of(page)
    ox.fit_tab_stops(styles, geometry.text_width, (TOC1, TOC2, HEADER, FOOTER))
    ox.fit_tab_stops(styles, geometry.text_width, (SIGNATURE_TEXT, SIGNATURE_LINE), exact=False)
    ox.set_style_indent(styles, SEAL_BOX, right=max(geometry.text_width - SEAL_WIDTH, 0))

    # Relationship ids of the main part, fixed by position.
    rels = [("rId1", "header", "header1.xml"), ("rId2", "footer", "footer1.xml"),
            ("rId3", "styles", "styles.xml"), ("rId4", "numbering", "numbering.xml"),
            ("rId5", "settings", "settings.xml")]
    writer = _Writer(document, notes=notes, numbering=numbering, geometry=geometry,
                     layout=layout)
    body_xml = writer.document(page, header_rid="rId1", footer_rid="rId2")

    parts = [
        ("word/document.xml", body_xml, "document.main+xml"),
        ("word/header1.xml", writer.header(), "header+xml"),
        ("word/footer1.xml", writer.footer(), "footer+xml"),
        ("word/styles.xml", ox.to_bytes(styles), "styles+xml"),
        ("word/numbering.xml", ox.to_bytes(numbering.root), "numbering+xml"),
        ("word/settings.xml", ox.to_bytes(ox.clean_settings(ref.get("settings"))), "settings+xml"),
    ]
    if writer.comments:
        rels.append((f"rId{len(rels) + 1}", "comments", "comments.xml"))
        parts.append(("word/comments.xml", writer.comments_part(), "comments+xml"))
    if ref.get("fontTable") is not None:
        rels.append((f"rId{len(rels) + 1}", "fontTable", "fontTable.xml"))
        parts.append(("word/fontTable.xml", ox.to_bytes(ox.clean_font_table(ref["fontTable"])),
                      "fontTable+xml"))
    if ref.get("theme") is not None:
        rels.append((f"rId{len(rels) + 1}", "theme", "theme/theme1.xml"))
        parts.append(("word/theme/theme1.xml", ref["theme"], "theme"))

    props = document.properties
    title = props.title or " ".join(t for t in (document.title, document.subtitle) if t)
    core = ox.core_properties(title=title, subject=props.subject, keywords=props.keywords,
                              creator=props.author or "acscontracts", version=props.version,
                              created=props.created)
    overrides = [(name, "application/vnd.openxmlformats-officedocument.theme+xml"
                  if kind == "theme" else ox.CT_WML + kind) for name, _, kind in parts]
    overrides += [
        ("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    package_rels = ox.relationships([
        ("rId1", "officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml"),
        ("rId3", "extended-properties", "docProps/app.xml"),
    ])
    return ox.write_zip([
        ("[Content_Types].xml", ox.content_types(overrides)),
        ("_rels/.rels", package_rels),
        *[(name, data) for name, data, _ in parts],
        ("word/_rels/document.xml.rels", ox.relationships(rels)),
        ("docProps/core.xml", core),
        ("docProps/app.xml", ox.app_properties(pages=layout.pages if layout else None)),
    ])


def bookmark_name(node_id: str, used: set) -> str:
    """A Word bookmark name for ``node_id``: ``_Ref_`` + the id with [^A-Za-z0-9] as ``_``,
    at most 40 characters (long ids end in a hash of the id), unique within ``used``."""
    base = "_Ref_" + re.sub(r"[^A-Za-z0-9]", "_", node_id)
    if len(base) > 40:
        base = base[:31] + "_" + hashlib.sha1(node_id.encode()).hexdigest()[:8]
    name, n = base, 2
    while name in used:
        suffix = f"_{n}"
        name, n = base[:40 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


# --------------------------------------------------------------------------- the body


def _numbered(para: tree.Para) -> bool:
    return para.style in ("party", "recital") or (
        para.style in ("body", "definition") and para.level > 0)


def _wrap(inlines: tuple, change: str) -> tuple:
    """Inlines of a wholly inserted or deleted paragraph, wrapped as one tracked change."""
    if change == "inserted":
        return (tree.Inserted(inlines),)
    if change == "deleted":
        return (tree.Deleted(inlines),)
    return inlines


def _inherit(block, change: str):
    """A block inside an inserted or deleted clause or schedule is inserted or deleted with it."""
    if not change or getattr(block, "change", ""):
        return block
    return dataclasses.replace(block, change=change)


_PARAGRAPH = re.compile(r"<w:p>.*?</w:p>", re.S)  # paragraphs of the front and execution pages
_PARAGRAPH_PARTS = re.compile(r"(<w:p>(?:<w:pPr>.*?</w:pPr>)?)(.*)</w:p>\Z", re.S)


def _as_deleted(runs: str) -> str:
    """Runs written for display, turned into deleted runs (w:delText, w:delInstrText)."""
    return (runs.replace("<w:t>", "<w:delText>").replace("<w:t xml:space", "<w:delText xml:space")
            .replace("</w:t>", "</w:delText>").replace("w:instrText", "w:delInstrText"))


class _Writer:
    """Writes one document; holds the bookmark plan, the contents entries and the comments."""

    def __init__(self, document: tree.Document, *, notes: str, numbering,
                 geometry: ox.PageGeometry, layout):
        self.doc = document
        self.notes = notes  # "" (clean: left out), "comments" or "inline"
        self.numbering = numbering
        self.geometry = geometry
        self.layout = layout  # writers.layout.Layout (pages of bookmarks) or None
        self.schedule_ids = {s.id for s in document.schedules}
        self.own_bookmark: dict[int, str] = {}  # id(node) -> bookmark name placed there
        self.ref_target: dict[str, str] = {}  # target id -> bookmark a REF points at
        self._bm_id = 0
        self._rev_id = 1_000_000  # revision ids, kept apart from bookmark ids
        self.toc: list[tuple[str, str, str]] = []  # (bookmark, number, title)
        self.comments: list[tuple[int, str]] = []  # (comment id, text)
        self._last_para: tuple[int, int] | None = None  # (after pPr, P_CLOSE) indexes in out
        self._pending_notes: list[str] = []  # whole-paragraph notes waiting for a paragraph
        self._after_table = False
        self._in_deleted = False
        self._in_table = False
        self._plan_bookmarks()

    @property
    def clean(self) -> bool:
        return not self.notes

    # ------------------------------------------------------------------ bookmarks

    def _plan_bookmarks(self) -> None:
        used: set = set()

        def mark(node, node_id: str) -> str:
            name = bookmark_name(node_id, used)
            self.own_bookmark[id(node)] = name
            self.ref_target.setdefault(node_id, name)
            return name

        for para in self.doc.preamble:
            if isinstance(para, tree.Para) and para.anchor:
                mark(para, para.anchor)
        for container in (*self.doc.clauses, *self.doc.schedules):
            mark(container, container.id)
            context = container  # last numbered node: REF \w to an unnumbered paragraph goes there
            for block in container.blocks:
                if not isinstance(block, tree.Para):
                    continue
                if _numbered(block):
                    context = block
                    if block.anchor:
                        mark(block, block.anchor)
                elif block.anchor:
                    mark(block, block.anchor)
                    if id(context) not in self.own_bookmark:
                        mark(context, f"{block.anchor}-ctx")
                    self.ref_target[block.anchor] = self.own_bookmark[id(context)]

    def _bookmark_start(self, out: list, node) -> int | None:
        name = self.own_bookmark.get(id(node))
        if name is None:
            return None
        self._bm_id += 1
        out.append(ox.bookmark_start(self._bm_id, name))
        return self._bm_id

    # ------------------------------------------------------------------ document

    def document(self, page: list, *, header_rid: str, footer_rid: str) -> bytes:
        """document.xml."""
        out = [ox.DOC_OPEN]
        self._tracked_part(out, self._front_page)
        out.append(ox.p_open(CONTENTS_HEADING) + ox.run("Contents") + ox.P_CLOSE)
        toc_at = len(out)
        first = True
        has_parties = any(isinstance(b, tree.Para) and b.style == "party" for b in self.doc.preamble)
        if has_parties:
            self._tracked_part(out, self._dated_line)
            first = False
        headed: set = set()
        for block in self.doc.preamble:
            if isinstance(block, tree.Para) and block.style in PREAMBLE_HEADINGS and block.style not in headed:
                headed.add(block.style)
                out.append(ox.p_open(PREAMBLE_HEADING, break_before=first)
                           + ox.run(PREAMBLE_HEADINGS[block.style]) + ox.P_CLOSE)
                first = False
            first = not self._block(out, block, "preamble", None, break_before=first) and first
        if self.doc.operative_words:
            out.append(ox.p_open(BODY, break_before=first, keep_next=True, space_before=None if first else 240)
                       + ox.run(self.doc.operative_words) + ox.P_CLOSE)
        for clause in self.doc.clauses:
            self._clause(out, clause)
        for schedule in self.doc.schedules:
            self._schedule(out, schedule)
        previous = self.doc.previous
        if self._pending_notes and self._last_para:  # notes after a last table
            self._attach_notes(out, self._last_para)
        if self.doc.signatures or (previous is not None and previous.signatures):
            self._tracked_part(out, self._execution)
        # The contents come first but are written last, when every entry is known (indexes of
        # paragraphs in ``out`` are not needed after this point).
        out.insert(toc_at, self._toc())
        sect = etree.Element(w("sectPr"), nsmap=ox.NSMAP)
        for kind, rid in (("headerReference", header_rid), ("footerReference", footer_rid)):
            etree.SubElement(sect, w(kind), {w("type"): "default", f"{{{ox.R_NS}}}id": rid})
        for e in page:
            sect.append(e)
        ox.insert_ordered(sect, etree.Element(w("titlePg")), ox.SECTPR_ORDER)
        out.append(ox.element_xml(sect))
        out.append(ox.DOC_CLOSE)
        return "".join(out).encode("utf-8")

    def _front_page(self, out: list) -> None:
        doc = self.doc

        def para(style, *runs):
            out.append(ox.p_open(style) + "".join(runs) + ox.P_CLOSE)

        para(TITLE, ox.run(_unbroken_years(doc.title)))
        if doc.subtitle:
            para(SUBTITLE, ox.run(_unbroken_years(doc.subtitle)))
        if doc.parties:
            para(COVER, ox.run("between"))
            for i, party in enumerate(doc.parties):
                if i and i == len(doc.parties) - 1:
                    para(COVER, ox.run("and"))
                para(COVER_PARTY, ox.run(party.name))
        if doc.date_text:
            para(COVER, *_date_runs(doc.date_text))
        if doc.status_label:
            para(COVER_STATUS, ox.run(doc.status_label))

    def _dated_line(self, out: list) -> None:
        """"THIS AGREEMENT is dated [●] 2026", above the parties."""
        words = self.doc.title.split()[-1].upper() if self.doc.title else "AGREEMENT"
        out.append(ox.p_open(DATED, break_before=True) + ox.run(f"THIS {words}", bold=True)
                   + ox.run(" is dated ") + "".join(_date_runs(self.doc.date_text or BLANK))
                   + ox.P_CLOSE)

    def _toc(self) -> str:
        """Contents entries (number, title, page) inside one TOC field. The page numbers are
        cached only when a layout gave them; Word fills them in on opening either way."""
        instr = 'TOC \\o "1-1" \\h \\z \\u'
        if not self.toc:
            return ox.p_open(TOC1) + ox.field(instr, "") + ox.P_CLOSE
        pages = self.layout.bookmark_pages if self.layout else {}
        out = []
        for i, (bm, number, title) in enumerate(self.toc):
            out.append(ox.p_open(TOC1))
            if i == 0:
                out.append(ox.field_begin(instr))
            page = pages.get(bm)
            out.append(ox.hyperlink(bm, ox.run(number) + ox.TAB + ox.run(title) + ox.TAB
                                    + ox.field(f"PAGEREF {bm} \\h", str(page) if page else "")))
            if i == len(self.toc) - 1:
                out.append(ox.FIELD_END)
            out.append(ox.P_CLOSE)
        return "".join(out)

    # ------------------------------------------------------------------ clauses and schedules

    def _clause(self, out: list, clause: tree.Clause) -> None:
        self._after_table = False
        out.append(self._mark(ox.p_open(CLAUSE_STYLES[0], num=(self.numbering.num_ids[CLAUSES], 0)), clause.change))
        self._notes_before(out)
        bm = self._bookmark_start(out, clause)
        self._heading(out, clause, clause.title)
        if bm:
            out.append(ox.bookmark_end(bm))
        out.append(ox.P_CLOSE)
        if clause.change != "deleted":
            self.toc.append((self.own_bookmark[id(clause)], clause.number, clause.title))
        for block in clause.blocks:
            self._block(out, _inherit(block, clause.change), "clause", None)

    def _schedule(self, out: list, schedule: tree.Schedule) -> None:
        self._after_table = False
        out.append(self._mark(ox.p_open(SCHEDULE_HEADING, num=(self.numbering.num_ids[SCHEDULES], 0)),
                              schedule.change))
        self._notes_before(out)
        bm = self._bookmark_start(out, schedule)
        if schedule.title:
            if not schedule.change:
                out.append(ox.run("\n"))
            self._heading(out, schedule, ("\n" if schedule.change else "") + schedule.title)
        if bm:
            out.append(ox.bookmark_end(bm))
        out.append(ox.P_CLOSE)
        if schedule.change != "deleted":
            self.toc.append((self.own_bookmark[id(schedule)], f"Schedule {schedule.number}",
                             schedule.title))
        num_id = self.numbering.add_restart(SCHEDULE_PARAS, 4)
        for block in schedule.blocks:
            self._block(out, _inherit(block, schedule.change), "schedule", num_id)

    def _block(self, out: list, block, where: str, sched_num: int | None,
               break_before: bool = False) -> bool:
        """Write one block; returns False when it wrote no paragraph (a note left out of a
        clean draft, or shown as a comment on the paragraph before it)."""
        if isinstance(block, tree.Table):
            self._table(out, block, indent=0 if where == "preamble" else self._table_indent(where))
            self._after_table = True
            return True
        if not isinstance(block, tree.Para):
            raise TypeError(f"not a block: {type(block).__name__}")
        if block.style == "note" or (block.level == 0 and block.inlines
                                     and all(isinstance(x, tree.Note) for x in block.inlines)):
            if self.notes != "inline":
                if self.notes == "comments" and block.change != "deleted":
                    self._pending_notes.append(_plain(block.inlines))
                    if self._last_para is not None and not self._after_table:
                        self._attach_notes(out, self._last_para)
                return False
        style, num = self._para_style(block, where, sched_num)
        out.append(self._mark(ox.p_open(style, num=num, break_before=break_before,
                                        keep_next=_lead_in(block.inlines),
                                        space_before=TABLE_SPACE_AFTER if self._after_table else None),
                              block.change))
        self._after_table = False
        start = len(out)
        self._notes_before(out)
        bm = self._bookmark_start(out, block)
        self._inlines(out, _wrap(block.inlines, block.change))
        if bm:
            out.append(ox.bookmark_end(bm))
        self._last_para = (start, len(out))
        out.append(ox.P_CLOSE)
        return True

    def _table_indent(self, where: str) -> int:
        """Tables sit at the clause text: the indent of a level-1 paragraph."""
        levels = LISTS[SCHEDULE_PARAS if where == "schedule" else CLAUSES].levels
        return levels[1 if where == "clause" else 0].left

    def _para_style(self, para: tree.Para, where: str, sched_num: int | None):
        ids = self.numbering.num_ids
        if para.style == "party":
            return PARTIES, (ids[PARTY_LIST], 0)
        if para.style == "recital":
            return RECITALS, (ids[RECITAL_LIST], 0)
        if para.style in ("body", "definition") and para.level > 0:
            level = min(para.level, 3)
            if where == "schedule":
                return SCHEDULE_STYLES[level - 1], (sched_num, level - 1)
            return CLAUSE_STYLES[level], (ids[CLAUSES], level)
        return {
            "note": NOTE, "subheading": SUBHEADING, "definition": DEFINITION,
            "centered": CENTERED,
        }.get(para.style, CLAUSE_BODY if where == "clause" else BODY), None

    # ------------------------------------------------------------------ drafting notes as comments

    def _comment(self, text: str) -> int:
        cid = len(self.comments)
        self.comments.append((cid, text))
        return cid

    def _notes_before(self, out: list) -> None:
        """Pending notes (after a table) as comments at the start of the paragraph being written."""
        for text in self._pending_notes:
            out.extend(ox.comment_anchor(self._comment(text), COMMENT_REFERENCE))
        self._pending_notes.clear()

    def _attach_notes(self, out: list, para: tuple[int, int]) -> None:
        """The pending whole-paragraph notes as comments whose range is the paragraph ``para``
        ((index after its pPr, index of its P_CLOSE) in ``out``, the last paragraph written).
        A note that follows a table comments instead at the start of the next paragraph."""
        start, close = para
        for text in self._pending_notes:
            begin, end = ox.comment_anchor(self._comment(text), COMMENT_REFERENCE)
            out.insert(close, end)
            out.insert(start, begin)
            close += 2
        self._last_para = (start, close)
        self._pending_notes.clear()

    def comments_part(self) -> bytes:
        rev = self.doc.revision
        date = (rev.date if rev else self.doc.properties.created) or "1980-01-01"
        return ox.comments_part(self.comments, author="acscontracts", initials="ACS",
                                date=ox.w3cdtf(date), text_style=COMMENT_TEXT,
                                reference_style=COMMENT_REFERENCE)

    # ------------------------------------------------------------------ inlines

    def _inlines(self, out: list, inlines) -> int:
        """Append the runs of ``inlines``; returns the number of characters written."""
        chars = 0
        n = len(inlines)
        run = ox.run
        for i, x in enumerate(inlines):
            kind = type(x)
            if kind is tree.Text:
                text = x.text
                if (i + 1 < n and text.endswith("Schedule ") and type(inlines[i + 1]) is tree.Ref
                        and inlines[i + 1].target in self.schedule_ids):
                    text = text[:-9]  # the REF result ("Schedule 2") carries the word
                if text:
                    if self._in_table and "@" in text:
                        text = table_layout.breakable_email(text)
                    out.append(run(text, bold=x.bold, italic=x.italic))
                chars += len(text)
            elif kind is tree.TermUse:
                if signpost(inlines, i):  # "(the Conditions)": the term is defined here
                    out.append(run(f"“{x.text}”", style=DEFINED_TERM))
                else:
                    out.append(run(x.text))
                chars += len(x.text)
            elif kind is tree.TermDef:
                article, term = split_article(x.term)
                if article:
                    out.append(run(article))
                out.append(run(f"“{term}”", style=DEFINED_TERM))
                chars += len(x.term) + 2
            elif kind is tree.Ref:
                absorbed = (i > 0 and type(inlines[i - 1]) is tree.Text
                            and inlines[i - 1].text.endswith("Schedule ")
                            and x.target in self.schedule_ids)
                chars += self._ref(out, x, absorbed=absorbed)
            elif kind is tree.Placeholder:
                text = f"[● {x.hint}]" if x.hint else BLANK
                out.append(run(text, highlight=HIGHLIGHT_BLANK))
                chars += len(text)
            elif kind is tree.Note:
                if self.notes == "inline":
                    text = f"[Drafting note: {x.text}]"
                    out.append(run(text, italic=True, highlight=HIGHLIGHT_NOTE))
                    chars += len(text)
                elif self.notes == "comments" and not self._in_deleted:
                    out.extend(ox.comment_anchor(self._comment(x.text), COMMENT_REFERENCE))
            elif kind is tree.Inserted:
                out.append(f"<w:ins {self._revision()}>")
                chars += self._inlines(out, x.inlines)
                out.append("</w:ins>")
            elif kind is tree.Deleted:
                deleted: list = []
                self._in_deleted = True
                try:
                    self._inlines(deleted, x.inlines)
                finally:
                    self._in_deleted = False
                out.append(f"<w:del {self._revision()}>{_as_deleted(''.join(deleted))}</w:del>")
            else:
                raise TypeError(f"not an inline: {kind.__name__}")
        return chars

    # ------------------------------------------------------------------ tracked changes (redlines)

    def _revision(self) -> str:
        """Attributes of one w:ins / w:del: a unique id, the author and the date of the new terms."""
        self._rev_id += 1
        rev = self.doc.revision or tree.Revision("acscontracts", self.doc.properties.created)
        return f'w:id="{self._rev_id}" w:author="{ox.esc_attr(rev.author)}" w:date="{ox.esc_attr(rev.date)}T00:00:00Z"'

    def _mark(self, p_open: str, change: str) -> str:
        """A paragraph opening whose mark is tracked as inserted or deleted (rPr is pPr's last child)."""
        if not change:
            return p_open
        mark = f"<w:rPr><w:{'ins' if change == 'inserted' else 'del'} {self._revision()}/></w:rPr>"
        if "</w:pPr>" in p_open:
            return p_open.replace("</w:pPr>", mark + "</w:pPr>")
        return p_open.replace("<w:p>", f"<w:p><w:pPr>{mark}</w:pPr>")

    def _tracked_part(self, out: list, write) -> None:
        """A part the writer makes itself (front page, execution page). In a redline it is written
        for both versions: the new paragraphs, with those of the old version that are gone deleted."""
        previous = self.doc.previous
        if previous is None:
            write(out)
            return
        new, old = [], []
        write(new)
        current = self.doc
        self.doc = previous
        try:
            write(old)
        finally:
            self.doc = current
        new, old = _PARAGRAPH.findall("".join(new)), _PARAGRAPH.findall("".join(old))
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == "equal":
                out.extend(new[j1:j2])
                continue
            out.extend(self._whole(p, "deleted") for p in old[i1:i2])
            out.extend(self._whole(p, "inserted") for p in new[j1:j2])

    def _whole(self, p_xml: str, change: str) -> str:
        """A written paragraph (without bookmarks) inserted or deleted as a whole: mark and runs."""
        head, runs = _PARAGRAPH_PARTS.match(p_xml).groups()
        if runs:
            tag = "ins" if change == "inserted" else "del"
            runs = f"<w:{tag} {self._revision()}>{runs if tag == 'ins' else _as_deleted(runs)}</w:{tag}>"
        return self._mark(head, change) + runs + ox.P_CLOSE

    def _heading(self, out: list, part, title: str) -> None:
        if part.title_inlines:
            self._inlines(out, part.title_inlines)
        else:
            self._inlines(out, _wrap((tree.Text(title),), part.change))

    def _ref(self, out: list, ref: tree.Ref, *, absorbed: bool) -> int:
        number = ref.number or self.doc.references.get(ref.target, "")
        text = f"Schedule {number}" if absorbed else number
        bm = self.ref_target.get(ref.target)
        if not number:
            out.append(ox.run(BLANK, highlight=HIGHLIGHT_BLANK))
        elif bm is None:
            out.append(ox.run(text))  # not in this document (a note left out of a clean draft)
        else:
            out.append(ox.field(f"REF {bm} \\w \\h", text))
        return len(text)

    # ------------------------------------------------------------------ tables

    def _table(self, out: list, table: tree.Table, *, indent: int) -> None:
        """A table at ``indent``, its columns as wide as their content needs (see
        ``table_layout.column_widths``); rows never split across pages, the header row repeats."""
        rows_inlines = ([tuple(table.header)] if table.header else []) + [tuple(r) for r in table.rows]
        cols = max([len(r) for r in rows_inlines] or [1]) or 1
        texts = [[_plain(c) for c in r] + [""] * (cols - len(r)) for r in rows_inlines]
        width = self.geometry.text_width - indent
        widths = table_layout.column_widths(texts, width, header=bool(table.header))
        out.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{TABLE}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                   f'<w:tblInd w:w="{int(indent)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
                   '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                   'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
                   + "".join(f'<w:gridCol w:w="{cw}"/>' for cw in widths) + "</w:tblGrid>")
        changes = table.row_changes or ("",) * len(table.rows)
        rows = ([(table.header, True, table.change)] if table.header else []) + [
            (r, False, table.change or change) for r, change in zip(table.rows, changes)]
        for cells, is_header, change in rows:
            # cantSplit comes first: the SDK schema wants a base property before w:ins/w:del
            row_mark = (f"<w:{'ins' if change == 'inserted' else 'del'} {self._revision()}/>"
                        if change else "")
            out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if is_header else "")
                       + row_mark + "</w:trPr>")
            for c in range(cols):
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/></w:tcPr>'
                           + ox.p_open(TABLE_HEADER if is_header else TABLE_TEXT))
                if c < len(cells):
                    self._in_table = True
                    try:
                        self._inlines(out, _wrap(tuple(cells[c]), change))
                    finally:
                        self._in_table = False
                out.append(ox.P_CLOSE + "</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")

    # ------------------------------------------------------------------ execution page

    def _execution(self, out: list) -> None:
        """The execution heading on a new page, then the blocks, each kept on one page, in
        page-sized groups balanced so that the last page never holds a lone block."""
        out.append(ox.p_open(EXECUTION_HEADING) + ox.run("Execution") + ox.P_CLOSE)
        blocks = self.doc.signatures
        forms = []
        for block in blocks:
            if block.lines:
                forms.append((block.opening, block.lines))
            elif block.form in SIGNATURE_FORMS:
                forms.append(SIGNATURE_FORMS[block.form])
            else:
                raise ValueError(f"signature block for {block.party_name!r}: unknown form "
                                 f"{block.form!r}; expected one of {', '.join(SIGNATURE_FORMS)}")
        heights = [_block_height(lines) for _, lines in forms]
        starts = _page_starts(heights, self.geometry.text_height, first_page_used=EXECUTION_HEADING_HEIGHT)
        for n, (block, (opening, lines)) in enumerate(zip(blocks, forms)):
            before, _, after = opening.partition("{party}")
            out.append(ox.p_open(SIGNATURE_PARTY, keep_next=True, break_before=n in starts)
                       + ox.run(before) + ox.run(block.party_name, bold=True) + ox.run(after)
                       + ox.P_CLOSE)
            for i, (label, value) in enumerate(lines):
                keep = i < len(lines) - 1
                if value == "seal":
                    out.append(ox.p_open(SEAL_BOX, keep_next=keep) + ox.run("Common seal")
                               + ox.P_CLOSE)
                elif value in ("sign", "date", "blank"):
                    style = SIGNATURE_LINE if value == "sign" else SIGNATURE_TEXT
                    out.append(ox.p_open(style, keep_next=keep) + ox.run(label + ":\t\t")
                               + ox.P_CLOSE)
                else:
                    text = block.signatory_name if value == "name" else block.signatory_title
                    out.append(ox.p_open(SIGNATURE_TEXT, keep_next=keep) + ox.run(label + ":\t")
                               + (ox.run(text) if text else ox.run(BLANK, highlight=HIGHLIGHT_BLANK))
                               + ox.P_CLOSE)

    # ------------------------------------------------------------------ header and footer

    def header(self) -> bytes:
        runs = ox.run(self.doc.title)
        if self.doc.status_label:
            runs += ox.run("\t\t") + ox.run(self.doc.status_label, bold=True)
        return _part("hdr", ox.p_open(HEADER) + runs + ox.P_CLOSE)

    def footer(self) -> bytes:
        version = self.doc.properties.version
        pages = str(self.layout.pages) if self.layout else ""
        runs = (ox.run(f"Version {version}\t\tPage " if version else "\t\tPage ")
                + ox.field("PAGE", "") + ox.run(" of ") + ox.field("NUMPAGES", pages))
        return _part("ftr", ox.p_open(FOOTER) + runs + ox.P_CLOSE)


# --------------------------------------------------------------------------- helpers

PREAMBLE_HEADINGS = {"party": "PARTIES", "recital": "BACKGROUND"}
TABLE_SPACE_AFTER = 240  # twips between a table and the paragraph after it
EXECUTION_HEADING_HEIGHT = 900
SEAL_WIDTH = 2268  # twips: a 4 cm box for the common seal  # twips the execution heading takes on its page
_YEARS = re.compile(r"\b(\d{4})[-–](\d{4})\b")


def _unbroken_years(text: str) -> str:
    """"2026-2033" joined by a non-breaking hyphen, so a cover line never breaks inside it."""
    return _YEARS.sub("\\1\u2011\\2", text)


def _date_runs(date_text: str) -> list[str]:
    """Runs of a date text, its "[●]" blanks highlighted."""
    chunks = date_text.split(BLANK)
    runs = [ox.run(chunks[0])] if chunks[0] else []
    for chunk in chunks[1:]:
        runs.append(ox.run(BLANK, highlight=HIGHLIGHT_BLANK))
        if chunk:
            runs.append(ox.run(chunk))
    return runs


def _plain(inlines) -> str:
    """The words of some inlines, as a reader sees them (no notes, no deleted words)."""
    return inline_text(tuple(x for x in inlines if not isinstance(x, tree.Deleted)), clean=True) or "".join(
        x.text for x in inlines if isinstance(x, tree.Note))


def _lead_in(inlines) -> bool:
    """A paragraph that introduces what follows ("... are:"): kept with the next paragraph."""
    for x in reversed(inlines):
        if isinstance(x, tree.Note):
            continue
        text = getattr(x, "text", None)
        if isinstance(x, (tree.Inserted, tree.Deleted)):
            return _lead_in(x.inlines) if isinstance(x, tree.Inserted) else False
        return isinstance(text, str) and text.rstrip().endswith(":")
    return False


def _block_height(lines) -> int:
    """Height in twips of an execution block of the house style (party line, then ``lines``)."""
    heights = {"seal": 240 + 2 * 620 + 276 + 120, "sign": 720 + 276 + 120}
    return 720 + 2 * 276 + 120 + sum(heights.get(v, 240 + 276 + 120) for _, v in lines)


def _page_starts(heights: list[int], page: int, *, first_page_used: int) -> set[int]:
    """Indexes of the blocks that start a new page: as many blocks a page as fit, the blocks
    spread evenly over those pages, the fuller pages last (7 blocks at 3 a page go 2, 2, 3 and
    3 blocks at 2 a page go 1, 2: never a lone block on the last page)."""
    if not heights:
        return set()
    per_page = max(1, (page - first_page_used) // max(heights))
    pages = math.ceil(len(heights) / per_page)
    base, extra = divmod(len(heights), pages)
    starts, at = set(), 0
    for p in range(pages):
        if p:
            starts.add(at)
        at += base + (1 if p >= pages - extra else 0)
    return starts


def _part(root: str, content: str) -> bytes:
    return ox.to_bytes(ox.fragment(content, root))
