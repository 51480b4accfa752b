"""PDF: .docx files converted by LibreOffice (``soffice --headless --convert-to pdf``), when it is installed.

LibreOffice lays the pages out exactly as a Word user would print them; we do not lay out PDF ourselves.
Each call uses its own LibreOffice profile folder, so that conversions can run side by side.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic

PACKAGE = "libreoffice-writer-nogui"  # Debian and Ubuntu; the full LibreOffice also works
TIMEOUT = 600  # seconds for one batch


def soffice() -> str:
    """The LibreOffice command on PATH; AcsError (ACS-WRITE-PDF) naming the package to install when absent."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    if command is None:
        raise AcsError([Diagnostic(ERROR, "ACS-WRITE-PDF", "cannot write PDF: LibreOffice (soffice) is not installed",
                                   f"install it (Debian/Ubuntu: sudo apt install {PACKAGE}; macOS: brew install "
                                   "--cask libreoffice; Windows: libreoffice.org) and put soffice on PATH")])
    return command


def docx_to_pdf(documents: dict[str, bytes]) -> dict[str, bytes]:
    """PDF bytes for each named .docx (names are file stems), converted in one LibreOffice run."""
    if not documents:
        return {}
    command = soffice()
    with tempfile.TemporaryDirectory(prefix="acs-pdf-") as folder:
        root = Path(folder)
        (root / "in").mkdir()
        sources = []
        for name, data in documents.items():
            source = root / "in" / f"{name}.docx"
            source.write_bytes(data)
            sources.append(str(source))
        try:
            result = subprocess.run([command, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless",
                                     "--norestore", "--convert-to", "pdf", "--outdir", str(root / "out"), *sources],
                                    capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AcsError([_failed(str(exc))]) from None
        pdfs = {}
        for name in documents:
            try:
                pdfs[name] = (root / "out" / f"{name}.pdf").read_bytes()
            except OSError:
                raise AcsError([_failed((result.stderr or result.stdout).strip()[-300:] or
                                        f"exit status {result.returncode}")]) from None
        return pdfs


def _failed(detail: str) -> Diagnostic:
    return Diagnostic(ERROR, "ACS-WRITE-PDF", f"LibreOffice could not convert the document to PDF ({detail})",
                      "check that soffice runs (soffice --headless --version), then try again")
