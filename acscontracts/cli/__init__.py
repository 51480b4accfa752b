"""Command line: the only place that prints and chooses exit codes.

Exit codes: 0 ok, 1 invalid terms (or stale/edited pack with --check), 2 usage,
3 template error, 4 cannot write output, 5 internal error (a bug: --debug shows the traceback).
"""
from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

import click

from acscontracts import __version__
from acscontracts.diagnostics import AcsError, format_all, has_errors, sort_key

EXIT_INVALID, EXIT_USAGE, EXIT_TEMPLATE, EXIT_WRITE, EXIT_INTERNAL = 1, 2, 3, 4, 5
DOC_CHOICES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")


def _exit_code(diagnostics) -> int:
    codes = {d.code for d in diagnostics if d.is_error}
    if any(c.startswith("ACS-WRITE") for c in codes):
        return EXIT_WRITE
    if any(c.startswith(("ACS-TEMPLATE", "ACS-MANIFEST", "ACS-BROKEN-REF", "ACS-UNDEFINED-TERM",
                         "ACS-DUPLICATE-ID", "ACS-NO-DEFINITIONS", "ACS-REFERENCE-DOC")) for c in codes):
        return EXIT_TEMPLATE
    return EXIT_INVALID


# Characters from the terms that must not reach a terminal raw (escape sequences, line breaks inside a
# one-line message, lone surrogates that cannot be encoded): shown as Python escapes instead.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _printable(text: str, newlines: bool = False) -> str:
    text = text if newlines else text.replace("\n", "\\n")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def _printable_json(text: str) -> str:
    """The same for JSON output, with JSON's own escapes (json.dumps already escaped C0 controls)."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _report(diagnostics, fmt: str = "text") -> None:
    if not diagnostics:
        return
    if fmt == "json":
        click.echo(_printable_json(format_all(diagnostics, "json")))
    else:
        click.echo("\n".join(_printable(d.format()) for d in sorted(diagnostics, key=sort_key)), err=True)


class _Group(click.Group):
    """Turns AcsError into located messages and anything unexpected into one line (or a traceback with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AcsError as exc:
            _report(exc.diagnostics, (ctx.obj or {}).get("format", "text"))
            ctx.exit(_exit_code(exc.diagnostics))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; no file is left half-written: run the command again to finish", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one catch-all: a bug report, not a traceback
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                click.echo(_printable(f"internal error: {type(exc).__name__}: {exc} (run again with --debug and "
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


def _engine(templates=(), reference_doc=None):
    from acscontracts.pack import Engine

    return Engine.create(templates, reference_doc)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--final", is_flag=True, help="Every term a signed document needs must be present.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, files, final, fmt):
    """Check deal terms against the schema and the domain rules; report every problem."""
    from acscontracts.terms.schema import SchemaValidator
    from acscontracts.terms.validation import check_file

    ctx.obj["format"] = fmt
    validator = SchemaValidator(final=final)
    diagnostics = []
    for path in files:
        diagnostics.extend(check_file(path, validator, with_model=False).diagnostics)
    if fmt == "json":
        click.echo(_printable_json(format_all(diagnostics, "json")))
    else:
        _report(diagnostics)
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


def _check_terms(engine, terms, final, ctx):
    checked = engine.check(terms, final=final)
    _report(checked.diagnostics)
    if checked.model is None:
        ctx.exit(EXIT_INVALID)
    return checked.model


@main.command()
@click.argument("terms", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "doc_type", type=click.Choice(DOC_CHOICES), required=True)
@click.option("--id", "doc_id", help="Which alliance or subcontract, where the terms have several.")
@click.option("--reference-doc", type=click.Path(dir_okay=False), help="House style: a firm's own .docx.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of clause templates overriding the built-in ones by id.")
@click.option("--format", "fmt", type=click.Choice(["docx", "text"]), default="docx", show_default=True)
@click.option("--clean", is_flag=True, help="Leave out drafting notes (counterparty version).")
@click.option("--final", is_flag=True, help="Refuse incomplete terms.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def render(ctx, terms, doc_type, doc_id, reference_doc, template_dirs, fmt, clean, final, output):
    """Render one document."""
    from acscontracts.files import atomic_write
    from acscontracts.pack import render as render_document
    from acscontracts.engine.plan import plan, select

    engine = _engine(template_dirs, reference_doc)
    model = _check_terms(engine, terms, final, ctx)
    spec = select(plan(model), doc_type, doc_id)
    atomic_write(output, render_document(spec, engine, fmt, clean))
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("terms", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--reference-doc", type=click.Path(dir_okay=False))
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("--text/--no-text", default=False, help="Also write a .txt of every document.")
@click.option("--clean", is_flag=True)
@click.option("--final", is_flag=True)
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if any document is stale or edited.")
@click.option("--force", is_flag=True, help="Overwrite documents edited by hand since the last build.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Render documents in this many processes (same bytes as one).")
@click.option("--redline-against", type=click.Path(dir_okay=False, path_type=Path),
              help="Earlier terms: write <name>.redline.docx beside every changed document, and summary-of-changes.docx.")
@click.pass_context
def build(ctx, terms, outdir, reference_doc, template_dirs, text, clean, final, check_only, force, jobs,
          redline_against):
    """Build every document the terms call for into a folder, with manifest.json."""
    import contextlib

    from acscontracts.pack import worker_pool

    if redline_against and len(terms) > 1:
        raise click.UsageError("--redline-against takes one TERMS file")
    engine = _engine(template_dirs, reference_doc)
    formats = ("docx", "text") if text else ("docx",)
    status = 0
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(worker_pool(engine, jobs)) if jobs > 1 else None
        for path in terms:
            status = max(status, _build_one(path, outdir if len(terms) == 1 else outdir / path.stem, engine,
                                            pool, clean=clean, formats=formats, check_only=check_only, force=force,
                                            final=final))
    if redline_against and not check_only and status == 0:
        from acscontracts.cli.compare import build_redlines

        for written in build_redlines(redline_against, terms[0], outdir, engine, text=text, clean=clean):
            click.echo(f"wrote {written}")
    ctx.exit(status)


def _progress(done: int, total: int, name: str) -> None:
    """A progress bar on stderr, only for a terminal and for more than a few documents."""
    if total <= 3 or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    end = "\n" if done == total else ""
    click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}{end}", err=True, nl=False)


def _build_one(path, target, engine, pool, **options) -> int:
    from acscontracts.pack import build_pack

    report = build_pack(path, target, engine, pool=pool, progress=_progress, **options)
    _report(report.diagnostics)
    if has_errors(report.diagnostics):
        return _exit_code(report.diagnostics)
    if options["check_only"]:
        for name in report.stale:
            click.echo(f"stale: {target / name}")
        for name in report.edited:
            click.echo(f"edited by hand: {target / name}")
        return EXIT_INVALID if report.stale or report.edited else 0
    for name in report.written:
        click.echo(f"wrote {target / name}")
    if report.unchanged:
        click.echo(f"{len(report.unchanged)} unchanged in {target}", err=True)
    return 0


@main.group()
def templates():
    """Clause library tools."""


@templates.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def templates_check(ctx, folder):
    """Lint a clause library: variables, references, terms and manifests."""
    from acscontracts.engine.lint import lint_library

    diagnostics = lint_library(folder)
    _report(diagnostics)
    click.echo(f"{len(diagnostics)} problem(s)", err=True)
    ctx.exit(EXIT_TEMPLATE if has_errors(diagnostics) else 0)


from acscontracts.cli.compare import diff, redline  # noqa: E402  (commands defined in their own module)

main.add_command(diff)
main.add_command(redline)

if __name__ == "__main__":  # pragma: no cover
    main()
