"""The board summary: plain words grouped by area, each change with the documents and clause numbers
it moves, figures as a board paper gives them, written as .docx, .txt or .md by extension."""
from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from _pairs import ROOT, checked, edited, loaded
from acscontracts.compare.change_summary import money_figure, summary_document
from acscontracts.writers.markdown import write_markdown
from acscontracts.compare.termsdiff import compare
from acscontracts.writers.text import write_text


def _edit(d):
    d["funding"]["incentives"]["pool_pct_of_budget"] = Decimal("2.5")
    d["contracting"]["aco"]["contract_value_pa"] = Decimal(1_250_000_000)
    d["governance"]["board"]["quorum"] += 1
    p = next(p for p in d["partners"] if p["id"] == "eastmoor-icb")
    p["short_name"] = "EICB"


@pytest.fixture(scope="module")
def summary(engine):
    base = loaded("eastmoor-icp.yaml")
    old, new = checked(base), checked(edited(base, _edit))
    comparison = compare(old, new, engine)
    return comparison, summary_document(comparison, old.model.deal, new.model.deal)


def test_grouped_by_area_in_plain_words(summary):
    comparison, document = summary
    titles = [c.title for c in document.clauses]
    assert titles[0] == "Overview" and titles[-1] == "Documents affected"
    assert titles[1:-1] == ["Parties", "Governance", "Funding", "Contracting"]
    funding = write_text(document).split("FUNDING")[1].split("CONTRACTING")[0]
    assert "pool pct of budget: 2.00% → 2.50%." in funding


def test_each_change_names_documents_and_clause_numbers(summary):
    comparison, document = summary
    text = write_text(document)
    for change in comparison.changes:
        assert change.affects
        for ref in change.affects:
            assert ref.label in text
    assert "Moves: " in text and "clause " in text


def test_figures_for_a_board(summary):
    text = write_text(summary[1])
    assert "→ £1.25bn." in text
    assert money_figure(1_200_000) == "£1.2m" and money_figure(950_000) == "£950,000"
    assert money_figure(Decimal("1320000000")) == "£1.32bn"


def test_markdown(summary):
    text = write_markdown(summary[1])
    assert "Summary of changes" in text.splitlines()[0]
    assert "Funding" in text and "Document | What moves" in text and "2.00% → 2.50%" in text


def test_markdown_by_extension(tmp_path):
    from acscontracts.cli import main

    old = ROOT / "samples" / "eastmoor-icp.yaml"
    result = CliRunner().invoke(main, ["diff", str(old), str(old), "--summary", str(tmp_path / "s.md")])
    assert result.exit_code == 0 and "The terms have not changed." in (tmp_path / "s.md").read_text()
