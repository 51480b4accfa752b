"""A short "Summary of changes" for a board paper: each changed term in words, with the clauses it moved.

``summary_document(comparison, old_deal, new_deal) -> tree.Document``, written like any other
document by ``writers.text`` and ``writers.docx``.
"""
from __future__ import annotations

from acscontracts import formatting
from acscontracts.compare.termsdiff import ADDED, CHANGED, REMOVED, Comparison
from acscontracts.engine.tree import Clause, Document, DocumentProperties, Para, Table, Text

NAME = "summary-of-changes"


def _version(deal) -> str:
    when = formatting.date(deal.version_date) if deal.version_date else ""
    return f"version {deal.version_label}" + (f" of {when}" if when else "")


def _cell(text: str) -> tuple:
    return (Text(text),)


def _document_labels(comparison: Comparison) -> dict:
    """document name -> how a board paper names it: its title, with the name's suffix if titles repeat."""
    docs = {**comparison.old_docs, **comparison.new_docs}
    titles = [d.title for d in docs.values()]
    return {name: d.title if titles.count(d.title) == 1 or "-" not in name else f"{d.title} ({name.split('-', 1)[1]})"
            for name, d in docs.items()}


def _where(refs, labels: dict) -> str:
    if not refs:
        return "none: the documents do not show this term"
    by_doc: dict = {}
    for ref in refs:
        by_doc.setdefault(ref.document, []).append(ref.label + ("" if ref.status == CHANGED else f" ({ref.status})"))
    return "; ".join(f"{labels.get(doc, doc)}: {', '.join(items)}" for doc, items in by_doc.items())


def summary_document(comparison: Comparison, old_deal, new_deal) -> Document:
    labels = _document_labels(comparison)
    rows = []
    for change in comparison.changes:
        was = change.old_text if change.kind != ADDED else "(not in the terms)"
        now = change.new_text if change.kind != REMOVED else "(removed)"
        rows.append((_cell(change.label or change.path), _cell(was), _cell(now), _cell(_where(change.affects, labels))))
    terms_blocks: tuple
    if rows:
        terms_blocks = (
            Para((Text(f"{len(rows)} term(s) changed. Each row gives the term, its value before and after, and the "
                       "clauses of each document whose wording it changed."),)),
            Table((_cell("Term"), _cell("Was"), _cell("Now"), _cell("Clauses affected")), tuple(rows)),
        )
    else:
        terms_blocks = (Para((Text("The terms have not changed."),)),)
    doc_blocks = []
    for impact in comparison.documents:
        name = labels.get(impact.document, impact.document)
        if impact.status == "unchanged":
            text = f"{name}: unchanged."
        elif impact.status in (ADDED, REMOVED):
            text = f"{name}: a new document." if impact.status == ADDED else \
                f"{name}: no longer called for by the terms."
        else:
            clause_labels = [c.ref.label + ("" if c.ref.status == CHANGED else f" ({c.ref.status})")
                             for c in impact.clauses]
            text = f"{name}: " + "; ".join(clause_labels) + "."
        doc_blocks.append(Para((Text(text),), level=1, number=f"2.{len(doc_blocks) + 1}"))
    unexplained = comparison.unexplained
    if unexplained:
        doc_blocks.append(Para((Text("Changed by the terms as a whole (no single term explains them): "
                                     + "; ".join(f"{labels.get(r.document, r.document)} {r.label}"
                                                 for r in unexplained) + "."),), level=1,
                               number=f"2.{len(doc_blocks) + 1}"))
    deal = new_deal
    properties = DocumentProperties(title="Summary of changes", subject=str(deal.title),
                                    keywords=f"acscontracts; summary of changes; {deal.id}",
                                    version=deal.version_label, created=deal.settled_on)
    return Document(
        doc_type="summary", name=NAME, title="Summary of changes",
        subtitle=f"{deal.title}: {_version(old_deal)} to {_version(new_deal)}",
        date_text=formatting.date(deal.version_date) if deal.version_date else "",
        status_label="", parties=(), preamble=(),
        clauses=(Clause("changed-terms", "Changed terms", terms_blocks, number="1"),
                 Clause("documents-affected", "Documents affected", tuple(doc_blocks), number="2")),
        schedules=(), signatures=(), properties=properties, operative_words="")
