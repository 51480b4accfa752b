"""Command line: the only place that prints and chooses exit codes.

Exit codes: 0 ok, 1 invalid terms (or stale/edited pack with --check), 2 usage,
3 template error, 4 cannot write output, 5 internal error (a bug: --debug shows the traceback).
"""
from __future__ import annotations

import gc
import sys
import traceback
from pathlib import Path

import click

from acscontracts import __version__
from acscontracts.diagnostics import AcsError, format_all, has_errors
from acscontracts.cli.common import (DOC_CHOICES, DOCUMENT_EXTENSIONS, EXIT_INTERNAL, EXIT_INVALID, EXIT_TEMPLATE,
                                     checked_model, exit_code, output_format, pipeline, printable, printable_json,
                                     report, settings, write_output)


class _Group(click.Group):
    """Turns AcsError into located messages and anything unexpected into one line (or a traceback with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AcsError as exc:
            report(exc.diagnostics, (ctx.obj or {}).get("format", "text"))
            ctx.exit(exit_code(exc.diagnostics))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; no file is left half-written: run the command again to finish", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one catch-all: a bug report, not a traceback
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                click.echo(printable(f"internal error: {type(exc).__name__}: {exc} (run again with --debug and "
                                      "report the traceback)"), err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="acscontracts")
@click.option("--debug", is_flag=True, help="Show the traceback of internal errors.")
@click.pass_context
def main(ctx, debug):
    """Draft NHS accountable-care contracts from deal terms (YAML or JSON)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand != "serve":
        _collect_less(ctx)


ONE_SHOT_GC_THRESHOLD = (50_000, 20, 100)


