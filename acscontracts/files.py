"""Safe output: every file is written to a temporary file beside it and renamed into place,
so an interrupted or failed build never leaves a half-written file where a good one was."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .diagnostics import ERROR, AcsError, Diagnostic, Location


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same folder temp file, fsync, rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AcsError([_write_problem(path, exc)])
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise AcsError([_write_problem(path, exc)])


def _write_problem(path: Path, exc: OSError) -> Diagnostic:
    reason = exc.strerror or str(exc)
    return Diagnostic(ERROR, "ACS-WRITE", f"cannot write the file ({reason})",
                      "check the folder exists, is writable and has free space; earlier output is unchanged",
                      Location(str(path)))
