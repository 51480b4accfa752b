"""Redline: the new version of a document with tracked changes against the old one.

``redline(old, new, revision) -> Document`` compares two resolved documents (Common Form's
"diff the model, not the output"): clauses and schedules are matched by id, paragraphs within
them are aligned with difflib on their text, and matched paragraphs that differ are compared
word by word. Changed words become ``Deleted``/``Inserted`` inline wrappers (deletions first);
paragraphs, tables rows, clauses and schedules that exist in one version only are marked as a
whole (``change = "inserted" | "deleted"``). A defined term, a cross-reference, a blank, a
drafting note, an amount (``£1,320,000,000``), a percentage (``15.00%``), a date
(``1 April 2027``) and a number are single tokens, so they change as one unit.

The result is the new document (its numbers and references) plus the deleted material in
place, and ``revision`` / ``previous`` set for the writers.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from .tree import (Clause, Deleted, Document, Inserted, Note, Para, Placeholder, Ref, Revision, Schedule, Table,
                   TermDef, TermUse, Text)
from .writers.text import inline_text

INSERTED, DELETED = "inserted", "deleted"
PAIR_RATIO = 0.5  # paragraphs at least this similar are compared word by word, not replaced whole

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
TOKEN = re.compile(rf"""
      £\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion))?      # an amount
    | \d{{1,2}}\s(?:{_MONTHS})\s\d{{4}}                    # a date
    | \d[\d,]*(?:\.\d+)?%                                  # a percentage
    | \d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?                   # a number
    | [^\W\d_]+(?:['’-][^\W\d_]+)*                         # a word
    | \s+
    | .
""", re.X | re.S)


# --------------------------------------------------------------------------- tokens


def tokens(inlines) -> list:
    """(key, inline) pairs: Text split into words, numbers, amounts and dates; the rest atoms."""
    out = []
    for item in inlines:
        if isinstance(item, Text):
            for m in TOKEN.finditer(item.text):
                out.append((("t", m.group(), item.bold, item.italic), Text(m.group(), item.bold, item.italic)))
        elif isinstance(item, TermUse):
            out.append((("u", item.term, item.text), item))
        elif isinstance(item, TermDef):
            out.append((("d", item.term), item))
        elif isinstance(item, Ref):
            out.append((("r", item.target, item.number), item))
        elif isinstance(item, Placeholder):
            out.append((("p", item.hint), item))
        elif isinstance(item, Note):
            out.append((("n", item.text), item))
        else:  # already a redline wrapper: keep it whole
            out.append((("x", repr(item)), item))
    return out


def _merge(items) -> tuple:
    """Adjacent Text with the same formatting joined into one."""
    out: list = []
    for item in items:
        if out and isinstance(item, Text) and isinstance(out[-1], Text) and \
                (item.bold, item.italic) == (out[-1].bold, out[-1].italic):
            out[-1] = Text(out[-1].text + item.text, item.bold, item.italic)
        else:
            out.append(item)
    return tuple(out)


def _blank(token) -> bool:
    return token[0][0] == "t" and not token[0][1].strip()


def diff_inlines(old, new) -> tuple:
    """``new`` with words changed since ``old`` wrapped in Deleted / Inserted (deletions first)."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, [k for k, _ in a], [k for k, _ in b], autojunk=False)
    groups = []  # [equal?, old tokens, new tokens]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        groups.append([tag == "equal", a[i1:i2], b[j1:j2]])
    # A run of spaces between two changes joins them: "[-15.00% of-] {+20.00% of+}", not three changes.
    for k in range(1, len(groups) - 1):
        g = groups[k]
        if g[0] and all(_blank(t) for t in g[1]) and not groups[k - 1][0] and not groups[k + 1][0]:
            g[0] = False
    out: list = []
    pending_old: list = []
    pending_new: list = []

    def flush():
        if pending_old:
            out.append(Deleted(_merge(i for _, i in pending_old)))
        if pending_new:
            out.append(Inserted(_merge(i for _, i in pending_new)))
        pending_old.clear()
        pending_new.clear()

    for equal, old_tokens, new_tokens in groups:
        if equal:
            flush()
            out.extend(i for _, i in new_tokens)
        else:
            pending_old.extend(old_tokens)
            pending_new.extend(new_tokens)
    flush()
    return _merge(out)


# --------------------------------------------------------------------------- blocks


def _block_key(block) -> tuple:
    if isinstance(block, Para):
        return ("p", block.style, block.level, inline_text(block.inlines))
    return ("t", tuple(inline_text(c) for c in block.header), len(block.rows))


def _block_text(block) -> str:
    if isinstance(block, Para):
        return inline_text(block.inlines)
    return "\n".join(" | ".join(inline_text(c) for c in row) for row in (block.header,) + tuple(block.rows))


def _ratio(a, b) -> float:
    if type(a) is not type(b):
        return 0.0
    if isinstance(a, Para) and a.style != b.style:
        return 0.0
    ka = [k for k, _ in tokens((Text(_block_text(a)),))]
    kb = [k for k, _ in tokens((Text(_block_text(b)),))]
    m = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    if m.real_quick_ratio() < PAIR_RATIO or m.quick_ratio() < PAIR_RATIO:
        return 0.0
    return m.ratio()


def _deleted(block, new_anchors: set):
    if isinstance(block, Para):
        anchor = "" if block.anchor in new_anchors else block.anchor
        return replace(block, change=DELETED, anchor=anchor)
    return replace(block, change=DELETED, row_changes=tuple(DELETED for _ in block.rows))


def _inserted(block):
    if isinstance(block, Para):
        return replace(block, change=INSERTED)
    return replace(block, change=INSERTED, row_changes=tuple(INSERTED for _ in block.rows))


def _changed(old, new):
    """Two aligned blocks of the same kind: the new one with word-level changes."""
    if isinstance(new, Para):
        if old.inlines == new.inlines:
            return new
        return replace(new, inlines=diff_inlines(old.inlines, new.inlines))
    return _table(old, new)


def _table(old: Table, new: Table) -> Table:
    header = new.header
    if old.header != new.header:
        header = _cells(old.header, new.header)
    old_keys = [tuple(inline_text(c) for c in r) for r in old.rows]
    new_keys = [tuple(inline_text(c) for c in r) for r in new.rows]
    rows, changes = [], []
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += new.rows[j1:j2]
            changes += [""] * (j2 - j1)
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # same place in the table: cell by cell
            rows.append(_cells(old.rows[i1 + k], new.rows[j1 + k]))
            changes.append("")
        for k in range(i1 + paired, i2):
            rows.append(old.rows[k])
            changes.append(DELETED)
        for k in range(j1 + paired, j2):
            rows.append(new.rows[k])
            changes.append(INSERTED)
    return replace(new, header=header, rows=tuple(rows), row_changes=tuple(changes))


def _cells(old_row, new_row) -> tuple:
    out = []
    for k in range(max(len(old_row), len(new_row))):
        a = tuple(old_row[k]) if k < len(old_row) else ()
        b = tuple(new_row[k]) if k < len(new_row) else ()
        out.append(b if a == b else diff_inlines(a, b))
    return tuple(out)


def diff_blocks(old: tuple, new: tuple, new_anchors: set = frozenset()) -> tuple:
    """Align two block lists; matched blocks compared word by word, the rest inserted/deleted."""
    out: list = []
    matcher = difflib.SequenceMatcher(None, [_block_key(b) for b in old], [_block_key(b) for b in new],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(new[j1:j2])
        else:
            out.extend(_replace_range(old[i1:i2], new[j1:j2], new_anchors))
    return tuple(out)


def _replace_range(old: tuple, new: tuple, new_anchors: set) -> list:
    """Like difflib.Differ's fancy replace: pair the most similar blocks, recurse either side."""
    if not old:
        return [_inserted(b) for b in new]
    if not new:
        return [_deleted(b, new_anchors) for b in old]
    best, best_i, best_j = PAIR_RATIO, -1, -1
    if len(old) * len(new) <= 400:
        for i, a in enumerate(old):
            for j, b in enumerate(new):
                r = _ratio(a, b)
                if r > best:
                    best, best_i, best_j = r, i, j
    else:  # large ranges: pair in order only
        for k in range(min(len(old), len(new))):
            r = _ratio(old[k], new[k])
            if r > best:
                best, best_i, best_j = r, k, k
                break
    if best_i < 0:
        return [_deleted(b, new_anchors) for b in old] + [_inserted(b) for b in new]
    return (_replace_range(old[:best_i], new[:best_j], new_anchors)
            + [_changed(old[best_i], new[best_j])]
            + _replace_range(old[best_i + 1:], new[best_j + 1:], new_anchors))


# --------------------------------------------------------------------------- clauses and documents


def _anchors(document: Document) -> set:
    found = {c.id for c in document.clauses + document.schedules}
    for part in (document.preamble,) + tuple(c.blocks for c in document.clauses + document.schedules):
        found.update(b.anchor for b in part if isinstance(b, Para) and b.anchor)
    return found


def _parts(old: tuple, new: tuple, new_anchors: set) -> tuple:
    """Clauses (or schedules) matched by id, in the new order, deleted ones where they stood."""
    out: list = []
    matcher = difflib.SequenceMatcher(None, [p.id for p in old], [p.id for p in new], autojunk=False)
    new_ids = {p.id for p in new}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                out.append(_part(a, b, new_anchors))
            continue
        for a in old[i1:i2]:
            if a.id not in new_ids:
                out.append(replace(a, change=DELETED,
                                   blocks=tuple(_deleted(x, new_anchors) for x in a.blocks)))
        for b in new[j1:j2]:
            previous = next((a for a in old if a.id == b.id), None)
            if previous is not None:  # moved: compared where it now stands
                out.append(_part(previous, b, new_anchors))
            else:
                out.append(replace(b, change=INSERTED, blocks=tuple(_inserted(x) for x in b.blocks)))
    return tuple(out)


def _part(old, new, new_anchors: set):
    blocks = new.blocks if old.blocks == new.blocks else diff_blocks(old.blocks, new.blocks, new_anchors)
    title_inlines = ()
    if old.title != new.title:
        title_inlines = diff_inlines((Text(old.title),), (Text(new.title),))
    return replace(new, blocks=blocks, title_inlines=title_inlines)


def redline(old: Document, new: Document, revision: Revision) -> Document:
    """The new document with tracked changes against the old one (both resolved)."""
    new_anchors = _anchors(new)
    return replace(new, preamble=diff_blocks(old.preamble, new.preamble, new_anchors),
                   clauses=_parts(old.clauses, new.clauses, new_anchors),
                   schedules=_parts(old.schedules, new.schedules, new_anchors),
                   revision=revision, previous=old)


# --------------------------------------------------------------------------- reading a redline


def accept(inlines) -> tuple:
    """The inlines with every change accepted (for tests and summaries)."""
    out = []
    for item in inlines:
        if isinstance(item, Inserted):
            out.extend(accept(item.inlines))
        elif not isinstance(item, Deleted):
            out.append(item)
    return tuple(out)


def reject(inlines) -> tuple:
    out = []
    for item in inlines:
        if isinstance(item, Deleted):
            out.extend(reject(item.inlines))
        elif not isinstance(item, Inserted):
            out.append(item)
    return tuple(out)


def count_changes(document: Document) -> dict:
    """{"inserted": n, "deleted": n}: wrappers, whole paragraphs, rows and clauses, for reports."""
    counts = {INSERTED: 0, DELETED: 0}

    def inl(inlines):
        for item in inlines:
            if isinstance(item, Inserted):
                counts[INSERTED] += 1
            elif isinstance(item, Deleted):
                counts[DELETED] += 1

    def blocks(bs):
        for b in bs:
            if isinstance(b, Para):
                if b.change:
                    counts[b.change] += 1
                else:
                    inl(b.inlines)
            else:
                for c in b.row_changes:
                    if c:
                        counts[c] += 1
                for row in (b.header,) + tuple(b.rows):
                    for cell in row:
                        inl(cell)

    blocks(document.preamble)
    for part in document.clauses + document.schedules:
        if part.change:
            counts[part.change] += 1
            continue
        inl(part.title_inlines)
        blocks(part.blocks)
    return counts
