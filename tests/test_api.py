"""The public API (acscontracts.*), used only through its public names, and the README's API section."""
from __future__ import annotations

import doctest
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

import acscontracts

ROOT = Path(__file__).resolve().parent.parent
NORTHVALE = ROOT / "samples" / "northvale-alliance.yaml"
WESTMOOR = ROOT / "samples" / "westmoor-lead-provider.yaml"


def test_readme_api_section_runs_as_a_doctest(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"## Python API\n(.*?)\n## ", readme, re.S).group(1)
    examples = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(examples, {}, "README Python API", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert test.examples, "the README's API section has no examples"
    assert runner.summarize(verbose=False).failed == 0


def test_load_accepts_a_dict_and_gives_the_same_documents_as_the_file():
    data = yaml.safe_load(WESTMOOR.read_text(encoding="utf-8"))
    from_dict, from_file = acscontracts.load(data), acscontracts.load(WESTMOOR)
    assert acscontracts.validate(from_dict) == []
    assert [d.name for d in acscontracts.documents(from_dict)] == [d.name for d in acscontracts.documents(from_file)]
    assert (acscontracts.render(from_dict, "subcontract", "sub-gp-federation", format="text")
            == acscontracts.render(from_file, "subcontract", "sub-gp-federation", format="text"))


def test_validate_reports_located_problems_without_raising():
    problems = acscontracts.validate(acscontracts.loads("deal: {id: x}\n", name="mine.yaml"))
    assert problems and all(isinstance(p, acscontracts.Diagnostic) for p in problems)
    assert any(p.is_error and p.location.file == "mine.yaml" for p in problems)
    assert not acscontracts.is_valid(problems)


def test_unparseable_text_raises_invalid_terms_with_its_location():
    with pytest.raises(acscontracts.InvalidTerms) as caught:
        acscontracts.loads("deal: [unclosed\n", name="broken.yaml")
    (problem,) = caught.value.diagnostics
    assert problem.code == "ACS-LOAD-SYNTAX" and problem.location.file == "broken.yaml"


def test_render_refuses_invalid_terms_with_every_error():
    terms = acscontracts.loads("schema_version: '1'\ndeal: {id: x}\n")
    with pytest.raises(acscontracts.InvalidTerms) as caught:
        acscontracts.render(terms, "heads_of_terms")
    assert len(caught.value.diagnostics) == len([p for p in acscontracts.validate(terms) if p.is_error])


def test_render_docx_is_deterministic_and_a_word_package():
    terms = acscontracts.load(NORTHVALE)
    first = acscontracts.render(terms, "heads_of_terms")
    assert first == acscontracts.render(acscontracts.load(NORTHVALE), "heads_of_terms")
    with zipfile.ZipFile(__import__("io").BytesIO(first)) as package:
        assert "word/document.xml" in package.namelist()


def test_build_reports_what_it_wrote_and_a_rebuild_changes_nothing(tmp_path):
    (report,) = acscontracts.build([WESTMOOR], tmp_path)
    assert sorted(report.written) == sorted(p.name for p in tmp_path.glob("*.docx"))
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["documents"]) == set(report.written)
    (again,) = acscontracts.build([WESTMOOR], tmp_path)
    assert again.written == [] and sorted(again.unchanged) == sorted(report.written)


def test_build_from_loaded_terms_writes_the_same_bytes_as_from_the_file(tmp_path):
    acscontracts.build([WESTMOOR], tmp_path / "file")
    acscontracts.build([acscontracts.load(yaml.safe_load(WESTMOOR.read_text(encoding="utf-8")))], tmp_path / "data")
    for docx in (tmp_path / "file").glob("*.docx"):
        assert docx.read_bytes() == (tmp_path / "data" / docx.name).read_bytes()


def test_diff_and_redline_see_one_changed_percentage(tmp_path):
    text = NORTHVALE.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["governance"]["supermajority_pct"] = 80 if data["governance"].get("supermajority_pct") != 80 else 85
    comparison = acscontracts.diff(NORTHVALE, data)
    assert [c.path for c in comparison.changes] == ["governance.supermajority_pct"]
    redline = acscontracts.redline(NORTHVALE, data, "alliance_agreement")
    with zipfile.ZipFile(__import__("io").BytesIO(redline)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body and "<w:del " in body


def test_settings_and_keyword_options_choose_the_same_pipeline():
    assert acscontracts.pipeline(acscontracts.Settings(clean=True)) is acscontracts.pipeline(
        acscontracts.Settings().with_options(clean=True))
    terms = acscontracts.load(NORTHVALE)
    clean = acscontracts.render(terms, "alliance_agreement", format="text", clean=True).decode()
    marked = acscontracts.render(terms, "alliance_agreement", format="text").decode()
    assert "Drafting note" in marked and "Drafting note" not in clean
