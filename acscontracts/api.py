"""The public Python API: the one pipeline that the CLI, the web app and a firm's own scripts call.

    terms = load("deal.yaml")                     # or a dict, or loads(text); raises InvalidTerms
    problems = validate(terms, final=True)        # [Diagnostic, ...]
    data = render(terms, "alliance_agreement")    # .docx bytes (format="text" for plain text)
    reports = build(["deal.yaml"], "out/")        # what was written, left unchanged, and why
    changes = diff(old, new)                      # Comparison: changed terms and the clauses they move
    data = redline(old, new, "alliance_agreement")

Every function takes terms as a ``Terms`` (from ``load``), a path or a dict, and options as keyword
arguments or a ``Settings`` (by default, the settings of the nearest ``acscontracts.toml``: see config.py). Problems in the terms or templates raise ``InvalidTerms`` (an
``AcsError``) whose ``diagnostics`` carry a code, a message, a fix and a location.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from acscontracts.diagnostics import AcsError, Diagnostic, has_errors

DOC_TYPES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")
FORMATS = ("docx", "text", "markdown", "pdf")  # pdf through LibreOffice, when it is installed


class InvalidTerms(AcsError):
    """The terms (or the templates drafting them) have errors; ``.diagnostics`` lists every one."""


@dataclass(frozen=True)
class Settings:
    """A firm's options: house style, clause libraries, and how documents are written."""

    reference_doc: str | None = None  # a .docx whose styles, page set-up and headers are the house style
    templates: tuple[str, ...] = ()  # folders of clause templates overriding built-in ones by id
    clean: bool = False  # leave out drafting notes (the counterparty's copy)
    notes: str = "comments"  # drafting notes in a .docx: Word comments, or "inline" highlighted text
    paginate: bool = False  # contents page numbers from a LibreOffice layout (seconds a document)
    jobs: int = 1  # processes for build

    def with_options(self, **options) -> "Settings":
        """These settings with the keyword options that are not None applied."""
        given = {k: v for k, v in options.items() if v is not None}
        if "templates" in given:
            given["templates"] = tuple(str(t) for t in given["templates"])
        if "reference_doc" in given:
            given["reference_doc"] = str(given["reference_doc"])
        return replace(self, **given) if given else self


@dataclass(frozen=True)
class Terms:
    """Deal terms as loaded: plain data with the position of every value (``loaded``)."""

    loaded: object  # terms.loader.LoadedTerms
    _checked: dict = field(default_factory=dict, repr=False, compare=False)  # final -> validation.Checked

    @property
    def data(self):
        return self.loaded.data

    @property
    def path(self) -> Path | None:
        return self.loaded.path


@dataclass(frozen=True)
class Document:
    """One document the terms call for: its type, its subject's id (an alliance or subcontract) and file stem."""

    doc_type: str
    id: str | None
    name: str


