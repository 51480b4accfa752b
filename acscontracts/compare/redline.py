"""Redline: the new version of a document with tracked changes against the old one.

``redline(old, new, revision) -> Document`` compares two resolved documents (Common Form's
"diff the model, not the output"): clauses and schedules are matched by id, paragraphs within
them are aligned with difflib on their text, and matched paragraphs that differ are compared
word by word. Changed words become ``Deleted``/``Inserted`` inline wrappers (deletions first);
paragraphs, tables rows, clauses and schedules that exist in one version only are marked as a
whole (``change = "inserted" | "deleted"``). A defined term, a cross-reference, a blank, a
drafting note, an amount (``£1,320,000,000``, ``(one million pounds)``), a percentage (``15.00%``),
a date (``1 April 2027``), a count (``six (6)``) and a number are single tokens, so they change as
one unit.

The result is the new document (its numbers and references) plus the deleted material in
place, and ``revision`` / ``previous`` set for the writers.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from acscontracts.engine.tree import Deleted, Document, Inserted, Note, Para, Placeholder, Ref, Revision, Table, TermDef, TermUse, Text
from acscontracts.writers.text import block_text as _block_text, inline_text

INSERTED, DELETED = "inserted", "deleted"
PAIR_RATIO = 0.5  # paragraphs at least this similar are compared word by word, not replaced whole

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NUMBER_WORD = ("(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                "hundred|thousand|million|billion)")
_IN_WORDS = rf"{_NUMBER_WORD}(?:(?:,?\s|-)(?:and\s)?{_NUMBER_WORD})*"
TOKEN = re.compile(rf"""
      £\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion))?                # an amount
    | \((?i:{_IN_WORDS})\spounds?(?:\sand\s(?i:{_IN_WORDS})\spence)?\)  # ... and in words
    | (?i:{_IN_WORDS})\s\(\d[\d,]*\)                               # a count: six (6)
    | \d{{1,2}}\s(?:{_MONTHS})\s\d{{4}}                              # a date
    | \d[\d,]*(?:\.\d+)?%                                            # a percentage
    | \d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?                             # a number
    | [^\W\d_]+(?:['’-][^\W\d_]+)*                                   # a word
    | \s+
    | .
""", re.X | re.S)


# --------------------------------------------------------------------------- tokens


def _atom_text(item) -> str:
    return inline_text((item,))


def tokens(inlines, by_text: bool = False) -> list:
    """(key, inline, atom) triples: Text split into words, numbers, amounts and dates; terms, references,
    blanks and notes are atoms. ``by_text`` (comparing with a plain-text version): keys are the text
    alone and an atom is split into its words, all pointing at the one atom (``atom`` is its index)."""
    out = []
    for index, item in enumerate(inlines):
        if isinstance(item, Text):
            for m in TOKEN.finditer(item.text):
                key = ("t", m.group()) if by_text else ("t", m.group(), item.bold, item.italic)
                out.append((key, Text(m.group(), item.bold, item.italic), None))
        elif by_text:
            for m in TOKEN.finditer(_atom_text(item)):
                out.append((("t", m.group()), item, index))
        elif isinstance(item, TermUse):
            out.append((("u", item.term, item.text), item, index))
        elif isinstance(item, TermDef):
            out.append((("d", item.term), item, index))
        elif isinstance(item, Ref):
            out.append((("r", item.target, item.number), item, index))
        elif isinstance(item, Placeholder):
            out.append((("p", item.hint), item, index))
        elif isinstance(item, Note):
            out.append((("n", item.text), item, index))
        else:  # already a redline wrapper: keep it whole
            out.append((("x", repr(item)), item, index))
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


def _spread(tokens_: list, changed: list) -> None:
    """An atom changes as one unit: if any of its tokens changed, all of them did."""
    hit = {t[2] for t, c in zip(tokens_, changed) if c and t[2] is not None}
    for k, t in enumerate(tokens_):
        if t[2] in hit:
            changed[k] = True


def diff_inlines(old, new, by_text: bool = False) -> tuple:
    """``new`` with words changed since ``old`` wrapped in Deleted / Inserted (deletions first)."""
    a, b = tokens(old, by_text), tokens(new, by_text)
    matcher = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    old_changed, new_changed = [True] * len(a), [True] * len(b)
    pairs = {}  # new index -> old index, for tokens left equal
    for i1, j1, size in matcher.get_matching_blocks():
        for k in range(size):
            old_changed[i1 + k] = new_changed[j1 + k] = False
            pairs[j1 + k] = i1 + k
    # A run of spaces between two changes joins them: "[-15.00% of-] {+20.00% of+}", not three changes.
    _join_blank_runs(b, new_changed, pairs, old_changed)
    while True:  # spreading over atoms on one side can unpair tokens on the other: repeat until stable
        before = (list(old_changed), list(new_changed))
        _spread(a, old_changed)
        _spread(b, new_changed)
        for j, i in pairs.items():
            if new_changed[j] or old_changed[i]:
                new_changed[j] = old_changed[i] = True
        if (old_changed, new_changed) == before:
            break
    out: list = []
    pending_old: list = []
    pending_new: list = []
    emitted_atoms: set = set()

    def take(token, into: list, atoms: set):
        if token[2] is None:
            into.append(token[1])
        elif token[2] not in atoms:
            atoms.add(token[2])
            into.append(token[1])

    deleted_atoms: set = set()
    inserted_atoms: set = set()

    def flush():
        if pending_old:
            out.append(Deleted(_merge(pending_old)))
        if pending_new:
            out.append(Inserted(_merge(pending_new)))
        pending_old.clear()
        pending_new.clear()

    i = j = 0
    while i < len(a) or j < len(b):
        if i < len(a) and old_changed[i]:
            take(a[i], pending_old, deleted_atoms)
            i += 1
        elif j < len(b) and new_changed[j]:
            take(b[j], pending_new, inserted_atoms)
            j += 1
        else:  # an equal pair
            flush()
            take(b[j], out, emitted_atoms)
            i += 1
            j += 1
    flush()
    return _merge(out)


def _join_blank_runs(b: list, new_changed: list, pairs: dict, old_changed: list) -> None:
    """Equal runs made only of spaces, with a change on both sides, become part of the change."""
    n = len(b)
    j = 0
    while j < n:
        if new_changed[j]:
            j += 1
            continue
        k = j
        while k < n and not new_changed[k]:
            k += 1
        run = range(j, k)
        if j > 0 and k < n and all(_blank(b[x]) for x in run):
            for x in run:
                new_changed[x] = True
                old_changed[pairs[x]] = True
        j = k


# --------------------------------------------------------------------------- blocks


def _block_key(block) -> tuple:
    if isinstance(block, Para):
        return ("p", block.style, block.level, inline_text(block.inlines))
    return ("t",) + tuple(tuple(inline_text(c) for c in row) for row in (block.header,) + tuple(block.rows))


def _columns(table: Table) -> set:
    return {len(row) for row in (table.header,) + tuple(table.rows)}


def _ratio(a, b) -> float:
    if type(a) is not type(b):
        return 0.0
    if isinstance(a, Table) and _columns(a) != _columns(b):  # a new shape: replaced whole
        return 0.0
    ka = [t[0] for t in tokens((Text(_block_text(a)),))]
    kb = [t[0] for t in tokens((Text(_block_text(b)),))]
    m = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    if m.real_quick_ratio() < PAIR_RATIO or m.quick_ratio() < PAIR_RATIO:
        return 0.0
    return m.ratio()


class _Differ:
    """One comparison: the anchors of the new version, and whether the old one is plain text."""

    def __init__(self, new_anchors: set, by_text: bool = False):
        self.new_anchors = new_anchors
        self.by_text = by_text

    def deleted(self, block):
        if isinstance(block, Para):
            anchor = "" if block.anchor in self.new_anchors else block.anchor
            return replace(block, change=DELETED, anchor=anchor)
        return replace(block, change=DELETED, row_changes=tuple(DELETED for _ in block.rows))

    @staticmethod
    def inserted(block):
        if isinstance(block, Para):
            return replace(block, change=INSERTED)
        return replace(block, change=INSERTED, row_changes=tuple(INSERTED for _ in block.rows))

    def inlines(self, old, new) -> tuple:
        same = inline_text(old) == inline_text(new) if self.by_text else tuple(old) == tuple(new)
        return tuple(new) if same else diff_inlines(old, new, self.by_text)

    def changed(self, old, new):
        """Two aligned blocks: the new one with word-level changes."""
        if isinstance(new, Para):
            return replace(new, inlines=self.inlines(old.inlines, new.inlines))
        return self.table(old, new)

    def table(self, old: Table, new: Table) -> Table:
        header = self.cells(old.header, new.header)
        old_keys = [tuple(inline_text(c) for c in r) for r in old.rows]
        new_keys = [tuple(inline_text(c) for c in r) for r in new.rows]
        rows, changes = [], []
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                rows += [self.cells(o, n) for o, n in zip(old.rows[i1:i2], new.rows[j1:j2])]
                changes += [""] * (j2 - j1)
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(paired):  # same place in the table: cell by cell
                rows.append(self.cells(old.rows[i1 + k], new.rows[j1 + k]))
                changes.append("")
            for k in range(i1 + paired, i2):
                rows.append(old.rows[k])
                changes.append(DELETED)
            for k in range(j1 + paired, j2):
                rows.append(new.rows[k])
                changes.append(INSERTED)
        return replace(new, header=header, rows=tuple(rows), row_changes=tuple(changes))

    def cells(self, old_row, new_row) -> tuple:
        out = []
        for k in range(len(new_row)):
            a = tuple(old_row[k]) if k < len(old_row) else ()
            out.append(self.inlines(a, tuple(new_row[k])))
        return tuple(out)

    def blocks(self, old: tuple, new: tuple) -> tuple:
        """Align two block lists; matched blocks compared word by word, the rest inserted/deleted."""
        out: list = []
        matcher = difflib.SequenceMatcher(None, [_block_key(b) for b in old], [_block_key(b) for b in new],
                                          autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out.extend(self.changed(a, b) if self.by_text else b for a, b in zip(old[i1:i2], new[j1:j2]))
            else:
                out.extend(self.replace_range(old[i1:i2], new[j1:j2]))
        return tuple(out)

    def replace_range(self, old: tuple, new: tuple) -> list:
        """Like difflib.Differ's fancy replace: pair the most similar blocks, recurse either side."""
        if not old:
            return [self.inserted(b) for b in new]
        if not new:
            return [self.deleted(b) for b in old]
        best, best_i, best_j = PAIR_RATIO, -1, -1
        if len(old) * len(new) <= 400:
            for i, a in enumerate(old):
                for j, b in enumerate(new):
                    r = _ratio(a, b)
                    if r > best:
                        best, best_i, best_j = r, i, j
        else:  # a large range: the first similar pair in order
            for k in range(min(len(old), len(new))):
                if _ratio(old[k], new[k]) > best:
                    best_i = best_j = k
                    break
        if best_i < 0:
            return [self.deleted(b) for b in old] + [self.inserted(b) for b in new]
        return (self.replace_range(old[:best_i], new[:best_j])
                + [self.changed(old[best_i], new[best_j])]
                + self.replace_range(old[best_i + 1:], new[best_j + 1:]))

    def parts(self, old: tuple, new: tuple) -> tuple:
        """Clauses (or schedules) matched by id, in the new order, deleted ones where they stood."""
        out: list = []
        matcher = difflib.SequenceMatcher(None, [p.id for p in old], [p.id for p in new], autojunk=False)
        new_ids = {p.id for p in new}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out.extend(self.part(a, b) for a, b in zip(old[i1:i2], new[j1:j2]))
                continue
            for a in old[i1:i2]:
                if a.id not in new_ids:
                    out.append(replace(a, change=DELETED, blocks=tuple(self.deleted(x) for x in a.blocks)))
            for b in new[j1:j2]:
                previous = next((a for a in old if a.id == b.id), None)
                if previous is not None:  # moved: compared where it now stands
                    out.append(self.part(previous, b))
                else:
                    out.append(replace(b, change=INSERTED, blocks=tuple(self.inserted(x) for x in b.blocks)))
        return tuple(out)

    def part(self, old, new):
        blocks = new.blocks if old.blocks == new.blocks else self.blocks(old.blocks, new.blocks)
        title_inlines = ()
        if old.title != new.title:
            title_inlines = diff_inlines((Text(old.title),), (Text(new.title),))
        return replace(new, blocks=blocks, title_inlines=title_inlines)


def _anchors(document: Document) -> set:
    found = {c.id for c in document.clauses + document.schedules}
    for part in (document.preamble,) + tuple(c.blocks for c in document.clauses + document.schedules):
        found.update(b.anchor for b in part if isinstance(b, Para) and b.anchor)
    return found


def diff_blocks(old: tuple, new: tuple) -> tuple:
    return _Differ(set()).blocks(old, new)


def redline(old: Document, new: Document, revision: Revision, *, by_text: bool = False) -> Document:
    """The new document with tracked changes against the old one (both resolved).

    ``by_text``: the old document is plain paragraphs read from an issued .docx; paragraphs are
    matched on their text and the front page and execution blocks are not compared.
    """
    differ = _Differ(_anchors(new), by_text)
    return replace(new, preamble=differ.blocks(old.preamble, new.preamble),
                   clauses=differ.parts(old.clauses, new.clauses),
                   schedules=differ.parts(old.schedules, new.schedules),
                   revision=revision, previous=None if by_text else old)


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


def _settle(document: Document, keep: str, inlines) -> Document:
    """Every change accepted (keep="inserted") or rejected (keep="deleted"), as plain blocks."""
    gone = DELETED if keep == INSERTED else INSERTED

    def block(b):
        if isinstance(b, Para):
            return None if b.change == gone else replace(b, inlines=inlines(b.inlines), change="")
        if b.change == gone:
            return None
        rows = tuple(tuple(inlines(c) for c in row) for k, row in enumerate(b.rows)
                     if not (k < len(b.row_changes) and b.row_changes[k] == gone))
        return replace(b, header=tuple(inlines(c) for c in b.header), rows=rows, change="", row_changes=())

    def blocks(bs):
        return tuple(x for x in (block(b) for b in bs) if x is not None)

    def part(p):
        title = inline_text(inlines(p.title_inlines)) if p.title_inlines else p.title
        return replace(p, title=title, title_inlines=(), change="", blocks=blocks(p.blocks))

    return replace(document, preamble=blocks(document.preamble),
                   clauses=tuple(part(c) for c in document.clauses if c.change != gone),
                   schedules=tuple(part(s) for s in document.schedules if s.change != gone),
                   revision=None, previous=None)


def accept_all(document: Document) -> Document:
    """The redline with every change accepted: the new document's text (numbers of deleted-and-kept
    material aside, which Word renumbers)."""
    return _settle(document, INSERTED, accept)


def reject_all(document: Document) -> Document:
    """The redline with every change rejected: the old document's text."""
    return _settle(document, DELETED, reject)


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
