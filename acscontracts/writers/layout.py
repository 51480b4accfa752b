"""Page layout from LibreOffice: on which page each bookmark lands, and how many pages there are.

The Word writer caches these in the contents (PAGEREF results) and the footer (NUMPAGES), so
that LibreOffice, previews and Word before its first field update show the right numbers.
LibreOffice converts the .docx to PDF with the bookmarks exported as named destinations, and
poppler's ``pdfinfo -dests`` lists each destination's page. The result is cached on disk by the
document's bytes and the LibreOffice installation, since a layout takes seconds.
Without ``soffice`` or ``pdfinfo`` there is no layout (None), never a guess.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 180  # seconds for one conversion
_EXPORT = ('pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":'
           '{"type":"boolean","value":"true"}}')
_DEST = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')


@dataclass(frozen=True, slots=True)
class Layout:
    bookmark_pages: dict  # bookmark name -> page number (1 = the cover)
    pages: int


def tools() -> tuple[str, str] | None:
    """Paths of soffice and pdfinfo, or None when either is missing."""
    soffice, pdfinfo = shutil.which("soffice"), shutil.which("pdfinfo")
    return (soffice, pdfinfo) if soffice and pdfinfo else None


def to_pdf(docx_paths: list[Path], outdir: Path, *, bookmarks: bool = True) -> list[Path]:
    """Convert .docx files to PDF in ``outdir`` with one LibreOffice run (a private profile, so
    that it runs beside any other LibreOffice). Returns the PDF paths, in order; raises
    RuntimeError when LibreOffice is missing or fails."""
    found = tools()
    if found is None:
        raise RuntimeError("LibreOffice (soffice) and poppler (pdfinfo) are needed for a layout")
    with tempfile.TemporaryDirectory(prefix="acscontracts-lo-") as profile:
        cmd = [found[0], f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", _EXPORT if bookmarks else "pdf", "--outdir", str(outdir),
               *map(str, docx_paths)]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"LibreOffice took more than {TIMEOUT} s") from exc
    pdfs = [outdir / (p.stem + ".pdf") for p in docx_paths]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return pdfs


def pdf_layout(pdf: Path) -> Layout:
    """Pages of the named destinations (Word bookmarks) of a PDF that LibreOffice wrote."""
    pdfinfo = tools()[1]
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    dests = subprocess.run([pdfinfo, "-dests", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    found = {}
    for line in dests.splitlines():
        m = _DEST.match(line)
        if m:  # LibreOffice writes "_" in a destination name as "5F"
            found.setdefault(m.group(2).replace("5F", "_"), int(m.group(1)))
    return Layout(found, pages)


def _cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"acscontracts-layout-{os.getuid() if hasattr(os, 'getuid') else 0}"


def page_layout(docx: bytes) -> Layout | None:
    """The LibreOffice layout of a .docx, from the cache when this document was laid out before
    by the same LibreOffice; None when LibreOffice is not installed or cannot lay it out."""
    found = tools()
    if found is None:
        return None
    stamp = os.stat(found[0])
    key = hashlib.sha256(docx + f"{os.path.realpath(found[0])}:{stamp.st_mtime_ns}".encode()).hexdigest()
    cached = _cache_dir() / f"{key}.json"
    try:
        data = json.loads(cached.read_text())
        return Layout(data["bookmark_pages"], data["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    with tempfile.TemporaryDirectory(prefix="acscontracts-layout-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx)
        try:
            (pdf,) = to_pdf([source], Path(tmp))
            layout = pdf_layout(pdf)
        except (RuntimeError, OSError, subprocess.CalledProcessError, AttributeError):
            return None
    try:
        _cache_dir().mkdir(mode=0o700, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({"bookmark_pages": layout.bookmark_pages, "pages": layout.pages}))
        partial.replace(cached)
    except OSError:
        pass  # the cache only saves time
    return layout
