"""Plain-text writer: the resolved tree with the same numbers and reference texts as the .docx.

For review and for ``git diff``: one paragraph a line, numbers first, sub-levels indented.
"""
from __future__ import annotations

from acscontracts.engine.tree import Deleted, Document, Inserted, Note, Para, Placeholder, Ref, Table, TermDef, TermUse, Text
from acscontracts.formatting import signpost, split_article

_INDENT = {0: "", 1: "", 2: "    ", 3: "        "}


def inline_text(inlines, clean: bool = False) -> str:
    parts = []
    for i, item in enumerate(inlines):
        if isinstance(item, Text):
            parts.append(item.text)
        elif isinstance(item, TermUse):  # "(the “Conditions”)" names the term it follows, as .docx shows it
            parts.append(f"“{item.text}”" if signpost(inlines, i) else item.text)
        elif isinstance(item, TermDef):
            article, term = split_article(item.term)
            parts.append(f"{article}“{term}”")
        elif isinstance(item, Ref):
            parts.append(item.number)
        elif isinstance(item, Placeholder):
            parts.append(f"[● {item.hint}]" if item.hint else "[●]")
        elif isinstance(item, Note) and not clean:
            parts.append(f"[Drafting note: {item.text}]")
        elif isinstance(item, Inserted):  # a redline, as `git diff --word-diff` shows it
            parts.append("{+" + inline_text(item.inlines, clean) + "+}")
        elif isinstance(item, Deleted):
            parts.append("[-" + inline_text(item.inlines, clean) + "-]")
    return "".join(parts).replace("\n", " ")


def row_texts(table: Table, clean: bool = False) -> list[str]:
    """Each row of a table (header first) as one line, cells separated by " | "."""
    return [" | ".join(inline_text(c, clean) for c in row) for row in (table.header,) + tuple(table.rows)]


def block_text(block, clean: bool = False) -> str:
    """The words of a paragraph, or of a table one row a line: no numbers, no layout."""
    if isinstance(block, Para):
        return inline_text(block.inlines, clean)
    return "\n".join(row_texts(block, clean))


def _marked(line: str, change: str) -> str:
    """A whole line inserted or deleted in a redline: {+...+} / [-...-], indentation kept."""
    if not change:
        return line
    body = line.lstrip()
    lead = line[:len(line) - len(body)]
    return f"{lead}{{+{body}+}}" if change == "inserted" else f"{lead}[-{body}-]"


def _para(block: Para, clean: bool) -> str | None:
    if clean and block.style == "note":
        return None
    line = _para_line(block, clean)
    return _marked(line, block.change) if block.change else line


def _para_line(block: Para, clean: bool) -> str:
    text = inline_text(block.inlines, clean)
    if block.style == "subheading":
        return f"\n{text}"
    if block.number:
        return f"{_INDENT.get(block.level, '')}{block.number}  {text}"
    if block.style == "definition":
        return f"    {text}"
    return text


def _table(block: Table, clean: bool) -> list[str]:
    changes = [block.change] + [block.change or (block.row_changes[i] if i < len(block.row_changes) else "")
                                for i in range(len(block.rows))]
    return [_marked(line, change) for line, change in zip(row_texts(block, clean), changes)]


def _blocks(blocks, clean: bool) -> list[str]:
    lines = []
    for block in blocks:
        if isinstance(block, Para):
            text = _para(block, clean)
            if text is not None:
                lines.append(text)
        else:
            lines.extend(_table(block, clean))
    return lines


def write_text(document: Document, *, clean: bool = False) -> str:
    lines = [document.title.upper()]
    if document.subtitle:
        lines.append(document.subtitle)
    if document.status_label:
        lines.append(document.status_label)
    lines += ["", f"Date: {document.date_text}", f"Terms version: {document.properties.version}", ""]
    lines += _blocks(document.preamble, clean)
    if document.operative_words:
        lines += ["", document.operative_words]
    for clause in document.clauses:
        lines += ["", _heading(clause, f"{clause.number}  ")]
        lines += _blocks(clause.blocks, clean)
    for schedule in document.schedules:
        lines += ["", _heading(schedule, f"SCHEDULE {schedule.number}  ")]
        lines += _blocks(schedule.blocks, clean)
    if document.signatures:
        lines += ["", "EXECUTION"]
        for block in document.signatures:
            lines += ["", block.opening.replace("{party}", block.party_name) if block.lines else signature_intro(block)]
            lines += [_signature_line(block, label, kind) for label, kind in block.lines or _DEFAULT_LINES]
    return "\n".join(lines) + "\n"


def _heading(part, label: str) -> str:
    title = inline_text(part.title_inlines) if part.title_inlines else part.title
    return _marked(label + title.upper(), part.change)


_DEFAULT_LINES = (("Signature", "sign"), ("Name", "name"), ("Title", "title"), ("Date", "date"))


def _signature_line(block, label: str, kind: str) -> str:
    if kind == "name":
        return f"{label}: {block.signatory_name or '[●]'}"
    if kind == "title":
        return f"{label}: {block.signatory_title or '[●]'}"
    return f"{label}: ........................................"


def signature_intro(block) -> str:
    if block.form == "local_authority_seal":
        return f"The common seal of {block.party_name} was affixed in the presence of:"
    if block.form == "company":
        return f"Executed by {block.party_name} acting by a director:"
    if block.form == "nhs_body":
        return f"Signed for and on behalf of {block.party_name} by its authorised signatory:"
    return f"Signed for and on behalf of {block.party_name}:"
