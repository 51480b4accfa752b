"""Render documents and build whole packs into a folder with a manifest.json.

Outputs are deterministic, so "changed" means "different bytes": a rebuild rewrites only the
documents whose bytes differ, and refuses to overwrite a file edited by hand since the last
build (unless forced). Every document of a pack is rendered in memory before anything is
written; files are then written atomically and the manifest last.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assemble import DocumentSpec, assemble
from .diagnostics import ERROR, WARNING, AcsError, Diagnostic, Location, has_errors
from .files import atomic_write, sha256
from .resolve import resolve
from .schema import SchemaValidator
from .templating import ClauseLibrary, Renderer, bytecode_cache, load_library
from .validation import Checked, check_file
from .writers.text import write_text
from . import resources

MANIFEST = "manifest.json"


@dataclass
class Engine:
    """What a process builds once and reuses for every document: validators, templates, house style."""

    library: ClauseLibrary
    renderer: Renderer
    reference: bytes | None = None
    _validators: dict = field(default_factory=dict)

    @classmethod
    def create(cls, template_dirs=(), reference_doc: str | None = None, cache: bool = True) -> "Engine":
        library = load_library(resources.templates_dir(), *template_dirs)
        reference = None
        if reference_doc:
            try:
                reference = Path(reference_doc).read_bytes()
            except OSError as exc:
                raise AcsError([Diagnostic(ERROR, "ACS-REFERENCE-DOC", f"cannot read the reference document ({exc.strerror})",
                                           "name an existing .docx file", Location(str(reference_doc)))])
        return cls(library, Renderer(library, bytecode_cache() if cache else None), reference)

    def validator(self, final: bool = False) -> SchemaValidator:
        if final not in self._validators:
            self._validators[final] = SchemaValidator(final=final)
        return self._validators[final]

    def check(self, path, final: bool = False) -> Checked:
        return check_file(path, self.validator(final))


def resolved_document(spec: DocumentSpec, engine: Engine):
    document, problems = resolve(assemble(spec, engine.renderer))
    if has_errors(problems):
        raise AcsError(problems)
    return document


def render(spec: DocumentSpec, engine: Engine, fmt: str = "docx", clean: bool = False) -> bytes:
    document = resolved_document(spec, engine)
    if fmt == "text":
        return write_text(document, clean=clean).encode("utf-8")
    from .writers.docx import write_docx  # the heaviest import: only when a .docx is wanted

    try:
        return write_docx(document, reference=engine.reference, clean=clean)
    except (KeyError, ValueError) as exc:
        if engine.reference is None:
            raise
        raise AcsError([Diagnostic(ERROR, "ACS-REFERENCE-DOC", f"the reference document cannot be used ({exc})",
                                   "use a .docx saved by Word with the usual styles")])


# --------------------------------------------------------------------------- packs


@dataclass
class BuildReport:
    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    stale: list = field(default_factory=list)  # --check: would be rewritten
    edited: list = field(default_factory=list)  # changed on disk since the last build
    diagnostics: list = field(default_factory=list)


def read_manifest(outdir: Path) -> dict:
    try:
        return json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _disk_hash(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def build_pack(terms_path: Path, outdir: Path, engine: Engine, *, clean: bool = False, formats=("docx",),
               check_only: bool = False, force: bool = False, final: bool = False) -> BuildReport:
    report = BuildReport()
    checked = engine.check(terms_path, final=final)
    report.diagnostics.extend(checked.diagnostics)
    if checked.model is None:
        return report
    from .plan import plan

    outputs: dict[str, tuple[DocumentSpec, bytes]] = {}
    for spec in plan(checked.model):
        if spec.doc_type not in engine.library.manifests:
            continue
        for fmt in formats:
            suffix = ".docx" if fmt == "docx" else ".txt"
            outputs[spec.name + suffix] = (spec, render(spec, engine, fmt, clean))
    previous = read_manifest(outdir).get("documents", {})
    to_write = {}
    for filename, (spec, data) in outputs.items():
        new_hash = sha256(data)
        on_disk = _disk_hash(outdir / filename)
        recorded = previous.get(filename, {}).get("sha256")
        if on_disk is not None and recorded is not None and on_disk != recorded:
            report.edited.append(filename)
            if not force:
                continue
        if on_disk == new_hash:
            report.unchanged.append(filename)
        else:
            to_write[filename] = data
            (report.stale if check_only else report.written).append(filename)
    if report.edited and not force:
        report.diagnostics.append(Diagnostic(
            ERROR if not check_only else WARNING, "ACS-EDITED",
            f"{len(report.edited)} file(s) were changed by hand since the last build: {', '.join(report.edited)}",
            "save your edits elsewhere, or rebuild with --force to overwrite them", Location(str(outdir))))
    if check_only:
        return report
    for filename, data in to_write.items():
        atomic_write(outdir / filename, data)
    manifest = {
        "generator": f"acscontracts {__version__}",
        "terms": {"file": str(terms_path), "sha256": sha256(Path(terms_path).read_bytes()),
                  "files": [str(p) for p in checked.loaded.files]},
        "templates": engine.library.fingerprint,
        "clean": clean,
        "documents": {
            filename: {"doc_type": spec.doc_type, "name": spec.name, "sha256": sha256(data)}
            for filename, (spec, data) in sorted(outputs.items())
        },
    }
    for filename in report.edited:  # keep the record of hand-edited files we did not overwrite
        if not force and filename in previous:
            manifest["documents"][filename] = previous[filename]
    atomic_write(outdir / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return report
