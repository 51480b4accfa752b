"""`acscontracts diff` and `acscontracts redline`: what changed between two versions of the terms.

Standalone click commands, registered on the main group by ``cli/__init__.py``; they follow its
conventions (problems raised as AcsError, handled by the group; exit codes from ``cli.common``).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from acscontracts.cli.common import (DOC_CHOICES, DOCUMENT_EXTENSIONS, SUMMARY_EXTENSIONS, checked_model,
                                     output_format, pipeline, printable, write_output)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of clause templates overriding the built-in ones by id.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a summary of changes for a board paper (.docx, .txt or .md).")
@click.option("--pack", type=click.Path(file_okay=False, path_type=Path),
              help="A pack built with --keep-versions: OLD and NEW are labels of its kept versions (v0.3, latest).")
@click.pass_context
def diff(ctx, old, new, fmt, template_dirs, summary, pack):
    """List every changed term between two versions of the terms, and the clauses it moved."""
    from acscontracts.compare.termsdiff import format_text

    ctx.ensure_object(dict)
    ctx.obj["format"] = fmt
    if pack is not None:
        from acscontracts.versions import kept_terms

        old, new = kept_terms(pack, str(old)), kept_terms(pack, str(new))
    if summary is not None and str(summary) == "-":
        raise click.UsageError("--summary writes a file: name it .docx, .txt or .md (the listing is on standard output)")
    summary_format = output_format(summary, None, SUMMARY_EXTENSIONS) if summary else None
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
        write_output(summary, pipe.write(document, summary_format), summary_format)


@click.command()
@click.argument("terms", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--against", type=click.Path(dir_okay=False, path_type=Path),
              help="Compare with an issued .docx instead of earlier terms (give only the NEW terms).")
@click.option("--doc", "doc_type", type=click.Choice(DOC_CHOICES), required=True)
@click.option("--id", "doc_id", help="Which alliance or subcontract, where the terms have several.")
@click.option("--format", "fmt", type=click.Choice(["docx", "text", "pdf"]),
              help="Only with -o - (standard output): the file's extension decides otherwise.")
@click.option("--reference-doc", type=click.Path(dir_okay=False), help="House style: a firm's own .docx.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.docx, FILE.txt or FILE.pdf; - for standard output (with --format).")
@click.pass_context
def redline(ctx, terms, against, doc_type, doc_id, fmt, reference_doc, template_dirs, output):
    """Write NEW's document with tracked changes against OLD's (OLD NEW), or against an issued .docx
    (--against ISSUED.docx NEW)."""

    expected = 1 if against else 2
    if len(terms) != expected:
        raise click.UsageError("give OLD and NEW terms" if expected == 2 else
                               "with --against, give only the NEW terms")
    fmt = output_format(output, fmt, DOCUMENT_EXTENSIONS)
    pipe = pipeline(template_dirs, reference_doc)
    new_terms = checked_model(pipe, terms[-1], ctx)
    if against:
        document = pipe.redline_issued(against, new_terms, doc_type, doc_id)
    else:
        document = pipe.redline(checked_model(pipe, terms[0], ctx), new_terms, doc_type, doc_id)
    write_output(output, pipe.write(document, fmt), fmt)
