"""Render documents and build whole packs into a folder with a manifest.json.

Outputs are deterministic, so "changed" means "different bytes". The manifest records, per file, its
bytes' hash and the inputs it was rendered from (terms, clause library, reference document, options,
generator): a rebuild renders only the documents whose inputs changed, and writes only those whose bytes
differ. A build is all or nothing: it holds the pack folder's lock, renders everything in memory, and
writes nothing at all when a file was edited by hand or is open in Word (unless forced); files are then
written atomically and the manifest last.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from acscontracts import __version__
from acscontracts.engine.assemble import DocumentSpec, assemble
from acscontracts import docx_package
from acscontracts.docx_package import PackageError
from acscontracts.diagnostics import ERROR, WARNING, AcsError, Diagnostic, Location, has_errors
from acscontracts.files import (LOCK_FILES, LOCK_WAIT, atomic_write, check_name, check_path, folder_lock,
                                remove_abandoned_temp_files, sha256)
from acscontracts.engine.resolve import resolve
from acscontracts.terms.schema import SchemaValidator
from acscontracts.engine.templating import ClauseLibrary, Renderer, bytecode_cache, load_library
from acscontracts.terms.validation import Checked, check_file, check_loaded
from acscontracts.writers.text import write_text
from acscontracts import resources, versions
from acscontracts.compare import base_record

MANIFEST = "manifest.json"


@dataclass
class Engine:
    """What a process builds once and reuses for every document: validators, templates, house style."""

    library: ClauseLibrary
    renderer: Renderer
    reference: dict | None = None  # the checked parts of the firm's reference .docx (docx_package)
    _validators: dict = field(default_factory=dict)
    notes: str = "comments"  # drafting notes in a .docx: "comments" or "inline" (see writers.docx)
    paginate: bool = False  # cache the contents' page numbers from a LibreOffice layout
    reference_sha256: str | None = None  # the reference document's bytes, as read once: outputs' inputs
    cache: Path | None = None  # config.usable_cache_dir, or None: compiled library and validation results

    @classmethod
    def create(cls, template_dirs=(), reference_doc: str | None = None, cache: bool = True,
               notes: str = "comments", paginate: bool = False) -> "Engine":
        from acscontracts.config import usable_cache_dir

        folder = usable_cache_dir() if cache else None
        library = load_library(resources.templates_dir(), *template_dirs, cache=folder)
        reference = reference_sha256 = None
        if reference_doc:
            try:
                data = docx_package.read_regular_file(Path(reference_doc))
                reference, reference_sha256 = docx_package.reference_from_bytes(data), sha256(data)
            except PackageError as exc:
                raise AcsError([Diagnostic(ERROR, "ACS-REFERENCE-DOC", f"cannot use the reference document: {exc}",
                                           "use a .docx saved by Word, with its usual styles",
                                           Location(str(reference_doc)))])
        return cls(library, Renderer(library, bytecode_cache(library, folder)), reference,
                   notes=notes, paginate=paginate, reference_sha256=reference_sha256, cache=folder)

    def docx_options(self) -> dict:
        """The keyword options of ``writers.docx.write_docx`` that this engine's house style sets."""
        return {"reference": self.reference, "notes": self.notes, "paginate": self.paginate}

    def validator(self, final: bool = False) -> SchemaValidator:
        if final not in self._validators:
            self._validators[final] = SchemaValidator(final=final)
        return self._validators[final]

    def check(self, path, final: bool = False) -> Checked:
        return check_file(path, self.validator(final), cache=self.cache)


def resolved_document(spec: DocumentSpec, engine: Engine, track_reads: bool = False):
    """The document numbered, cross-referenced and defined. ``track_reads`` records which terms each part read
    (Document.reads, for compare.termsdiff); writing a document does not need it, and it costs a tenth of
    assembly."""
    document, problems = resolve(assemble(spec, engine.renderer, track_reads))
    engine.renderer.flush_cache()
    if has_errors(problems):
        raise AcsError(problems)
    return document


