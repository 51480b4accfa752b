"""Tracked changes and comments written into an existing Word paragraph (lxml, in place).

A paragraph is read as a row of *chunks* over its visible text (what Word shows with every pending
change accepted): a plain run (``w:r`` holding only text, tabs and breaks) can be split anywhere; a
complex field (begin .. end runs, e.g. a live cross-reference) is one unit shown as its result; anything
else that shows text (someone's pending ``w:ins``, a hyperlink, a content control, a run with a comment
mark or a drawing) is *protected*: it is never split, deleted or moved. Elements that show nothing
(bookmarks, comment ranges, a pending ``w:del``) stay where they are.

``Paragraph.replace(start, end, runs, revision)`` deletes the visible text ``[start, end)`` as a tracked
deletion and puts ``runs`` after it as a tracked insertion; it returns False, touching nothing, when the
range cuts into a field or meets protected content.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from acscontracts.writers.ooxml import W_NS, w

TEXT_TAGS = {w("t"): None, w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
PLAIN_RUN_CHILDREN = set(TEXT_TAGS) | {w("rPr"), w("lastRenderedPageBreak"), w("softHyphen")}
NEUTRAL = {w(t) for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "proofErr",
                          "permStart", "permEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                          "moveToRangeEnd")}
PLAIN, FIELD, PROTECTED, EMPTY = "plain", "field", "protected", "empty"


@dataclass(frozen=True)
class Revision:
    """Who and when, for every w:ins, w:del and comment written; ``ids`` hands out unique w:id values."""

    author: str
    date: str  # ISO date
    ids: "IdSource"

    def attrs(self) -> dict:
        return {w("id"): str(self.ids.next()), w("author"): self.author, w("date"): f"{self.date}T00:00:00Z"}

    def element(self, tag: str):
        from lxml import etree

        return etree.Element(w(tag), self.attrs())


class IdSource:
    """Unique ids above every w:id already in the document."""

    def __init__(self, *roots):
        used = [int(v) for root in roots if root is not None for v in root.xpath("//@w:id", namespaces={"w": W_NS})
                if v.lstrip("-").isdigit()]
        self.value = max(used, default=0)

    def next(self) -> int:
        self.value += 1
        return self.value


def run_text(run) -> str:
    out = []
    for child in run:
        if child.tag in TEXT_TAGS:
            fixed = TEXT_TAGS[child.tag]
            out.append(child.text or "" if fixed is None else fixed)
    return "".join(out)


def element_text(element) -> str:
    """Visible text of any inline element: runs' text, pending deletions and field codes left out."""
    if element.tag == w("r"):
        return run_text(element)
    if element.tag in (w("del"), w("moveFrom")) or element.tag in NEUTRAL:
        return ""
    return "".join(run_text(r) for r in element.iter(w("r")) if not _inside_deletion(r, element))


def _inside_deletion(run, top) -> bool:
    node = run.getparent()
    while node is not None and node is not top:
        if node.tag in (w("del"), w("moveFrom")):
            return True
        node = node.getparent()
    return False


def _is_plain_run(element) -> bool:
    return element.tag == w("r") and all(c.tag in PLAIN_RUN_CHILDREN for c in element)


def _field_char(element) -> str:
    if element.tag != w("r"):
        return ""
    mark = element.find(w("fldChar"))
    return mark.get(w("fldCharType"), "") if mark is not None else ""


@dataclass
class Chunk:
    kind: str
    elements: list
    start: int
    end: int


