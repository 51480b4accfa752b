"""No lost work: a build that is killed, fails half-way, meets a read-only folder or a full disk, or finds a
file edited by hand (or open in Word) leaves every earlier output and the manifest intact and consistent.

The packs use the small test library of tests/fuzz_support.py (fast, and independent of the shipped
clause library); the deals are the lead-provider sample grown to many subcontracts (one document each).
"""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import fuzz_support as fs
from acscontracts import files, pack
from acscontracts.cli import main
from acscontracts.diagnostics import AcsError

ROOT = fs.ROOT


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> Path:
    return fs.write_library(tmp_path_factory.mktemp("library"))


def _deal_pair(root: Path, subcontracts: int) -> tuple[Path, Path]:
    """Terms A and B: B changes the version label, so every document of the pack changes."""
    a = fs.big_deal(partners=10, subcontracts=subcontracts)
    b = fs.clone(a)
    b["deal"]["version"] = "0.9-changed"
    return fs.write_terms(root / "a.yaml", a), fs.write_terms(root / "b.yaml", b)


@pytest.fixture(scope="module")
def big_deals(tmp_path_factory) -> tuple[Path, Path]:
    return _deal_pair(tmp_path_factory.mktemp("big"), 120)  # ~1 s to build: room to kill it half-way


@pytest.fixture(scope="module")
def deals(tmp_path_factory) -> tuple[Path, Path]:
    return _deal_pair(tmp_path_factory.mktemp("small"), 8)


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "acscontracts", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def _snapshot(folder: Path) -> dict:
    """Every file of the pack folder but the lock (its bookkeeping)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in files.LOCK_FILES}


def _docs(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != pack.MANIFEST}


def _temp_files(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _reference_packs(root: Path, lib: Path, deals) -> dict:
    """Reference packs: A built cleanly, B built cleanly (each into its own folder)."""
    out = {}
    for name, terms in zip("AB", deals):
        folder = root / name
        result = _cli("build", terms, "--templates", lib, "-o", folder)
        assert result.returncode == 0, result.stderr
        out[name] = _snapshot(folder)
    assert set(_docs(out["A"])) == set(_docs(out["B"]))
    assert all(out["A"][k] != out["B"][k] for k in _docs(out["A"]))
    return out


@pytest.fixture(scope="module")
def packs(tmp_path_factory, lib, deals) -> dict:
    return _reference_packs(tmp_path_factory.mktemp("packs"), lib, deals)


@pytest.fixture(scope="module")
def big_packs(tmp_path_factory, lib, big_deals) -> dict:
    return _reference_packs(tmp_path_factory.mktemp("big-packs"), lib, big_deals)


def _assert_consistent(folder: Path, packs: dict) -> None:
    """Every document is whole (pack A's or pack B's bytes) and the manifest vouches for each one."""
    manifest = json.loads((folder / pack.MANIFEST).read_text(encoding="utf-8"))
    docs = _docs({k: v for k, v in _snapshot(folder).items() if not k.endswith(".tmp")})
    assert set(docs) == set(_docs(packs["A"]))
    for name, data in docs.items():
        assert data in (packs["A"][name], packs["B"][name]), f"{name} is neither the old nor the new document"
        recorded = {manifest["documents"][name]["sha256"], manifest.get("pending", {}).get(name)}
        assert files.sha256(data) in recorded, f"{name} is not vouched for by the manifest"


def _pack_a(tmp_path: Path, packs: dict) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir(parents=True)
    for name, data in packs["A"].items():
        (folder / name).write_bytes(data)
    return folder


# --------------------------------------------------------------------------- (a) SIGKILL


def test_sigkill_at_any_moment_leaves_a_consistent_pack(tmp_path, lib, big_deals, big_packs):
    """Kill `build` with SIGKILL at several moments (while rendering, and while writing); every time the
    pack is either untouched or consistent, and a rebuild finishes it without --force."""
    moments = ("pending", 0.05, 0.5, "pending")
    saw_partial = False
    for i, moment in enumerate(moments):
        folder = _pack_a(tmp_path / str(i), big_packs)
        proc = subprocess.Popen([sys.executable, "-m", "acscontracts", "build", str(big_deals[1]), "--templates",
                                 str(lib), "-o", str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        start = time.monotonic()
        try:
            if moment == "pending":  # the write phase has begun: kill now, half-way through the documents
                while proc.poll() is None and time.monotonic() - start < 60:
                    if b'"pending"' in (folder / pack.MANIFEST).read_bytes():
                        break
                    time.sleep(0.002)
            else:
                time.sleep(moment)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=60)
        now = _snapshot(folder)
        if _docs(now) == _docs(big_packs["A"]) and now[pack.MANIFEST] == big_packs["A"][pack.MANIFEST]:
            pass  # killed before the write phase: byte-identical
        else:
            saw_partial = saw_partial or _docs(now) != _docs(big_packs["B"])
            _assert_consistent(folder, big_packs)
        result = _cli("build", big_deals[1], "--templates", lib, "-o", folder)
        assert result.returncode == 0, result.stderr  # no "edited by hand" complaint about our own files
        assert _docs(_snapshot(folder)) == _docs(big_packs["B"])
        assert _temp_files(folder) == []
        assert "pending" not in json.loads((folder / pack.MANIFEST).read_text(encoding="utf-8"))
    assert saw_partial, "no kill landed in the write phase: make the deal bigger"


# --------------------------------------------------------------------------- (b) a failure half-way


def _build(folder: Path, terms: Path, lib: Path, *extra):
    result = CliRunner().invoke(main, ["build", str(terms), "--templates", str(lib), "-o", str(folder), *extra])
    return result


def test_failure_after_the_first_document_changes_nothing(tmp_path, monkeypatch, lib, deals, packs):
    folder = _pack_a(tmp_path, packs)
    real_render, calls = pack.resolved_document, []

    def failing_render(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("injected failure while rendering the second document")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pack, "resolved_document", failing_render)
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 5
    assert "internal error: RuntimeError: injected failure" in result.output
    assert _snapshot(folder) == packs["A"]


def test_write_failure_half_way_keeps_the_pack_consistent(tmp_path, monkeypatch, lib, deals, packs):
    folder = _pack_a(tmp_path, packs)
    real_write, calls = pack.atomic_write, []

    def failing_write(path, data):
        calls.append(path)
        if len(calls) == 4:  # the interim manifest, two documents, then the disk fails
            raise AcsError([files._write_problem(Path(path), OSError(errno.EIO, "Input/output error"))])
        return real_write(path, data)

    monkeypatch.setattr(pack, "atomic_write", failing_write)
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 4 and "Input/output error" in result.stderr
    _assert_consistent(folder, packs)
    monkeypatch.setattr(pack, "atomic_write", real_write)
    assert _build(folder, deals[1], lib).exit_code == 0
    assert _docs(_snapshot(folder)) == _docs(packs["B"])


# --------------------------------------------------------------------------- (c) read-only folder


def test_read_only_output_folder(tmp_path, monkeypatch, lib, deals, packs):
    folder = _pack_a(tmp_path, packs)
    if os.geteuid() != 0:  # a real read-only folder (root ignores permissions: simulate it below instead)
        folder.chmod(0o555)
        try:
            result = _cli("build", deals[1], "--templates", lib, "-o", folder)
        finally:
            folder.chmod(0o755)
        assert result.returncode == 4, result.stderr
        assert _snapshot(folder) == packs["A"]

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 4
    [line] = result.stderr.strip().splitlines()
    assert "error ACS-WRITE" in line and "Permission denied" in line and str(folder) in line
    assert _snapshot(folder) == packs["A"]


# --------------------------------------------------------------------------- (d) full disk


class _FullDisk:
    """A file object whose writes fail with ENOSPC after ``allowed`` successful files."""

    opened = 0

    def __init__(self, real, allowed: int):
        self.real, self.fail = real, _FullDisk.opened >= allowed
        _FullDisk.opened += 1

    def write(self, data):
        if self.fail:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


@pytest.mark.parametrize("allowed", [0, 2])
def test_full_disk(tmp_path, monkeypatch, lib, deals, packs, allowed):
    folder = _pack_a(tmp_path, packs)
    real_fdopen = files.os.fdopen
    _FullDisk.opened = 0
    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode), allowed))
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 4
    [line] = result.stderr.strip().splitlines()
    assert "No space left on device" in line and "earlier output is unchanged" in line
    assert _temp_files(folder) == []
    if allowed == 0:
        assert _snapshot(folder) == packs["A"]
    else:
        _assert_consistent(folder, packs)
        changed = [k for k, v in _docs(_snapshot(folder)).items() if v != packs["A"][k]]
        assert len(changed) == allowed - 1  # the interim manifest, then one document got through


# --------------------------------------------------------------------------- (e) hand edits and Word locks


def test_hand_edited_file_needs_force(tmp_path, lib, deals, packs):
    folder = _pack_a(tmp_path, packs)
    edited = folder / "heads_of_terms.docx"
    edited.write_bytes(edited.read_bytes() + b"lawyer's edit")
    kept = edited.read_bytes()
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 1
    assert "ACS-EDITED" in result.stderr and "heads_of_terms.docx" in result.stderr and "--force" in result.stderr
    assert edited.read_bytes() == kept
    again = _build(folder, deals[1], lib)  # still refused: the manifest keeps the old record
    assert again.exit_code == 1 and edited.read_bytes() == kept
    forced = _build(folder, deals[1], lib, "--force")
    assert forced.exit_code == 0, forced.output
    assert _docs(_snapshot(folder)) == _docs(packs["B"])


def test_unrecorded_file_is_not_overwritten(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    folder.mkdir()
    mine = folder / "heads_of_terms.docx"
    mine.write_bytes(b"a document that was here before any build")
    result = _build(folder, deals[0], lib)
    assert result.exit_code == 1 and "ACS-EDITED" in result.stderr
    assert mine.read_bytes() == b"a document that was here before any build"
    assert _build(folder, deals[0], lib, "--force").exit_code == 0


def test_document_open_in_word_is_not_overwritten(tmp_path, lib, deals, packs):
    folder = _pack_a(tmp_path, packs)
    (folder / "~$ads_of_terms.docx").write_bytes(b"owner file")
    result = _build(folder, deals[1], lib)
    assert result.exit_code == 1 and "ACS-LOCKED" in result.stderr and "open in Word" in result.stderr
    assert (folder / "heads_of_terms.docx").read_bytes() == packs["A"]["heads_of_terms.docx"]
    assert _build(folder, deals[1], lib).exit_code == 1  # its record still says "as built from A"
    (folder / "~$ads_of_terms.docx").unlink()
    assert _build(folder, deals[1], lib).exit_code == 0
    assert _docs(_snapshot(folder)) == _docs(packs["B"])


def test_stale_temp_files_are_cleaned_up(tmp_path, lib, deals, packs):
    """Temporary files carry their writer's process id: those of a dead process are removed, those of a
    running one (another command writing into the folder) and other files are left alone."""
    folder = _pack_a(tmp_path, packs)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (folder / f".heads_of_terms.docx.{dead.stdout.strip()}-abc123.tmp").write_bytes(b"half a file from a killed build")
    live = folder / f".heads_of_terms.docx.{os.getppid()}-xyz789.tmp"
    live.write_bytes(b"another process's file in flight")
    (folder / "notes.tmp").write_bytes(b"not ours")
    assert _build(folder, deals[1], lib).exit_code == 0
    assert _temp_files(folder) == sorted([live.name, "notes.tmp"])


def test_outputs_get_normal_permissions_and_keep_changed_ones(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    old_umask = os.umask(0o022)
    try:
        assert _build(folder, deals[0], lib).exit_code == 0
        assert (folder / "heads_of_terms.docx").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
        (folder / "heads_of_terms.docx").chmod(0o640)
        assert _build(folder, deals[1], lib).exit_code == 0
        assert (folder / "heads_of_terms.docx").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_umask)


def test_ctrl_c_half_way_is_reported_and_consistent(tmp_path, lib, big_deals, big_packs):
    folder = _pack_a(tmp_path, big_packs)
    proc = subprocess.Popen([sys.executable, "-m", "acscontracts", "build", str(big_deals[1]), "--templates", str(lib),
                             "-o", str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    start = time.monotonic()
    while proc.poll() is None and time.monotonic() - start < 60:
        if b'"pending"' in (folder / pack.MANIFEST).read_bytes():
            proc.send_signal(signal.SIGINT)
            break
        time.sleep(0.002)
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before Ctrl-C arrived")
    assert proc.returncode == 130 and b"interrupted" in stderr and b"Traceback" not in stderr
    _assert_consistent(folder, big_packs)
    assert _temp_files(folder) == []
