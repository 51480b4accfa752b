"""`acscontracts diff` and `acscontracts redline`: what changed between two versions of the terms.

Standalone click commands, registered on the main group by ``cli.py``; they follow its
conventions (problems raised as AcsError, handled by the group; exit codes from ``cli``).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic

DOC_CHOICES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")


def _checked(engine, path: Path, ctx):
    """Validated terms (validation.Checked) or exit 1 after printing the problems."""
    from acscontracts import cli

    checked = engine.check(path)
    cli._report(checked.diagnostics)
    if checked.model is None:
        ctx.exit(cli.EXIT_INVALID)
    return checked


def revision_for(model):
    """Who and when, for every tracked change: acscontracts, on the date the new terms were settled."""
    from acscontracts.engine.tree import Revision

    return Revision("acscontracts", model.deal.settled_on)


def _write(document, fmt: str, engine, output: Path) -> None:
    from acscontracts.files import atomic_write
    from acscontracts.writers.text import write_text

    if fmt == "text":
        data = write_text(document).encode("utf-8")
    else:
        from acscontracts.writers.docx import write_docx

        data = write_docx(document, reference=engine.reference)
    atomic_write(output, data)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of clause templates overriding the built-in ones by id.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a summary of changes for a board paper (.docx, or .txt).")
@click.pass_context
def diff(ctx, old, new, fmt, template_dirs, summary):
    """List every changed term between two versions of the terms, and the clauses it moved."""
    from acscontracts.cli import _engine
    from acscontracts.compare.termsdiff import compare, format_text

    ctx.ensure_object(dict)
    ctx.obj["format"] = fmt
    engine = _engine(template_dirs)
    old_checked, new_checked = _checked(engine, old, ctx), _checked(engine, new, ctx)
    comparison = compare(old_checked, new_checked, engine)
    if fmt == "json":  # ASCII only: nothing from the terms reaches the terminal raw
        click.echo(json.dumps(comparison.as_record(), indent=2, ensure_ascii=True))
    else:
        from acscontracts.cli import _printable

        click.echo(_printable(format_text(comparison), newlines=True), nl=False)
    if summary:
        from acscontracts.compare.change_summary import summary_document

        document = summary_document(comparison, old_checked.model.deal, new_checked.model.deal)
        _write(document, "text" if summary.suffix.lower() == ".txt" else "docx", engine, summary)
        click.echo(f"wrote {summary}", err=True)


@click.command()
@click.argument("terms", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--against", type=click.Path(dir_okay=False, path_type=Path),
              help="Compare with an issued .docx instead of earlier terms (give only the NEW terms).")
@click.option("--doc", "doc_type", type=click.Choice(DOC_CHOICES), required=True)
@click.option("--id", "doc_id", help="Which alliance or subcontract, where the terms have several.")
@click.option("--format", "fmt", type=click.Choice(["docx", "text"]), default="docx", show_default=True)
@click.option("--reference-doc", type=click.Path(dir_okay=False), help="House style: a firm's own .docx.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def redline(ctx, terms, against, doc_type, doc_id, fmt, reference_doc, template_dirs, output):
    """Write NEW's document with tracked changes against OLD's (OLD NEW), or against an issued .docx
    (--against ISSUED.docx NEW)."""
    from acscontracts.cli import _engine
    from acscontracts.pack import resolved_document
    from acscontracts.engine.plan import plan, select
    from acscontracts.compare.redline import redline as make_redline

    expected = 1 if against else 2
    if len(terms) != expected:
        raise click.UsageError("give OLD and NEW terms" if expected == 2 else
                               "with --against, give only the NEW terms")
    engine = _engine(template_dirs, reference_doc)
    new_checked = _checked(engine, terms[-1], ctx)
    new_doc = resolved_document(select(plan(new_checked.model), doc_type, doc_id), engine)
    revision = revision_for(new_checked.model)
    if against:
        from acscontracts.compare.issued import read_issued

        old_doc = read_issued(against, new_doc)
        document = make_redline(old_doc, new_doc, revision, by_text=True)
    else:
        old_checked = _checked(engine, terms[0], ctx)
        old_spec = _select_old(plan(old_checked.model), new_doc, doc_type, doc_id)
        old_doc = resolved_document(old_spec, engine)
        document = make_redline(old_doc, new_doc, revision)
    _write(document, fmt, engine, output)
    click.echo(f"wrote {output}", err=True)


def _select_old(specs, new_doc, doc_type, doc_id):
    """The old version's document of the same name (it may not exist: a new alliance or subcontract)."""
    for spec in specs:
        if spec.name == new_doc.name:
            return spec
    raise AcsError([Diagnostic(ERROR, "ACS-NO-DOCUMENT", f"the old terms call for no {new_doc.name}",
                               "it is a new document: render it instead of redlining it")])


# --------------------------------------------------------------------------- build --redline-against


def build_redlines(old_terms: Path, new_terms: Path, outdir: Path, engine, *, text: bool = False,
                   clean: bool = False) -> list[Path]:
    """For `build --redline-against OLD_TERMS`: beside every document whose text differs between the
    two versions of the terms, ``<name>.redline.docx`` (and ``.redline.txt`` with ``text``), plus
    ``summary-of-changes.docx`` (and ``.txt``). Returns the files written. Raises AcsError when
    either version does not validate. Documents that exist in only one version get no redline
    (the summary lists them)."""
    from acscontracts.compare.change_summary import NAME, summary_document
    from acscontracts.files import atomic_write
    from acscontracts.compare.termsdiff import compare
    from acscontracts.writers.text import write_text

    old_checked, new_checked = engine.check(old_terms), engine.check(new_terms)
    for checked in (old_checked, new_checked):
        if checked.model is None:
            raise AcsError([d for d in checked.diagnostics if d.is_error] or
                           [Diagnostic(ERROR, "ACS-INVALID", "the terms do not validate", "run validate")])
    comparison = compare(old_checked, new_checked, engine)
    revision = revision_for(new_checked.model)
    written = []
    from acscontracts.compare.redline import redline as make_redline
    from acscontracts.writers.docx import write_docx

    for impact in comparison.documents:
        if impact.status != "changed":
            continue
        old_doc, new_doc = comparison.old_docs[impact.document], comparison.new_docs[impact.document]
        document = make_redline(old_doc, new_doc, revision)
        outputs = [(outdir / f"{impact.document}.redline.docx",
                    lambda d=document: write_docx(d, reference=engine.reference, clean=clean))]
        if text:
            outputs.append((outdir / f"{impact.document}.redline.txt",
                            lambda d=document: write_text(d, clean=clean).encode("utf-8")))
        for path, render in outputs:
            atomic_write(path, render())
            written.append(path)
    summary = summary_document(comparison, old_checked.model.deal, new_checked.model.deal)
    atomic_write(outdir / f"{NAME}.docx", write_docx(summary, reference=engine.reference))
    written.append(outdir / f"{NAME}.docx")
    if text:
        atomic_write(outdir / f"{NAME}.txt", write_text(summary).encode("utf-8"))
        written.append(outdir / f"{NAME}.txt")
    return written