class Pipeline:
    """What a process builds once for one set of settings: templates compiled, house style read."""

    def __init__(self, settings: Settings = Settings()):
        from acscontracts.pack import Engine

        self.settings = settings
        self.engine = Engine.create(settings.templates, settings.reference_doc, notes=settings.notes,
                                    paginate=settings.paginate)

    # --------------------------------------------------------------- load and validate

    def checked(self, terms: Terms, final: bool = False):
        """validation.Checked for ``terms``, computed once per (terms, final)."""
        from acscontracts.terms.validation import check_loaded

        if final not in terms._checked:
            terms._checked[final] = check_loaded(terms.loaded, self.engine.validator(final), cache=self.engine.cache)
        return terms._checked[final]

    def model(self, terms: Terms, final: bool = False):
        """The typed deal; InvalidTerms when the terms have errors."""
        checked = self.checked(terms, final)
        if checked.model is None:
            raise InvalidTerms([d for d in checked.diagnostics if d.is_error])
        return checked.model

    def documents(self, terms: Terms) -> list[Document]:
        """Every document the terms call for, in pack order."""
        from acscontracts.engine.plan import plan, subject_id

        return [Document(spec.doc_type, subject_id(spec), spec.name) for spec in plan(self.model(terms))
                if spec.doc_type in self.engine.library.manifests]

    # --------------------------------------------------------------- documents

    def spec(self, terms: Terms, doc_type: str, id: str | None = None, final: bool = False):
        from acscontracts.engine.plan import plan, select

        return select(plan(self.model(terms, final)), doc_type, id)

    def document(self, terms: Terms, doc_type: str, id: str | None = None, final: bool = False):
        """The resolved document tree (engine.tree.Document): numbered, cross-referenced, defined."""
        from acscontracts.pack import resolved_document

        return resolved_document(self.spec(terms, doc_type, id, final), self.engine)

    def render(self, terms: Terms, doc_type: str, id: str | None = None, format: str = "docx",
               final: bool = False) -> bytes:
        from acscontracts.pack import render

        _check_format(format)
        return render(self.spec(terms, doc_type, id, final), self.engine, format, self.settings.clean)

    def write(self, document, format: str = "docx") -> bytes:
        """A document tree written as .docx or text with these settings' house style."""
        from acscontracts.pack import write_document

        _check_format(format)
        return write_document(document, self.engine, format, self.settings.clean)

    # --------------------------------------------------------------- packs

    def build(self, terms_files, outdir, *, text: bool = False, check: bool = False, force: bool = False,
              final: bool = False, progress=None, redline_against=None, lock_wait: float | None = None,
              pdf: bool = False, keep_versions: bool = False) -> list:
        """Build every document the terms call for into ``outdir`` (a sub-folder named by deal id when there
        are several). ``redline_against``: earlier terms; a redline beside every changed document and a
        summary of changes. ``lock_wait``: seconds to wait for another build of the same pack. ``pdf``: a
        PDF beside every .docx (through LibreOffice). ``keep_versions``: each terms version into
        ``<pack>/v<version>/``, with ``latest`` and ``history.json`` (see versions.py).
        Returns one pack.BuildReport per terms file."""
        from acscontracts.pack import build_packs

        extra = {"lock_wait": lock_wait} if lock_wait is not None else {}
        if redline_against is not None:
            extra["redline_against"] = _source(redline_against)
        return build_packs([_source(t) for t in terms_files], Path(outdir), self.engine, jobs=self.settings.jobs,
                           clean=self.settings.clean, formats=("docx",) + ("text",) * text + ("pdf",) * pdf,
                           check_only=check, force=force, final=final, progress=progress,
                           keep_versions=keep_versions, **extra)

    # --------------------------------------------------------------- compare

    def diff(self, old: Terms, new: Terms):
        """compare.termsdiff.Comparison: every changed term, and the documents and clauses it moves."""
        from acscontracts.compare.termsdiff import compare

        return compare(self._valid(old), self._valid(new), self.engine)

    def redline(self, old: Terms, new: Terms, doc_type: str, id: str | None = None):
        """NEW's document tree with tracked changes against OLD's."""
        from acscontracts.compare.redline import redline
        from acscontracts.engine.plan import plan
        from acscontracts.pack import resolved_document

        new_doc = self.document(new, doc_type, id)
        old_spec = next((s for s in plan(self.model(old)) if s.name == new_doc.name), None)
        if old_spec is None:
            raise InvalidTerms([_no_old_document(new_doc.name)])
        return redline(resolved_document(old_spec, self.engine), new_doc, revision_for(self.model(new)))

    def redline_issued(self, issued: str | Path, new: Terms, doc_type: str, id: str | None = None):
        """NEW's document tree with tracked changes against an issued .docx (when the old terms are lost)."""
        from acscontracts.compare.issued import read_issued
        from acscontracts.compare.redline import redline

        new_doc = self.document(new, doc_type, id)
        return redline(read_issued(Path(issued), new_doc), new_doc, revision_for(self.model(new)), by_text=True)

    def update(self, issued: str | Path, old: Terms, new: Terms, doc_type: str, id: str | None = None):
        """The lawyers' edited .docx (generated from OLD) carried to NEW: compare.update.UpdateResult with the
        .docx bytes (``data``) and the ``conflicts``. Raises AcsError when ISSUED was not generated from OLD."""
        from acscontracts.compare.update import update_issued

        return update_issued(self, Path(issued), old, new, doc_type, id)

    def _valid(self, terms: Terms):
        self.model(terms)
        return self.checked(terms)


