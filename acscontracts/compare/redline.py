"""Redline: the new version of a document with tracked changes against the old one.

``redline(old, new, revision) -> Document`` compares two resolved documents (Common Form's
"diff the model, not the output"): clauses and schedules are matched by id; paragraphs within
them by their anchor when both versions have it, otherwise by their text (``align``: patience
diff, near-linear); table rows by identity (a cell unique in its column on both sides: the
party, "Total"), then by likeness; matched paragraphs, rows and cells that differ are compared
word by word, again with ``align``, so the work per pair stays bounded. Changed words become ``Deleted``/``Inserted`` inline wrappers (deletions first);
paragraphs, tables rows, clauses and schedules that exist in one version only are marked as a
whole (``change = "inserted" | "deleted"``). A defined term, a cross-reference, a blank, a
drafting note, an amount (``£1,320,000,000``, ``(one million pounds)``), a percentage (``15.00%``),
a date (``1 April 2027``), a count (``six (6)``) and a number are single tokens, so they change as
one unit.

The result is the new document (its numbers and references) plus the deleted material in
place, and ``revision`` / ``previous`` set for the writers.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from acscontracts.compare.align import heaviest_chain, matched_pairs, opcodes
from acscontracts.engine.tree import Deleted, Document, Inserted, Note, Para, Placeholder, Ref, Revision, Table, TermDef, TermUse, Text
from acscontracts.writers.text import block_text as _block_text, inline_text

INSERTED, DELETED = "inserted", "deleted"
PAIR_RATIO = 0.5  # paragraphs (rows) at least this similar are compared word by word, not replaced whole
FAST_MIDDLE = 6  # an edit of at most this many tokens between equal ends is aligned on its own
ROW_WINDOW = 8  # a row with no identifying cell is paired with the most alike of the next this many rows

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NUMBER_WORD = ("(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                "hundred|thousand|million|billion)")
_IN_WORDS = rf"{_NUMBER_WORD}(?:(?:,?\s|-)(?:and\s)?{_NUMBER_WORD})*"
# No token joins a word or a number to the punctuation or possessive after it ("19," "Partner's"): in a
# document read back from an issued .docx, a cross-reference or defined term and the text after it are one
# run of text, and in the new tree two items; a token across that boundary would read as changed.
TOKEN = re.compile(rf"""
      £\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s(?:million|billion))?          # an amount
    | \((?i:{_IN_WORDS})\spounds?(?:\sand\s(?i:{_IN_WORDS})\spence)?\)  # ... and in words
    | (?i:{_IN_WORDS})\s\(\d[\d,]*\)                               # a count: six (6)
    | \d{{1,2}}\s(?:{_MONTHS})\s\d{{4}}                              # a date
    | \d[\d,]*(?:\.\d+)?%                                            # a percentage
    | \d(?:[\d,]*\d)?(?:\.\d+)?(?:st|nd|rd|th)?                       # a number
    | [^\W\d_]+(?:-[^\W\d_]+)*                                      # a word
    | \s+
    | .
