"""Safe output: every file is written to a temporary file beside it and renamed into place, so an
interrupted or failed build never leaves a half-written file where a good one was. Also: output names
checked to stay inside their folder, and a lock that lets one process at a time write into a folder."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
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
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
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
    """The permissions of the regular file being replaced, or those a new file gets under the umask (also
    when ``path`` is a symbolic link: the link is replaced, and its target's mode is not copied)."""
    try:
        existing = os.lstat(path)
        if stat.S_ISREG(existing.st_mode):
            return stat.S_IMODE(existing.st_mode)
    except OSError:
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[^.]*\.tmp$")


def remove_abandoned_temp_files(folder: Path, names) -> None:
    """Delete the temporary files that a killed process left beside ``names`` in ``folder``. Only files of
    processes that are no longer running are touched: another process's file in flight is left alone."""
    wanted = set(names)
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match and match["name"] in wanted and not process_alive(int(match["pid"])):
            with contextlib.suppress(OSError):
                entry.unlink()


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (on this machine)."""
    if pid <= 0 or pid == os.getpid():
        return pid == os.getpid()
    if os.name == "nt":  # pragma: no cover - Windows: os.kill would terminate the process
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


# --------------------------------------------------------------------------- names

MAX_NAME = 200  # characters in one output file name (file systems allow 255 bytes)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|\u2028\u2029]")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name of a file inside an output folder, or None when it can."""
    if not name or name in (".", "..") or name.startswith(".."):
        return "it is empty or names a parent folder"
    if _UNSAFE_NAME.search(name):
        return "it holds a path separator, a control character or a character Windows forbids"
    if name != name.strip() or name.endswith("."):
        return "it starts or ends with a space, or ends with a dot"
    if len(name) > MAX_NAME or len(name.encode("utf-8")) > 250:
        return f"it is longer than {MAX_NAME} characters"
    return None


def check_name(name: str, where: str, fix: str) -> str:
    """``name`` unchanged when it is a safe file name inside a folder; AcsError (ACS-NAME) otherwise."""
    problem = name_problem(name)
    if problem:
        raise AcsError([Diagnostic(ERROR, "ACS-NAME", f"cannot use {name!r} as a file name: {problem}", fix,
                                   Location(where))])
    return name


def check_path(path: Path) -> Path:
    """An output path given by the user: every component short enough for the file system (ACS-WRITE)."""
    for part in Path(path).parts:
        if len(part.encode("utf-8")) > 255:
            raise AcsError([Diagnostic(ERROR, "ACS-WRITE", f"cannot write the file (a folder or file name in the path is "
                                       f"{len(part)} characters long; the limit is 255)",
                                       "use a shorter name", Location(str(path)[:120] + "..."))])
    return Path(path)


# --------------------------------------------------------------------------- one writer per folder

LOCK_FILE = ".acscontracts.lock"  # the lock itself (filelock: released by the OS if its holder dies)
LOCK_HOLDER = ".acscontracts.lock.pid"  # the holder's process id, for the message a waiting process prints
LOCK_WAIT = 5.0  # seconds a second writer waits before giving up
LOCK_FILES = (LOCK_FILE, LOCK_HOLDER)


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float = LOCK_WAIT, what: str = "the folder"):
    """Hold the write lock on ``folder`` (created if missing). A lock whose holder died is free at once;
    one held by a running process is waited for up to ``wait`` seconds, then AcsError ACS-BUSY."""
    from filelock import FileLock, Timeout

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / LOCK_FILE))
        lock.acquire(timeout=wait)
    except Timeout:
        holder = _lock_holder(folder)
        raise AcsError([Diagnostic(ERROR, "ACS-BUSY", f"{what} is being built by process {holder or 'another'}",
                                   "wait for that build to finish, then run this one again",
                                   Location(str(folder)))]) from None
    except OSError as exc:
        raise AcsError([_write_problem(folder, exc)]) from None
    try:
        with contextlib.suppress(OSError):
            (folder / LOCK_HOLDER).write_text(str(os.getpid()), encoding="ascii")
        yield
    finally:
        with contextlib.suppress(OSError):
            (folder / LOCK_HOLDER).unlink()
        lock.release()


def _lock_holder(folder: Path) -> int | None:
    try:
        pid = int((folder / LOCK_HOLDER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return pid if process_alive(pid) else None


def _write_problem(path: Path, exc: OSError) -> Diagnostic:
    reason = exc.strerror or str(exc)
    return Diagnostic(ERROR, "ACS-WRITE", f"cannot write the file ({reason})",
                      "check the folder exists, is writable and has free space; earlier output is unchanged",
                      Location(str(path)))
