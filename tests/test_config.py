"""Firm configuration (acscontracts.toml / pyproject.toml) and firm clause libraries (overlays)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import acscontracts
from acscontracts.cli import main

ROOT = Path(__file__).resolve().parent.parent
NORTHVALE = ROOT / "samples" / "northvale-alliance.yaml"
FIRM_SENTENCE = "The Firm's own board clause governs here."


def _firm_clause(folder: Path, where: str = "clauses/alliance_agreement/aa-board.j2") -> Path:
    """An override of the built-in board clause, made by `templates new`, with one sentence added."""
    result = CliRunner().invoke(main, ["templates", "new", "aa-board", str(folder)])
    assert result.exit_code == 0, result.output
    made = folder / "clauses" / "alliance_agreement" / "aa-board.j2"
    target = folder / where
    text = made.read_text(encoding="utf-8") + f"- {FIRM_SENTENCE}\n"
    made.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _firm_reference(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    firm = docx.Document()
    firm.styles["Normal"].font.name = "Garamond"
    firm.save(str(path))
    return path


def _styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/styles.xml").decode("utf-8")


@pytest.fixture
def firm(tmp_path, monkeypatch):
    """A firm's folder: acscontracts.toml naming a house style and a clause folder; cwd is a sub-folder."""
    _firm_clause(tmp_path / "house" / "clauses")
    _firm_reference(tmp_path / "house" / "style.docx")
    (tmp_path / "acscontracts.toml").write_text(
        'reference_doc = "house/style.docx"\ntemplates = ["house/clauses"]\n', encoding="utf-8")
    work = tmp_path / "deals"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_build_picks_up_the_config_file_from_a_parent_folder(firm):
    result = CliRunner().invoke(main, ["build", str(NORTHVALE), "-o", "pack", "--text"])
    assert result.exit_code == 0, result.output
    assert FIRM_SENTENCE in Path("pack/alliance_agreement.txt").read_text(encoding="utf-8")
    assert "Garamond" in _styles(Path("pack/alliance_agreement.docx").read_bytes())


def test_the_api_picks_up_the_config_file_and_keywords_override_it(firm):
    text = acscontracts.render(NORTHVALE, "alliance_agreement", format="text").decode("utf-8")
    assert FIRM_SENTENCE in text
    assert "Garamond" in _styles(acscontracts.render(NORTHVALE, "heads_of_terms"))
    plain = acscontracts.render(NORTHVALE, "alliance_agreement", format="text", settings=acscontracts.Settings())
    assert FIRM_SENTENCE not in plain.decode("utf-8")


def test_pyproject_table_is_read_when_there_is_no_acscontracts_toml(tmp_path, monkeypatch):
    _firm_clause(tmp_path / "firm")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.acscontracts]\ntemplates = "firm"\n'
                                             'jobs = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert f"templates = ('{tmp_path / 'firm'}',)  ({tmp_path / 'pyproject.toml'})" in result.output
    assert "jobs = 2" in result.output and "reference_doc = None  (default)" in result.output


def test_config_problems_are_located_and_all_reported(tmp_path, monkeypatch):
    (tmp_path / "acscontracts.toml").write_text('jobs = "two"\ncolour = "blue"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(NORTHVALE), "-o", "pack"])
    assert result.exit_code == 1
    assert "acscontracts.toml: error ACS-CONFIG jobs: must be a whole number" in result.output
    assert "error ACS-CONFIG colour: unknown setting `colour`" in result.output
    assert not (tmp_path / "pack").exists()


def test_a_clause_placed_directly_in_the_overlay_folder_is_used(tmp_path):
    _firm_clause(tmp_path / "firm", where="aa-board.j2")
    text = acscontracts.render(NORTHVALE, "alliance_agreement", format="text", templates=[tmp_path / "firm"])
    assert FIRM_SENTENCE in text.decode("utf-8")


def test_a_file_the_loader_would_not_use_is_an_error(tmp_path):
    (tmp_path / "firm" / "manifests").mkdir(parents=True)
    (tmp_path / "firm" / "board.yaml").write_text("id: x\n", encoding="utf-8")
    (tmp_path / "firm" / "manifests" / "notes.yml").write_text("x: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", "check", str(tmp_path / "firm")])
    assert result.exit_code == 3
    assert result.output.count("ACS-TEMPLATES-UNUSED") == 2 and "board.yaml" in result.output
    with pytest.raises(acscontracts.AcsError) as caught:
        acscontracts.render(NORTHVALE, "heads_of_terms", templates=[tmp_path / "firm"])
    assert {d.code for d in caught.value.diagnostics} == {"ACS-TEMPLATES-UNUSED"}


def test_an_overlay_is_linted_merged_with_the_built_in_library(tmp_path):
    _firm_clause(tmp_path / "firm")  # uses <term>Partner</term>, defined only in the built-in library
    result = CliRunner().invoke(main, ["templates", "check", str(tmp_path / "firm")])
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output


def test_a_typo_behind_a_set_alias_is_caught(tmp_path):
    clause = tmp_path / "firm" / "exit-extra.j2"
    clause.parent.mkdir()
    clause.write_text("---\nid: firm-exit\ntitle: Exit\ndocuments: [alliance_agreement]\n---\n"
                      "{% set ex = terms.exit %}\n- Notice: {{ ex.notice_monthz }} months.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", "check", str(tmp_path / "firm")])
    assert result.exit_code == 3
    assert f"{clause}:7:1: error ACS-LINT-ATTRIBUTE: `terms.exit.notice_monthz`: Exit has no `notice_monthz`" \
        in result.output


def test_templates_new_copies_the_built_in_clause_once(tmp_path):
    made = _firm_clause(tmp_path / "firm")
    builtin = ROOT / "templates" / "clauses" / "alliance_agreement" / "aa-board.j2"
    assert made.read_text(encoding="utf-8").startswith(builtin.read_text(encoding="utf-8"))
    again = CliRunner().invoke(main, ["templates", "new", "aa-board", str(tmp_path / "firm")])
    assert again.exit_code == 4 and "an override of this clause exists already" in again.output
    unknown = CliRunner().invoke(main, ["templates", "new", "aa-bord", str(tmp_path / "firm")])
    assert unknown.exit_code == 1 and "did you mean `aa-board`" in unknown.output
