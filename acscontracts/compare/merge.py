"""Three-way merge of Word bodies: the changes a redline makes, carried into a document edited by hand.

``merge_body(issued, redline, ...)`` takes two parsed ``word/document.xml`` trees: ``issued`` (the lawyers'
file, edited in place) and ``redline`` (the generated document with tracked changes from the base version
to the new one: rejecting them gives the base, accepting them the new text). Its body paragraphs and
tables are aligned with the issued ones on the base text (difflib on the texts, then the most similar
pairs in what is left); then, for each redline paragraph:

* unchanged: nothing to do (the lawyers' paragraph stays exactly as it is);
* words changed: each change is mapped onto the lawyers' paragraph through a word-level alignment of the
  base text with theirs and written there as ``w:del`` / ``w:ins`` (``tracked.Paragraph``); if any change
  falls where the lawyers' text differs from the base (or on their own pending changes), it is a
  *conflict*: their paragraph is kept, the new wording is inserted after it as a tracked paragraph and
  a comment says which term changed;
* inserted (a new paragraph, clause, row or table): copied in before the lawyers' counterpart of the next
  aligned paragraph, so it lands in place whatever they added or removed around it;
* deleted: the lawyers' paragraph is deleted as a tracked change, unless they edited it (a conflict).

Table rows are aligned and merged the same way, cell paragraphs by position.
"""
from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field

from acscontracts.compare.redline import TOKEN
from acscontracts.compare.tracked import TEXT_TAGS, Paragraph, Revision, wrap_inserted
from acscontracts.writers.ooxml import w

SKIP_STYLES = {"ContentsHeading", "TOC1", "TOC2", "TOC3"}  # the contents: a field Word rebuilds
PAIR_RATIO = 0.5
HEADINGS = {"Heading1": "clause", "ScheduleHeading": "schedule"}
INSERTED, DELETED, CHANGED = "inserted", "deleted", "changed"


# --------------------------------------------------------------------------- reading the redline


def _texts(element) -> tuple[str, str]:
    """(base text, new text) of a redline element: w:delText counts for the base, w:ins content for the new."""
    base, new = [], []
    for node in element.iter(w("t"), w("delText"), *[t for t in TEXT_TAGS if t != w("t")]):
        inside = _change_of(node, element)
        if node.tag == w("delText"):
            base.append(node.text or "")
            continue
        text = node.text or "" if node.tag == w("t") else TEXT_TAGS[node.tag]
        if inside == "ins":
            new.append(text)
        elif inside == "del":
            base.append(text)
        else:
            base.append(text)
            new.append(text)
    return "".join(base), "".join(new)


def _change_of(node, top) -> str:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if parent.tag == w("ins"):
            return "ins"
        if parent.tag == w("del"):
            return "del"
        parent = parent.getparent()
    return ""


def _instructions(element) -> list:
    return [(n.text or "").strip() for n in element.iter(w("instrText"), w("delInstrText"))]


@dataclass
class Op:
    """One change in a redline paragraph: base text [start, end) replaced by ``runs`` (copies of w:r)."""

    start: int
    end: int
    runs: list
    renumbered: str = ""  # a live cross-reference whose number alone changed: its new result text


def paragraph_ops(p) -> list[Op]:
    """The word changes of a redline paragraph, in base-text offsets."""
    ops: list[Op] = []
    pos = 0
    pending_del = None
    for child in p:
        if child.tag == w("pPr"):
            continue
        if child.tag == w("del"):
            base, _ = _texts(child)
            pending_del = (child, base)
            ops.append(Op(pos, pos + len(base), []))
            pos += len(base)
            continue
        if child.tag == w("ins"):
            runs = [copy.deepcopy(r) for r in child if r.tag == w("r")]
            if pending_del is not None and ops and ops[-1].end == pos:
                ops[-1].runs = runs
                if _instructions(pending_del[0]) and _instructions(pending_del[0]) == _instructions(child):
                    ops[-1].renumbered = _texts(child)[1]
            else:
                ops.append(Op(pos, pos, runs))
            pending_del = None
            continue
        pending_del = None
        pos += len(_texts(child)[0])
    return ops


def _paragraph_change(p) -> str:
    mark = p.find(f"{w('pPr')}/{w('rPr')}")
    if mark is not None and mark.find(w("ins")) is not None:
        return INSERTED
    if mark is not None and mark.find(w("del")) is not None:
        return DELETED
    return CHANGED if paragraph_ops(p) else ""


