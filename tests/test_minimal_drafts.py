"""Minimal first drafts and the messages about what is missing.

A hurried first draft gives only the deal's id, title and date, the partners' legal names, types and roles,
and the contracting model. It validates in draft mode, and `build` writes the main agreement with a
highlighted [●] for every open term. Ids, short names and the alliance follow from what it gives.
Each missing field is named once, by its own name.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import acscontracts
from acscontracts.terms import derive

ROOT = Path(__file__).resolve().parent.parent
MARKUP = ("<term", "<ref", "<note", "<blank", "{{", "{%", "&lt;", "&amp;")

MINIMAL = textwrap.dedent("""\
    deal:
      id: quick-alliance
      title: Quickshire Alliance
      effective_date: 2027-04-01
    partners:
      - legal_name: NHS Quickshire Integrated Care Board
        org_type: icb
        roles: [commissioner, alliance_member]
      - legal_name: Quickshire Hospitals NHS Foundation Trust
        org_type: nhs_ft
        roles: [provider, alliance_member]
      - legal_name: Quickshire Community Care Limited
        org_type: company
        roles: [provider, alliance_member]
    contracting:
      model: alliance
    """)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "acscontracts", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture()
def minimal(tmp_path) -> Path:
    path = tmp_path / "quick.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def test_minimal_draft_validates_with_one_warning(minimal):
    proc = run_cli("validate", "--format", "json", str(minimal), cwd=minimal.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = json.loads(proc.stdout)
    assert [(r["severity"], r["code"], r["path"]) for r in records] == [("warning", "X16", "contracting.model")]
    assert "one alliance of all 3 alliance members" in records[0]["message"]


def test_minimal_draft_builds_the_alliance_agreement_with_placeholders(minimal):
    out = minimal.parent / "out"
    proc = run_cli("build", str(minimal), "-o", str(out), "--text", cwd=minimal.parent)
    assert proc.returncode == 0, proc.stderr
    text = (out / "alliance_agreement.txt").read_text(encoding="utf-8")
    assert text.startswith("ALLIANCE AGREEMENT")
    assert text.count("[●]") >= 10
    assert not [m for m in MARKUP if m in text]
    # the parties, with short names made from their legal names ("Limited" dropped)
    assert "Quickshire Community Care Limited, a company" in text
    assert "(“Quickshire Community Care”)" in text
    assert (out / "alliance_agreement.docx").exists() and (out / "heads_of_terms.docx").exists()
    hot = (out / "heads_of_terms.txt").read_text(encoding="utf-8")
    assert "Alliance agreement: Quickshire Alliance |" in hot and "zero" not in hot


def test_minimal_draft_is_not_final(minimal):
    proc = run_cli("validate", "--final", "--format", "json", str(minimal), cwd=minimal.parent)
    assert proc.returncode == 1
    missing = [r["path"] for r in json.loads(proc.stdout) if r["code"] == "ACS-SCHEMA-FINAL"]
    for section in ("governance", "funding", "enablers", "scope", "term", "exit", "disputes", "liability"):
        assert missing.count(section) == 1, (section, missing)  # each named once, by its own name
    assert "deal.system_name" in missing


def test_each_missing_field_is_named_once_by_its_name():
    data = acscontracts.load(ROOT / "samples" / "northvale-alliance.yaml").data
    partner = dict(data["partners"][1])
    for name in ("legal_name", "org_type", "roles"):
        del partner[name]
    data = dict(data, partners=[data["partners"][0], partner] + data["partners"][2:])
    found = [(d.code, d.path, d.message) for d in acscontracts.validate(data) if d.code == "ACS-SCHEMA-REQUIRED"]
    assert sorted(p for _, p, _ in found) == ["partners[1].legal_name", "partners[1].org_type", "partners[1].roles"]
    assert sorted(m.split("`")[1] for _, _, m in found) == ["legal_name", "org_type", "roles"]


def test_derived_ids_are_unique_slugs():
    partners = derive.derived(acscontracts.load({"partners": [
        {"legal_name": "Ávon & Wye Care Ltd", "org_type": "company", "roles": ["provider"]},
        {"legal_name": "Avon & Wye Care", "org_type": "company", "roles": ["provider"]},
        {"id": "avon-wye-care-3", "legal_name": "Other", "org_type": "company", "roles": ["provider"]},
        {"legal_name": "X" * 60, "org_type": "company", "roles": ["provider"]}]}).loaded).data["partners"]
    assert [p["id"] for p in partners] == ["avon-wye-care-ltd", "avon-wye-care", "avon-wye-care-3", "x" * 40]
    assert [p["short_name"] for p in partners[:2]] == ["Ávon & Wye Care", "Avon & Wye Care"]


def test_same_legal_names_give_the_same_short_name_and_x14(minimal):
    data = acscontracts.load(minimal).data
    data["partners"].append(dict(data["partners"][2]))
    data["partners"][3]["roles"] = ["provider"]
    codes = [(d.code, d.path) for d in acscontracts.validate(data) if d.is_error]
    assert codes == [("X14", "partners[3].short_name")]
