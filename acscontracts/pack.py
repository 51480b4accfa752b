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

from acscontracts import __version__
from acscontracts.engine.assemble import DocumentSpec, assemble
from acscontracts.diagnostics import ERROR, WARNING, AcsError, Diagnostic, Location, has_errors
from acscontracts.files import atomic_write, sha256
from acscontracts.engine.resolve import resolve
from acscontracts.terms.schema import SchemaValidator
from acscontracts.engine.templating import ClauseLibrary, Renderer, bytecode_cache, load_library
from acscontracts.terms.validation import Checked, check_file, check_loaded
from acscontracts.writers.text import write_text
from acscontracts import resources

MANIFEST = "manifest.json"


@dataclass
class Engine:
    """What a process builds once and reuses for every document: validators, templates, house style."""

    library: ClauseLibrary
    renderer: Renderer
    reference: bytes | None = None
    _validators: dict = field(default_factory=dict)
    # (template_dirs, reference_doc, notes, paginate): how worker processes make their own Engine
    options: tuple = ()
    notes: str = "comments"  # drafting notes in a .docx: "comments" or "inline" (see writers.docx)
    paginate: bool = False  # cache the contents' page numbers from a LibreOffice layout

    @classmethod
    def create(cls, template_dirs=(), reference_doc: str | None = None, cache: bool = True,
               notes: str = "comments", paginate: bool = False) -> "Engine":
        library = load_library(resources.templates_dir(), *template_dirs)
        reference = None
        if reference_doc:
            try:
                reference = Path(reference_doc).read_bytes()
            except OSError as exc:
                raise AcsError([Diagnostic(ERROR, "ACS-REFERENCE-DOC", f"cannot read the reference document ({exc.strerror})",
                                           "name an existing .docx file", Location(str(reference_doc)))])
        return cls(library, Renderer(library, bytecode_cache() if cache else None), reference,
                   options=(tuple(str(d) for d in template_dirs), reference_doc, notes, paginate),
                   notes=notes, paginate=paginate)

    def docx_options(self) -> dict:
        """The keyword options of ``writers.docx.write_docx`` that this engine's house style sets."""
        return {"reference": self.reference, "notes": self.notes, "paginate": self.paginate}

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
    from acscontracts.writers.docx import write_docx  # the heaviest import: only when a .docx is wanted

    try:
        return write_docx(document, clean=clean, **engine.docx_options())
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


# ----- parallel builds: each worker process makes its own Engine once (templates compiled once per process)

_worker_engine: Engine | None = None  # set only inside pool worker processes, by _start_worker


def _start_worker(options: tuple) -> None:
    global _worker_engine
    template_dirs, reference_doc, notes, paginate = options
    _worker_engine = Engine.create(template_dirs, reference_doc, notes=notes, paginate=paginate)


def _render_in_worker(job: tuple) -> bytes:
    """Render one document in a worker: terms are re-read there rather than pickled across."""
    from acscontracts.engine.plan import plan

    terms_path, final, name, fmt, clean = job
    checked = _worker_engine.check(terms_path, final=final)
    if checked.model is None:
        raise AcsError(list(checked.diagnostics))
    spec = next(s for s in plan(checked.model) if s.name == name)
    return render(spec, _worker_engine, fmt, clean)


def worker_pool(engine: Engine, jobs: int):
    """A process pool whose workers render like ``engine`` (same templates and house style)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(engine.options,))


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


def _word_lock(outdir: Path, filename: str) -> bool:
    """Word keeps `~$` + the name (its first two characters dropped when long) beside an open document."""
    return filename.endswith(".docx") and any(
        (outdir / f"~${name}").exists() for name in {filename, filename[2:], filename[1:]})


def _remove_stale_temp_files(outdir: Path, filenames) -> None:
    """Temporary files a killed build left behind (files.atomic_write names them `.NAME.XXXX.tmp`)."""
    for filename in filenames:
        for tmp in outdir.glob(f".{filename}.*.tmp"):
            try:
                tmp.unlink()
            except OSError:
                pass


def build_packs(sources, outdir: Path, engine: Engine, *, jobs: int = 1, **options) -> list[BuildReport]:
    """Build the pack of each terms source (a path, or terms.loader.LoadedTerms): one source builds into
    ``outdir`` itself, several into ``outdir/<file stem>``. With ``jobs`` > 1, documents render in a
    pool of processes (same bytes). ``options`` are build_pack's."""
    import contextlib

    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(worker_pool(engine, jobs)) if jobs > 1 else None
        return [build_pack(source, outdir if len(sources) == 1 else outdir / _stem(source), engine, pool=pool,
                           **options) for source in sources]


