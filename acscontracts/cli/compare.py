"""`acscontracts diff` and `acscontracts redline`: what changed between two versions of the terms.

Standalone click commands, registered on the main group by ``cli/__init__.py``; they follow its
conventions (problems raised as AcsError, handled by the group; exit codes from ``cli.common``).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from acscontracts.cli.common import DOC_CHOICES, checked_model, pipeline, printable
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic



def _write(pipe, document, fmt: str, output: Path) -> None:
    from acscontracts.files import atomic_write

    atomic_write(output, pipe.write(document, fmt))


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
    from acscontracts.compare.termsdiff import format_text

    ctx.ensure_object(dict)
    ctx.obj["format"] = fmt
    pipe = pipeline(template_dirs)
    old_terms, new_terms = checked_model(pipe, old, ctx), checked_model(pipe, new, ctx)
    comparison = pipe.diff(old_terms, new_terms)
    if fmt == "json":  # ASCII only: nothing from the terms reaches the terminal raw
        click.echo(json.dumps(comparison.as_record(), indent=2, ensure_ascii=True))
    else:
        click.echo(printable(format_text(comparison), newlines=True), nl=False)
    if summary:
        from acscontracts.compare.change_summary import summary_document

        document = summary_document(comparison, pipe.model(old_terms).deal, pipe.model(new_terms).deal)
        _write(pipe, document, "text" if summary.suffix.lower() == ".txt" else "docx", summary)
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

    expected = 1 if against else 2
    if len(terms) != expected:
        raise click.UsageError("give OLD and NEW terms" if expected == 2 else
                               "with --against, give only the NEW terms")
    pipe = pipeline(template_dirs, reference_doc)
    new_terms = checked_model(pipe, terms[-1], ctx)
    if against:
        document = pipe.redline_issued(against, new_terms, doc_type, doc_id)
    else:
        document = pipe.redline(checked_model(pipe, terms[0], ctx), new_terms, doc_type, doc_id)
    _write(pipe, document, fmt, output)
    click.echo(f"wrote {output}", err=True)


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
    from acscontracts.api import revision_for
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
                    lambda d=document: write_docx(d, clean=clean, **engine.docx_options()))]
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
