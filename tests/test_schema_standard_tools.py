"""The schema works in standard tools: check-jsonschema, given `acscontracts schema`, accepts every sample
and starter and rejects every invalid-corpus file whose errors are plain JSON Schema errors.

Errors from our own keywords (x-required-final, x-decimal-places) and from the domain rules are ours
alone: other tools ignore those keywords, so such corpus files are not expected to fail there.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_invalid_corpus import CORPUS, FILES, expectations

ROOT = Path(__file__).resolve().parent.parent
OUR_KEYWORD_CODES = {"ACS-SCHEMA-FINAL", "ACS-SCHEMA-DECIMALS"}
VALID = sorted((ROOT / "samples").glob("*.yaml")) + sorted((ROOT / "acscontracts" / "starters").glob("*.yaml")) \
    + sorted(CORPUS.glob("_base*.yaml"))


def _standard_schema_errors(path: Path) -> bool:
    codes = {code for code, _ in expectations(path)[0]}
    return bool(codes) and all(c.startswith("ACS-SCHEMA-") for c in codes) and not codes & OUR_KEYWORD_CODES


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory) -> Path:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "acscontracts", "schema"], capture_output=True, text=True, check=True,
                         cwd=ROOT, env=env, timeout=60).stdout
    path = tmp_path_factory.mktemp("schema") / "deal-terms.schema.json"
    path.write_text(out, encoding="utf-8")
    return path


def check_jsonschema(schema_file: Path, files) -> dict:
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema_file),
                           "--output-format", "json", *map(str, files)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_accepts_every_sample_and_starter(schema_file):
    result = check_jsonschema(schema_file, VALID)
    assert result["status"] == "ok", result["errors"][:5]
    assert len(VALID) >= 8


def test_rejects_the_corpus_files_with_schema_errors(schema_file):
    invalid = [p for p in FILES if _standard_schema_errors(p)]
    assert len(invalid) >= 15
    result = check_jsonschema(schema_file, invalid)
    rejected = {Path(e["filename"]).name for e in result["errors"] + result["parse_errors"]}
    assert {p.name for p in invalid} - rejected == set()
