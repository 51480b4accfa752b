"""HTML writer: the resolved tree as a readable, self-contained fragment for the web app's preview.

Same numbers and reference texts as the .docx and text writers. Every piece of text is escaped, so
nothing from the deal terms can become markup. Cross-references are links to the clause, schedule or
paragraph they name; placeholders, drafting notes and redline changes carry classes the page styles.
"""
from __future__ import annotations

from html import escape

from acscontracts.engine.tree import Deleted, Document, Inserted, Note, Para, Placeholder, Ref, Table, TermDef, TermUse, Text
from acscontracts.writers.text import signature_intro


def anchor_id(target: str) -> str:
    """The HTML id of a clause, schedule or paragraph anchor (prefixed, so it cannot clash with the page)."""
    return "doc-" + escape(target, quote=True)


def inline_html(inlines, clean: bool = False) -> str:
    parts = []
    for item in inlines:
        if isinstance(item, Text):
            text = escape(item.text)
            if item.bold:
                text = f"<b>{text}</b>"
            if item.italic:
                text = f"<i>{text}</i>"
            parts.append(text)
        elif isinstance(item, TermUse):
            parts.append(f'<span class="term" title="defined term">{escape(item.text)}</span>')
        elif isinstance(item, TermDef):
            parts.append(f'<b class="define">“{escape(item.term)}”</b>')
        elif isinstance(item, Ref):
            parts.append(f'<a class="ref" href="#{anchor_id(item.target)}">{escape(item.number)}</a>')
        elif isinstance(item, Placeholder):
            label = f"[● {escape(item.hint)}]" if item.hint else "[●]"
            field = f' data-field="{escape(item.field, quote=True)}"' if item.field else ""
            parts.append(f'<mark class="blank"{field}>{label}</mark>')
        elif isinstance(item, Note) and not clean:
            parts.append(f'<span class="note">[Drafting note: {escape(item.text)}]</span>')
        elif isinstance(item, Inserted):
            parts.append(f"<ins>{inline_html(item.inlines, clean)}</ins>")
        elif isinstance(item, Deleted):
            parts.append(f"<del>{inline_html(item.inlines, clean)}</del>")
    return "".join(parts)


def _changed(html: str, change: str) -> str:
    return {"inserted": f"<ins>{html}</ins>", "deleted": f"<del>{html}</del>"}.get(change, html)


def _para(block: Para, clean: bool) -> str:
    if clean and block.style == "note":
        return ""
    attrs = f' id="{anchor_id(block.anchor)}"' if block.anchor else ""
    number = f'<span class="num">{escape(block.number)}</span> ' if block.number else ""
    body = _changed(inline_html(block.inlines, clean), block.change)
    if block.style == "subheading":
        return f'<h4{attrs}>{body}</h4>'
    return f'<p class="level-{block.level} style-{block.style}"{attrs}>{number}{body}</p>'


def _table(block: Table, clean: bool) -> str:
    head = "".join(f"<th>{inline_html(cell, clean)}</th>" for cell in block.header)
    rows = []
    for index, row in enumerate(block.rows):
        change = block.change or (block.row_changes[index] if index < len(block.row_changes) else "")
        cls = f' class="{change}"' if change else ""
        rows.append(f"<tr{cls}>" + "".join(f"<td>{inline_html(cell, clean)}</td>" for cell in row) + "</tr>")
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _blocks(blocks, clean: bool) -> str:
    return "\n".join(_para(b, clean) if isinstance(b, Para) else _table(b, clean) for b in blocks)


def _part(part, label: str, clean: bool) -> str:
    title = inline_html(part.title_inlines) if part.title_inlines else escape(part.title)
    heading = _changed(f'<span class="num">{escape(label)}</span> {title}', part.change)
    return (f'<section class="clause" id="{anchor_id(part.id)}">\n<h3>{heading}</h3>\n'
            f"{_blocks(part.blocks, clean)}\n</section>")


def write_html(document: Document, *, clean: bool = False) -> str:
    """The document as an ``<article>`` fragment (no page head: the caller embeds it)."""
    out = ['<article class="document">', f"<h2>{escape(document.title.upper())}</h2>"]
    if document.subtitle:
        out.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
    if document.status_label:
        out.append(f'<p class="status">{escape(document.status_label)}</p>')
    out.append(f'<p class="meta">Date: {_blanked(document.date_text)} · Terms version: '
               f"{escape(document.properties.version)}</p>")
    out.append(_blocks(document.preamble, clean))
    if document.operative_words:
        out.append(f'<p class="operative">{escape(document.operative_words)}</p>')
    out += [_part(clause, clause.number, clean) for clause in document.clauses]
    out += [_part(schedule, f"Schedule {schedule.number}", clean) for schedule in document.schedules]
    if document.signatures:
        out.append('<section class="execution"><h3>Execution</h3>')
        for block in document.signatures:
            out.append(f'<div class="signature"><p>{escape(signature_intro(block))}</p>'
                       f"<p>Signature: ……………………</p><p>Name: {_blanked(block.signatory_name)}</p>"
                       f"<p>Title: {_blanked(block.signatory_title)}</p></div>")
        out.append("</section>")
    out.append("</article>")
    return "\n".join(out) + "\n"


def _blanked(text: str) -> str:
    """Text in which every [●] is highlighted as a placeholder."""
    if not text:
        return '<mark class="blank">[●]</mark>'
    return escape(text).replace("[●]", '<mark class="blank">[●]</mark>')
