"""Pack integrity: all-or-nothing builds, one folder per deal, safe output names and modes, one writer at a
time per pack (20 rounds of concurrent builds), no-op rebuilds that render nothing, --check's reasons and
stray files, --redline-against outputs under the hand-edit and Word-lock rules, output formats by extension.

Packs use the small test library of tests/fuzz_support.py (fast, independent of the shipped clauses).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import pty
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import fuzz_support as fs
from acscontracts import api, files, pack, versions
from acscontracts.cli import main
from acscontracts.cli.common import exit_code
from acscontracts.diagnostics import AcsError

ROOT = fs.ROOT


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> Path:
    return fs.write_library(tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="module")
def deals(tmp_path_factory) -> tuple[Path, Path]:
    """v1 and v2 of one deal (v2 changes the version label: every document changes)."""
    root = tmp_path_factory.mktemp("deals")
    v1 = fs.big_deal(partners=3, subcontracts=4)
    v2 = fs.clone(v1)
    v2["deal"]["version"] = "0.9-changed"
    return fs.write_terms(root / "v1.yaml", v1), fs.write_terms(root / "v2.yaml", v2)


def _build(folder: Path, *terms_and_options, lib: Path):
    return CliRunner().invoke(main, ["build", *map(str, terms_and_options), "--templates", str(lib), "-o", str(folder)])


def _pack_files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in files.LOCK_FILES}


def _assert_manifest_matches(folder: Path) -> dict:
    manifest = json.loads((folder / pack.MANIFEST).read_text(encoding="utf-8"))
    assert "pending" not in manifest
    docs = {k: v for k, v in _pack_files(folder).items()
            if k not in (pack.MANIFEST, versions.TERMS) and not k.startswith("~$")}
    assert set(docs) == set(manifest["documents"])
    for name, data in docs.items():
        assert files.sha256(data) == manifest["documents"][name]["sha256"], name
    return manifest


# --------------------------------------------------------------------------- all or nothing


def test_document_open_in_word_changes_nothing(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    assert _build(folder, deals[0], lib=lib).exit_code == 0
    before = _pack_files(folder)
    (folder / "~$heads_of_terms.docx").write_bytes(b"owner")
    result = _build(folder, deals[1], lib=lib)
    assert result.exit_code == 1 and "ACS-LOCKED" in result.stderr and "nothing was written" in result.stderr
    after = _pack_files(folder)
    after.pop("~$heads_of_terms.docx")
    assert after == before  # no other document rewritten, manifest untouched
    (folder / "~$heads_of_terms.docx").unlink()
    assert _build(folder, deals[1], lib=lib).exit_code == 0
    assert _pack_files(folder) != before
    _assert_manifest_matches(folder)


def test_hand_edit_changes_nothing(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    assert _build(folder, deals[0], lib=lib).exit_code == 0
    edited = folder / "heads_of_terms.docx"
    edited.write_bytes(edited.read_bytes() + b"lawyer's edit")
    before = _pack_files(folder)
    result = _build(folder, deals[1], lib=lib)
    assert result.exit_code == 1 and "ACS-EDITED" in result.stderr
    assert _pack_files(folder) == before


# --------------------------------------------------------------------------- one folder per deal


def test_several_deals_build_into_folders_named_by_deal_id(tmp_path, lib, deals):
    other = fs.clone(fs.big_deal(partners=1, subcontracts=1))
    other["deal"]["id"] = "second-deal"
    odd = fs.write_terms(tmp_path / "...yaml", other)  # a file stem that must not become a folder name
    out = tmp_path / "out"
    result = _build(out, deals[0], odd, lib=lib)
    assert result.exit_code == 0, result.output
    first_id = fs.clone(fs.big_deal())["deal"]["id"]
    assert sorted(p.name for p in out.iterdir()) == sorted([first_id, "second-deal"])
    assert (out / "second-deal" / "heads_of_terms.docx").exists()
    assert not (tmp_path / "heads_of_terms.docx").exists()
    for folder in out.iterdir():
        _assert_manifest_matches(folder)


def test_two_deals_with_one_id_are_refused_before_anything_is_written(tmp_path, lib, deals):
    out = tmp_path / "out"
    result = _build(out, deals[0], deals[1], lib=lib)
    assert result.exit_code == 1
    assert "ACS-DUPLICATE-DEAL" in result.stderr and "v1.yaml" in result.stderr and "v2.yaml" in result.stderr
    assert "deal.id" in result.stderr and "give each deal its own deal.id" in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- names and modes


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", "sub-x\n", "tab\there", "nul\x00",
                                  "x" * 201, " lead", "trail.", "con:x", "a\u2028b"])
def test_unsafe_output_names_are_refused(name):
    assert files.name_problem(name) is not None
    with pytest.raises(AcsError) as caught:
        files.check_name(name, "deal.yaml", "use another id")
    [problem] = caught.value.diagnostics
    assert problem.code == "ACS-NAME" and problem.hint == "use another id"


@pytest.mark.parametrize("name", ["alliance_agreement.docx", "subcontract-sub-1.redline.docx", "x" * 200,
                                  "Partnerschaft-Über.txt"])
def test_safe_output_names_pass(name):
    assert files.check_name(name, "deal.yaml", "") == name


def test_a_300_character_output_component_is_a_clean_error(tmp_path, lib, deals):
    long = tmp_path / ("a" * 300)
    result = _build(long / "pack", deals[0], lib=lib)
    assert result.exit_code == 4 and "ACS-WRITE" in result.stderr and "255" in result.stderr
    render = CliRunner().invoke(main, ["render", str(deals[0]), "--doc", "heads_of_terms", "--templates", str(lib),
                                       "-o", str(long / "x.docx")])
    assert render.exit_code == 4 and "ACS-WRITE" in render.stderr and "internal error" not in render.output


def test_writing_through_a_symlink_replaces_the_link_with_a_new_file_mode(tmp_path):
    target = tmp_path / "target.docx"
    target.write_bytes(b"target")
    target.chmod(0o666)
    link = tmp_path / "link.docx"
    link.symlink_to(target)
    old_umask = os.umask(0o022)
    try:
        files.atomic_write(link, b"new")
    finally:
        os.umask(old_umask)
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert link.stat().st_mode & 0o777 == 0o644  # a new file's mode, not the target's 0666
    assert target.read_bytes() == b"target" and target.stat().st_mode & 0o777 == 0o666


# --------------------------------------------------------------------------- one writer at a time


def _hold_lock(folder: str, ready, release) -> None:
    with files.folder_lock(Path(folder)):
        ready.set()
        release.wait(30)


def test_a_second_build_waits_then_names_the_holder(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(folder), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        start = time.monotonic()
        [report] = api.build([deals[0]], folder, templates=[str(lib)], lock_wait=0.5)
        waited = time.monotonic() - start
    except AcsError as exc:
        problems, waited = exc.diagnostics, time.monotonic() - start
    else:
        problems = report.diagnostics
    finally:
        release.set()
        holder.join(30)
    [problem] = [d for d in problems if d.is_error]
    assert problem.code == "ACS-BUSY" and f"being built by process {holder.pid}" in problem.message
    assert exit_code(problems) == 4 and waited >= 0.5
    assert not (folder / "heads_of_terms.docx").exists()
    [report] = api.build([deals[0]], folder, templates=[str(lib)], lock_wait=0.5)  # released: builds at once
    assert "heads_of_terms.docx" in report.written


def test_a_lock_whose_holder_was_killed_is_free_at_once(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            f"from acscontracts import files\nwith files.folder_lock(Path({str(folder)!r})):\n"
            "    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    assert (folder / files.LOCK_HOLDER).read_text() == str(holder.pid)
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    holder.stdout.close()
    start = time.monotonic()
    [report] = api.build([deals[0]], folder, templates=[str(lib)], lock_wait=10)
    assert not report.diagnostics and report.written and time.monotonic() - start < 10
    assert not (folder / files.LOCK_HOLDER).exists()  # released on exit


def _build_in_worker(args) -> tuple:
    terms, folder, lib, start_at = args
    time.sleep(max(0.0, start_at - time.time()))
    reports = api.build([terms], folder, templates=[lib], lock_wait=60)
    return [(d.code, d.message) for r in reports for d in r.diagnostics if d.is_error]


def test_twenty_rounds_of_two_concurrent_builds(tmp_path, lib, deals):
    """Same terms (rounds 0-9) and v1 against v2 (rounds 10-19), started together on one folder: both
    always succeed, and the pack ends with a manifest matching every file and a --check that passes."""
    folder = tmp_path / "pack"
    v1, v2 = (str(t) for t in deals)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as workers:
        list(workers.map(_build_in_worker, [(v1, str(tmp_path / "warm"), str(lib), 0)] * 2))  # import once
        for round_ in range(20):
            pair = (v1, v1) if round_ < 10 else (v1, v2) if round_ % 2 else (v2, v1)
            start_at = time.time() + 0.05
            errors = list(workers.map(_build_in_worker, [(t, str(folder), str(lib), start_at) for t in pair]))
            assert errors == [[], []], f"round {round_}: {errors}"
            manifest = _assert_manifest_matches(folder)
            assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
            built_from = v1 if manifest["terms"]["file"] == v1 else v2
            assert manifest["terms"]["sha256"] == files.sha256(Path(built_from).read_bytes())
            [check] = api.build([built_from], folder, templates=[str(lib)], check=True)
            assert not check.stale and not check.edited and not check.diagnostics, f"round {round_}"


# --------------------------------------------------------------------------- no-op rebuilds and --check


def _count_renders(monkeypatch) -> list:
    calls, real = [], pack.resolved_document
    monkeypatch.setattr(pack, "resolved_document", lambda spec, *a, **k: calls.append(spec.name) or real(spec, *a, **k))
    return calls


def test_a_no_op_rebuild_of_every_sample_renders_nothing(tmp_path, monkeypatch, engine):
    from conftest import SAMPLES

    calls = _count_renders(monkeypatch)
    first = pack.build_packs(SAMPLES, tmp_path, engine, formats=("docx", "text"))
    rendered = len(calls)
    assert rendered == sum(len(r.written) for r in first) >= 28
    again = pack.build_packs(SAMPLES, tmp_path, engine, formats=("docx", "text"))
    assert len(calls) == rendered and all(r.rendered == 0 and not r.written for r in again)
    assert sum(len(r.unchanged) for r in again) == rendered


def test_only_documents_whose_inputs_changed_are_rendered(tmp_path, monkeypatch, lib, deals):
    folder = tmp_path / "pack"
    calls = _count_renders(monkeypatch)
    engine = pack.Engine.create([str(lib)])
    [first] = pack.build_packs([deals[0]], folder, engine)
    docx = len(first.written)
    [with_text] = pack.build_packs([deals[0]], folder, engine, formats=("docx", "text"))
    assert with_text.rendered == docx and all(n.endswith(".txt") for n in with_text.written)
    [clean] = pack.build_packs([deals[0]], folder, engine, formats=("docx", "text"), clean=True)
    assert clean.rendered == 2 * docx  # an option every document depends on
    (folder / "heads_of_terms.docx").unlink()
    [missing] = pack.build_packs([deals[0]], folder, engine, formats=("docx", "text"), clean=True)
    assert missing.rendered == 1 and missing.written == ["heads_of_terms.docx"]
    assert len(calls) == docx + docx + 2 * docx + 1


def test_check_says_why_each_document_is_stale_and_lists_stray_files(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    assert _build(folder, deals[0], "--text", lib=lib).exit_code == 0
    (folder / "notes from the partners.docx").write_bytes(b"someone's file")
    result = _build(folder, deals[1], "--check", lib=lib)
    assert result.exit_code == 1
    stale = [line for line in result.stdout.splitlines() if line.startswith("stale: ")]
    assert stale and all(line.endswith(": the terms changed (in deal)") for line in stale)
    assert f"run: acscontracts build {deals[1]} -o {folder}" in result.stderr
    assert "heads_of_terms.txt is not part of this build" in result.stderr
    assert "notes from the partners.docx is not part of this build" in result.stderr
    assert "manifest.json" not in result.stderr and files.LOCK_FILE not in result.stderr
    fresh = _build(folder, deals[0], "--check", lib=lib)  # up to date: the stray files only warn
    assert fresh.exit_code == 0 and "heads_of_terms.txt is not part of this build" in fresh.stderr
    options = _build(folder, deals[0], "--check", "--text", "--clean", lib=lib)
    assert options.exit_code == 1 and "the options changed (clean: False -> True)" in options.stdout
    changed_lib = fs.write_library(tmp_path / "library")
    first = sorted(changed_lib.rglob("*.j2"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nA new closing sentence.\n", encoding="utf-8")
    templates = CliRunner().invoke(main, ["build", str(deals[0]), "--text", "--check", "--templates", str(changed_lib),
                                          "-o", str(folder)])
    assert templates.exit_code == 1 and "the clause templates changed" in templates.stdout
    assert "the terms changed" not in templates.stdout


# --------------------------------------------------------------------------- --redline-against


def test_redline_outputs_obey_the_hand_edit_and_word_lock_rules(tmp_path, lib, deals):
    folder = tmp_path / "pack"
    assert _build(folder, deals[0], lib=lib).exit_code == 0
    first = _build(folder, deals[1], "--redline-against", deals[0], lib=lib)
    assert first.exit_code == 0, first.output
    summary = folder / "summary-of-changes.docx"
    redlines = sorted(p.name for p in folder.glob("*.redline.docx"))
    assert summary.exists() and "heads_of_terms.redline.docx" in redlines
    manifest = _assert_manifest_matches(folder)
    assert manifest["documents"]["heads_of_terms.redline.docx"]["doc_type"] == "redline"
    assert _build(folder, deals[1], "--redline-against", deals[0], lib=lib).exit_code == 0  # unchanged: fine
    summary.write_bytes(summary.read_bytes() + b"edited")
    before = _pack_files(folder)
    edited = _build(folder, deals[0], "--redline-against", deals[1], lib=lib)
    assert edited.exit_code == 1 and "ACS-EDITED" in edited.stderr and "summary-of-changes.docx" in edited.stderr
    assert _pack_files(folder) == before
    summary.unlink()
    (folder / "~$ads_of_terms.redline.docx").write_bytes(b"owner")
    locked = _build(folder, deals[0], "--redline-against", deals[1], lib=lib)
    assert locked.exit_code == 1 and "ACS-LOCKED" in locked.stderr and "heads_of_terms.redline.docx" in locked.stderr
    assert {k: v for k, v in _pack_files(folder).items() if not k.startswith("~$")} == \
        {k: v for k, v in before.items() if k != "summary-of-changes.docx"}
    forced = _build(folder, deals[0], "--redline-against", deals[1], "--force", lib=lib)
    assert forced.exit_code == 0
    _assert_manifest_matches(folder)


# --------------------------------------------------------------------------- output formats


def _render(tmp_path, lib, deals, *args):
    return CliRunner().invoke(main, ["--debug", "render", str(deals[0]), "--doc", "heads_of_terms", "--templates", str(lib),
                                     *map(str, args)])


def test_the_extension_decides_the_format(tmp_path, lib, deals):
    assert _render(tmp_path, lib, deals, "-o", tmp_path / "x.txt").exit_code == 0
    assert (tmp_path / "x.txt").read_text(encoding="utf-8").startswith("HEADS OF TERMS")
    assert _render(tmp_path, lib, deals, "-o", tmp_path / "x.docx").exit_code == 0
    assert (tmp_path / "x.docx").read_bytes()[:2] == b"PK"
    agree = _render(tmp_path, lib, deals, "-o", tmp_path / "y.txt", "--format", "text")
    assert agree.exit_code == 0
    clash = _render(tmp_path, lib, deals, "-o", tmp_path / "z.txt", "--format", "docx")
    assert clash.exit_code == 2 and "disagrees with the extension" in clash.output
    for name in ("z.md", "z.doc", "z"):
        refused = _render(tmp_path, lib, deals, "-o", tmp_path / name)
        assert refused.exit_code == 2 and ".docx, .txt, .pdf" in refused.output
        assert not (tmp_path / name).exists()


def test_standard_output(tmp_path, lib, deals):
    text = _render(tmp_path, lib, deals, "-o", "-", "--format", "text")
    assert text.exit_code == 0 and text.stdout.startswith("HEADS OF TERMS")
    assert not Path("-").exists() and not (ROOT / "-").exists()
    binary = _render(tmp_path, lib, deals, "-o", "-", "--format", "docx")
    assert binary.exit_code == 0 and binary.stdout_bytes[:2] == b"PK"  # not a terminal: allowed
    unsaid = _render(tmp_path, lib, deals, "-o", "-")
    assert unsaid.exit_code == 2 and "--format" in unsaid.output


def test_binary_output_to_a_terminal_is_refused(tmp_path, lib, deals):
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "acscontracts", "render", str(deals[0]), "--doc",
                                 "heads_of_terms", "--templates", str(lib), "-o", "-", "--format", "docx"],
                                stdout=follower, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2 and "refusing to write a binary docx file to the terminal" in result.stderr


def test_summary_formats_by_extension(tmp_path, lib, deals):
    runner = CliRunner()
    base = ["diff", str(deals[0]), str(deals[1]), "--templates", str(lib), "--summary"]
    markdown = runner.invoke(main, base + [str(tmp_path / "board.md")])
    assert markdown.exit_code == 0, markdown.output
    text = (tmp_path / "board.md").read_text(encoding="utf-8")
    assert text.startswith("# ") and "0.9-changed" in text
    assert runner.invoke(main, base + [str(tmp_path / "board.txt")]).exit_code == 0
    assert not (tmp_path / "board.txt").read_bytes().startswith(b"PK")
    refused = runner.invoke(main, base + [str(tmp_path / "board.pdf")])
    assert refused.exit_code == 2 and ".docx, .txt, .md" in refused.output
    stdout = runner.invoke(main, base + ["-"])
    assert stdout.exit_code == 2 and "--summary writes a file" in stdout.output and not Path("-").exists()


def test_pdf_needs_libreoffice_and_names_the_package(tmp_path, monkeypatch, lib, deals):
    from acscontracts.writers import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    result = _render(tmp_path, lib, deals, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 4 and "ACS-WRITE-PDF" in result.stderr and pdf.PACKAGE in result.stderr
    assert not (tmp_path / "x.pdf").exists()


# --------------------------------------------------------------------------- kept versions


def test_keep_versions_writes_each_version_with_latest_and_history(tmp_path, lib, deals):
    pack_dir = tmp_path / "pack"
    v1_data = fs.clone(fs.big_deal(partners=3, subcontracts=4))
    v1_data["deal"]["version"] = "0.4"
    v2_data = fs.clone(v1_data)
    v2_data["deal"]["version"] = "0.5"
    v2_data["deal"]["title"] = v1_data["deal"]["title"] + " (revised)"
    v1, v2 = fs.write_terms(tmp_path / "v1.yaml", v1_data), fs.write_terms(tmp_path / "v2.yaml", v2_data)
    assert _build(pack_dir, v1, "--keep-versions", lib=lib).exit_code == 0
    assert (pack_dir / "latest").read_text() == "v0.4\n" and not (pack_dir / "latest").is_symlink()
    first = _build(pack_dir, v2, "--keep-versions", lib=lib)
    assert first.exit_code == 0, first.output
    assert (pack_dir / "latest").read_text() == "v0.5\n"
    assert {p.name for p in pack_dir.iterdir()} >= {"v0.4", "v0.5", "latest", "history.json"}
    for version in ("v0.4", "v0.5"):
        assert (pack_dir / version / "heads_of_terms.docx").exists()
        _assert_manifest_matches(pack_dir / version)
    history = json.loads((pack_dir / "history.json").read_text(encoding="utf-8"))
    assert [h["version"] for h in history] == ["v0.4", "v0.5"]
    assert history[1]["previous"] == "v0.4" and "deal.version: 0.4 → 0.5" in history[1]["changes"]
    assert any(c.startswith("deal.title: ") for c in history[1]["changes"])
    assert history[1]["terms_sha256"] == files.sha256((pack_dir / "v0.5" / "terms.json").read_bytes())
    assert api.validate(pack_dir / "v0.4" / "terms.json") == api.validate(v1)  # the kept terms stand alone
    # rebuilding the same version replaces its entry; --check on the version folder passes
    assert _build(pack_dir, v2, "--keep-versions", lib=lib).exit_code == 0
    assert [h["version"] for h in json.loads((pack_dir / "history.json").read_text())] == ["v0.4", "v0.5"]
    check = _build(pack_dir, v2, "--keep-versions", "--check", lib=lib)
    assert check.exit_code == 0 and "not part of this build" not in check.stderr
    # diff by label
    runner = CliRunner()
    by_label = runner.invoke(main, ["diff", "--pack", str(pack_dir), "v0.4", "latest", "--templates", str(lib)])
    assert by_label.exit_code == 0 and "deal.version: 0.4 → 0.5" in by_label.stdout
    unknown = runner.invoke(main, ["diff", "--pack", str(pack_dir), "0.3", "latest", "--templates", str(lib)])
    assert unknown.exit_code == 1 and "ACS-VERSION" in unknown.stderr and "kept versions: v0.4, v0.5" in unknown.stderr
    # the pack root's --check does not count versions as stray files
    root_check = _build(pack_dir, v2, "--check", lib=lib)
    assert "v0.4 is not part" not in root_check.stderr and "history.json" not in root_check.stderr


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_build_pdf_writes_a_pdf_beside_each_docx(tmp_path, lib):
    terms = fs.write_terms(tmp_path / "small.yaml", fs.big_deal())
    folder = tmp_path / "pack"
    result = _build(folder, terms, "--pdf", lib=lib)
    assert result.exit_code == 0, result.output
    docx = sorted(p.stem for p in folder.glob("*.docx"))
    assert docx and sorted(p.stem for p in folder.glob("*.pdf")) == docx
    assert all((folder / f"{stem}.pdf").read_bytes().startswith(b"%PDF-") for stem in docx)
    manifest = _assert_manifest_matches(folder)
    assert manifest["documents"][f"{docx[0]}.pdf"]["inputs"]["options"]["format"] == "pdf"
    [again] = api.build([terms], folder, templates=[str(lib)], pdf=True)
    assert again.rendered == 0  # no LibreOffice run when nothing changed