def render(spec: DocumentSpec, engine: Engine, fmt: str = "docx", clean: bool = False) -> bytes:
    return write_document(resolved_document(spec, engine), engine, fmt, clean)


# --------------------------------------------------------------------------- packs


@dataclass
class BuildReport:
    outdir: Path | None = None  # the pack's folder (a sub-folder per deal when several terms files are built)
    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    stale: list = field(default_factory=list)  # --check: would be rewritten
    edited: list = field(default_factory=list)  # changed on disk since the last build
    diagnostics: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)  # --check: file name -> why it is stale
    extra: list = field(default_factory=list)  # --check: files in the folder this build would not produce
    rendered: int = 0  # documents rendered (0 for a rebuild with nothing changed)


# ----- parallel builds: worker processes forked from this one share its engine and checked terms (nothing is
# re-read, re-validated or re-compiled, and nothing but the finished bytes crosses between processes)

_inherited: tuple | None = None  # (engine, outputs) in a forked worker only, set by _inherit


def _inherit(engine: Engine, outputs: list) -> None:
    global _inherited
    _inherited = (engine, outputs)


def _render_inherited(job: tuple) -> tuple[bytes, bytes | None]:
    index, clean, terms_sha256 = job
    engine, outputs = _inherited
    return _render_output(outputs[index], engine, clean, terms_sha256)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _render_forked(outputs: list, engine: Engine, clean: bool, terms_sha256: str, jobs: int):
    """The documents of ``outputs`` rendered by ``jobs`` forked processes, in order. Fork passes the
    engine and specs to the workers as memory (the pool's arguments are not pickled under fork)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(outputs)), mp_context=multiprocessing.get_context("fork"),
                             initializer=_inherit, initargs=(engine, outputs)) as pool:
        return list(pool.map(_render_inherited, [(i, clean, terms_sha256) for i in range(len(outputs))]))


def read_manifest(outdir: Path) -> dict:
    try:
        manifest = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _disk_hash(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def _word_lock(outdir: Path, filename: str) -> bool:
    """Word keeps `~$` + the name (its first two characters dropped when long) beside an open document."""
    return filename.endswith(".docx") and any(
        (outdir / f"~${name}").exists() for name in {filename, filename[2:], filename[1:]})


def _check(source, engine: Engine, final: bool) -> Checked:
    """``source`` (a terms file path, or loaded terms: terms.loader.LoadedTerms) validated."""
    if isinstance(source, Path):
        return engine.check(source, final=final)
    return check_loaded(source, engine.validator(final), cache=engine.cache)


def build_packs(sources, outdir: Path, engine: Engine, *, jobs: int = 1, keep_versions: bool = False,
                **options) -> list[BuildReport]:
    """Build the pack of each terms source (a path, or terms.loader.LoadedTerms): one source builds into
    ``outdir`` itself, several into ``outdir/<deal id>`` (two deals with one id are refused before
    anything is built). With ``jobs`` > 1, documents render in forked processes (same bytes). With
    ``keep_versions``, each pack keeps every terms version in its own sub-folder (see versions.py).
    ``options`` are build_pack's."""
    final = options.get("final", False)
    checked = [_check(source, engine, final) for source in sources]
    targets = _pack_folders(sources, checked, check_path(Path(outdir)))
    build = _build_version if keep_versions else build_pack
    return [build(source, target, engine, jobs=jobs, checked=c, **options)
            for source, c, target in zip(sources, checked, targets)]


def _build_version(source, pack: Path, engine: Engine, *, checked: Checked, **options) -> BuildReport:
    """Build into ``pack/v<version>/`` and record the version, holding the whole pack's lock."""
    if checked.model is None:
        return build_pack(source, pack, engine, checked=checked, **options)
    version = versions.label(checked.model, _source_name(source))
    check_only = options.get("check_only", False)
    lock = (folder_lock(pack, options.get("lock_wait", LOCK_WAIT), f"the pack {pack}") if not check_only
            else contextlib.nullcontext())
    with lock:
        report = build_pack(source, pack / version, engine, checked=checked, **options)
        if not check_only and not has_errors(report.diagnostics):
            versions.record(pack, version, checked.loaded.data)
    return report