""", re.X | re.S)


# --------------------------------------------------------------------------- tokens


def _atom_text(item) -> str:
    return inline_text((item,))


def tokens(inlines, by_text: bool = False) -> list:
    """(key, inline, atom) triples: Text split into words, numbers, amounts and dates (``inline`` is then
    a (text, bold, italic) piece, made a Text by ``_merge``); terms, references, blanks and notes are atoms. ``by_text`` (comparing with a plain-text version): keys are the text
    alone and an atom is split into its words, all pointing at the one atom (``atom`` is its index)."""
    out = []
    for index, item in enumerate(inlines):
        if isinstance(item, Text):
            bold, italic = item.bold, item.italic
            for word in TOKEN.findall(item.text):
                piece = (word, bold, italic)
                out.append((("t", word) if by_text else ("t",) + piece, piece, None))
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
    """Adjacent Text (and (text, bold, italic) pieces) with the same formatting joined into one Text."""
    out: list = []
    texts: list = []
    form = None

    def flush():
        if texts:
            out.append(Text("".join(texts), *form))
            texts.clear()

    for item in items:
        if isinstance(item, Text):
            item = (item.text, item.bold, item.italic)
        if isinstance(item, tuple):
            if form != item[1:]:
                flush()
                form = item[1:]
            texts.append(item[0])
        else:
            flush()
            out.append(item)
    flush()
    return tuple(out)


def _blank(token) -> bool:
    return token[0][0] == "t" and not token[0][1].strip()


def _spread(tokens_: list, changed: list, partner: dict) -> None:
    """An atom changes as one unit: if any of its tokens changed, or its tokens are paired with tokens
    that do not stand together on the other side ("Southvale [Council and Eastport] Council"), all of
    them did. ``partner``: token index -> the index of the token it is paired with."""
    hit = set()
    previous: dict = {}  # atom -> partner of its last token seen
    for k, t in enumerate(tokens_):
        if t[2] is None:
            continue
        if changed[k] or (t[2] in previous and partner.get(k) != previous[t[2]] + 1):
            hit.add(t[2])
        previous[t[2]] = partner.get(k, -2)
    for k, t in enumerate(tokens_):
        if t[2] in hit:
            changed[k] = True


def diff_inlines(old, new, by_text: bool = False) -> tuple:
    """``new`` with words changed since ``old`` wrapped in Deleted / Inserted (deletions first)."""
    a, b = tokens(old, by_text), tokens(new, by_text)
    old_changed, new_changed = [True] * len(a), [True] * len(b)
    pairs = {}  # new index -> old index, for tokens left equal
    for i, j in _token_pairs([t[0] for t in a], [t[0] for t in b]):
        old_changed[i] = new_changed[j] = False
        pairs[j] = i
    # A run of spaces between two changes joins them: "[-15.00% of-] {+20.00% of+}", not three changes.
    _join_blank_runs(b, new_changed, pairs, old_changed)
    old_partner = {i: j for j, i in pairs.items()}
    while True:  # spreading over atoms on one side can unpair tokens on the other: repeat until stable
        before = (list(old_changed), list(new_changed))
        _spread(a, old_changed, old_partner)
        _spread(b, new_changed, pairs)
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


def _token_pairs(a: list, b: list) -> list:
    """Tokens kept between two versions of a paragraph. The usual edit (a name, an amount, a date)
    leaves a long equal start and end around a few tokens: then only the middle is aligned.
    Otherwise the whole is, so that equal ends cannot pull a repeated word away from where it belongs."""
    start, end = 0, 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    if len(a) - start - end > FAST_MIDDLE or len(b) - start - end > FAST_MIDDLE:
        return matched_pairs(a, b, _weight)
    middle = matched_pairs(a[start:len(a) - end], b[start:len(b) - end], _weight)
    return ([(k, k) for k in range(start)] + [(start + i, start + j) for i, j in middle]
            + [(len(a) - end + k, len(b) - end + k) for k in range(end)])


def _weight(key) -> int:
    """How much keeping a token matters when unique tokens compete: a name more than "and", an atom most."""
    return len(key[1].strip()) if key[0] == "t" else 12


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


def _words(text: str) -> list:
    return text.split()


def _similarity(a: list, b: list) -> float:
    """difflib's ratio (2 * matches / total) over two word lists, with the multiset bound checked first
    and the matches found by the near-linear alignment."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    if 2 * sum((Counter(a) & Counter(b)).values()) < PAIR_RATIO * total:
        return 0.0
    return 2 * len(matched_pairs(a, b, len)) / total


def _row_texts(rows) -> list:
    return [tuple(inline_text(c) for c in row) for row in rows]


def _identifying(text: str) -> bool:
    """A cell that can say which row it is: some letters or digits, not a blank."""
    return any(ch.isalnum() for ch in text) and "[●" not in text


