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
                             (("Authorised signatory", "sign"), ("Name", "name"),
                              ("Title", "title"))),
    "company": ("Executed by {party} acting by a director",
                (("Signature of director", "sign"), ("Name", "name"), ("Title", "title"),
                 ("Date", "date"))),
    "other": ("Signed for and on behalf of {party}",
              (("Signature", "sign"), ("Name", "name"), ("Title", "title"), ("Date", "date"))),
}

# Rough page model for the cached page numbers (TOC, NUMPAGES): Word recomputes them.
_LINES_PER_PAGE = 44
_CHARS_PER_LINE = 84

# --------------------------------------------------------------------------- public API


def write_docx(document: tree.Document, *, reference: dict | None = None,
               clean: bool = False) -> bytes:
    """Render a resolved document as .docx bytes (same input, same bytes).

    ``reference``: the parts of a .docx (``docx_package.read_reference``) whose styles, theme, fonts,
    settings and page setup to use (default: the built-in house style); style ids it lacks are added
    from ours.
    ``clean``: leave out drafting notes (the counterparty version).
    Raises ValueError for an unusable reference, an unknown signature form, or text that
    XML 1.0 cannot hold.
    """
    ours = builtin_reference()
    ref = reference if reference is not None else ours
    numbering = ox.merge_numbering(ref.get("numbering"), LISTS)
    bound = {lvl.style: (numbering.num_ids[i], ilvl)
             for i, d in enumerate(LISTS) for ilvl, lvl in enumerate(d.levels) if lvl.style}
    styles = ox.merge_styles(ref["styles"], ours["styles"], bound)
    page = ox.page_setup(ref.get("sectPr"))

    # Relationship ids of the main part, fixed by position.
    rels = [("rId1", "header", "header1.xml"), ("rId2", "footer", "footer1.xml"),
            ("rId3", "styles", "styles.xml"), ("rId4", "numbering", "numbering.xml"),
            ("rId5", "settings", "settings.xml")]
    writer = _Writer(document, clean=clean, numbering=numbering, text_width=_text_width(page))
    body_xml = writer.document(page, header_rid="rId1", footer_rid="rId2")

    parts = [
        ("word/document.xml", body_xml, "document.main+xml"),
        ("word/header1.xml", writer.header(), "header+xml"),
        ("word/footer1.xml", writer.footer(), "footer+xml"),
        ("word/styles.xml", ox.to_bytes(styles), "styles+xml"),
        ("word/numbering.xml", ox.to_bytes(numbering.root), "numbering+xml"),
        ("word/settings.xml", ox.to_bytes(ox.clean_settings(ref.get("settings"))), "settings+xml"),
    ]
    if ref.get("fontTable") is not None:
        rels.append((f"rId{len(rels) + 1}", "fontTable", "fontTable.xml"))
        parts.append(("word/fontTable.xml", ox.to_bytes(ox.clean_font_table(ref["fontTable"])),
                      "fontTable+xml"))
    if ref.get("theme") is not None:
        rels.append((f"rId{len(rels) + 1}", "theme", "theme/theme1.xml"))
        parts.append(("word/theme/theme1.xml", ref["theme"], "theme"))

    props = document.properties
    core = ox.core_properties(title=props.title, subject=props.subject, keywords=props.keywords,
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
        ("docProps/app.xml", ox.app_properties(pages=writer.total_pages)),
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


def _text_width(page: list) -> int:
    size = next(e for e in page if e.tag == w("pgSz"))
    mar = next(e for e in page if e.tag == w("pgMar"))

    def twips(e, attr, default):
        try:
            return int(e.get(w(attr), default))
        except ValueError:
            return int(default)
    return twips(size, "w", "11906") - twips(mar, "left", "1440") - twips(mar, "right", "1440")


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
    """Writes one document; holds the bookmark plan and the running page estimate."""

    def __init__(self, document: tree.Document, *, clean: bool, numbering, text_width: int):
        self.doc = document
        self.clean = clean
        self.numbering = numbering
        self.text_width = text_width
        self.schedule_ids = {s.id for s in document.schedules}
        self.own_bookmark: dict[int, str] = {}  # id(node) -> bookmark name placed there
        self.ref_target: dict[str, str] = {}  # target id -> bookmark a REF points at
        self._bm_id = 0
        self._rev_id = 1_000_000  # revision ids, kept apart from bookmark ids
        self.lines = 0.0
        self.total_pages = 1
        self.toc: list[tuple[str, str, str, int]] = []  # (bookmark, number, title, page)
        self._plan_bookmarks()

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
        """document.xml; also sets ``total_pages`` for the footer and app properties."""
        out = [ox.DOC_OPEN]
        self._tracked_part(out, self._front_page)
        out.append(ox.p_open(CONTENTS_HEADING) + ox.run("Contents") + ox.P_CLOSE)
        toc_at = len(out)
        self.lines = 0.0
        first = True
        for block in self.doc.preamble:
            first = not self._block(out, block, "preamble", None, break_before=first) and first
        if self.doc.operative_words:
            self._count(self.doc.operative_words)
            out.append(ox.p_open(BODY, break_before=first) + ox.run(self.doc.operative_words)
                       + ox.P_CLOSE)
        for clause in self.doc.clauses:
            self._clause(out, clause)
        for schedule in self.doc.schedules:
            self._schedule(out, schedule)
        previous = self.doc.previous
        if self.doc.signatures or (previous is not None and previous.signatures):
            self._tracked_part(out, self._execution)
        # The contents come first but are written last, when the page estimates are known.
        toc_pages = 1 + (len(self.toc) + 2) // (_LINES_PER_PAGE - 4)
        out.insert(toc_at, self._toc(page_offset=1 + toc_pages))
        self.total_pages = 1 + toc_pages + self._page()
        sect = etree.Element(w("sectPr"), nsmap=ox.NSMAP)
        for kind, rid in (("headerReference", header_rid), ("footerReference", footer_rid)):
            etree.SubElement(sect, w(kind), {w("type"): "default", f"{{{ox.R_NS}}}id": rid})
        for e in page:
            sect.append(e)
        ox.insert_ordered(sect, etree.Element(w("titlePg")), ox.SECTPR_ORDER)
        out.append(ox.element_xml(sect))
        out.append(ox.DOC_CLOSE)
        return "".join(out).encode("utf-8")

    def _page(self) -> int:
        return 1 + int(self.lines // _LINES_PER_PAGE)

    def _new_page(self) -> None:
        self.lines = math.ceil(self.lines / _LINES_PER_PAGE) * _LINES_PER_PAGE

    def _count(self, text) -> None:
        n = text if isinstance(text, int) else len(text)
        self.lines += n // _CHARS_PER_LINE + 1.6

    def _front_page(self, out: list) -> None:
        doc = self.doc

        def para(style, *runs):
            out.append(ox.p_open(style) + "".join(runs) + ox.P_CLOSE)

        para(TITLE, ox.run(doc.title))
        if doc.subtitle:
            para(SUBTITLE, ox.run(doc.subtitle))
        if doc.parties:
            para(COVER, ox.run("between"))
            for i, party in enumerate(doc.parties):
                if i and i == len(doc.parties) - 1:
                    para(COVER, ox.run("and"))
                para(COVER_PARTY, ox.run(party.name))
        if doc.date_text:
            chunks = doc.date_text.split(BLANK)
            runs = [ox.run(chunks[0])] if chunks[0] else []
            for chunk in chunks[1:]:
                runs.append(ox.run(BLANK, highlight=HIGHLIGHT_BLANK))
                if chunk:
                    runs.append(ox.run(chunk))
            para(COVER, *runs)
        if doc.status_label:
            para(COVER_STATUS, ox.run(doc.status_label))

    def _toc(self, *, page_offset: int) -> str:
        """Cached contents entries (number, title, estimated page) inside one TOC field."""
        instr = 'TOC \\o "1-1" \\h \\z \\u'
        if not self.toc:
            return ox.p_open(TOC1) + ox.field(instr, "") + ox.P_CLOSE
        out = []
        for i, (bm, number, title, page) in enumerate(self.toc):
            out.append(ox.p_open(TOC1))
            if i == 0:
                out.append(ox.field_begin(instr))
            out.append(ox.hyperlink(bm, ox.run(number) + ox.TAB + ox.run(title) + ox.TAB
                                    + ox.field(f"PAGEREF {bm} \\h", str(page + page_offset))))
            if i == len(self.toc) - 1:
                out.append(ox.FIELD_END)
            out.append(ox.P_CLOSE)
        return "".join(out)

    # ------------------------------------------------------------------ clauses and schedules

    def _clause(self, out: list, clause: tree.Clause) -> None:
        out.append(self._mark(ox.p_open(CLAUSE_STYLES[0], num=(self.numbering.num_ids[CLAUSES], 0)), clause.change))
        bm = self._bookmark_start(out, clause)
        self._heading(out, clause, clause.title)
        if bm:
            out.append(ox.bookmark_end(bm))
        out.append(ox.P_CLOSE)
        self.lines += 1.5
        self._count(clause.title)
        if clause.change != "deleted":
            self.toc.append((self.own_bookmark[id(clause)], clause.number, clause.title, self._page()))
        for block in clause.blocks:
            self._block(out, _inherit(block, clause.change), "clause", None)

    def _schedule(self, out: list, schedule: tree.Schedule) -> None:
        self._new_page()
        out.append(self._mark(ox.p_open(SCHEDULE_HEADING, num=(self.numbering.num_ids[SCHEDULES], 0)),
                              schedule.change))
        bm = self._bookmark_start(out, schedule)
        if schedule.title:
            if not schedule.change:
                out.append(ox.run("\n"))
            self._heading(out, schedule, ("\n" if schedule.change else "") + schedule.title)
        if bm:
            out.append(ox.bookmark_end(bm))
        out.append(ox.P_CLOSE)
        self.lines += 3
        if schedule.change != "deleted":
            self.toc.append((self.own_bookmark[id(schedule)], f"Schedule {schedule.number}",
                             schedule.title, self._page()))
        num_id = self.numbering.add_restart(SCHEDULE_PARAS, 4)
        for block in schedule.blocks:
            self._block(out, _inherit(block, schedule.change), "schedule", num_id)

    def _block(self, out: list, block, where: str, sched_num: int | None,
               break_before: bool = False) -> bool:
        """Write one block; returns False when it was left out (a note in a clean draft)."""
        if isinstance(block, tree.Table):
            self._table(out, block)
            return True
        if not isinstance(block, tree.Para):
            raise TypeError(f"not a block: {type(block).__name__}")
        if self.clean and (block.style == "note" or (
                block.level == 0 and block.inlines
                and all(isinstance(x, tree.Note) for x in block.inlines))):
            return False
        style, num = self._para_style(block, where, sched_num)
        out.append(self._mark(ox.p_open(style, num=num, break_before=break_before), block.change))
        bm = self._bookmark_start(out, block)
        self._count(self._inlines(out, _wrap(block.inlines, block.change)))
        if bm:
            out.append(ox.bookmark_end(bm))
        out.append(ox.P_CLOSE)
        return True

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
                    out.append(run(text, bold=x.bold, italic=x.italic))
                chars += len(text)
            elif kind is tree.TermUse:
                out.append(run(x.text))
                chars += len(x.text)
            elif kind is tree.TermDef:
                out.append(run(f"“{x.term}”", bold=True))
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
                if not self.clean:
                    text = f"[Drafting note: {x.text}]"
                    out.append(run(text, italic=True, highlight=HIGHLIGHT_NOTE))
                    chars += len(text)
            elif kind is tree.Inserted:
                out.append(f"<w:ins {self._revision()}>")
                chars += self._inlines(out, x.inlines)
                out.append("</w:ins>")
            elif kind is tree.Deleted:
                deleted: list = []
                self._inlines(deleted, x.inlines)
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
        current, lines = self.doc, self.lines
        self.doc = previous
        try:
            write(old)
        finally:
            self.doc, self.lines = current, lines
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

    def _table(self, out: list, table: tree.Table) -> None:
        cols = max([len(table.header), *(len(r) for r in table.rows)] or [1]) or 1
        width = self.text_width // cols
        out.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{TABLE}"/><w:tblW w:w="5000" w:type="pct"/>'
                   '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                   'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
                   + f'<w:gridCol w:w="{width}"/>' * cols + "</w:tblGrid>")
        cell_open = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        changes = table.row_changes or ("",) * len(table.rows)
        rows = ([(table.header, True, table.change)] if table.header else []) + [
            (r, False, table.change or change) for r, change in zip(table.rows, changes)]
        for cells, is_header, change in rows:
            # cantSplit (off, the default) comes first: the SDK schema wants a base property before w:ins/w:del
            row_mark = (f"<w:cantSplit w:val=\"off\"/><w:{'ins' if change == 'inserted' else 'del'} {self._revision()}/>"
                        if change else "")
            if is_header or row_mark:
                out.append("<w:tr><w:trPr>" + ("<w:tblHeader/>" if is_header else "") + row_mark + "</w:trPr>")
            else:
                out.append("<w:tr>")
            for c in range(cols):
                out.append(cell_open + ox.p_open(TABLE_HEADER if is_header else TABLE_TEXT))
                if c < len(cells):
                    chars = self._inlines(out, _wrap(tuple(cells[c]), change))
                    self.lines += chars / max(_CHARS_PER_LINE // cols, 8) / 2
                out.append(ox.P_CLOSE + "</w:tc>")
            out.append("</w:tr>")
            self.lines += 1.2
        out.append("</w:tbl>")

    # ------------------------------------------------------------------ execution page

    def _execution(self, out: list) -> None:
        self._new_page()
        out.append(ox.p_open(EXECUTION_HEADING) + ox.run("Execution") + ox.P_CLOSE)
        for block in self.doc.signatures:
            if block.lines:
                opening, lines = block.opening, block.lines
            elif block.form in SIGNATURE_FORMS:
                opening, lines = SIGNATURE_FORMS[block.form]
            else:
                raise ValueError(f"signature block for {block.party_name!r}: unknown form "
                                 f"{block.form!r}; expected one of {', '.join(SIGNATURE_FORMS)}")
            before, _, after = opening.partition("{party}")
            out.append(ox.p_open(SIGNATURE_PARTY, keep_next=True) + ox.run(before)
                       + ox.run(block.party_name, bold=True) + ox.run(after) + ox.P_CLOSE)
            for i, (label, value) in enumerate(lines):
                keep = i < len(lines) - 1
                if value in ("sign", "date", "blank"):
                    style = SIGNATURE_LINE if value == "sign" else SIGNATURE_TEXT
                    out.append(ox.p_open(style, keep_next=keep) + ox.run(label + ":\t\t")
                               + ox.P_CLOSE)
                    continue
                text = block.signatory_name if value == "name" else block.signatory_title
                out.append(ox.p_open(SIGNATURE_TEXT, keep_next=keep) + ox.run(label + ":\t")
                           + (ox.run(text) if text else ox.run(BLANK, highlight=HIGHLIGHT_BLANK))
                           + ox.P_CLOSE)
            self.lines += 12

    # ------------------------------------------------------------------ header and footer

    def header(self) -> bytes:
        runs = ox.run(self.doc.title)
        if self.doc.status_label:
            runs += ox.run("\t\t") + ox.run(self.doc.status_label, bold=True)
        return _part("hdr", ox.p_open(HEADER) + runs + ox.P_CLOSE)

    def footer(self) -> bytes:
        version = self.doc.properties.version
        runs = (ox.run(f"Version {version}\t\tPage " if version else "\t\tPage ")
                + ox.field("PAGE", "2") + ox.run(" of ")
                + ox.field("NUMPAGES", str(self.total_pages)))
        return _part("ftr", ox.p_open(FOOTER) + runs + ox.P_CLOSE)


def _part(root: str, content: str) -> bytes:
    return ox.to_bytes(ox.fragment(content, root))
