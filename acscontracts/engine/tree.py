"""The document tree: plain, frozen data between the assemble, resolve and write stages.

A Document is built by ``assemble`` (numbers and reference texts empty), completed by
``resolve`` (numbers filled in, definitions clause generated) and read by the writers.
Nothing here knows about Jinja, Word or the deal terms.

Numbering scheme (computed once, by ``resolve``):

* body clause headings:   ``1``, ``2`` ...            (Clause.number)
* body paragraph level 1: ``1.1``                     (Para.number is the label shown)
* body paragraph level 2: ``(a)``; referred to as ``1.1(a)``
* body paragraph level 3: ``(i)``; referred to as ``1.1(a)(i)``
* schedule headings:      ``1`` (shown as "Schedule 1")
* schedule paragraph level 1: ``1``, level 2: ``1.1``, level 3: ``(a)`` restarting in every schedule
* party paragraphs: ``(1)``, ``(2)``; recital paragraphs: ``(A)``, ``(B)``

Level 0 paragraphs are unnumbered body text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True, slots=True)
class Source:
    """Where a node came from: a template file and a line in it (1-based, 0 if unknown)."""

    template: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.template}:{self.line}" if self.line else self.template


# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text. Never re-parsed: a partner called ``{{ 7*7 }}`` stays exactly that."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class TermUse:
    """A use of a defined term. ``text`` is what is shown (e.g. a plural)."""

    term: str
    text: str


@dataclass(frozen=True, slots=True)
class TermDef:
    """The place where a term is defined: shown in bold within double quotes."""

    term: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A cross-reference to a clause, paragraph or schedule id.

    ``number`` is filled in by resolve with the full reference text ("12.3(a)", "4").
    """

    target: str
    number: str = ""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A blank for the lawyer to fill in: shown as ``[●]`` (or ``[● hint]``), highlighted."""

    hint: str = ""
    field: str = ""  # JSON path of the missing term, when the blank stands for one


@dataclass(frozen=True, slots=True)
class Note:
    """A drafting note for the lawyer: highlighted; removed by ``--clean``."""

    text: str


@dataclass(frozen=True, slots=True)
class Inserted:
    """Redline only: inlines inserted since the earlier version (a Word tracked insertion)."""

    inlines: tuple


@dataclass(frozen=True, slots=True)
class Deleted:
    """Redline only: inlines deleted since the earlier version (a Word tracked deletion)."""

    inlines: tuple


Inline = Union[Text, TermUse, TermDef, Ref, Placeholder, Note, Inserted, Deleted]
Cell = tuple  # tuple[Inline, ...]


# --------------------------------------------------------------------------- blocks

PARA_STYLES = ("body", "note", "subheading", "party", "recital", "definition", "centered")


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph.

    ``level`` 0 is unnumbered; 1-3 are numbered sub-levels of the clause or schedule it
    sits in. ``style`` is one of PARA_STYLES; "party" and "recital" paragraphs carry their
    own numbering ((1), (A)) and ignore ``level``.
    """

    inlines: tuple
    level: int = 0
    style: str = "body"
    anchor: str = ""  # id that cross-references may target
    number: str = ""  # label as displayed, filled in by resolve ("1.1", "(a)")
    source: Source | None = None
    change: str = ""  # redline only: "inserted" or "deleted" (the whole paragraph and its mark)


@dataclass(frozen=True, slots=True)
class Table:
    """A table whose first row (``header``) repeats on every page."""

    header: tuple  # tuple[Cell, ...]
    rows: tuple  # tuple[tuple[Cell, ...], ...]
    source: Source | None = None
    change: str = ""  # redline only: "inserted" or "deleted" (the whole table)
    row_changes: tuple = ()  # redline only: per row of ``rows``, "" | "inserted" | "deleted"


Block = Union[Para, Table]


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    title: str
    blocks: tuple
    number: str = ""
    source: Source | None = None
    change: str = ""  # redline only: "inserted" or "deleted" (heading and every block)
    title_inlines: tuple = ()  # redline only: the heading with Inserted/Deleted words, when it changed


@dataclass(frozen=True, slots=True)
class Schedule:
    id: str
    title: str
    blocks: tuple
    number: str = ""
    source: Source | None = None
    change: str = ""  # redline only: "inserted" or "deleted" (heading and every block)
    title_inlines: tuple = ()  # redline only: the heading with Inserted/Deleted words, when it changed


@dataclass(frozen=True, slots=True)
class Party:
    """A party as the front page and the parties clause name it."""

    id: str
    name: str  # legal name
    short_name: str  # the name used in the document ("Northvale ICB")
    description: str  # e.g. "an NHS foundation trust"


SIGNATURE_FORMS = ("nhs_body", "local_authority_seal", "company", "other")


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """One execution block. ``form`` decides its shape: an NHS body signs by an
    authorised officer, a local authority executes under its common seal, a company
    signs by a director."""

    party_name: str
    form: str
    signatory_name: str  # "" when unknown: shown as a blank
    signatory_title: str


@dataclass(frozen=True, slots=True)
class DocumentProperties:
    title: str
    subject: str
    keywords: str
    version: str  # terms version, shown in the footer
    created: str  # ISO date from the terms (never the clock)
    author: str = "acscontracts"


@dataclass(frozen=True, slots=True)
class Document:
    doc_type: str  # alliance_agreement | subcontract | aco_contract | heads_of_terms
    name: str  # output file stem: "alliance_agreement-northvale", "subcontract-physiofirst"
    title: str  # "Alliance Agreement"
    subtitle: str  # "relating to the Northvale Accountable Care System"
    date_text: str  # "[●] 2026" or "1 April 2026"
    status_label: str  # "DRAFT — SUBJECT TO CONTRACT" (empty for none)
    parties: tuple  # tuple[Party, ...]
    preamble: tuple  # tuple[Block, ...]: parties and recitals
    clauses: tuple  # tuple[Clause, ...]
    schedules: tuple  # tuple[Schedule, ...]
    signatures: tuple  # tuple[SignatureBlock, ...]
    properties: DocumentProperties
    operative_words: str = "IT IS AGREED as follows:"  # printed before clause 1
    references: dict = field(default_factory=dict, compare=False)  # id -> full ref text (resolve)
    # Candidate definitions from assemble: tuple of Definition; resolve keeps only the terms used.
    glossary: tuple = field(default=(), compare=False)
    revision: "Revision | None" = None  # redline only: who and when, for w:ins/w:del
    # Redline only: the earlier version, for what writers generate themselves (front page,
    # execution blocks), which they compare paragraph by paragraph.
    previous: "Document | None" = field(default=None, compare=False)
    # JSON paths of the terms each part read while it was rendered (engine.reads): part id (clause,
    # schedule, "preamble", "definitions", "front", "execution") -> frozenset of paths.
    reads: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Revision:
    author: str  # "acscontracts"
    date: str  # ISO date from the new terms, never the clock


@dataclass(frozen=True, slots=True)
class Definition:
    """A defined term and its meaning (inlines following the term, e.g. "means ...")."""

    term: str
    inlines: tuple
    source: Source | None = None