def _rows_by_identity(old: list, i1: int, i2: int, new: list, j1: int, j2: int) -> list:
    """Rows of a changed stretch paired by a cell that is unique in its column on both sides (the
    party's name, email or address; "Total"), the first column counting double; the heaviest chain
    of such pairs that keeps both orders."""
    score: Counter = Counter()
    width = max((len(r) for r in old[i1:i2] + new[j1:j2]), default=0)
    for col in range(width):
        old_cells = Counter(r[col] for r in old[i1:i2] if col < len(r))
        new_cells = Counter(r[col] for r in new[j1:j2] if col < len(r))
        where = {new[j][col]: j for j in range(j1, j2) if col < len(new[j]) and new_cells[new[j][col]] == 1
                 and old_cells.get(new[j][col]) == 1 and _identifying(new[j][col])}
        for i in range(i1, i2):
            if col < len(old[i]) and old[i][col] in where:
                score[(i, where[old[i][col]])] += 2 if col == 0 else 1
    candidates = sorted(score, key=lambda p: (p[0], -p[1]))
    return heaviest_chain(candidates, [score[p] for p in candidates])


def _rows_by_likeness(old: list, i1: int, i2: int, new: list, j1: int, j2: int) -> list:
    """Rows of a stretch without identities paired in order when alike: one for one when both sides
    have as many rows, otherwise each old row with the most alike of the next few new rows."""
    keys = {}

    def tokens_of(rows, k):
        if (id(rows), k) not in keys:
            keys[(id(rows), k)] = _words(" | ".join(rows[k]))
        return keys[(id(rows), k)]

    pairs = []
    if i2 - i1 == j2 - j1:
        for k in range(i2 - i1):
            if _similarity(tokens_of(old, i1 + k), tokens_of(new, j1 + k)) >= PAIR_RATIO:
                pairs.append((i1 + k, j1 + k))
        return pairs
    j = j1
    for i in range(i1, i2):
        best, best_j = PAIR_RATIO, -1
        for candidate in range(j, min(j2, j + ROW_WINDOW)):
            likeness = _similarity(tokens_of(old, i), tokens_of(new, candidate))
            if likeness >= best and (best_j < 0 or likeness > best):
                best, best_j = likeness, candidate
        if best_j >= 0:
            pairs.append((i, best_j))
            j = best_j + 1
    return pairs


def row_pairs(old_rows, new_rows) -> list:
    """(old index, new index) of the rows that are the same row in both versions, in order: equal rows
    first, then rows that share an identifying cell, then rows alike enough where neither says."""
    old, new = _row_texts(old_rows), _row_texts(new_rows)
    pairs: list = []
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        elif tag == "replace":
            known = _rows_by_identity(old, i1, i2, new, j1, j2)
            i, j = i1, j1
            for pi, pj in known + [(i2, j2)]:
                pairs += _rows_by_likeness(old, i, pi, new, j, pj)
                if (pi, pj) != (i2, j2):
                    pairs.append((pi, pj))
                i, j = pi + 1, pj + 1
    return pairs


