"""A "Summary of changes" for a board paper: each changed term in plain words, grouped by area
(parties, governance, funding ...), with the documents and clause numbers it moves.

``summary_document(comparison, old_deal, new_deal) -> tree.Document``, written like any other
document (.docx, text or Markdown: ``cli.common.SUMMARY_EXTENSIONS``).
"""
from __future__ import annotations

from decimal import Decimal

from acscontracts import formatting
from acscontracts.compare.termsdiff import ADDED, CHANGED, MONEY_KEYS, REMOVED, Change, Comparison, field_name
from acscontracts.engine.tree import Clause, Document, DocumentProperties, Para, Table, Text

NAME = "summary-of-changes"

# Areas of a board paper, in order: the terms' top-level sections each belongs to.
AREAS = (
    ("The deal", ("deal", "schema_version", "partner_register", "$schema")),
    ("Parties", ("partners",)),
    ("Governance", ("governance",)),
    ("Funding", ("funding",)),
    ("Contracting", ("contracting", "phases")),
    ("Scope and outcomes", ("scope", "principles", "outcomes")),
    ("Enablers", ("enablers",)),
    ("Term and exit", ("term", "exit")),
    ("Disputes and liability", ("disputes", "liability", "financial_safeguards")),
    ("Programme and assurance", ("timetable", "risk_register", "assurance")),
)
OTHER_AREA = "Other terms"


def area_of(change: Change) -> str:
    section = change.parts[0] if change.parts else ""
    return next((area for area, sections in AREAS if section in sections), OTHER_AREA)


def money_figure(value) -> str:
    """£1.2m, £1.32bn, £950,000: amounts as a board paper gives them."""
    amount = Decimal(value)
    for size, suffix in ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")):
        if abs(amount) >= size:
            short = (amount / size).quantize(Decimal("0.01")).normalize()
            return f"£{formatting.format_decimal(short)}{suffix}"
    return formatting.money(amount)


def _figures(change: Change) -> tuple[str, str]:
    """Old and new values as words; amounts short (£1.2m) unless that would hide the difference."""
    old, new = change.old_text, change.new_text
    values = [v for v in (change.old, change.new) if v is not None]
    if field_name(change.parts) in MONEY_KEYS and values and all(
            isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in values):
        short = [money_figure(v) if v is not None else "" for v in (change.old, change.new)]
        if change.kind != CHANGED or short[0] != short[1]:
            old, new = short
    return old, new


def change_sentence(change: Change) -> str:
    """`Funding, incentives, pool pct of budget: 2.50% → 3.00%.`"""
    old, new = _figures(change)
    label = change.label or change.path
    if change.kind == ADDED:
        return f"{label}: added ({new})."
    if change.kind == REMOVED:
        return f"{label}: removed (was {old})."
    return f"{label}: {old} → {new}."


def _document_labels(comparison: Comparison) -> dict:
    """document name -> how a board paper names it: its title, with the name's suffix if titles repeat."""
    docs = {**comparison.old_docs, **comparison.new_docs}
    titles = [d.title for d in docs.values()]
    return {name: d.title if titles.count(d.title) == 1 or "-" not in name else f"{d.title} ({name.split('-', 1)[1]})"
            for name, d in docs.items()}


def _ref_label(ref) -> str:
    return ref.label + ("" if ref.status == CHANGED else f" ({ref.status})")


def where(refs, labels: dict) -> str:
    """`Alliance Agreement: clause 18 (Risk share), Schedule 6 (Financial framework)`."""
    if not refs:
        return "no document wording changes"
    by_doc: dict = {}
    for ref in refs:
        by_doc.setdefault(ref.document, []).append(_ref_label(ref))
    return "; ".join(f"{labels.get(doc, doc)}: {', '.join(items)}" for doc, items in by_doc.items())


def _para(text: str, number: str = "", level: int = 0) -> Para:
    return Para((Text(text),), level=level, number=number)


def summary_document(comparison: Comparison, old_deal, new_deal) -> Document:
    labels = _document_labels(comparison)
    changes = comparison.changes
    moved_docs = [d for d in comparison.documents if d.status != "unchanged"]
    clauses = [Clause("overview", "Overview", (_para(
        f"{len(changes)} term(s) changed" + (f", moving the wording of {len(moved_docs)} document(s)."
                                              if moved_docs else "; no document's wording changes.")
        if changes else "The terms have not changed."),), number="1")]
    by_area: dict = {}
    for change in changes:
        by_area.setdefault(area_of(change), []).append(change)
    order = [area for area, _ in AREAS] + [OTHER_AREA]
    for area in sorted(by_area, key=order.index):
        number = str(len(clauses) + 1)
        blocks = []
        for index, change in enumerate(by_area[area], 1):
            blocks.append(_para(change_sentence(change), f"{number}.{index}", 1))
            blocks.append(_para("Moves: " + where(change.affects, labels) + ".", "(a)", 2))
        clauses.append(Clause(area.lower().replace(" ", "-"), area, tuple(blocks), number=number))
    clauses.append(_documents_clause(comparison, labels, str(len(clauses) + 1)))
    deal = new_deal
    properties = DocumentProperties(title="Summary of changes", subject=str(deal.title),
                                    keywords=f"acscontracts; summary of changes; {deal.id}",
                                    version=deal.version_label, created=deal.settled_on)
    return Document(
        doc_type="summary", name=NAME, title="Summary of changes",
        subtitle=f"{deal.title}: {_version(old_deal)} to {_version(new_deal)}",
        date_text=formatting.date(deal.version_date) if deal.version_date else "",
        status_label="", parties=(), preamble=(), clauses=tuple(clauses),
        schedules=(), signatures=(), properties=properties, operative_words="")


def _version(deal) -> str:
    when = formatting.date(deal.version_date) if deal.version_date else ""
    return f"version {deal.version_label}" + (f" of {when}" if when else "")


def _documents_clause(comparison: Comparison, labels: dict, number: str) -> Clause:
    rows = []
    for impact in comparison.documents:
        name = labels.get(impact.document, impact.document)
        if impact.status == "unchanged":
            moved = "unchanged"
        elif impact.status in (ADDED, REMOVED):
            moved = "a new document" if impact.status == ADDED else "no longer called for by the terms"
        else:
            moved = "; ".join(_ref_label(c.ref) for c in impact.clauses)
        rows.append(((Text(name),), (Text(moved),)))
    blocks: list = [Table(((Text("Document"),), (Text("What moves"),)), tuple(rows))]
    unexplained = comparison.unexplained
    if unexplained:
        blocks.append(_para("Changed by the terms as a whole (no single term explains them): "
                            + "; ".join(f"{labels.get(r.document, r.document)} {r.label}" for r in unexplained) + "."))
    return Clause("documents-affected", "Documents affected", tuple(blocks), number=number)
