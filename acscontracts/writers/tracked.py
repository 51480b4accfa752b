"""Tracked changes in WordprocessingML, as XML fragments for the Word writer: ``w:ins`` /
``w:del`` around runs, paragraph-mark and table-row revisions, and a paragraph-level
comparison for the parts the writer generates itself (front page, execution page).

Pandoc's way (``Docx/OpenXML.hs``): sequential ``w:id``s, author and date from the document
(never the clock), deleted text as ``w:delText`` and deleted field codes as ``w:delInstrText``.
Fragments come from ``ooxml`` builders, so every user string in them is already escaped and
the only tags are the ones those builders write.
"""
from __future__ import annotations

import difflib
import re

from .ooxml import esc_attr

INSERTED, DELETED = "inserted", "deleted"
FIRST_ID = 90001  # revision ids kept well clear of the writer's bookmark ids (1, 2, ...)
_TAG = {INSERTED: "w:ins", DELETED: "w:del"}
_DELETED_TEXT = (("<w:t>", "<w:delText>"), ("<w:t xml:space=\"preserve\">", "<w:delText xml:space=\"preserve\">"),
                 ("</w:t>", "</w:delText>"), ("<w:instrText ", "<w:delInstrText "),
                 ("<w:instrText>", "<w:delInstrText>"), ("</w:instrText>", "</w:delInstrText>"))
_PARAGRAPH = re.compile(r"(<w:p>(?:<w:pPr>.*?</w:pPr>)?)(.*)(</w:p>)\Z", re.S)
_BOOKMARK = re.compile(r"(<w:bookmark(?:Start|End) [^>]*/>)")
_P_IN_ROW = re.compile(r"<w:p>.*?</w:p>", re.S)


class Revisions:
    """Author, date and the next ``w:id`` for one document's tracked changes."""

    def __init__(self, author: str, date: str, first_id: int = FIRST_ID):
        self.author = esc_attr(author or "acscontracts")
        self.date = esc_attr(date if "T" in date else f"{date}T00:00:00Z")
        self.next_id = first_id

    def _attrs(self) -> str:
        rid = self.next_id
        self.next_id += 1
        return f'w:id="{rid}" w:author="{self.author}" w:date="{self.date}"'

    def open(self, kind: str) -> str:
        return f"<{_TAG[kind]} {self._attrs()}>"

    @staticmethod
    def close(kind: str) -> str:
        return f"</{_TAG[kind]}>"

    def mark(self, kind: str) -> str:
        """An empty ``w:ins`` / ``w:del``: for a paragraph mark (in ``w:rPr``) or a row (``w:trPr``)."""
        return f"<{_TAG[kind]} {self._attrs()}/>"


def as_deleted(xml: str) -> str:
    """Runs as deleted runs: ``w:t`` -> ``w:delText``, ``w:instrText`` -> ``w:delInstrText``."""
    for old, new in _DELETED_TEXT:
        xml = xml.replace(old, new)
    return xml


def wrap(xml: str, kind: str, revisions: Revisions) -> str:
    """Runs inside one ``w:ins`` / ``w:del``."""
    if not xml:
        return ""
    return revisions.open(kind) + (as_deleted(xml) if kind == DELETED else xml) + revisions.close(kind)


def mark_paragraph(p_xml: str, kind: str, revisions: Revisions) -> str:
    """A whole paragraph inserted or deleted: its runs (bookmarks stay outside) and its mark."""
    m = _PARAGRAPH.match(p_xml)
    if m is None:
        raise ValueError(f"not a paragraph fragment: {p_xml[:60]!r}")
    head, content, close = m.groups()
    mark = f"<w:rPr>{revisions.mark(kind)}</w:rPr>"
    head = head[:-len("</w:pPr>")] + mark + "</w:pPr>" if head.endswith("</w:pPr>") else \
        f"<w:p><w:pPr>{mark}</w:pPr>"
    pieces = _BOOKMARK.split(content)
    body = "".join(piece if _BOOKMARK.fullmatch(piece) else wrap(piece, kind, revisions) for piece in pieces)
    return head + body + close


def mark_row(tr_xml: str, kind: str, revisions: Revisions) -> str:
    """A whole table row inserted or deleted: ``w:trPr/w:ins|w:del`` and every paragraph in it."""
    if tr_xml.startswith("<w:tr><w:trPr>"):
        end = tr_xml.index("</w:trPr>")
        tr_xml = tr_xml[:end] + revisions.mark(kind) + tr_xml[end:]
    else:  # the schema wants at least one row property before the revision: the default one
        tr_xml = f'<w:tr><w:trPr><w:cantSplit w:val="off"/>{revisions.mark(kind)}</w:trPr>' + tr_xml[len("<w:tr>"):]
    return _P_IN_ROW.sub(lambda m: mark_paragraph(m.group(), kind, revisions), tr_xml)


def merge_paragraphs(old: list, new: list, revisions: Revisions) -> list:
    """The new paragraphs, with old ones that are gone marked deleted where they stood and new
    ones marked inserted (a changed paragraph shows as deleted, then inserted)."""
    old, new = _P_IN_ROW.findall("".join(old)), _P_IN_ROW.findall("".join(new))  # one paragraph an item
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(new[j1:j2])
            continue
        out.extend(mark_paragraph(p, DELETED, revisions) for p in old[i1:i2])
        out.extend(mark_paragraph(p, INSERTED, revisions) for p in new[j1:j2])
    return out
