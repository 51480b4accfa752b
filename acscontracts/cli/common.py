"""What every command shares: exit codes, printing diagnostics safely, and the pipeline for its options."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from acscontracts.diagnostics import format_all, sort_key

EXIT_INVALID, EXIT_USAGE, EXIT_TEMPLATE, EXIT_WRITE, EXIT_INTERNAL = 1, 2, 3, 4, 5
DOC_CHOICES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")


def exit_code(diagnostics) -> int:
    codes = {d.code for d in diagnostics if d.is_error}
    if any(c.startswith(("ACS-WRITE", "ACS-BUSY")) for c in codes):
        return EXIT_WRITE
    if any(c.startswith(("ACS-TEMPLATE", "ACS-MANIFEST", "ACS-BROKEN-REF", "ACS-UNDEFINED-TERM",
                         "ACS-DUPLICATE-ID", "ACS-NO-DEFINITIONS", "ACS-REFERENCE-DOC")) for c in codes):
        return EXIT_TEMPLATE
    return EXIT_INVALID


# Characters from the terms that must not reach a terminal raw (escape sequences, line breaks inside a
# one-line message, lone surrogates that cannot be encoded): shown as Python escapes instead.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, newlines: bool = False) -> str:
    text = text if newlines else text.replace("\n", "\\n")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def printable_json(text: str) -> str:
    """The same for JSON output, with JSON's own escapes (json.dumps already escaped C0 controls)."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def report(diagnostics, fmt: str = "text") -> None:
    if not diagnostics:
        return
    if fmt == "json":
        click.echo(printable_json(format_all(diagnostics, "json")))
    else:
        click.echo("\n".join(printable(d.format()) for d in sorted(diagnostics, key=sort_key)), err=True)


def settings(templates=(), reference_doc=None, clean=False, jobs=None, notes=None, paginate=False):
    """The settings of the nearest config file, with the options given on the command line applied."""
    from acscontracts.config import discover

    return discover().settings.with_options(reference_doc=reference_doc, templates=tuple(templates) or None,
                                            clean=clean or None, jobs=jobs, notes=notes,
                                            paginate=paginate or None)


def pipeline(templates=(), reference_doc=None, clean=False, jobs=None, notes=None, paginate=False):
    """The API pipeline for these command-line options (over the config file's settings)."""
    from acscontracts import api

    return api.pipeline(settings(templates, reference_doc, clean, jobs, notes, paginate))


def checked_model(pipe, terms_path, ctx, final=False):
    """Load and validate a terms file for a command: print its problems; exit 1 when it has errors."""
    from acscontracts import api

    terms = api.load(terms_path)
    checked = pipe.checked(terms, final)
    report(checked.diagnostics)
    if checked.model is None:
        ctx.exit(EXIT_INVALID)
    return terms


# --------------------------------------------------------------------------- output files

DOCUMENT_EXTENSIONS = {".docx": "docx", ".txt": "text", ".pdf": "pdf"}  # render, redline
SUMMARY_EXTENSIONS = {".docx": "docx", ".txt": "text", ".md": "markdown"}  # diff --summary
BINARY_FORMATS = ("docx", "pdf")


def output_format(output: Path, fmt: str | None, extensions: dict[str, str]) -> str:
    """The format to write ``output`` in: its extension decides; ``--format`` is for ``-o -`` (standard
    output) only, and must agree with the extension when both are given. UsageError (exit 2) otherwise."""
    names = ", ".join(extensions)
    if str(output) == "-":
        if fmt is None:
            raise click.UsageError(f"with -o - (standard output), say which format with --format "
                                   f"({', '.join(extensions.values())})")
        return fmt
    extension = output.suffix.lower()
    if extension not in extensions:
        raise click.UsageError(f"cannot write {output}: {'its extension ' + extension if extension else 'it has no extension'}"
                               f" is not one this command writes; name the file {names}")
    if fmt is not None and fmt != extensions[extension]:
        raise click.UsageError(f"--format {fmt} disagrees with the extension of {output} ({extension} is "
                               f"{extensions[extension]}); leave --format out: the extension decides")
    return extensions[extension]


def write_output(output: Path, data: bytes, fmt: str) -> None:
    """Write to the file atomically, or to standard output for ``-`` (never binary to a terminal)."""
    if str(output) == "-":
        stream = sys.stdout.buffer
        if fmt in BINARY_FORMATS and stream.isatty():
            raise click.UsageError(f"refusing to write a binary {fmt} file to the terminal: redirect standard output "
                                   "to a file (> out.docx), or give -o FILE")
        stream.write(data)
        stream.flush()
        return
    from acscontracts.files import atomic_write, check_path

    atomic_write(check_path(output), data)
    click.echo(printable(f"wrote {output}"), err=True)