def _collect_less(ctx) -> None:
    """A command other than ``serve`` runs once and ends: what is loaded by now (modules, click's commands) lives
    until the process exits, so the cyclic garbage collector stops scanning it (``gc.freeze``), and it runs every
    50,000 allocations rather than 700. A render process takes 20-40 ms less (of about 350); its peak memory is
    a few per cent higher (98.6 MB against 98.1 MB rendering the 350,000-word synthetic deal of
    benchmarks/run.py; about 76 MB against 73 MB building the four samples), as the document tree holds few
    reference cycles. The collector is restored when the command ends, for a program that runs commands in its
    own process (click's CliRunner); a program that froze objects itself keeps them frozen."""
    threshold, ours = gc.get_threshold(), gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    gc.set_threshold(*ONE_SHOT_GC_THRESHOLD)

    def restore():
        gc.set_threshold(*threshold)
        if ours:
            gc.unfreeze()

    ctx.call_on_close(restore)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--final", is_flag=True, help="Every term a signed document needs must be present.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, files, final, fmt):
    """Check deal terms against the schema and the domain rules; report every problem."""
    from acscontracts import api

    ctx.obj["format"] = fmt
    diagnostics = [d for path in files for d in api.validate(path, final=final)]
    if fmt == "json":
        click.echo(printable_json(format_all(diagnostics, "json")))
    else:
        report(diagnostics)
        errors = sum(d.is_error for d in diagnostics)
        warnings = len(diagnostics) - errors
        click.echo(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    ctx.exit(EXIT_INVALID if has_errors(diagnostics) else 0)


@main.command()
def schema():
    """Print the deal-terms JSON Schema (draft 2020-12)."""
    from acscontracts import resources

    click.echo(resources.schema_path().read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--model", type=click.Choice(["alliance", "lead_provider", "aco"]), default="alliance", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def init(file, model, force):
    """Write a commented starter terms file that validates in draft mode."""
    from acscontracts import resources
    from acscontracts.files import atomic_write

    if file.exists() and not force:
        raise click.UsageError(f"{file} exists; use --force to overwrite it")
    atomic_write(file, resources.starter_file(model).read_bytes())
    click.echo(f"wrote {file}; next: acscontracts validate {file}", err=True)


NOTES_OPTION = click.option(
    "--notes", type=click.Choice(["comments", "inline"]), default=None,
    help="Drafting notes in a .docx: Word comments in the margin (the default), or highlighted text inline.")
PAGINATE_OPTION = click.option(
    "--paginate", is_flag=True,
    help="Lay each .docx out with LibreOffice (when installed) to cache the contents' page numbers; "
         "a few seconds a document, cached. Word updates them on opening either way.")


@main.command()
@click.argument("terms", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "doc_type", type=click.Choice(DOC_CHOICES), required=True)
@click.option("--id", "doc_id", help="Which alliance or subcontract, where the terms have several.")
@click.option("--reference-doc", type=click.Path(dir_okay=False), help="House style: a firm's own .docx.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of clause templates overriding the built-in ones by id.")
@click.option("--format", "fmt", type=click.Choice(["docx", "text", "pdf"]),
              help="Only with -o - (standard output): the file's extension decides otherwise.")
@click.option("--clean", is_flag=True, help="Leave out drafting notes (counterparty version).")
@NOTES_OPTION
@PAGINATE_OPTION
@click.option("--final", is_flag=True, help="Refuse incomplete terms.")
@click.option("--pdf", "pdf", is_flag=True, help="Also write a PDF beside the .docx (needs LibreOffice).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.docx, FILE.txt or FILE.pdf; - for standard output (with --format).")
@click.pass_context
def render(ctx, terms, doc_type, doc_id, reference_doc, template_dirs, fmt, clean, notes, paginate, final, pdf,
           output):
    """Render one document."""
    fmt = output_format(output, fmt, DOCUMENT_EXTENSIONS)
    if pdf and (fmt != "docx" or str(output) == "-"):
        raise click.UsageError("--pdf writes a PDF beside a .docx file: give -o FILE.docx (or -o FILE.pdf alone)")
    pipe = pipeline(template_dirs, reference_doc, clean, notes=notes, paginate=paginate)
    loaded = checked_model(pipe, terms, ctx, final)
    tree = pipe.document(loaded, doc_type, doc_id, final)
    outputs = [(output, fmt)] + ([(output.with_suffix(".pdf"), "pdf")] if pdf else [])
    for path, data, kind in [(path, pipe.write(tree, kind), kind) for path, kind in outputs]:
        write_output(path, data, kind)


@main.command()
@click.argument("terms", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--reference-doc", type=click.Path(dir_okay=False))
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("--text/--no-text", default=False, help="Also write a .txt of every document.")
@click.option("--clean", is_flag=True)
@NOTES_OPTION
@PAGINATE_OPTION
@click.option("--final", is_flag=True)
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if any document is stale or edited.")
@click.option("--force", is_flag=True, help="Overwrite documents edited by hand since the last build.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Render documents in this many processes (same bytes as one; default 1 or the config's).")
@click.option("--redline-against", type=click.Path(dir_okay=False, path_type=Path),
              help="Earlier terms: write <name>.redline.docx beside every changed document, and summary-of-changes.docx.")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside every .docx (needs LibreOffice).")
@click.option("--keep-versions", is_flag=True,
              help="Build into <pack>/v<version>/ and keep every earlier version, with latest and history.json.")
@click.option("--update-from", type=click.Path(dir_okay=False, path_type=Path),
              help="The terms the pack was built from: write <name>.updated.docx beside every document edited by hand.")
@click.option("--fail-on-conflict", is_flag=True, help="With --update-from: exit 1 when any update has a conflict.")
@click.pass_context
def build(ctx, terms, outdir, reference_doc, template_dirs, text, clean, notes, paginate, final, check_only, force, jobs,
          redline_against, pdf, keep_versions, update_from, fail_on_conflict):
    """Build every document the terms call for into a folder, with manifest.json."""
    if (redline_against or update_from) and len(terms) > 1:
        raise click.UsageError("--redline-against and --update-from take one TERMS file")
    pipe = pipeline(template_dirs, reference_doc, clean, jobs, notes=notes, paginate=paginate)
    if update_from and not check_only and not force:
        from acscontracts.cli.update import build_updates

        status = build_updates(pipe, update_from, terms[0], outdir, ctx, fail_on_conflict)
        if status is not None:  # documents edited by hand: updated copies written, the pack left as it is
            ctx.exit(status)
    reports = pipe.build(terms, outdir, text=text, check=check_only, force=force, final=final, progress=_progress,
                         redline_against=redline_against, pdf=pdf, keep_versions=keep_versions)
    command = " ".join(["acscontracts build", *map(str, terms), "-o", str(outdir)] +
                       (["--text"] if text else []) + (["--pdf"] if pdf else []) + (["--clean"] if clean else []) +
                       (["--final"] if final else []) + (["--keep-versions"] if keep_versions else []))
    ctx.exit(max(_print_build(r, check_only, command) for r in reports))


def _progress(done: int, total: int, name: str) -> None:
    """A progress bar on stderr, only for a terminal and for more than a few documents."""
    if total <= 3 or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    end = "\n" if done == total else ""
    click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}{end}", err=True, nl=False)


def _print_build(build_report, check_only: bool, command: str) -> int:
    report(build_report.diagnostics)
    if has_errors(build_report.diagnostics):
        return exit_code(build_report.diagnostics)
    target = build_report.outdir
    if check_only:
        for name in build_report.stale:
            click.echo(printable(f"stale: {target / name}: {build_report.reasons.get(name, 'its bytes differ')}"))
        for name in build_report.edited:
            click.echo(printable(f"edited by hand: {target / name}"))
        for name in build_report.extra:
            click.echo(printable(f"warning: {target / name} is not part of this build (left by an earlier build "
                                 "with other options, or added by hand); delete it if it is not needed"), err=True)
        if build_report.stale:
            click.echo(printable(f"run: {command}"), err=True)
        return EXIT_INVALID if build_report.stale or build_report.edited else 0
    for name in build_report.written:
        click.echo(printable(f"wrote {target / name}"))
    if build_report.unchanged:
        click.echo(printable(f"{len(build_report.unchanged)} unchanged in {target}"), err=True)
    return 0


@main.group()
def templates():
    """Clause library tools."""


@templates.command("new")
@click.argument("clause_id")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def templates_new(clause_id, folder):
    """Copy a built-in clause into FOLDER (default: the config's first template folder, else
    ./templates) as an override to edit."""
    from acscontracts.engine.templating import scaffold_override

    if folder is None:
        configured = settings().templates
        folder = Path(configured[0]) if configured else Path("templates")
    written = scaffold_override(clause_id, folder)
    click.echo(f"wrote {written}; edit it, then: acscontracts templates check {folder}", err=True)


@main.command("config")
def config_command():
    """Print the settings in force and where each came from."""
    from dataclasses import fields

    from acscontracts.config import cache_dir, discover

    configured = discover()
    click.echo(f"config file: {configured.file or 'none (defaults)'}")
    for field in fields(configured.settings):
        value = getattr(configured.settings, field.name)
        source = configured.sources.get(field.name)
        click.echo(printable(f"{field.name} = {value!r}  ({source or 'default'})"))
    click.echo(printable(f"cache = {str(cache_dir())!r}"))


@templates.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def templates_check(ctx, folder):
    """Lint a clause library: variables, references, terms and manifests. FOLDER is a firm's overlay
    (default: the config's template folders), linted merged with the built-in library it overrides."""
    from acscontracts.engine.lint import lint_library

    diagnostics = lint_library(*([folder] if folder else settings().templates))
    report(diagnostics)
    click.echo(f"{len(diagnostics)} problem(s)", err=True)
    ctx.exit(EXIT_TEMPLATE if has_errors(diagnostics) else 0)


from acscontracts.cli.compare import diff, redline  # noqa: E402  (commands defined in their own module)
from acscontracts.cli.termsheet import export_command, import_command  # noqa: E402
from acscontracts.cli.serve import serve  # noqa: E402
from acscontracts.cli.update import update  # noqa: E402

main.add_command(diff)
main.add_command(redline)
main.add_command(serve)
main.add_command(update)
main.add_command(export_command)
main.add_command(import_command)

if __name__ == "__main__":  # pragma: no cover
    main()
