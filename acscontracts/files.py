"""Safe output: every file is written to a temporary file beside it and renamed into place,
so an interrupted or failed build never leaves a half-written file where a good one was."""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_DEFERRED_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)}


@contextlib.contextmanager
def _signals_deferred():
    """Ctrl-C (or a polite kill) waits until the file is written or cleaned up, then takes effect."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same folder temp file, fsync, rename)."""
    with _signals_deferred():
        _atomic_write(Path(path), data)


def _atomic_write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AcsError([_write_problem(path, exc)])
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # mkstemp makes 0600 files: give the usual (or the replaced file's) mode
                os.fchmod(handle.fileno(), _file_mode(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # Ctrl-C included: never leave the temporary file behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise AcsError([_write_problem(path, exc)]) from None
        raise


def _file_mode(path: Path) -> int:
    """The permissions of the file being replaced, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _write_problem(path: Path, exc: OSError) -> Diagnostic:
    reason = exc.strerror or str(exc)
    return Diagnostic(ERROR, "ACS-WRITE", f"cannot write the file ({reason})",
                      "check the folder exists, is writable and has free space; earlier output is unchanged",
                      Location(str(path)))