def _row_change(tr) -> str:
    trpr = tr.find(w("trPr"))
    if trpr is not None and trpr.find(w("ins")) is not None:
        return INSERTED
    if trpr is not None and trpr.find(w("del")) is not None:
        return DELETED
    return ""


def style_of(p) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


# --------------------------------------------------------------------------- units


@dataclass
class Unit:
    """A body paragraph or table (or a table row): the element, its base and new text, its change."""

    element: object
    text: str  # base text (redline) or visible text (issued)
    change: str = ""
    new_text: str = ""

    @property
    def is_table(self) -> bool:
        return self.element.tag == w("tbl")


def _row_texts(tr, issued: bool) -> tuple[str, str]:
    cells = [_cell_texts(tc, issued) for tc in tr.iter(w("tc"))]
    return " | ".join(c[0] for c in cells), " | ".join(c[1] for c in cells)


def _cell_texts(tc, issued: bool) -> tuple[str, str]:
    texts = [Paragraph(p).text if issued else _texts(p) for p in tc.iter(w("p"))]
    if issued:
        return "\n".join(texts), "\n".join(texts)
    return "\n".join(t[0] for t in texts), "\n".join(t[1] for t in texts)


def redline_units(container) -> list[Unit]:
    units = []
    for child in container:
        if child.tag == w("p"):
            if style_of(child) in SKIP_STYLES:
                continue
            base, new = _texts(child)
            units.append(Unit(child, base, _paragraph_change(child), new))
        elif child.tag == w("tbl"):
            rows = [Unit(tr, *_unit_row(tr)) for tr in child.iter(w("tr"))]
            change = INSERTED if rows and all(r.change == INSERTED for r in rows) else ""
            units.append(Unit(child, "\n".join(r.text for r in rows if r.change != INSERTED), change,
                              "\n".join(r.new_text for r in rows if r.change != DELETED)))
    return units


def _unit_row(tr):
    base, new = _row_texts(tr, issued=False)
    change = _row_change(tr)
    return base, change, new


def issued_units(container) -> list[Unit]:
    units = []
    for child in container:
        if child.tag == w("p"):
            if style_of(child) not in SKIP_STYLES:
                units.append(Unit(child, Paragraph(child).text))
        elif child.tag == w("tbl"):
            units.append(Unit(child, "\n".join(_row_texts(tr, True)[0] for tr in child.iter(w("tr")))))
    return units


# --------------------------------------------------------------------------- alignment


def _tokens(text: str) -> list:
    return [m.group() for m in TOKEN.finditer(text)]


def similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    m = difflib.SequenceMatcher(None, _tokens(a), _tokens(b), autojunk=False)
    if m.real_quick_ratio() < PAIR_RATIO or m.quick_ratio() < PAIR_RATIO:
        return 0.0
    return m.ratio()


def align(old: list[Unit], new: list[Unit]) -> dict:
    """{index in old: (index in new, similarity)}: equal texts first, then the most similar pairs between."""
    pairs: dict = {}
    keys_a = [(u.is_table, u.text) for u in old]
    keys_b = [(u.is_table, u.text) for u in new]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update({i1 + k: (j1 + k, 1.0) for k in range(i2 - i1)})
        elif tag == "replace":
            _pair_similar(old, new, range(i1, i2), range(j1, j2), pairs)
    return pairs


def _pair_similar(old, new, rows_a: range, rows_b: range, pairs: dict) -> None:
    if not rows_a or not rows_b:
        return
    best, best_i, best_j = PAIR_RATIO, -1, -1
    if len(rows_a) * len(rows_b) <= 400:
        for i in rows_a:
            for j in rows_b:
                if old[i].is_table == new[j].is_table:
                    r = similarity(old[i].text, new[j].text)
                    if r > best:
                        best, best_i, best_j = r, i, j
    else:  # a long stretch: pair in order
        for i, j in zip(rows_a, rows_b):
            if old[i].is_table == new[j].is_table and similarity(old[i].text, new[j].text) > best:
                best, best_i, best_j = similarity(old[i].text, new[j].text), i, j
                break
    if best_i < 0:
        return
    pairs[best_i] = (best_j, best)
    _pair_similar(old, new, range(rows_a.start, best_i), range(rows_b.start, best_j), pairs)
    _pair_similar(old, new, range(best_i + 1, rows_a.stop), range(best_j + 1, rows_b.stop), pairs)


