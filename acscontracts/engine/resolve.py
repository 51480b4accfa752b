"""Resolve: numbers computed once, cross-references and defined terms checked and filled in.

``resolve(document) -> (document, diagnostics)``; the input is never changed. Numbering
rules are those documented in ``tree``. A reference to an id that is not in this document,
a term used but never defined and a duplicate id are errors naming the template and line.
"""
from __future__ import annotations

from dataclasses import replace

from acscontracts.diagnostics import ERROR, Diagnostic, Location
from acscontracts.engine.tree import Document, Para, Ref, Table, TermDef, TermUse, Text

DEFINITIONS_CLAUSE = "definitions"
DEFINITIONS_ANCHOR = "definitions-list"

_ROMAN = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def alpha(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word's lowerLetter doubles the letter)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl")) + _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _problem(source, message: str, hint: str, code: str) -> Diagnostic:
    loc = Location(source.template, source.line, 1 if source.line else 0) if source else None
    return Diagnostic(ERROR, code, message, hint, loc)


# --------------------------------------------------------------------------- numbering


class _Counter:
    """Three nested paragraph counters inside one clause or schedule."""

    def __init__(self):
        self.levels = [0, 0, 0]

    def step(self, level: int) -> tuple:
        self.levels[level - 1] += 1
        for deeper in range(level, 3):
            self.levels[deeper] = 0
        return tuple(self.levels[:level])


def _clause_labels(clause_no: str, counts: tuple) -> tuple[str, str]:
    """(label shown, full reference) for a paragraph in a body clause."""
    if len(counts) == 1:
        text = f"{clause_no}.{counts[0]}"
        return text, text
    if len(counts) == 2:
        return f"({alpha(counts[1])})", f"{clause_no}.{counts[0]}({alpha(counts[1])})"
    return f"({roman(counts[2])})", f"{clause_no}.{counts[0]}({alpha(counts[1])})({roman(counts[2])})"


def _schedule_labels(counts: tuple) -> tuple[str, str]:
    if len(counts) == 1:
        return str(counts[0]), str(counts[0])
    if len(counts) == 2:
        text = f"{counts[0]}.{counts[1]}"
        return text, text
    return f"({alpha(counts[2])})", f"{counts[0]}.{counts[1]}({alpha(counts[2])})"


def _number_blocks(blocks: tuple, labels, references: dict, problems: list) -> tuple:
    counter = _Counter()
    out = []
    for block in blocks:
        if isinstance(block, Para) and block.level and block.style == "body":
            label, full = labels(counter.step(block.level))
            block = replace(block, number=label)
            if block.anchor:
                _register(block.anchor, full, block.source, references, problems)
        elif isinstance(block, Para) and block.anchor:
            _register(block.anchor, "", block.source, references, problems)
        out.append(block)
    return tuple(out)


def _register(anchor: str, text: str, source, references: dict, problems: list) -> None:
    if anchor in references:
        problems.append(_problem(source, f"id `{anchor}` is used twice in this document",
                                 "give each clause and paragraph its own id", "ACS-DUPLICATE-ID"))
    references[anchor] = text


def _number_preamble(blocks: tuple) -> tuple:
    counts = {"party": 0, "recital": 0}
    out = []
    for block in blocks:
        if isinstance(block, Para) and block.style in counts:
            counts[block.style] += 1
            n = counts[block.style]
            block = replace(block, number=f"({n})" if block.style == "party" else f"({chr(ord('A') + n - 1)})")
        out.append(block)
    return tuple(out)


# --------------------------------------------------------------------------- walking inlines


def _inline_lists(document: Document):
    """Every inline tuple in the document, with its source (preamble, clauses, schedules)."""
    for block in document.preamble:
        yield from _block_inlines(block)
    for part in document.clauses + document.schedules:
        for block in part.blocks:
            yield from _block_inlines(block)


def _block_inlines(block):
    if isinstance(block, Para):
        yield block.inlines, block.source
    elif isinstance(block, Table):
        for row in (block.header,) + block.rows:
            for cell in row:
                yield cell, block.source


def _map_inlines(document: Document, fn) -> Document:
    """A copy of the document with ``fn`` applied to every inline tuple."""

    def block_map(block):
        if isinstance(block, Para):
            return replace(block, inlines=fn(block.inlines, block.source))
        if isinstance(block, Table):
            return replace(block, header=tuple(fn(c, block.source) for c in block.header),
                           rows=tuple(tuple(fn(c, block.source) for c in row) for row in block.rows))
        return block

    def part_map(part):
        return replace(part, blocks=tuple(block_map(b) for b in part.blocks))

    return replace(document, preamble=tuple(block_map(b) for b in document.preamble),
                   clauses=tuple(part_map(c) for c in document.clauses),
                   schedules=tuple(part_map(s) for s in document.schedules))


# --------------------------------------------------------------------------- definitions


def _definitions(document: Document, problems: list) -> Document:
    """Insert the definitions the document uses, alphabetically; report undefined terms."""
    defined_inline = set()
    used: dict = {}  # term -> first source
    for inlines, source in _inline_lists(document):
        for item in inlines:
            if isinstance(item, TermDef):
                defined_inline.add(item.term)
            elif isinstance(item, TermUse):
                used.setdefault(item.term, source)
    glossary = {d.term: d for d in document.glossary}
    needed: dict = {}
    queue = [t for t in used if t not in defined_inline]
    while queue:  # a definition may use other defined terms
        term = queue.pop()
        if term in needed or term in defined_inline:
            continue
        definition = glossary.get(term)
        if definition is None:
            problems.append(_problem(used.get(term), f"the term `{term}` is used but never defined",
                                     "add it to templates/definitions/ or define it inline with <define>",
                                     "ACS-UNDEFINED-TERM"))
            continue
        needed[term] = definition
        for item in definition.inlines:
            if isinstance(item, TermUse) and item.term not in needed:
                used.setdefault(item.term, definition.source)
                queue.append(item.term)
    if not needed:
        return document
    ordered = sorted(needed.values(), key=lambda d: d.term.casefold())
    paras = []
    for index, definition in enumerate(ordered):
        end = "." if index == len(ordered) - 1 else ";"
        paras.append(Para((TermDef(definition.term), Text(" ")) + definition.inlines + (Text(end),),
                          level=0, style="definition", source=definition.source))
    clauses = list(document.clauses)
    for i, clause in enumerate(clauses):
        if clause.id == DEFINITIONS_CLAUSE:
            blocks = list(clause.blocks)
            at = next((j + 1 for j, b in enumerate(blocks) if isinstance(b, Para) and b.anchor == DEFINITIONS_ANCHOR), 0)
            clauses[i] = replace(clause, blocks=tuple(blocks[:at] + paras + blocks[at:]))
            return replace(document, clauses=tuple(clauses))
    first = ordered[0]
    problems.append(_problem(used.get(first.term) or first.source,
                             f"defined terms are used ({', '.join(d.term for d in ordered[:5])}) but the document has "
                             f"no `{DEFINITIONS_CLAUSE}` clause", "add the definitions clause to the manifest",
                             "ACS-NO-DEFINITIONS"))
    return document


# --------------------------------------------------------------------------- the stage


def resolve(document: Document) -> tuple[Document, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    document = _definitions(document, problems)
    references: dict = {}
    clauses = []
    for index, clause in enumerate(document.clauses, 1):
        number = str(index)
        _register(clause.id, number, clause.source, references, problems)
        blocks = _number_blocks(clause.blocks, lambda c, n=number: _clause_labels(n, c), references, problems)
        clauses.append(replace(clause, number=number, blocks=blocks))
    schedules = []
    for index, schedule in enumerate(document.schedules, 1):
        number = str(index)
        _register(schedule.id, number, schedule.source, references, problems)
        blocks = _number_blocks(schedule.blocks, _schedule_labels, references, problems)
        schedules.append(replace(schedule, number=number, blocks=blocks))
    document = replace(document, preamble=_number_preamble(document.preamble), clauses=tuple(clauses),
                       schedules=tuple(schedules), references=references)

    def fill(inlines, source):
        if not any(isinstance(i, Ref) for i in inlines):
            return inlines
        out = []
        for item in inlines:
            if isinstance(item, Ref):
                text = references.get(item.target)
                if not text:
                    problems.append(_problem(source, f"reference to `{item.target}`, which is not in this document"
                                             if text is None else f"reference to `{item.target}`, which has no number",
                                             "guard the reference with the same condition as its target, "
                                             "or fix the id", "ACS-BROKEN-REF"))
                    text = "[●]"
                item = replace(item, number=text)
            out.append(item)
        return tuple(out)

    return _map_inlines(document, fill), problems