def _stem(source) -> str:
    path = source if isinstance(source, Path) else source.path
    return path.stem if path is not None else "terms"


def _terms_record(source, checked: Checked) -> dict:
    if isinstance(source, Path):
        return {"file": str(source), "sha256": sha256(source.read_bytes()),
                "files": [str(p) for p in checked.loaded.files]}
    text = json.dumps(source.data, default=str, sort_keys=True, ensure_ascii=False)
    return {"file": str(source.path) if source.path else "<data>", "sha256": sha256(text.encode("utf-8")),
            "files": [str(p) for p in source.files]}


def build_pack(source, outdir: Path, engine: Engine, *, clean: bool = False, formats=("docx",),
               check_only: bool = False, force: bool = False, final: bool = False, pool=None,
               progress=None) -> BuildReport:
    """Render every document of one deal (across ``pool``'s processes when given), then write the
    changed ones and the manifest. ``source`` is a terms file path or loaded terms (LoadedTerms).
    ``progress(done, total, name)`` is called as documents finish."""
    report = BuildReport()
    if isinstance(source, Path):
        checked = engine.check(source, final=final)
    else:
        checked = check_loaded(source, engine.validator(final))
        pool = None  # workers re-read terms from a file
    report.diagnostics.extend(checked.diagnostics)
    if checked.model is None:
        return report
    from acscontracts.engine.plan import plan

    specs = [s for s in plan(checked.model) if s.doc_type in engine.library.manifests]
    work = [(spec, fmt) for spec in specs for fmt in formats]
    if pool is not None and len(work) > 1:
        rendered = pool.map(_render_in_worker, [(str(source), final, s.name, fmt, clean) for s, fmt in work])
    else:
        rendered = (render(spec, engine, fmt, clean) for spec, fmt in work)
    outputs: dict[str, tuple[DocumentSpec, bytes]] = {}
    for done, ((spec, fmt), data) in enumerate(zip(work, rendered), 1):
        outputs[spec.name + (".docx" if fmt == "docx" else ".txt")] = (spec, data)
        if progress:
            progress(done, len(work), spec.name)
    prior = read_manifest(outdir)
    prior = prior if isinstance(prior, dict) else {}
    previous = prior.get("documents") if isinstance(prior.get("documents"), dict) else {}
    # files an interrupted build may have written before it could record them (see the write phase below)
    pending = prior.get("pending") if isinstance(prior.get("pending"), dict) else {}
    to_write = {}
    locked = []
    for filename, (spec, data) in outputs.items():
        new_hash = sha256(data)
        on_disk = _disk_hash(outdir / filename)
        record = previous.get(filename)
        ours = {record.get("sha256") if isinstance(record, dict) else None, pending.get(filename)} - {None}
        if on_disk is not None and on_disk != new_hash and on_disk not in ours:
            report.edited.append(filename)  # edited by hand, or never written by a build here
            if not force:
                continue
        if on_disk != new_hash and _word_lock(outdir, filename) and not force:
            locked.append(filename)
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
    if locked:
        report.diagnostics.append(Diagnostic(
            ERROR if not check_only else WARNING, "ACS-LOCKED",
            f"{len(locked)} file(s) are open in Word (a ~$ lock file is beside them): {', '.join(locked)}",
            "close them in Word and build again, or rebuild with --force", Location(str(outdir))))
    if check_only:
        return report
    _remove_stale_temp_files(outdir, list(outputs) + [MANIFEST])
    if to_write:  # first record what we are about to write: a build killed half-way leaves a consistent pack
        interim = {**prior, "documents": previous,
                   "pending": {**pending, **{name: sha256(data) for name, data in to_write.items()}}}
        atomic_write(outdir / MANIFEST, (json.dumps(interim, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    for filename, data in to_write.items():
        atomic_write(outdir / filename, data)
    manifest = {
        "generator": f"acscontracts {__version__}",
        "terms": _terms_record(source, checked),
        "templates": engine.library.fingerprint,
        "clean": clean,
        "documents": {
            filename: {"doc_type": spec.doc_type, "name": spec.name, "sha256": sha256(data)}
            for filename, (spec, data) in sorted(outputs.items())
        },
    }
    for filename in report.edited + locked:  # keep the record of files we did not overwrite
        if not force and filename in previous:
            manifest["documents"][filename] = previous[filename]
        elif not force:
            del manifest["documents"][filename]
    atomic_write(outdir / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return report
