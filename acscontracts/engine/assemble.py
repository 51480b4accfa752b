"""Assemble: a document's manifest and clause templates, rendered for one deal, into a tree.

``assemble(spec, renderer) -> Document``. Which document and with which parties and template
context is decided by ``pack`` (a DocumentSpec); this stage only applies conditions, renders
and parses. Numbers and references stay empty until ``resolve``.
"""
from __future__ import annotations

from dataclasses import dataclass

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.engine.markup import MarkupError, parse_body, parse_inlines
from acscontracts.engine.reads import FRONT, ReadLog
from acscontracts.engine.resolve import DEFINITIONS_CLAUSE
from acscontracts.engine.templating import Renderer
from acscontracts.engine.tree import Clause, Definition, Document, DocumentProperties, Schedule, Source, Text


@dataclass(frozen=True)
class DocumentSpec:
    """Everything pack decides about one document before its clauses are rendered."""

    doc_type: str
    name: str  # output file stem
    context: dict  # template variables
    parties: tuple  # tuple[tree.Party, ...]
    signatures: tuple  # tuple[tree.SignatureBlock, ...]
    properties: DocumentProperties
    date_text: str
    inputs: tuple = ()  # JSON paths of the terms this document depends on (for staleness)


def plain_text(rendered: str, where: str = "") -> str:
    """Rendered markup (escaped data) back to plain text, for titles."""
    try:
        inlines = parse_inlines(rendered.strip())
    except MarkupError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-TEMPLATE-MARKUP", f"title: {exc}", "fix the title's markup",
                                   Location(where) if where else None)])
    return "".join(i.text if isinstance(i, Text) else getattr(i, "text", "") for i in inlines)


def assemble(spec: DocumentSpec, renderer: Renderer, track_reads: bool = True) -> Document:
    """``track_reads=False`` leaves Document.reads empty: only compare.termsdiff needs them."""
    library = renderer.library
    manifest = library.manifests.get(spec.doc_type)
    if manifest is None:
        raise AcsError([Diagnostic(ERROR, "ACS-MANIFEST", f"no manifest for document type `{spec.doc_type}`",
                                   "add templates/manifests/%s.yaml" % spec.doc_type)])
    problems: list[Diagnostic] = []
    log = ReadLog(spec.context.get("terms"), track_reads)  # which terms each part reads (Document.reads)
    log.record(*spec.inputs)
    context = log.context(spec.context)
    with log.part(FRONT):
        title = plain_text(renderer.render_string("{{ %s }}" % manifest.title, context, manifest.path),
                           manifest.path)
        subtitle = plain_text(renderer.render_string("{{ %s }}" % manifest.subtitle, context, manifest.path),
                              manifest.path)
    context = {**context, "doc": {**context.get("doc", {}), "title": title}}

    def parts(ids, expected_kind):
        out = []
        for clause_id in ids:
            tpl = library.clauses.get(clause_id)
            if tpl is None:
                problems.append(Diagnostic(ERROR, "ACS-MANIFEST", f"lists clause `{clause_id}`, which does not exist",
                                           "add the clause file or fix the id", Location(manifest.path)))
                continue
            if spec.doc_type not in tpl.documents or tpl.kind != expected_kind:
                problems.append(Diagnostic(
                    ERROR, "ACS-MANIFEST", f"lists `{clause_id}` (a {tpl.kind} for {', '.join(tpl.documents)}) "
                    f"as a {expected_kind} of {spec.doc_type}", "fix the clause's front matter or the manifest",
                    Location(manifest.path)))
                continue
            with log.part("preamble" if expected_kind == "preamble" else clause_id):
                if not renderer.condition(tpl.when, context, tpl.path):
                    continue
                source = Source(tpl.path, 0)
                blocks, found = parse_body(renderer.render(tpl.id, context), source)
                problems.extend(found)
                heading = _title(tpl, renderer, context)
            out.append((tpl, heading, blocks, source))
        return out

    preamble = tuple(b for _, _, blocks, _ in parts(manifest.preamble, "preamble") for b in blocks)
    clauses = tuple(Clause(t.id, title, blocks, "", src) for t, title, blocks, src in parts(manifest.body, "clause"))
    schedules = tuple(Schedule(t.id, title, blocks, "", src) for t, title, blocks, src in
                      parts(manifest.schedules, "schedule"))
    with log.part(DEFINITIONS_CLAUSE):  # the definitions clause holds the glossary
        glossary = tuple(_glossary(spec.doc_type, renderer, context))
    if problems:
        raise AcsError(problems)
    return Document(spec.doc_type, spec.name, title, subtitle, spec.date_text, manifest.status_label, spec.parties,
                    preamble, clauses, schedules, spec.signatures, spec.properties, manifest.operative_words,
                    glossary=glossary, reads=log.document_reads())


def _title(tpl, renderer: Renderer, context: dict) -> str:
    if "{" not in tpl.title:
        return tpl.title
    return plain_text(renderer.render_string(tpl.title, context, tpl.path), tpl.path)


def _glossary(doc_type: str, renderer: Renderer, context: dict):
    """Definitions for this document; document-specific ones come last so that they win."""
    for definition in sorted(renderer.library.definitions, key=lambda d: bool(d.documents)):
        if definition.documents and doc_type not in definition.documents:
            continue
        where = f"{definition.path}:{definition.line}"
        if not renderer.condition(definition.when, context, where):
            continue
        rendered = renderer.render_string(definition.text, context, where)
        yield Definition(definition.term, parse_inlines(" ".join(rendered.split())),
                         Source(definition.path, definition.line))
