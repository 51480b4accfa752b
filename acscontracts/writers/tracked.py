"""Tracked changes in WordprocessingML: ``w:ins`` / ``w:del`` around runs, paragraph-mark and
table-row revisions, and a paragraph-level comparison for parts the writer generates itself.

Pandoc's way (``Docx/OpenXML.hs``): sequential ``w:id``s, author and date from the document
(never the clock), deleted text as ``w:delText`` and deleted field codes as ``w:delInstrText``.
"""
from __future__ import annotations

import difflib

from lxml import etree

from .ooxml import PPR, PPR_ORDER, P, R, RPR, insert_ordered, w

INS, DEL = w("ins"), w("del")
_RUN_LIKE = {R, w("hyperlink"), w("fldSimple"), w("smartTag"), w("sdt")}
_DELETED_NAMES = {w("t"): w("delText"), w("instrText"): w("delInstrText")}
FIRST_ID = 90001  # revision ids kept well clear of the writer's bookmark ids (1, 2, ...)


class Revisions:
    """Author, date and the next ``w:id`` for one document's tracked changes."""

    def __init__(self, author: str, date: str, first_id: int = FIRST_ID):
        self.author = author or "acscontracts"
        self.date = date if "T" in date else f"{date}T00:00:00Z"
        self.next_id = first_id

    def attrs(self) -> dict:
        rid = self.next_id
        self.next_id += 1
        return {w("id"): str(rid), w("author"): self.author, w("date"): self.date}

    def element(self, parent, kind: str):
        """Append an empty ``w:ins`` (kind "inserted") or ``w:del`` ("deleted") to ``parent``."""
        return etree.SubElement(parent, INS if kind == "inserted" else DEL, self.attrs())


def as_deleted(element) -> None:
    """Deleted content: ``w:t`` -> ``w:delText``, ``w:instrText`` -> ``w:delInstrText`` (in place)."""
    for node in element.iter(*_DELETED_NAMES):
        node.tag = _DELETED_NAMES[node.tag]


def wrap_runs(p, kind: str, revisions: Revisions) -> None:
    """Every run of ``p`` (outside existing revisions) inside ``w:ins`` / ``w:del``; bookmarks stay put."""
    group = None
    for child in list(p):
        if child.tag in _RUN_LIKE:
            if group is None:
                group = etree.Element(INS if kind == "inserted" else DEL, revisions.attrs())
                child.addprevious(group)
            group.append(child)
        else:  # pPr, bookmarks
            group = None
    if kind == "deleted":
        for d in p.iter(DEL):
            as_deleted(d)


def mark_paragraph_mark(p, kind: str, revisions: Revisions) -> None:
    """The paragraph mark itself inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        insert_ordered(ppr, rpr, PPR_ORDER)
    rpr.insert(0, etree.Element(INS if kind == "inserted" else DEL, revisions.attrs()))


def mark_paragraph(p, kind: str, revisions: Revisions) -> None:
    """A whole paragraph inserted or deleted: its runs and its mark."""
    wrap_runs(p, kind, revisions)
    mark_paragraph_mark(p, kind, revisions)


def mark_row(tr, kind: str, revisions: Revisions) -> None:
    """A whole table row inserted or deleted: ``w:trPr/w:ins|w:del`` and every paragraph in it."""
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        tblpr_ex = tr.find(w("tblPrEx"))
        (tblpr_ex.addnext if tblpr_ex is not None else lambda e: tr.insert(0, e))(trpr)
    trpr.append(etree.Element(INS if kind == "inserted" else DEL, revisions.attrs()))
    for p in tr.iter(P):
        mark_paragraph(p, kind, revisions)


def _key(p) -> tuple:
    style = p.find(f"{PPR}/{w('pStyle')}")
    text = "".join(t.text or "" for t in p.iter(w("t"), w("tab"), w("br"))
                   if t.tag == w("t")) + "|" + str(sum(1 for _ in p.iter(w("tab"))))
    return (style.get(w("val")) if style is not None else "", text)


def merge_paragraphs(parent, old_ps: list, new_ps: list, revisions: Revisions) -> None:
    """Append to ``parent`` the new paragraphs, with old ones that are gone marked deleted and new
    ones marked inserted (a changed paragraph is shown deleted then inserted)."""
    matcher = difflib.SequenceMatcher(None, [_key(p) for p in old_ps], [_key(p) for p in new_ps],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for p in new_ps[j1:j2]:
                parent.append(p)
            continue
        for p in old_ps[i1:i2]:
            mark_paragraph(p, "deleted", revisions)
            parent.append(p)
        for p in new_ps[j1:j2]:
            mark_paragraph(p, "inserted", revisions)
            parent.append(p)
