"""Valid deals that once failed to build or printed markup: each a fixed case, built through the shipped library.

New classes found by the deal generator (tests/dealgen.py) are added here as small, named cases.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

import acscontracts

ROOT = Path(__file__).resolve().parent.parent
MARKUP = ("<term", "<ref", "<note", "<blank", "{{", "{%", "&lt;", "&amp;")


def sample(name: str) -> dict:
    return copy.deepcopy(acscontracts.load(ROOT / "samples" / name).data)


def texts(data) -> dict[str, str]:
    """Every document the deal calls for, as text, after checking the terms are valid."""
    assert not [d.format() for d in acscontracts.validate(data) if d.is_error]
    return {d.name: acscontracts.render(data, d.doc_type, d.id, format="text").decode("utf-8")
            for d in acscontracts.documents(data)}


def test_loss_only_corridor_with_one_sharing_partner():
    """aa-schedule-financial: `first` of an empty selection raised "No first item, sequence was empty"."""
    data = sample("northvale-alliance.yaml")
    data["funding"]["risk_share"]["corridors"].append(
        {"from_pct": 2.5, "to_pct": 5, "direction": "loss", "shares": [{"partner_id": "northvale-icb", "pct": 100}]})
    text = texts(data)["alliance_agreement"]
    table = text[text.index("Shares of the Variance"):].splitlines()
    assert table[1] == "Partner | 0.50% to 2.50% (gains and losses) | 2.50% to 5.00% (losses) | Cap"
    assert table[2] == "the ICB | 40.00% | 100.00% | No cap"
    assert table[3] == "NHFT | 15.00% | Nil | £3,000,000"


@pytest.mark.parametrize("name", ["westmoor-lead-provider.yaml", "eastmoor-icp.yaml"])
def test_no_markup_in_any_sample_document(name):
    """sc-schedule-payment printed `<term>Party</term>` (markup inside a Jinja string is escaped as data)."""
    documents = texts(sample(name))
    for doc, text in documents.items():
        assert not [m for m in MARKUP if m in text], doc
    subcontract = next(text for doc, text in documents.items() if doc.startswith("subcontract-"))
    assert "is borne or kept by the Party whose costs give rise to it" in subcontract