class _Differ:
    """One comparison: the anchors of both versions, and whether the old one is plain text."""

    def __init__(self, new_anchors: set, by_text: bool = False, old_anchors: set = frozenset()):
        self.new_anchors = new_anchors
        self.shared_anchors = new_anchors & old_anchors
        self.by_text = by_text
        self._keys: dict = {}

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
        rows, changes = [], []
        i = j = 0
        for pi, pj in row_pairs(old.rows, new.rows) + [(len(old.rows), len(new.rows))]:
            rows += old.rows[i:pi]
            changes += [DELETED] * (pi - i)
            rows += new.rows[j:pj]
            changes += [INSERTED] * (pj - j)
            if pi < len(old.rows):
                rows.append(self.cells(old.rows[pi], new.rows[pj]))
                changes.append("")
            i, j = pi + 1, pj + 1
        return replace(new, header=header, rows=tuple(rows), row_changes=tuple(changes))

    def cells(self, old_row, new_row) -> tuple:
        out = []
        for k in range(len(new_row)):
            a = tuple(old_row[k]) if k < len(old_row) else ()
            out.append(self.inlines(a, tuple(new_row[k])))
        return tuple(out)

    def _key(self, block) -> tuple:
        """A paragraph whose anchor both versions have is that paragraph, whatever its text."""
        if isinstance(block, Para) and block.anchor in self.shared_anchors:
            return ("anchor", block.anchor)
        return _block_key(block)

    def _tokens(self, block) -> list:
        if id(block) not in self._keys:
            self._keys[id(block)] = (block, _words(_block_text(block)))
        return self._keys[id(block)][1]

    def likeness(self, a, b) -> float:
        if type(a) is not type(b):
            return 0.0
        if isinstance(a, Table):  # the same shape: the same table, its rows compared by identity
            return 1.0 if _columns(a) == _columns(b) else 0.0
        return _similarity(self._tokens(a), self._tokens(b))

    def blocks(self, old: tuple, new: tuple) -> tuple:
        """Align two block lists; matched blocks compared word by word, the rest inserted/deleted."""
        out: list = []
        for tag, i1, i2, j1, j2 in opcodes([self._key(b) for b in old], [self._key(b) for b in new]):
            if tag == "equal":
                out.extend(self.changed(a, b) if self.by_text or a != b else b
                           for a, b in zip(old[i1:i2], new[j1:j2]))
            else:
                out.extend(self.replace_range(old[i1:i2], new[j1:j2]))
        return tuple(out)

    def replace_range(self, old: tuple, new: tuple) -> list:
        """Like difflib.Differ's fancy replace: pair the most alike blocks (a small range), or alike
        blocks in order (a large one); what is left is deleted or inserted."""
        if len(old) * len(new) <= 400:
            pairs = self._best_pairs(old, new)
        else:
            pairs = [(i, j) for i, j in zip(range(len(old)), range(len(new)))
                     if self.likeness(old[i], new[j]) > PAIR_RATIO]
        out: list = []
        i = j = 0
        for pi, pj in pairs + [(len(old), len(new))]:
            out += [self.deleted(b) for b in old[i:pi]] + [self.inserted(b) for b in new[j:pj]]
            if pi < len(old):
                out.append(self.changed(old[pi], new[pj]))
            i, j = pi + 1, pj + 1
        return out

    def _best_pairs(self, old: tuple, new: tuple) -> list:
        """The most alike pair, then the same either side of it (a stack, not recursion)."""
        pairs, stack = [], [(0, len(old), 0, len(new))]
        likeness = {(i, j): self.likeness(a, b) for i, a in enumerate(old) for j, b in enumerate(new)}
        while stack:
            i1, i2, j1, j2 = stack.pop()
            best, best_i, best_j = PAIR_RATIO, -1, -1
            for i in range(i1, i2):
                for j in range(j1, j2):
                    if likeness[(i, j)] > best:
                        best, best_i, best_j = likeness[(i, j)], i, j
            if best_i >= 0:
                pairs.append((best_i, best_j))
                stack += [(i1, best_i, j1, best_j), (best_i + 1, i2, best_j + 1, j2)]
        return sorted(pairs)

    def parts(self, old: tuple, new: tuple) -> tuple:
        """Clauses (or schedules) matched by id, in the new order, deleted ones where they stood."""
        out: list = []
        new_ids = {p.id for p in new}
        old_by_id = {p.id: p for p in old}
        for tag, i1, i2, j1, j2 in opcodes([p.id for p in old], [p.id for p in new]):
            if tag == "equal":
                out.extend(self.part(a, b) for a, b in zip(old[i1:i2], new[j1:j2]))
                continue
            for a in old[i1:i2]:
                if a.id not in new_ids:
                    out.append(replace(a, change=DELETED, blocks=tuple(self.deleted(x) for x in a.blocks)))
            for b in new[j1:j2]:
                previous = old_by_id.get(b.id)
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
    differ = _Differ(_anchors(new), by_text, _anchors(old))
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
