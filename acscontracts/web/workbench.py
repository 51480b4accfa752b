"""What the web app does with a deal, on the public API: check a draft, preview a document, build a pack,
redline and diff against the saved file. One Workbench per process holds the pipeline (templates compiled
once) and runs one pipeline call at a time.
"""
from __future__ import annotations

import contextlib
import io
import json
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from acscontracts import api
from acscontracts.diagnostics import AcsError, Diagnostic, has_errors, sort_key
from acscontracts.engine.tree import Para, Placeholder, Table
from acscontracts.web.deals import DealFolder
from acscontracts.web.roundtrip import json_text
from acscontracts.web.schemaform import SchemaForm
from acscontracts.writers.html import write_html

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same terms give the same zip bytes


@dataclass
class Check:
    """A draft checked: every diagnostic, what --final would still need, and the documents it calls for."""

    diagnostics: list
    final_needs: list
    documents: list  # api.Document


class Workbench:
    def __init__(self, deals: DealFolder, settings: api.Settings | None = None):
        from acscontracts import resources

        self.deals = deals
        self.pipeline = api.pipeline(settings or api.Settings())  # made once per process, shared
        self.form = SchemaForm(json.loads(resources.schema_path().read_text(encoding="utf-8")))
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ terms

    def terms(self, data: dict, name: str) -> api.Terms:
        """Terms from form data; a partner register is found beside the deal files. InvalidTerms if unreadable."""
        return api.loads(json_text(data), name=name, base=self.deals.root)

    def body_terms(self, raw: bytes, name: str = "request") -> api.Terms:
        """Terms from a request body (YAML or JSON bytes), read as a terms file would be; InvalidTerms if unreadable."""
        from acscontracts.terms.loader import decode

        try:
            text = decode(raw, name)
        except AcsError as exc:
            raise api.InvalidTerms(exc.diagnostics) from None
        return api.loads(text, name=name, base=self.deals.root)

    def saved_terms(self, name: str) -> api.Terms:
        return api.load(self.deals.path(name))

    # ------------------------------------------------------------------ checks

    def check(self, terms_or_error, input_problems=()) -> Check:
        if isinstance(terms_or_error, api.InvalidTerms):
            return Check(list(input_problems) + list(terms_or_error.diagnostics), [], [])
        with self._lock:
            draft = list(self.pipeline.checked(terms_or_error).diagnostics)  # kept: documents() reuses it
            final = api.validate(terms_or_error, final=True)
            documents = [] if has_errors(draft) else self.pipeline.documents(terms_or_error)
        seen = {(d.code, d.path) for d in draft}
        needs = [d for d in final if d.is_error and (d.code, d.path) not in seen]
        return Check(sorted(list(input_problems) + draft, key=sort_key), needs, documents)

    def validate_records(self, terms_or_error, final: bool = False) -> list[dict]:
        """Diagnostics as `validate --format json` writes them."""
        if isinstance(terms_or_error, api.InvalidTerms):
            diagnostics = list(terms_or_error.diagnostics)
        else:
            with self._lock:
                diagnostics = api.validate(terms_or_error, final=final)
        return [d.as_record() for d in sorted(diagnostics, key=sort_key)]

    # ------------------------------------------------------------------ documents

    @staticmethod
    def pick(documents, name: str | None):
        """The document called ``name`` (its file stem), else the first."""
        return next((d for d in documents if d.name == name), documents[0] if documents else None)

    def preview(self, terms: api.Terms, document) -> tuple[str, list]:
        """(the document as HTML, its open [●] placeholders as (hint, field path))."""
        with self._lock, _as_invalid_terms():
            tree = self.pipeline.document(terms, document.doc_type, document.id)
        return write_html(tree, clean=self.pipeline.settings.clean), open_blanks(tree)

    def docx(self, terms: api.Terms, document) -> bytes:
        with self._lock, _as_invalid_terms():
            return self.pipeline.render(terms, document.doc_type, document.id)

    def redline(self, saved: api.Terms, draft: api.Terms, document) -> bytes:
        with self._lock, _as_invalid_terms():
            return self.pipeline.write(self.pipeline.redline(saved, draft, document.doc_type, document.id))

    def diff(self, saved: api.Terms, draft: api.Terms):
        with self._lock, _as_invalid_terms():
            return self.pipeline.diff(saved, draft)

    def pack(self, terms: api.Terms) -> tuple[bytes | None, list[Diagnostic]]:
        """(a .zip of every document, as `build` writes them; or None) and the build's diagnostics."""
        with tempfile.TemporaryDirectory(prefix="acs-web-") as folder, self._lock, _as_invalid_terms():
            report = self.pipeline.build([terms], folder)[0]
            if has_errors(report.diagnostics):
                return None, report.diagnostics
            return zip_folder(Path(folder)), report.diagnostics


@contextlib.contextmanager
def _as_invalid_terms():
    """A template error met while drafting (an AcsError) raised as InvalidTerms, which every route reports."""
    try:
        yield
    except api.InvalidTerms:
        raise
    except AcsError as exc:
        raise api.InvalidTerms(exc.diagnostics) from None


def zip_folder(folder: Path) -> bytes:
    """Every file in ``folder`` in a zip with fixed dates and order: the same files give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return out.getvalue()


def open_blanks(document) -> list[tuple[str, str]]:
    """Every [●] placeholder in a document tree, in order, as (hint, field path); repeats counted once."""
    found: dict[tuple[str, str], None] = {}

    def inlines(items):
        for item in items:
            if isinstance(item, Placeholder):
                found.setdefault((item.hint, item.field), None)
            elif hasattr(item, "inlines"):
                inlines(item.inlines)

    def blocks(items):
        for block in items:
            if isinstance(block, Para):
                inlines(block.inlines)
            elif isinstance(block, Table):
                for row in (block.header,) + tuple(block.rows):
                    for cell in row:
                        inlines(cell)

    blocks(document.preamble)
    for part in document.clauses + document.schedules:
        blocks(part.blocks)
    return list(found)