def _pack_folders(sources, checked: list, outdir: Path) -> list[Path]:
    """Where each deal's pack goes: ``outdir`` for one deal, ``outdir/<deal id>`` for several."""
    if len(sources) == 1:
        return [outdir]
    folders, seen, problems = [], {}, []
    for source, c in zip(sources, checked):
        name = _source_name(source)
        if c.model is None:
            folders.append(outdir)  # not built: its report carries its problems
            continue
        where = c.loaded.locate(("deal", "id")) or Location(name)
        deal_id = check_name(str(c.model.deal.id), str(where), "give the deal an id made of letters, digits and hyphens")
        if deal_id in seen:
            problems.append(Diagnostic(ERROR, "ACS-DUPLICATE-DEAL",
                                       f"two terms files have the deal id {deal_id!r} ({seen[deal_id]} and {name}): "
                                       f"both would build into {outdir / deal_id}",
                                       "give each deal its own deal.id, or build them into separate folders",
                                       where, "deal.id"))
        seen.setdefault(deal_id, name)
        folders.append(outdir / deal_id)
    if problems:
        raise AcsError(problems)
    return folders


def _source_name(source) -> str:
    path = source if isinstance(source, Path) else source.path
    return str(path) if path is not None else "<data>"


def _canonical(data) -> bytes:
    return json.dumps(data, default=str, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _terms_record(source, checked: Checked) -> dict:
    """The terms a pack was built from: their file, hashes, and a hash per top-level section (for --check's reasons)."""
    data = checked.loaded.data
    file_hash = sha256(source.read_bytes()) if isinstance(source, Path) else sha256(_canonical(data))
    sections = {key: sha256(_canonical(value)) for key, value in data.items()} if isinstance(data, dict) else {}
    return {"file": _source_name(source), "sha256": file_hash, "data_sha256": sha256(_canonical(data)),
            "sections": sections, "files": [str(p) for p in checked.loaded.files]}


def _inputs(terms_hash: str, engine: Engine, clean: bool, final: bool) -> dict:
    """What the outputs are rendered from (``_in_format`` adds each one's format): when none of it changed,
    the output cannot have changed."""
    return {"terms": terms_hash, "templates": engine.library.fingerprint, "reference": _reference_hash(engine),
            "options": {"clean": clean, "final": final, "notes": engine.notes, "paginate": engine.paginate},
            "generator": __version__}


def _in_format(inputs: dict, fmt: str) -> dict:
    return {**inputs, "options": {"format": fmt, **inputs["options"]}}


def _reference_hash(engine: Engine) -> str | None:
    """The house-style reference document's fingerprint: its file's bytes (or, for a reference given as
    parts, their repr)."""
    if engine.reference is None:
        return None
    return engine.reference_sha256 or sha256(repr(engine.reference).encode("utf-8"))


@dataclass
class _Output:
    kind: str  # a document type, or "redline" / "summary-of-changes"
    name: str
    inputs: dict
    spec: DocumentSpec | None = None
    fmt: str = "docx"
    data: bytes | None = None  # None: not rendered (its inputs are unchanged)
    record: bytes | None = None  # a .docx's tree as base_record keeps it for `update`


def build_pack(source, outdir: Path, engine: Engine, *, clean: bool = False, formats=("docx",),
               check_only: bool = False, force: bool = False, final: bool = False, jobs: int = 1,
               progress=None, redline_against=None, checked: Checked | None = None,
               lock_wait: float = LOCK_WAIT) -> BuildReport:
    """Render the documents of one deal whose inputs changed (in ``jobs`` forked processes where the system forks),
    then write the changed ones and the manifest, all or nothing, holding the folder's lock. ``source``
    is a terms file path or loaded terms (LoadedTerms); ``redline_against`` earlier terms (a path or
    LoadedTerms): a redline beside every changed document, and a summary of changes.
    ``progress(done, total, name)`` is called as documents finish."""
    report = BuildReport(outdir=outdir)
    checked = checked if checked is not None else _check(source, engine, final)
    report.diagnostics.extend(checked.diagnostics)
    if checked.model is None:
        return report
    old_checked = None
    if redline_against is not None:
        old_checked = _check(redline_against, engine, False)
        report.diagnostics.extend(d for d in old_checked.diagnostics if d.is_error)
        if old_checked.model is None:
            return report
    from acscontracts.engine.plan import plan

    terms = _terms_record(source, checked)
    inputs = _inputs(terms["data_sha256"], engine, clean, final)
    outputs: dict[str, _Output] = {}
    for spec in plan(checked.model):
        if spec.doc_type not in engine.library.manifests:
            continue
        for fmt in formats:
            filename = check_name(spec.name + EXTENSIONS[fmt], _source_name(source),
                                  "give the deal, alliance or subcontract an id made of letters, digits and hyphens")
            outputs[filename] = _Output(spec.doc_type, spec.name, _in_format(inputs, fmt), spec, fmt)
    lock = (folder_lock(outdir, lock_wait, f"the pack {outdir}") if not check_only or outdir.is_dir()
            else contextlib.nullcontext())
    with lock:
        prior = read_manifest(outdir)
        _render_changed(outputs, outdir, prior, engine, clean, terms["sha256"], force, jobs, progress, report)
        if old_checked is not None:
            outputs.update(redline_outputs(old_checked, checked, engine, formats, clean,
                                           {**inputs, "against": sha256(_canonical(old_checked.loaded.data))}))
        to_write = _classify(outputs, outdir, prior, terms["sections"], check_only, force, report)
        if check_only:
            report.extra = _extra_files(outdir, outputs)
            return report
        if has_errors(report.diagnostics):
            return report  # all or nothing: a file edited by hand or open in Word stops the whole pack
        _write_pack(outdir, prior, outputs, to_write, terms, engine, clean)
    return report


def _render_changed(outputs: dict, outdir: Path, prior: dict, engine: Engine, clean: bool, terms_sha256: str,
                    force: bool, jobs: int, progress, report: BuildReport) -> None:
    """Render the documents whose recorded inputs differ from today's (or that are missing, or edited by
    hand when ``force`` will overwrite them); the others keep their recorded hash, unrendered."""
    previous = _records(prior, "documents")
    work = []
    for filename, output in outputs.items():
        record = previous.get(filename, {})
        on_disk = _disk_hash(outdir / filename)
        edited_kept = on_disk is not None and not force  # an edited file is reported, not rewritten
        if record.get("inputs") == output.inputs and record.get("sha256") and (on_disk == record["sha256"] or edited_kept):
            continue
        work.append(output)
    direct = [o for o in work if o.fmt != "pdf"]
    if jobs > 1 and len(direct) > 1 and can_fork():
        rendered = _render_forked(direct, engine, clean, terms_sha256, jobs)
    else:
        rendered = (_render_output(o, engine, clean, terms_sha256) for o in direct)
    for done, (output, (data, record)) in enumerate(zip(direct, rendered), 1):
        output.data, output.record = data, record
        if progress:
            progress(done, len(direct), output.name)
    _convert_to_pdf([o for o in work if o.fmt == "pdf"], outputs, engine, clean)
    report.rendered = len(work)


def _render_output(output: _Output, engine: Engine, clean: bool, terms_sha256: str) -> tuple[bytes, bytes | None]:
    """An output's bytes, and for a .docx the record of its tree that `update` later merges against."""
    document = resolved_document(output.spec, engine)
    data = write_document(document, engine, output.fmt, clean)
    return data, base_record.encode(document, terms_sha256) if output.fmt == "docx" else None


def _convert_to_pdf(work: list, outputs: dict, engine: Engine, clean: bool) -> None:
    """PDFs of the documents in ``work``, from their .docx (just rendered, or rendered now), in one LibreOffice run."""
    if not work:
        return
    from acscontracts.writers.pdf import docx_to_pdf

    docx = {o.name: outputs.get(o.name + EXTENSIONS["docx"], o).data for o in work}
    converted = docx_to_pdf({o.name: docx[o.name] or render(o.spec, engine, "docx", clean) for o in work})
    for output in work:
        output.data = converted[output.name]


def _records(manifest: dict, key: str) -> dict:
    records = manifest.get(key)
    if not isinstance(records, dict):
        return {}
    return {name: record for name, record in records.items() if isinstance(record, dict) or key == "pending"}


def _classify(outputs: dict, outdir: Path, prior: dict, sections: dict, check_only: bool, force: bool,
              report: BuildReport) -> dict:
    """Sort the outputs into unchanged, to write, edited by hand and open in Word; the files to write."""
    previous = _records(prior, "documents")
    pending = _records(prior, "pending")  # files an interrupted build may have written before recording them
    to_write, locked = {}, []
    for filename, output in outputs.items():
        record = previous.get(filename, {})
        new_hash = sha256(output.data) if output.data is not None else record.get("sha256")
        on_disk = _disk_hash(outdir / filename)
        ours = {record.get("sha256"), pending.get(filename)} - {None}
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
            to_write[filename] = output.data
            (report.stale if check_only else report.written).append(filename)
            if check_only:
                report.reasons[filename] = _why_stale(record, output, on_disk, prior, sections)
    severity = WARNING if check_only else ERROR
    if report.edited and not force:
        report.diagnostics.append(Diagnostic(
            severity, "ACS-EDITED",
            f"{len(report.edited)} file(s) were changed by hand since the last build: {', '.join(report.edited)}",
            "save your edits elsewhere, or rebuild with --force to overwrite them; nothing was written",
            Location(str(outdir))))
    if locked:
        report.diagnostics.append(Diagnostic(
            severity, "ACS-LOCKED",
            f"{len(locked)} file(s) are open in Word (a ~$ lock file is beside them): {', '.join(locked)}",
            "close them in Word and build again, or rebuild with --force; nothing was written", Location(str(outdir))))
    return to_write


_INPUT_NAMES = {"templates": "the clause templates changed", "reference": "the reference document changed",
                "generator": "acscontracts was upgraded", "against": "the earlier terms changed"}


def _why_stale(record: dict, output: _Output, on_disk: str | None, prior: dict, sections: dict) -> str:
    """Why a file would be rewritten, in words: which of its inputs changed since it was built."""
    if on_disk is None:
        return "the file is missing"
    recorded = record.get("inputs")
    if not isinstance(recorded, dict):
        return "no record of what it was built from (a new document, or built by an older acscontracts)"
    reasons = []
    if recorded.get("terms") != output.inputs["terms"]:
        old_terms = prior.get("terms") if isinstance(prior.get("terms"), dict) else {}
        reasons.append("the terms changed" + _changed_sections(old_terms.get("sections") or {}, sections))
    for key, words in _INPUT_NAMES.items():
        if recorded.get(key) != output.inputs.get(key):
            reasons.append(words)
    old_options, new_options = recorded.get("options") or {}, output.inputs["options"]
    changed = [f"{k}: {old_options.get(k)} -> {v}" for k, v in new_options.items() if old_options.get(k) != v]
    if changed:
        reasons.append(f"the options changed ({', '.join(changed)})")
    return "; ".join(reasons) or "its bytes differ although its inputs did not (rebuild to repair it)"


def _changed_sections(old_sections: dict, new_sections: dict) -> str:
    changed = sorted(k for k in old_sections.keys() | new_sections.keys() if old_sections.get(k) != new_sections.get(k))
    return f" (in {', '.join(changed)})" if changed and old_sections else ""


def _extra_files(outdir: Path, outputs: dict) -> list[str]:
    """Files in the pack folder that this build would not produce (bookkeeping, versions and locks aside)."""
    try:
        entries = sorted(outdir.iterdir())
    except OSError:
        return []
    bookkeeping = {MANIFEST, *LOCK_FILES, versions.LATEST, versions.HISTORY, versions.TERMS, base_record.FOLDER}
    return [entry.name for entry in entries
            if entry.name not in outputs and entry.name not in bookkeeping and not entry.name.startswith("~$")
            and not entry.name.endswith(base_record.UPDATED)
            and not (entry.name.startswith(".") and entry.name.endswith(".tmp"))
            and not (entry.is_dir() and versions.FOLDER.match(entry.name))]


def _write_pack(outdir: Path, prior: dict, outputs: dict, to_write: dict, terms: dict, engine: Engine,
                clean: bool) -> None:
    previous, pending = _records(prior, "documents"), _records(prior, "pending")
    remove_abandoned_temp_files(outdir, list(outputs) + [MANIFEST])
    if to_write:  # first record what we are about to write: a build killed half-way leaves a consistent pack
        interim = {**prior, "documents": previous,
                   "pending": {**pending, **{name: sha256(data) for name, data in to_write.items()}}}
        atomic_write(outdir / MANIFEST, _json(interim))
    for filename, data in to_write.items():
        atomic_write(outdir / filename, data)
    for filename in to_write:
        if outputs[filename].record is not None:  # what `update` merges against later
            base_record.keep(outdir, outputs[filename].name, outputs[filename].record)
    manifest = {
        "generator": f"acscontracts {__version__}",
        "terms": terms,
        "templates": engine.library.fingerprint,
        "clean": clean,
        "documents": {
            filename: {"doc_type": output.kind, "name": output.name, "inputs": output.inputs,
                       "sha256": sha256(output.data) if output.data is not None else previous[filename]["sha256"]}
            for filename, output in sorted(outputs.items())
        },
    }
    atomic_write(outdir / MANIFEST, _json(manifest))


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- build --redline-against


def redline_outputs(old_checked: Checked, new_checked: Checked, engine: Engine, formats, clean: bool,
                    inputs: dict) -> dict[str, _Output]:
    """For `build --redline-against OLD`: ``<name>.redline.docx`` (and ``.txt`` with the text format) for
    every document whose text differs between the two versions of the terms, plus
    ``summary-of-changes.docx`` (and ``.txt``). Documents in only one version get no redline (the summary
    lists them)."""
    from acscontracts.api import revision_for
    from acscontracts.compare.change_summary import NAME, summary_document
    from acscontracts.compare.redline import redline
    from acscontracts.compare.termsdiff import compare

    comparison = compare(old_checked, new_checked, engine)
    revision = revision_for(new_checked.model)
    documents = [(impact.document + ".redline", "redline",
                  redline(comparison.old_docs[impact.document], comparison.new_docs[impact.document], revision))
                 for impact in comparison.documents if impact.status == "changed"]
    documents.append((NAME, NAME, summary_document(comparison, old_checked.model.deal, new_checked.model.deal)))
    outputs = {}
    for name, kind, document in documents:
        for fmt in formats:
            filename = check_name(name + EXTENSIONS[fmt], NAME, "give the document an id made of letters and digits")
            outputs[filename] = _Output(kind, name, _in_format(inputs, fmt), fmt=fmt,
                                        data=write_document(document, engine, fmt, clean and kind != NAME))
    return outputs


EXTENSIONS = {"docx": ".docx", "text": ".txt", "markdown": ".md", "pdf": ".pdf"}  # format -> file extension


def write_document(document, engine: Engine, fmt: str, clean: bool = False) -> bytes:
    """A resolved document tree as bytes in ``fmt`` (one of EXTENSIONS), in the engine's house style."""
    if fmt == "text":
        return write_text(document, clean=clean).encode("utf-8")
    if fmt == "markdown":
        from acscontracts.writers.markdown import write_markdown

        return write_markdown(document, clean=clean).encode("utf-8")
    if fmt == "pdf":
        from acscontracts.writers.pdf import docx_to_pdf

        return docx_to_pdf({"document": write_document(document, engine, "docx", clean)})["document"]
    from acscontracts.writers.docx import write_docx  # the heaviest import: only when a .docx is wanted

    try:
        return write_docx(document, clean=clean, **engine.docx_options())
    except (KeyError, ValueError) as exc:
        if engine.reference is None:
            raise
        raise AcsError([Diagnostic(ERROR, "ACS-REFERENCE-DOC", f"the reference document cannot be used ({exc})",
                                   "use a .docx saved by Word with the usual styles")])
