"""`acscontracts export` and `acscontracts import`: deal terms as an Excel term sheet, and back.

Standalone click commands, registered on the main group by ``cli/__init__.py``.
"""
from __future__ import annotations

from pathlib import Path

import click

from acscontracts.cli.common import EXIT_INVALID, checked_model, pipeline, report


@click.command("export")
@click.argument("terms", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The workbook to write (.xlsx).")
@click.pass_context
def export_command(ctx, terms, output):
    """Write the terms as an Excel term sheet: a sheet per section, a row per list item."""
    from acscontracts import api
    from acscontracts.files import atomic_write

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"{output}: the term sheet is an .xlsx workbook")
    loaded = checked_model(pipeline(), terms, ctx)
    atomic_write(output, api.term_sheet(loaded))
    click.echo(f"wrote {output}; after editing: acscontracts import {output} -o {terms.name}", err=True)


@click.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The terms file to write (.yaml).")
@click.pass_context
def import_command(ctx, workbook, output):
    """Read an Excel term sheet back into a terms file, with every problem located at its cell."""
    from acscontracts import api
    from acscontracts.files import atomic_write

    terms, warnings = api.read_term_sheet(workbook)
    report(warnings)
    pipe = pipeline()
    checked = pipe.checked(terms)
    report(checked.diagnostics)
    if checked.model is None:
        ctx.exit(EXIT_INVALID)
    atomic_write(output, api.terms_yaml(terms).encode("utf-8"))
    click.echo(f"wrote {output}", err=True)
