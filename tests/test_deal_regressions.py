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
    if name.startswith("westmoor"):  # its subcontracts pass the gain share through (Schedule 3, Part 3)
        assert any("is borne or kept by the organisation whose costs give rise to it" in text
                   for doc, text in documents.items() if doc.startswith("subcontract-"))


def test_money_figures_and_words_round_the_same_way():
    """A computed share (£411,748.4789) showed £411,748.48 in figures but "forty-seven pence" in words."""
    from decimal import Decimal

    from acscontracts.formatting import money

    assert money(Decimal("411748.4789"), words=True) == ("£411,748.48 (four hundred and eleven thousand, seven "
                                                         "hundred and forty-eight pounds and forty-eight pence)")
    assert money(Decimal("0.125")) == "£0.13"


def test_loss_share_cap_is_drafted_and_required_for_final():
    """`[● loss share cap]` had no schema field: now `loss_share_cap`, and X19 asks for it under --final."""
    data = sample("westmoor-lead-provider.yaml")
    sub = next(s for s in data["contracting"]["subcontracts"] if s.get("pass_through_pct"))
    sub["loss_share"] = True
    codes = [(d.code, d.path) for d in acscontracts.validate(data, final=True) if d.is_error]
    index = data["contracting"]["subcontracts"].index(sub)
    assert codes == [("X19", f"contracting.subcontracts[{index}].loss_share")]
    sub["loss_share_cap"] = 250000
    assert not [d for d in acscontracts.validate(data, final=True) if d.is_error]
    text = texts(data)[f"subcontract-{sub['id']}"]
    assert "up to a maximum of £250,000 for any Contract Year" in text and "[● loss share cap]" not in text


def test_pass_through_without_risk_share_is_printed_not_an_undefined_term():
    """sc-gain-share used the term `Pass-Through Percentage` where no clause defined it (no risk share)."""
    data = sample("westmoor-lead-provider.yaml")
    del data["funding"]["risk_share"]
    data["funding"]["incentives"]["distribution"] = "equal"
    sub = next(s for s in data["contracting"]["subcontracts"] if s.get("pass_through_pct"))
    text = texts(data)[f"subcontract-{sub['id']}"]
    assert "Pass-Through Percentage" not in text


def test_second_alliance_without_settlement_contracts_does_not_refer_to_settlement_variations():
    """aa-risk-share: an alliance whose own members hold no Service Contract carrying the deal's risk-share
    settlement (its sharing providers are in another alliance) referred to `Settlement Variation` and clause
    aa-sc-settlement-variation, which that agreement neither defines nor contains (generated deal, CI)."""
    data = sample("northvale-alliance.yaml")
    provider = copy.deepcopy(next(p for p in data["partners"] if p["id"] == "eastport-trust"))
    provider.update(id="southvale-gp", legal_name="Southvale GP Federation Limited", short_name="the Federation",
                    org_type="gp_federation", company_no="01234567")
    provider.pop("ods_code", None)
    data["partners"].append(provider)  # a provider member with no Service Contract listed in the terms
    data["funding"]["running_costs"]["alliance_id"] = "northvale-acs"
    del data["funding"]["incentives"]  # the risk share alone is settled through the Service Contracts
    members = ["northvale-icb", "southvale-borough", "southvale-gp"]
    data["contracting"]["alliances"].append(
        {"id": "southvale-acs", "title": "Southvale Alliance", "kind": "alliance",
         "member_ids": ["northvale-icb", "southvale-borough"], "governance": _governance_of(data, members)})
    built = texts(data)
    second = next(body for name, body in built.items() if name.endswith("southvale-acs"))
    first = next(body for name, body in built.items() if name.endswith("northvale-acs"))
    assert "Settlement Variation" not in second
    assert "by an adjustment to the payments due under" in second
    assert "as varied by its Settlement Variation under clause" in first
    for body in built.values():
        assert not [m for m in MARKUP if m in body]


def _governance_of(data: dict, members: list) -> dict:
    """The deal's governance cut down to ``members`` (board seats, approvals), for a further alliance."""
    gov = copy.deepcopy(data["governance"])
    board = gov["board"]
    board["members"] = [m for m in board["members"] if m["partner_id"] in members]
    if board.get("chair") not in members:
        board["chair"] = members[0]
    board["quorum"] = min(board["quorum"], sum(m.get("seats", 1) for m in board["members"]))
    gov["approvals"] = [a for a in gov.get("approvals", []) if a["partner_id"] in members]
    return gov


def _riverbend_with_a_second_icb():
    from legal_support import edited

    def second_icb(d):
        icb = next(p for p in d["partners"] if p.get("org_type") == "icb")
        twin = dict(icb, id="second-icb", legal_name="NHS Second Integrated Care Board", short_name="Second ICB")
        twin.pop("use", None)
        d["partners"].append(twin)
    return edited("riverbend-system", second_icb)


def test_envelope_uplift_names_each_icb_when_the_deal_has_two():
    """A final deal with two ICBs and several alliances printed `[● the system allocation holder]` in the uplift
    clause (found by the generated deals): each ICB decides the part funded from its own allocation."""
    from legal_support import render

    body = render(_riverbend_with_a_second_icb(), "alliance_agreement", "riverbend-west")
    uplift = next(line for line in body.splitlines() if "is adjusted as follows" in line)
    assert "a decision of each of" in uplift and "Second ICB" in uplift
    assert "for the part funded from its own allocation" in uplift and "[●" not in uplift


def test_heads_of_terms_name_each_icb_for_the_envelope_when_the_deal_has_two():
    """The same placeholder in the heads of terms (governance and money paragraphs), found by the generated final
    deals in CI: each ICB decides the part funded from its own allocation."""
    from legal_support import render

    body = render(_riverbend_with_a_second_icb(), "heads_of_terms")
    assert "[● the system allocation holder]" not in body
    assert body.count("for the part funded from its own allocation") >= 2


def test_risk_share_never_active_builds_the_roadmap_and_heads_of_terms():
    """A generated final deal whose phases never activate the risk share raised 'No first item' in the roadmap's
    Settlement Variation gate and the heads of terms' incentive line: no gate and no start date, no error."""
    from legal_support import edited, render

    def never_active(d):
        for phase in d["phases"]:
            phase["risk_share_active"] = False
    data = edited("northvale-alliance", never_active)
    body = render(data, "alliance_agreement")
    assert "have agreed the form of its Settlement Variation" not in body
    hot = render(data, "heads_of_terms")
    assert "Incentive pool: £6 million (£6,000,000) a year, funded by the ICB" in hot
    assert "in each year the risk share applies" not in hot
