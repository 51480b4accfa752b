"""The invalid-terms corpus (tests/invalid/), run through the real command line.

Each corpus file starts with comment lines ``# expect: CODE @ LINE`` (one per error it must produce,
LINE being the 1-based line the error points at), optionally ``# args: --final``, and one line saying
what is wrong. Files whose name starts with ``_`` are the valid bases the others vary.

For every file: ``python -m acscontracts validate --format json FILE`` exits 1, reports each expected
code at its line, reports no error with a code the file does not expect, and never prints a traceback.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "invalid"
EXPECT = re.compile(r"^# expect: (\S+) @ (\d+)\s*$", re.M)
ARGS = re.compile(r"^# args: (.*)$", re.M)
TEXT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning) (?P<code>\S+)"
                       r"(?: (?P<path>\S+))?: (?P<rest>.+)$")

FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json") and not p.name.startswith("_"))
BASES = sorted(CORPUS.glob("_base*.yaml"))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "acscontracts", "validate", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def validate_json(path: Path, *extra: str):
    proc = run_cli("--format", "json", *extra, str(path))
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    records = json.loads(proc.stdout) if proc.stdout.strip() else []
    return proc, records


def expectations(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    expected = [(code, int(line)) for code, line in EXPECT.findall(text)]
    args = ARGS.search(text)
    return expected, (args.group(1).split() if args else [])


def test_corpus_size_and_coverage():
    assert len(FILES) >= 45
    codes = {code for f in FILES for code, _ in expectations(f)[0]}
    must_cover = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V9", "V14",
                  "ACS-LOAD-DUPLICATE", "ACS-LOAD-TAB", "ACS-LOAD-SYNTAX", "ACS-LOAD-EMPTY", "ACS-LOAD-ALIAS",
                  "ACS-LOAD-DEPTH", "ACS-LOAD-TAG", "ACS-REGISTER", "ACS-REGISTER-ID",
                  "ACS-SCHEMA-REQUIRED", "ACS-SCHEMA-ENUM", "ACS-SCHEMA-TYPE", "ACS-SCHEMA-FORMAT",
                  "ACS-SCHEMA-PATTERN", "ACS-SCHEMA-MINIMUM", "ACS-SCHEMA-DECIMALS",
                  "ACS-SCHEMA-ADDITIONALPROPERTIES", "ACS-SCHEMA-FINAL"}
    assert must_cover <= codes, must_cover - codes
    assert sum(f.suffix == ".json" for f in FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_invalid_file(path):
    expected, args = expectations(path)
    assert expected, f"{path.name} has no `# expect: CODE @ LINE` line"
    proc, records = validate_json(path, *args)
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    errors = [r for r in records if r["severity"] == "error"]
    got = [(r["code"], (r["location"] or {}).get("line")) for r in errors]
    for code, line in expected:
        assert (code, line) in got, f"expected {code} at line {line}; got {got}"
    expected_codes = {code for code, _ in expected}
    unexpected = [(r["code"], r["location"], r["message"]) for r in errors if r["code"] not in expected_codes]
    assert not unexpected, unexpected
    for r in records:
        assert set(r) >= {"severity", "code", "message", "hint", "location", "path"}
        assert r["message"]
        assert r["location"] and Path(r["location"]["file"]).name in (path.name, "mini-partners.yaml")


@pytest.mark.parametrize("path", BASES, ids=[b.name for b in BASES])
def test_bases_are_valid(path):
    proc, records = validate_json(path)
    assert proc.returncode == 0, proc.stdout
    assert records == []


def _record(path: Path, code: str) -> dict:
    _, records = validate_json(path)
    return next(r for r in records if r["code"] == code)


def test_enum_typo_suggests_the_value():
    assert _record(CORPUS / "schema-enum-typo.yaml", "ACS-SCHEMA-ENUM")["hint"] == "did you mean `alliance`?"


def test_misspelt_field_suggests_the_name():
    record = _record(CORPUS / "schema-misspelt-field.yaml", "ACS-SCHEMA-ADDITIONALPROPERTIES")
    assert record["message"] == "unknown field `voting_rul`"
    assert record["hint"] == "did you mean `voting_rule`?"


def test_unknown_partner_suggests_the_id():
    record = _record(CORPUS / "rule-v5-unknown-partner.yaml", "V5")
    assert record["path"] == "governance.board.members[1].partner_id"
    assert record["hint"] == "did you mean `mini-trust`?"


def test_unknown_register_id_suggests_the_id():
    assert "did you mean `mini-trust`?" in _record(CORPUS / "register-unknown-id.yaml", "ACS-REGISTER-ID")["hint"]


def test_several_independent_errors_in_one_run():
    path = CORPUS / "multi-independent-errors.yaml"
    expected, _ = expectations(path)
    assert len({code for code, _ in expected}) >= 4
    proc = run_cli(str(path))  # text format: one line per problem on stderr
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [m.groupdict() for m in map(TEXT_LINE.match, proc.stderr.splitlines()) if m]
    assert sorted((m["code"], int(m["line"])) for m in lines if m["sev"] == "error") == sorted(expected)
    for m in lines:
        assert m["file"].endswith(path.name)
        assert "; " in m["rest"]  # message; hint


def test_invalid_utf8(tmp_path):
    lines = (CORPUS / "_base.yaml").read_bytes().split(b"\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(b"  title:"))
    lines[index] = b"  title: Mini Alliance \xff\xfe Agreement"
    path = tmp_path / "bad-utf8.yaml"
    path.write_bytes(b"\n".join(lines))
    proc, records = validate_json(path)
    assert proc.returncode == 1
    assert [(r["code"], r["location"]["line"]) for r in records] == [("ACS-LOAD-ENCODING", index + 1)]


def test_missing_file_is_reported_not_raised(tmp_path):
    proc, records = validate_json(tmp_path / "no-such-terms.yaml")
    assert proc.returncode == 1
    assert [r["code"] for r in records] == ["ACS-IO"]


def test_all_corpus_files_in_one_run():
    """Many files in one invocation: every file's problems reported, nothing aborts the run."""
    simple = [f for f in FILES if not expectations(f)[1]]
    proc = run_cli("--format", "json", *map(str, simple))
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1
    reported = {Path(r["location"]["file"]).name for r in json.loads(proc.stdout)}
    assert {f.name for f in simple} <= reported | {"mini-partners.yaml"}
