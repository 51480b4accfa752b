"""Markdown writer, for summaries pasted into board papers, wikis and e-mails: headings, numbered
paragraphs and tables, with every character from the terms escaped so it reads as written."""
from __future__ import annotations

import re

from acscontracts.engine.tree import Document, Para, Table
from acscontracts.writers.text import inline_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _block(block, clean: bool) -> list[str]:
    if isinstance(block, Table):
        rows = [[escape(inline_text(cell, clean)) for cell in row] for row in (block.header,) + tuple(block.rows)]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return lines + ["| " + " | ".join(row) + " |" for row in rows[1:]] + [""]
    if not isinstance(block, Para) or (clean and block.style == "note"):
        return []
    text = escape(inline_text(block.inlines, clean))
    if block.style == "subheading":
        return [f"### {text}", ""]
    if block.number:
        return [f"{'  ' * max(block.level - 1, 0)}- **{escape(block.number)}** {text}"]
    return [text, ""]


def write_markdown(document: Document, *, clean: bool = False) -> str:
    lines = [f"# {escape(document.title)}", ""]
    if document.subtitle:
        lines += [escape(document.subtitle), ""]
    lines += [f"Date: {escape(document.date_text)}  ", f"Terms version: {escape(str(document.properties.version))}", ""]
    for block in document.preamble:
        lines += _block(block, clean)
    for label, parts in (("", document.clauses), ("Schedule ", document.schedules)):
        for part in parts:
            lines += ["", f"## {label}{escape(str(part.number))} {escape(part.title)}", ""]
            for block in part.blocks:
                lines += _block(block, clean)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