def text_map(base: str, issued: str) -> list:
    """For each character of ``base``: its offset in ``issued`` where the two agree (word level), else None."""
    ta, tb = _spans(base), _spans(issued)
    out: list = [None] * len(base)
    matcher = difflib.SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        for k in range(size):
            (_, a0), (_, b0) = ta[i + k], tb[j + k]
            for c in range(len(ta[i + k][0])):
                out[a0 + c] = b0 + c
    return out


def _spans(text: str) -> list:
    return [(m.group(), m.start()) for m in TOKEN.finditer(text)]


def map_range(mapping: list, start: int, end: int, issued_length: int):
    """Base [start, end) as an issued range, or None where the lawyers' text differs there."""
    if start < end:
        hits = mapping[start:end]
        if any(h is None for h in hits) or any(b != a + 1 for a, b in zip(hits, hits[1:])):
            return None
        return hits[0], hits[-1] + 1
    if not mapping:
        return (0, 0) if issued_length == 0 else None
    if start == 0:
        return (mapping[0], mapping[0]) if mapping[0] is not None else None
    if start == len(mapping):
        last = mapping[-1]
        return (last + 1, last + 1) if last is not None else None
    before, after = mapping[start - 1], mapping[start]
    if before is None or after is None or after != before + 1:
        return None
    return after, after


# --------------------------------------------------------------------------- the merge


@dataclass
class Conflict:
    where: str  # "clause 18 (Risk share)" as the new document reads, or the heading it sits under
    heading: str  # the heading text of the clause or schedule
    what: str  # what the new terms do there
    new_text: str  # the new generated text ("" when the new terms remove it)
    anchor: object = field(default=None, repr=False)  # the issued paragraph the comment goes on