def revision_for(model):
    """Who and when, for every tracked change: acscontracts, on the date the new terms were settled."""
    from acscontracts.engine.tree import Revision

    return Revision("acscontracts", model.deal.settled_on)


def _no_old_document(name: str) -> Diagnostic:
    from acscontracts.diagnostics import ERROR

    return Diagnostic(ERROR, "ACS-NO-DOCUMENT", f"the old terms call for no {name}",
                      "it is a new document: render it instead of redlining it")


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")


# --------------------------------------------------------------------------- loading


def load(source: str | Path | Mapping) -> Terms:
    """Terms from a YAML or JSON file (with its partner register, if it names one) or from a dict built
    in code. Raises InvalidTerms when the file cannot be read or parsed; ``validate`` reports the rest."""
    if isinstance(source, Terms):
        return source
    if isinstance(source, Mapping):
        return loads(_to_json(source), name="<dict>")
    if Path(source).suffix.lower() in WORKBOOK_SUFFIXES:
        return read_term_sheet(source)[0]
    from acscontracts.terms.loader import load_terms

    return Terms(_loaded(load_terms, Path(source)))


def loads(text: str, name: str = "<string>", *, base: str | Path | None = None) -> Terms:
    """Terms from YAML or JSON text; ``name`` is the file name diagnostics give. With ``base``, a
    ``partner_register`` path in the text is read relative to that folder."""
    from acscontracts.terms.loader import LoadedTerms, load_terms_text, parse

    if base is not None:
        return Terms(_loaded(load_terms_text, text, name, Path(base)))
    data, positions = _loaded(parse, text, name)
    return Terms(LoadedTerms(data, positions))


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def read_term_sheet(path: str | Path) -> tuple[Terms, list[Diagnostic]]:
    """Terms from an Excel term sheet (``acscontracts export``), and warnings about it (a sheet that is
    not part of the term sheet). Problems are located at cells: ``deal.xlsx:Partners!C7``."""
    from acscontracts.terms.schema import load_schema
    from acscontracts.terms.xlsx import read_workbook

    loaded, warnings = _loaded(read_workbook, Path(path), load_schema())
    return Terms(loaded), warnings


def term_sheet(terms) -> bytes:
    """The terms as an Excel term sheet (.xlsx bytes): a sheet per section, a row per list item."""
    from acscontracts.terms.schema import load_schema
    from acscontracts.terms.xlsx import export_workbook

    return export_workbook(load(terms).data, load_schema())


def terms_yaml(terms) -> str:
    """The terms as YAML text (keys in the schema's order) that loads back to the same terms."""
    from acscontracts.terms.dump import dump_terms
    from acscontracts.terms.schema import load_schema

    return dump_terms(load(terms).data, load_schema())


def _loaded(function, *args):
    try:
        return function(*args)
    except InvalidTerms:
        raise
    except AcsError as exc:
        raise InvalidTerms(exc.diagnostics) from None


def terms_text(data: Mapping) -> str:
    """Terms data as JSON text that ``loads`` reads back exactly (numbers written as exact decimals)."""
    return _to_json(data)


def _to_json(data: Mapping) -> str:
    """JSON text for a dict of terms; Decimals are written exactly (the loader reads numbers as Decimals)."""
    numbers: list[str] = []

    def default(value):
        if isinstance(value, Decimal):
            numbers.append(str(value))
            return f"\x00{len(numbers) - 1}\x00"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        raise TypeError(f"terms cannot hold a {type(value).__name__}")

    text = json.dumps(data, default=default, indent=1, ensure_ascii=False)
    for index, number in enumerate(numbers):
        text = text.replace(f'"\\u0000{index}\\u0000"', number, 1)
    return text


def _source(terms):
    """A terms file path, or loaded terms (terms.loader.LoadedTerms), as the pack builder takes them."""
    if isinstance(terms, (str, Path)):
        return Path(terms)
    return load(terms).loaded