class Paragraph:
    """A ``w:p`` read as chunks of visible text (see the module docstring)."""

    def __init__(self, p):
        self.p = p
        self.chunks: list[Chunk] = []
        self.text = ""
        self._read()

    def _read(self) -> None:
        chunks, text, pos = [], [], 0
        field: list | None = None
        depth = 0
        for element in self.p:
            if element.tag == w("pPr"):
                continue
            mark = _field_char(element)
            if field is not None:
                field.append(element)
                if mark == "begin":
                    depth += 1
                elif mark == "end":
                    depth -= 1
                    if depth == 0:
                        shown = _field_result(field)
                        chunks.append(Chunk(FIELD, field, pos, pos + len(shown)))
                        text.append(shown)
                        pos += len(shown)
                        field = None
                continue
            if mark == "begin":
                field, depth = [element], 1
                continue
            if element.tag in NEUTRAL:
                kind, shown = EMPTY, ""
            elif element.tag in (w("del"), w("moveFrom")):  # someone's pending deletion: shows nothing
                kind, shown = PROTECTED, ""
            elif _is_plain_run(element):
                kind, shown = PLAIN, run_text(element)
            else:
                kind, shown = PROTECTED, element_text(element)
            chunks.append(Chunk(kind, [element], pos, pos + len(shown)))
            text.append(shown)
            pos += len(shown)
        if field:  # a field left open (its end in a later paragraph): protected
            shown = _field_result(field)
            chunks.append(Chunk(PROTECTED, field, pos, pos + len(shown)))
            text.append(shown)
        self.chunks, self.text = chunks, "".join(text)

    # ------------------------------------------------------------------ editing

    def can_replace(self, start: int, end: int) -> bool:
        """Whether [start, end) can be deleted and text put at ``start`` without touching protected content."""
        for chunk in self.chunks:
            if chunk.kind == PROTECTED:
                if chunk.end > chunk.start and chunk.start < end and chunk.end > start:
                    return False
                if chunk.end == chunk.start and start < chunk.start < end:
                    return False  # someone's pending deletion inside the range
            elif chunk.kind == FIELD and (chunk.start < start < chunk.end or chunk.start < end < chunk.end):
                return False
        return True

    def replace(self, start: int, end: int, runs: list, revision: Revision) -> bool:
        """Track-delete [start, end) and track-insert ``runs`` after it. False (nothing changed) if not possible."""
        if not self.can_replace(start, end):
            return False
        self._split_at(end)
        self._split_at(start)
        doomed = [c for c in self.chunks if start <= c.start and c.end <= end and c.end > c.start]
        anchor = _track_deletion([e for c in doomed for e in c.elements], revision)  # the insertion goes after it
        if runs:
            insertion = revision.element("ins")
            for run in runs:
                insertion.append(run)
            if anchor is not None:
                anchor.addnext(insertion)
            else:
                self._insert_at(start, insertion)
        self._read()
        return True

    def replace_in_field(self, start: int, end: int, text: str, revision: Revision) -> bool:
        """Inside the field shown at [start, end) (a cross-reference whose number changed): its cached result
        replaced, as a tracked change, by the same result with [start, end) reading ``text``."""
        chunk = next((c for c in self.chunks if c.kind == FIELD and c.start <= start and end <= c.end), None)
        if chunk is None:
            return False
        result = _result_runs(chunk.elements)
        if not result:
            return False
        shown = self.text[chunk.start:start] + text + self.text[end:chunk.end]
        run = copy.deepcopy(result[0])
        for child in list(run):
            if child.tag != w("rPr"):
                run.remove(child)
        from lxml import etree

        t = etree.SubElement(run, w("t"))
        t.text = shown
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        anchor = _track_deletion(result, revision)
        insertion = revision.element("ins")
        insertion.append(run)
        anchor.addnext(insertion)
        self._read()
        return True

    def _insert_at(self, offset: int, element) -> None:
        before = [c for c in self.chunks if c.end <= offset and c.end > c.start]
        if before:
            before[-1].elements[-1].addnext(element)
            return
        ppr = self.p.find(w("pPr"))
        if ppr is not None:
            ppr.addnext(element)
        else:
            self.p.insert(0, element)

    def _split_at(self, offset: int) -> None:
        for chunk in self.chunks:
            if chunk.kind == PLAIN and chunk.start < offset < chunk.end:
                run = chunk.elements[0]
                tail = split_run(run, offset - chunk.start)
                run.addnext(tail)
                self._read()
                return

    def delete_all(self, revision: Revision) -> bool:
        """The whole paragraph deleted (its text and its mark); False if it holds protected content."""
        if any(c.kind == PROTECTED for c in self.chunks):
            return False
        if self.text and not self.replace(0, len(self.text), [], revision):
            return False
        mark_paragraph(self.p, revision, "del")
        return True


def _field_result(elements) -> str:
    return "".join(element_text(run) for run in _result_runs(elements))


def _result_runs(elements) -> list:
    """The runs of a field's cached result (between its separate and end marks, nested fields included)."""
    out, separated, depth = [], False, 0
    for element in elements:
        mark = _field_char(element)
        if mark == "begin":
            depth += 1
        elif mark == "separate" and depth == 1:
            separated = True
            continue
        elif mark == "end":
            depth -= 1
        if separated and depth >= 1 and element.tag == w("r"):
            out.append(element)
    return out


def _track_deletion(elements: list, revision: Revision):
    """Sibling ``elements`` (in order) wrapped in w:del, one per stretch of neighbours; returns the last w:del."""
    deletion = None
    for group in _consecutive(elements):
        deletion = revision.element("del")
        group[0].addprevious(deletion)
        for element in group:
            deletion.append(element)
            _as_deleted(element)
    return deletion


def _consecutive(elements: list) -> list:
    """``elements`` (siblings, in order) in groups with nothing between them."""
    groups: list = []
    for element in elements:
        if groups and groups[-1][-1].getnext() is element:
            groups[-1].append(element)
        else:
            groups.append([element])
    return groups


def _as_deleted(element) -> None:
    for node in element.iter(w("t"), w("instrText")):
        node.tag = w("delText") if node.tag == w("t") else w("delInstrText")


def split_run(run, offset: int):
    """Cut a plain run at ``offset`` characters: ``run`` keeps the head, the returned run holds the tail."""
    tail = copy.deepcopy(run)
    for child in list(tail):
        if child.tag != w("rPr"):
            tail.remove(child)
    pos = 0
    for child in list(run):
        if child.tag not in TEXT_TAGS:
            continue
        length = len(child.text or "") if TEXT_TAGS[child.tag] is None else 1
        if pos >= offset:
            tail.append(child)  # moves it
        elif pos + length > offset:  # a w:t cut in two
            cut = offset - pos
            rest = copy.deepcopy(child)
            rest.text = child.text[cut:]
            child.text = child.text[:cut]
            for node in (child, rest):
                node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            tail.append(rest)
        pos += length
    return tail


def mark_paragraph(p, revision: Revision, change: str) -> None:
    """The paragraph mark tracked as inserted ("ins") or deleted ("del"): w:rPr is w:pPr's last child."""
    from lxml import etree

    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
    rpr.insert(0, revision.element(change))


def wrap_inserted(p, revision: Revision) -> None:
    """A paragraph of plain runs and fields (a copy of generated text) made a whole tracked insertion."""
    content = [c for c in p if c.tag not in (w("pPr"),)]
    if content:
        insertion = revision.element("ins")
        content[0].addprevious(insertion)
        for element in content:
            if element.tag in NEUTRAL:
                p.remove(element)
            elif element.tag == w("ins"):
                for run in list(element):
                    insertion.append(run)
                p.remove(element)
            else:
                insertion.append(element)
    mark_paragraph(p, revision, "ins")
