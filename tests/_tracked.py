"""Test helper: accept or reject the tracked changes of one author in a .docx, as Word does, and read back
its paragraphs, comments and pending changes.

``settle(root, author, accept)`` works on a parsed ``word/document.xml`` in place: paragraph marks,
runs (``w:ins`` / ``w:del``) and table rows (``w:trPr``) of that author only; other authors' changes are
left pending. ``drop_comments(root, ids)`` removes the ranges and marks of those comments.
``canonical(root)`` is the XML with adjacent runs of identical formatting joined, so that a run split in
two and joined again compares equal to the original.
"""
from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def parts(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def document_xml(data: bytes):
    return etree.fromstring(parts(data)["word/document.xml"])


def _by(el, author) -> bool:
    return author is None or el.get(q("author")) == author


def settle(root, author: str | None, accept: bool):
    """Accept (or reject) the tracked changes of ``author`` (None: everyone's) in document.xml, in place."""
    keep, drop = (q("ins"), q("del")) if accept else (q("del"), q("ins"))
    for tr in list(root.iter(q("tr"))):
        mark = tr.find(f"{q('trPr')}/{drop}")
        if mark is not None and _by(mark, author):
            tr.getparent().remove(tr)
    for tbl in list(root.iter(q("tbl"))):
        if tbl.find(q("tr")) is None:
            tbl.getparent().remove(tbl)
    # paragraphs whose mark goes: their content joins the next paragraph (whole-paragraph changes: empty)
    for p in list(root.iter(q("p"))):
        mark = p.find(f"{q('pPr')}/{q('rPr')}/{drop}")
        if mark is None or not _by(mark, author):
            continue
        following = p.getnext()
        content = [c for c in p if c.tag != q("pPr") and not (c.tag == drop and _by(c, author))]
        if not any(c.tag in (q("r"), q("ins"), q("del"), q("hyperlink")) for c in content):
            content = []  # nothing of it is left: its bookmarks go with it
        if following is not None and following.tag == q("p"):
            ppr = following.find(q("pPr"))
            at = 1 if ppr is not None else 0
            for child in content:
                following.insert(at, child)
                at += 1
        p.getparent().remove(p)
    for el in list(root.iter(drop)):
        if _by(el, author) and el.getparent().tag not in (q("rPr"), q("trPr")):
            el.getparent().remove(el)
    for el in list(root.iter(keep)):
        if not _by(el, author):
            continue
        parent = el.getparent()
        if parent.tag in (q("rPr"), q("trPr")):
            parent.remove(el)
            if parent.tag == q("trPr") and [c.tag for c in parent] == [q("cantSplit")] and \
                    parent.find(q("cantSplit")).get(q("val")) == "off":
                parent.getparent().remove(parent)
            elif parent.tag == q("rPr") and len(parent) == 0:
                parent.getparent().remove(parent)
            continue
        index = parent.index(el)
        for child in list(el):
            if not accept:
                for node in child.iter(q("delText"), q("delInstrText")):
                    node.tag = q("t") if node.tag == q("delText") else q("instrText")
            parent.insert(index, child)
            index += 1
        parent.remove(el)
    return root


def comment_ids(data: bytes, author: str) -> set:
    comments = parts(data).get("word/comments.xml")
    if comments is None:
        return set()
    return {c.get(q("id")) for c in etree.fromstring(comments).iter(q("comment")) if _by(c, author)}


def comments(data: bytes) -> list:
    """[(id, author, text)] of every comment."""
    xml = parts(data).get("word/comments.xml")
    if xml is None:
        return []
    return [(c.get(q("id")), c.get(q("author")), "\n".join("".join(t.text or "" for t in p.iter(q("t")))
                                                            for p in c.iter(q("p"))))
            for c in etree.fromstring(xml).iter(q("comment"))]


def drop_comments(root, ids: set):
    for el in list(root.iter(q("commentRangeStart"), q("commentRangeEnd"))):
        if el.get(q("id")) in ids:
            el.getparent().remove(el)
    for ref in list(root.iter(q("commentReference"))):
        if ref.get(q("id")) in ids:
            run = ref.getparent()
            run.getparent().remove(run)
    return root


def canonical(root) -> bytes:
    """XML with adjacent plain runs of the same formatting joined into one (text compared, not run splits)."""
    root = copy.deepcopy(root)
    for parent in list(root.iter()):
        children = list(parent)
        previous = None
        for child in children:
            if child.tag == q("r") and _plain(child):
                if previous is not None and _rpr(previous) == _rpr(child):
                    last_t = previous.findall(q("t"))[-1] if previous.findall(q("t")) else None
                    for node in list(child):
                        if node.tag == q("rPr"):
                            continue
                        if node.tag == q("t") and last_t is not None and previous[-1] is last_t:
                            last_t.text = (last_t.text or "") + (node.text or "")
                        else:
                            previous.append(node)
                            last_t = node if node.tag == q("t") else None
                    parent.remove(child)
                    continue
                previous = child
            else:
                previous = None
    for t in root.iter(q("t")):
        t.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
    return etree.tostring(root, method="c14n")


def _plain(run) -> bool:
    return all(c.tag in (q("rPr"), q("t"), q("tab"), q("br")) for c in run)


def _rpr(run) -> bytes:
    rpr = run.find(q("rPr"))
    return etree.tostring(rpr, method="c14n") if rpr is not None else b""


def paragraph_texts(root) -> list:
    """Visible text of every paragraph (pending deletions left out), contents field left out."""
    out = []
    for p in root.iter(q("p")):
        style = p.find(f"{q('pPr')}/{q('pStyle')}")
        if style is not None and style.get(q("val")) in ("TOC1", "TOC2", "ContentsHeading"):
            continue
        parts_ = []
        for node in p.iter(q("t"), q("tab"), q("br")):
            parts_.append(node.text or "" if node.tag == q("t") else "\t" if node.tag == q("tab") else "\n")
        out.append("".join(parts_))
    return out


def authors(root) -> set:
    return {el.get(q("author")) for el in root.iter(q("ins"), q("del"))}