# --------------------------------------------------------------------------- the functions


@functools.lru_cache(maxsize=8)
def pipeline(settings: Settings = Settings()) -> Pipeline:
    """The Pipeline for ``settings``, made once per process."""
    return Pipeline(settings)


def _pipeline(settings: Settings | None, options: dict) -> Pipeline:
    """The pipeline for ``settings`` (by default, those of the nearest acscontracts.toml) and ``options``."""
    if settings is None:
        from acscontracts.config import discover

        settings = discover().settings
    return pipeline(settings.with_options(**options))


@functools.lru_cache(maxsize=2)
def _schema_validator(final: bool):
    from acscontracts.terms.schema import SchemaValidator

    return SchemaValidator(final=final)


def validate(terms, *, final: bool = False) -> list[Diagnostic]:
    """Every problem in the terms: schema, domain rules and limits, errors and warnings, each with its
    code, message, fix and location. Needs no templates, so it is fast."""
    from acscontracts.terms.validation import check_loaded

    try:
        terms = load(terms)
    except InvalidTerms as exc:
        return list(exc.diagnostics)
    return list(check_loaded(terms.loaded, _schema_validator(final), with_model=False).diagnostics)


def is_valid(diagnostics) -> bool:
    return not has_errors(diagnostics)


def documents(terms, *, settings: Settings | None = None) -> list[Document]:
    """Every document the terms call for."""
    return _pipeline(settings, {}).documents(load(terms))


def document(terms, doc_type: str, id: str | None = None, *, final: bool = False,
             settings: Settings | None = None, **options):
    """One document as a resolved tree (for previews and custom writers)."""
    return _pipeline(settings, options).document(load(terms), doc_type, id, final)


def render(terms, doc_type: str, id: str | None = None, *, format: str = "docx", final: bool = False,
           settings: Settings | None = None, **options) -> bytes:
    """One document as .docx bytes (or UTF-8 text with ``format="text"``).
    Options: reference_doc, templates, clean."""
    return _pipeline(settings, options).render(load(terms), doc_type, id, format, final)


def build(terms_files, outdir, *, text: bool = False, check: bool = False, force: bool = False,
          final: bool = False, settings: Settings | None = None, progress=None, redline_against=None,
          lock_wait: float | None = None, pdf: bool = False, keep_versions: bool = False, **options) -> list:
    """Build the pack(s) into ``outdir``; returns one pack.BuildReport per terms file (``outdir``,
    ``written``, ``unchanged``, ``stale`` with ``reasons``, ``edited``, ``extra``, ``diagnostics``)."""
    return _pipeline(settings, options).build(terms_files, outdir, text=text, check=check, force=force,
                                              final=final, progress=progress, redline_against=redline_against,
                                              lock_wait=lock_wait, pdf=pdf, keep_versions=keep_versions)


def diff(old, new, *, settings: Settings | None = None, **options):
    """Every changed term between two versions, with the documents and clauses each one moves."""
    return _pipeline(settings, options).diff(load(old), load(new))


def redline(old, new, doc_type: str, id: str | None = None, *, format: str = "docx",
            settings: Settings | None = None, **options) -> bytes:
    """NEW's document with Word tracked changes against OLD's. ``old`` may also be an issued .docx path."""
    p = _pipeline(settings, options)
    if isinstance(old, (str, Path)) and str(old).lower().endswith(".docx"):
        tree = p.redline_issued(old, load(new), doc_type, id)
    else:
        tree = p.redline(load(old), load(new), doc_type, id)
    return p.write(tree, format)


def update(issued, old, new, doc_type: str, id: str | None = None, *, settings: Settings | None = None,
           **options):
    """An issued .docx the lawyers edited, carried from OLD terms to NEW: their edits kept, the new terms'
    changes as tracked changes, conflicts commented. Returns compare.update.UpdateResult (``data``, ``conflicts``)."""
    p = _pipeline(settings, options)
    return p.update(issued, load(old), load(new), doc_type, id)