@dataclass
class Merger:
    """One merge: ids and author for the tracked changes, numbering ids learnt from aligned paragraphs."""

    revision: Revision
    numbering: object  # numbering.NumberingMap
    conflicts: list = field(default_factory=list)
    heading: str = ""
    matched_chars: float = 0.0
    base_chars: int = 0
    placed: list = field(default_factory=list)  # elements copied in from the redline

    # ------------------------------------------------------------------ blocks (body, table rows)

    def body(self, issued_body, redline_body) -> None:
        r_units, i_units = redline_units(redline_body), issued_units(issued_body)
        base_side = [k for k, u in enumerate(r_units) if u.change != INSERTED]
        pairs = align([r_units[k] for k in base_side], i_units)
        counterpart = {base_side[a]: i_units[b].element for a, (b, _) in pairs.items()}
        for a, (b, ratio) in pairs.items():
            self.matched_chars += ratio * len(r_units[base_side[a]].text)
        self.base_chars += sum(len(r_units[k].text) for k in base_side)
        end = issued_body.find(w("sectPr"))
        self._walk(r_units, counterpart, lambda e: end.addprevious(e) if end is not None else issued_body.append(e))

    def _walk(self, units: list[Unit], counterpart: dict, append) -> None:
        for k, unit in enumerate(units):
            if unit.element.tag == w("p") and style_of(unit.element) in HEADINGS:
                self.heading = unit.new_text or unit.text
            target = counterpart.get(k)
            if target is not None and unit.element.tag == w("p"):
                self._learn_numbering(unit.element, target)
            if unit.change == INSERTED:
                self._insert(unit, units, k, counterpart, append)
            elif unit.element.tag == w("tbl"):
                if target is not None:
                    self._table(unit.element, target)
                elif unit.new_text != unit.text:
                    self._conflict(None, units, k, counterpart, "the lawyers removed this table; the new terms "
                                   "change it", unit.new_text)
            elif unit.element.tag == w("tr"):
                self._row(unit, target, units, k, counterpart)
            elif unit.change == DELETED:
                if target is not None and not Paragraph(target).text == unit.text:
                    self._conflict(target, units, k, counterpart, "the new terms remove this paragraph, which "
                                   "was edited: it is kept", "")
                elif target is not None and not Paragraph(target).delete_all(self.revision):
                    self._conflict(target, units, k, counterpart, "the new terms remove this paragraph: it "
                                   "is kept", "")
            elif unit.change == CHANGED:
                if target is None:
                    self._conflict(None, units, k, counterpart, "a paragraph removed here was changed by the "
                                   "new terms", unit.new_text)
                elif not self.paragraph(unit.element, target):
                    self._beside(unit.element, target)
                    self._conflict(target, units, k, counterpart, "edited here and changed by the new "
                                   "terms: the new wording follows as a tracked insertion", unit.new_text)

    def paragraph(self, r_p, i_p) -> bool:
        """Carry a redline paragraph's word changes into the issued one; False (nothing done) on a conflict."""
        para = Paragraph(i_p)
        base, _ = _texts(r_p)
        mapping = text_map(base, para.text)
        placed = []
        for op in paragraph_ops(r_p):
            span = map_range(mapping, op.start, op.end, len(para.text))
            if op.renumbered:  # a live field: its cached number is updated where it can be, never a conflict
                if span is not None:
                    placed.append((span, op))
                continue
            if span is None or not para.can_replace(*span):
                return False
            placed.append((span, op))
        for (start, end), op in sorted(placed, key=lambda x: x[0], reverse=True):
            if op.renumbered:
                if not para.replace_in_field(start, end, op.renumbered, self.revision) and \
                        para.can_replace(start, end):
                    para.replace(start, end, op.runs, self.revision)
            elif not para.replace(start, end, op.runs, self.revision):
                raise AssertionError("a change checked as possible could not be made")
        return True

    def _insert(self, unit: Unit, units, k: int, counterpart: dict, append) -> None:
        element = copy.deepcopy(unit.element)
        self._renumber(element)
        following = next((counterpart[j] for j in range(k + 1, len(units)) if j in counterpart), None)
        if following is not None:
            following.addprevious(element)
            return
        previous = next((counterpart[j] for j in range(k - 1, -1, -1) if j in counterpart), None)
        if previous is not None:
            # after the previous counterpart and whatever was already inserted after it
            anchor = previous
            while anchor.getnext() is not None and any(anchor.getnext() is e for e in self.placed):
                anchor = anchor.getnext()
            anchor.addnext(element)
        else:
            append(element)

    def _beside(self, r_p, i_p) -> None:
        """The new wording of a conflicting paragraph, inserted after the lawyers' one as a tracked paragraph."""
        element = copy.deepcopy(r_p)
        for node in list(element):
            if node.tag == w("del") or node.tag in (w("bookmarkStart"), w("bookmarkEnd")):
                element.remove(node)
        ppr = element.find(w("pPr"))
        if ppr is not None:
            for mark in ppr.iterfind(f"{w('rPr')}"):
                ppr.remove(mark)
        self._renumber(element)
        wrap_inserted(element, self.revision)
        i_p.addnext(element)

    # ------------------------------------------------------------------ tables

    def _table(self, r_tbl, i_tbl) -> None:
        r_rows = [Unit(tr, *_unit_row(tr)) for tr in r_tbl.iter(w("tr"))]
        i_rows = [Unit(tr, _row_texts(tr, True)[0]) for tr in i_tbl.iter(w("tr"))]
        base_side = [k for k, u in enumerate(r_rows) if u.change != INSERTED]
        pairs = align([r_rows[k] for k in base_side], i_rows)
        counterpart = {base_side[a]: i_rows[b].element for a, (b, _) in pairs.items()}
        self._walk(r_rows, counterpart, i_tbl.append)

    def _row(self, unit: Unit, target, units, k, counterpart) -> None:
        if target is None:
            if unit.change != DELETED and unit.new_text != unit.text:
                self._conflict(None, units, k, counterpart, "a table row removed here was changed by the new "
                               "terms", unit.new_text)
            return
        issued_text = _row_texts(target, True)[0]
        if unit.change == DELETED:
            if issued_text != unit.text or not self._delete_row(target):
                self._conflict(_first_p(target), units, k, counterpart, "the new terms remove this row, which "
                               "was edited: it is kept", "")
            return
        for r_tc, i_tc in zip(unit.element.iter(w("tc")), target.iter(w("tc"))):
            r_ps, i_ps = list(r_tc.iter(w("p"))), list(i_tc.iter(w("p")))
            for r_p, i_p in zip(r_ps, i_ps):
                if paragraph_ops(r_p) and not self.paragraph(r_p, i_p):
                    self._beside(r_p, i_p)
                    self._conflict(i_p, units, k, counterpart, "edited here and changed by the new terms: the new "
                                   "wording follows as a tracked insertion", _texts(r_p)[1])

    def _delete_row(self, tr) -> bool:
        paragraphs = [Paragraph(p) for p in tr.iter(w("p"))]
        if not all(p.can_replace(0, len(p.text)) for p in paragraphs):
            return False
        for p in paragraphs:
            if p.text:
                p.replace(0, len(p.text), [], self.revision)
        from lxml import etree

        trpr = tr.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            prex = tr.find(w("tblPrEx"))
            (prex.addnext if prex is not None else lambda e: tr.insert(0, e))(trpr)
        if len(trpr) == 0:
            etree.SubElement(trpr, w("cantSplit"), {w("val"): "off"})
        trpr.append(self.revision.element("del"))
        return True

    # ------------------------------------------------------------------ conflicts, ids, numbering

    def _conflict(self, anchor, units, k, counterpart, what: str, new_text: str) -> None:
        if anchor is None:  # comment on the lawyers' next (or previous) aligned paragraph
            nearby = [counterpart[j] for j in list(range(k + 1, len(units))) + list(range(k - 1, -1, -1))
                      if j in counterpart]
            anchor = next((_first_p(e) for e in nearby if _first_p(e) is not None), None)
        self.conflicts.append(Conflict("", self.heading, what, new_text, anchor))

    def _renumber(self, element) -> None:
        """Fresh ids for the tracked changes and bookmarks of a copied element; numbering ids mapped."""
        bookmarks: dict = {}
        self.placed.append(element)
        for node in element.iter(w("ins"), w("del"), w("bookmarkStart"), w("bookmarkEnd")):
            if node.tag in (w("bookmarkStart"), w("bookmarkEnd")):
                old = node.get(w("id"))
                if old not in bookmarks:
                    bookmarks[old] = str(self.revision.ids.next())
                node.set(w("id"), bookmarks[old])
            else:
                node.set(w("id"), str(self.revision.ids.next()))
                node.set(w("author"), self.revision.author)
                node.set(w("date"), f"{self.revision.date}T00:00:00Z")
        for num in element.iter(w("numId")):
            num.set(w("val"), self.numbering.issued_id(num.get(w("val"))))

    def _learn_numbering(self, r_p, i_p) -> None:
        a = r_p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        b = i_p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        if a is not None and b is not None:
            self.numbering.learn(a.get(w("val")), b.get(w("val")))


