"""`acscontracts update` and `build --update-from`: carry the lawyers' edited documents to new terms.

Registered on the main group by ``cli/__init__.py``; problems are raised as AcsError and handled there.
"""
from __future__ import annotations

from pathlib import Path

import click

from acscontracts.cli.common import DOC_CHOICES, EXIT_INVALID, checked_model, pipeline, printable

LOOSE_NOTE = ("note: {issued}: no record of the document as built from {old} was found beside it (a build "
              "keeps one in .acscontracts/); it was rebuilt from {old} with today's templates, so changes to the "
              "templates since then are not carried over and the alignment is looser")


def _report(result, issued: Path, old: Path, output: Path) -> None:
    if result.loose:
        click.echo(printable(LOOSE_NOTE.format(issued=issued, old=old)), err=True)
    for conflict in result.conflicts:
        click.echo(printable(f"{output}: {conflict.line()}"))
    click.echo(f"wrote {output}: {len(result.conflicts)} conflict(s), {result.match:.0%} of the old document "
               "found in the issued one", err=True)


@click.command()
@click.argument("issued", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "doc_type", type=click.Choice(DOC_CHOICES), required=True)
@click.option("--id", "doc_id", help="Which alliance or subcontract, where the terms have several.")
@click.option("--reference-doc", type=click.Path(dir_okay=False), help="House style the issued file was built with.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("--clean", is_flag=True, help="The issued file was built without drafting notes.")
@click.option("--fail-on-conflict", is_flag=True, help="Exit 1 when any conflict is found (the file is still written).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def update(ctx, issued, old, new, doc_type, doc_id, reference_doc, template_dirs, clean, fail_on_conflict, output):
    """Carry a lawyers' edited ISSUED.docx (generated from OLD terms) to NEW terms: their edits kept, the
    changes the new terms make shown as tracked changes, conflicts commented and listed."""
    from acscontracts.files import atomic_write

    if output.exists() and issued.exists() and output.resolve() == issued.resolve():
        raise click.UsageError("-o must not be the issued file: the lawyers' document is never overwritten")
    pipe = pipeline(template_dirs, reference_doc, clean)
    old_terms, new_terms = checked_model(pipe, old, ctx), checked_model(pipe, new, ctx)
    result = pipe.update(issued, old_terms, new_terms, doc_type, doc_id)
    atomic_write(output, result.data)
    _report(result, issued, old, output)
    ctx.exit(EXIT_INVALID if fail_on_conflict and result.conflicts else 0)


def build_updates(pipe, old: Path, new: Path, outdir: Path, ctx, fail_on_conflict: bool) -> int | None:
    """For `build NEW -o DIR --update-from OLD`: ``<name>.updated.docx`` beside every .docx of the pack edited
    by hand. Returns the exit status when there were such documents (a pack is written all or nothing, so it
    is then left as it is), or None when there were none and the build should go ahead."""
    from acscontracts.compare.base_record import UPDATED
    from acscontracts.files import atomic_write

    (probe,) = pipe.build([new], outdir, check=True)
    edited = [f for f in probe.edited if f.endswith(".docx")]
    if not edited:
        return None
    old_terms, new_terms = checked_model(pipe, old, ctx), checked_model(pipe, new, ctx)
    documents = {d.name: d for d in pipe.documents(new_terms)}
    conflicts = 0
    for filename in edited:
        document = documents.get(filename[:-len(".docx")])
        if document is None:
            continue
        result = pipe.update(outdir / filename, old_terms, new_terms, document.doc_type, document.id)
        output = outdir / f"{document.name}{UPDATED}"
        atomic_write(output, result.data)
        _report(result, outdir / filename, old, output)
        conflicts += len(result.conflicts)
    click.echo(f"{len(edited)} document(s) edited by hand were carried to {new} as <name>.updated.docx; the pack "
               "itself is rebuilt (all or nothing) once the lawyers' files are settled and saved elsewhere", err=True)
    return EXIT_INVALID if fail_on_conflict and conflicts else 0