def _first_p(element):
    if element is None:
        return None
    return element if element.tag == w("p") else next(element.iter(w("p")), None)


class NumberingMap:
    """Redline numbering ids -> the issued file's: learnt from aligned paragraphs; a list the issued file
    lacks (the paragraphs of a new schedule) is copied into its numbering part with a fresh id."""

    def __init__(self, redline_numbering, issued_numbering):
        self.redline, self.issued = redline_numbering, issued_numbering
        self.known: dict = {}
        self.changed = False

    def learn(self, redline_id: str, issued_id: str) -> None:
        self.known.setdefault(redline_id, issued_id)

    def issued_id(self, redline_id: str) -> str:
        if redline_id not in self.known:
            self.known[redline_id] = self._copy(redline_id) or redline_id
        return self.known[redline_id]

    def _copy(self, redline_id: str) -> str | None:
        if self.redline is None or self.issued is None:
            return None
        num = _find(self.redline, "num", "numId", redline_id)
        if num is None:
            return None
        abstract = _find(self.redline, "abstractNum", "abstractNumId", _val(num, "abstractNumId"))
        nsid = _val(abstract, "nsid") if abstract is not None else None
        target = next((a for a in self.issued.iterfind(w("abstractNum")) if nsid and _val(a, "nsid") == nsid), None)
        if target is None and abstract is not None:
            target = copy.deepcopy(abstract)
            target.set(w("abstractNumId"), str(_next_id(self.issued, "abstractNum", "abstractNumId")))
            last = list(self.issued.iterfind(w("abstractNum")))
            (last[-1].addnext if last else lambda e: self.issued.insert(0, e))(target)
        if target is None:
            return None
        new = copy.deepcopy(num)
        new_id = str(_next_id(self.issued, "num", "numId"))
        new.set(w("numId"), new_id)
        new.find(w("abstractNumId")).set(w("val"), target.get(w("abstractNumId")))
        nums = list(self.issued.iterfind(w("num")))
        (nums[-1].addnext if nums else target.addnext)(new)
        self.changed = True
        return new_id


def _find(root, tag: str, attr: str, value):
    return next((e for e in root.iterfind(w(tag)) if e.get(w(attr)) == value), None)


def _val(element, child: str):
    node = element.find(w(child))
    return node.get(w("val")) if node is not None else None


def _next_id(root, tag: str, attr: str) -> int:
    return 1 + max((int(e.get(w(attr))) for e in root.iterfind(w(tag)) if (e.get(w(attr)) or "").isdigit()),
                   default=0)
