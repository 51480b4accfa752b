"""The alliance agreement clause library: rendered for the samples, and driven by the terms.

Each test loads a sample, edits a deep copy of its data, builds the model, plans the alliance
agreements and renders one of them to text, then checks that the wording follows the terms.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest

from acscontracts import pack
from acscontracts.engine import plan
from acscontracts.terms.loader import load_terms
from acscontracts.terms.model import build_model

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def northvale():
    return load_terms(SAMPLES / "northvale-alliance.yaml").data


@pytest.fixture(scope="module")
def riverbend():
    return load_terms(SAMPLES / "riverbend-system.yaml").data


def render(engine, data, alliance_id=None, clean=False) -> str:
    terms = build_model(data)
    specs = plan.plan(terms, ("alliance_agreement",))
    spec = plan.select(specs, "alliance_agreement", alliance_id)
    return pack.render(spec, engine, "text", clean=clean).decode("utf-8")


def edited(data, fn):
    copied = copy.deepcopy(data)
    fn(copied)
    return copied


def gov(data, alliance_index=None):
    if alliance_index is None:
        return data["governance"]
    return data["contracting"]["alliances"][alliance_index]["governance"]


# --------------------------------------------------------------------------- whole documents


def test_northvale_renders_a_full_document(engine, northvale):
    text = render(engine, northvale)
    assert text.startswith("ALLIANCE AGREEMENT")
    assert "relating to the Northvale Accountable Care System Alliance" in text
    assert len(text.split()) > 12000
    for bad in ("Missing(", "Decimal(", "None", "{{", "{%", "&#"):
        assert bad not in text, bad
    # every schedule is there, in order
    headings = re.findall(r"^SCHEDULE (\d+)\s+(.*)$", text, re.M)
    assert [h[1] for h in headings] == [
        "PARTNERS AND REPRESENTATIVES", "SCOPE AND SERVICES", "SERVICE CONTRACTS", "OUTCOMES FRAMEWORK",
        "TERMS OF REFERENCE OF THE BOARD AND RESERVED MATTERS", "FINANCIAL FRAMEWORK AND RISK AND REWARD",
        "ROADMAP AND TIMETABLE", "INFORMATION SHARING PROTOCOL", "FORM OF ACCESSION DEED", "EXIT PLAN"]
    # headline figures from the terms
    assert "£1,320,000,000 (one billion, three hundred and twenty million pounds)" in text
    assert "£6,000,000 (six million pounds)" in text
    assert "at least 75.00% of the total votes" in text
    assert "twelve (12) months' written notice" in text


@pytest.mark.parametrize("alliance_id", ["acute-collaborative", "riverbend-west", "riverbend-central", "riverbend-east"])
def test_riverbend_renders_each_alliance(engine, riverbend, alliance_id):
    text = render(engine, riverbend, alliance_id)
    for bad in ("Missing(", "Decimal(", "None", "{{", "&#"):
        assert bad not in text, bad
    assert len(text.split()) > 9000


def test_provider_collaborative_title_and_wording(engine, riverbend):
    text = render(engine, riverbend, "acute-collaborative")
    assert text.startswith("COLLABORATION AGREEMENT")
    assert "the Collaborative is not a legal person" in text
    assert "Collaborative Manager" in text
    assert "meets as committees in common" in text
    # no pooled money, no risk share, no incentives
    assert "POOLED FUNDS" not in text
    assert "INCENTIVE POOL" not in text
    assert "have not agreed to share financial risk or reward" in text
    # the ICB observes but is not a party
    assert "NHS Riverbend Integrated Care Board is not a party to this Agreement" in text
    assert "as an Observer" in text
    place = render(engine, riverbend, "riverbend-west")
    assert place.startswith("ALLIANCE AGREEMENT")
    assert "Alliance Manager" in place and "Collaborative Manager" not in place


# --------------------------------------------------------------------------- status: section 9


def test_s9_status_is_decided_per_pair(engine, northvale, riverbend):
    # the ICB arranges services from the four trusts (Service Contracts): those pairs are NHS contracts;
    # the councils, and trust-to-trust pairs, are bound in the ordinary way
    mixed = render(engine, northvale)
    assert "the ICB arranges for NHFT, SUHFT, Eastport Trust and NCMH to provide services" in mixed
    assert "“NHS Contract Pair”" in mixed
    assert ("every pair that includes the County Council, Southvale Council or Eastport Council, none of which is a "
            "health service body") in mixed
    # the collaborative of trusts: RUH hosts the running costs and recharges the others, which makes each payer
    # and RUH an NHS Contract Pair (fourth legal review, finding 3); the other pair collaborates only
    collaborative = render(engine, riverbend, "acute-collaborative")
    assert "Westriver and Eastbank FT each arrange for RUH to provide them with the services of the staff" in collaborative
    assert "(each such pair an NHS Contract Pair)" in collaborative and "decided pair by pair" in collaborative
    # a pure collaboration of trusts (no hosted recharge): nobody arranges services for anybody
    def no_recharge(d):
        del d["contracting"]["alliances"][0]["funding"]["running_costs"]
        del d["contracting"]["alliances"][0]["funding"]["contributions"]
    pure = render(engine, edited(riverbend, no_recharge), "acute-collaborative")
    assert "none of them arranges for another to provide it with goods or services" in pure
    assert "is therefore not an NHS contract" in pure
    assert "(each such pair an NHS Contract Pair)" in pure and "decided pair by pair" in pure


def test_s9_follows_membership(engine, northvale):
    def nhs_only(d):
        keep = {"northvale-icb", "northvale-hospitals", "southvale-hospitals", "eastport-trust", "northvale-cmh"}
        d["contracting"]["alliances"][0]["member_ids"] = [i for i in d["contracting"]["alliances"][0]["member_ids"]
                                                          if i in keep]
        g = d["governance"]
        g["board"]["members"] = [m for m in g["board"]["members"] if m["partner_id"] in keep]
        g["board"]["quorum"] = 4
        g["approvals"] = [a for a in g["approvals"] if a["partner_id"] in keep]
        d["funding"]["pooled_funds"] = []
        d["enablers"]["workforce"]["secondments"] = []
    text = render(engine, edited(northvale, nhs_only))
    # the trusts are still only collaborators with one another: the ICB-trust pairs are NHS contracts
    assert "“NHS Contract Pair”" in text and "legally binding contract enforceable in the courts" in text
    assert "POOLED FUNDS" not in text


# --------------------------------------------------------------------------- governance


@pytest.mark.parametrize("rule, expected", [
    ("unanimous", "a decision of the Board requires the agreement of every Partner"),
    ("consensus_then_unanimous", "the Chair must adjourn the matter to a further meeting"),
    ("simple_majority", "more than half of the votes cast at a quorate meeting"),
    ("weighted_supermajority", "votes representing at least 75.00% of the total votes of all Partners"),
])
def test_voting_rule_changes_the_drafting(engine, northvale, rule, expected):
    def change(d):
        d["governance"]["voting_rule"] = rule
    text = render(engine, edited(northvale, change))
    assert expected in text
    if rule in ("unanimous", "consensus_then_unanimous"):
        assert "(each a “Unanimous Matter”)" not in text
    else:
        assert "(each a “Unanimous Matter”)" in text


def test_weighted_votes_and_threshold(engine, northvale):
    def change(d):
        d["governance"]["board"]["members"][0]["votes"] = 3
        d["governance"]["supermajority_pct"] = Decimal("60")
    text = render(engine, edited(northvale, change))
    assert "ten (10) votes in total" in text
    assert "at least 60.00% of the total votes" in text
    assert "six (6) of the ten (10) votes" in text
    assert "NHS Northvale Integrated Care Board | one (1) | three (3)" in text


@pytest.mark.parametrize("route, expected", [
    ("chair_casting_vote", "has a casting vote"),
    ("refer_to_chief_executives", "refer the matter to the chief executives"),
    ("mediation", "through mediation by a mediator"),
    ("independent_adviser", "refer the matter to an Independent Adviser"),
    ("none", "have not agreed a further procedure for breaking a deadlock"),
])
def test_deadlock_route(engine, northvale, route, expected):
    def change(d):
        d["governance"]["deadlock"] = {"route": route, "days": 28}
    text = render(engine, edited(northvale, change))
    assert expected in text


def test_reserved_matters_wording_and_custom(engine, northvale):
    text = render(engine, northvale)
    assert "the admission of a new Partner under clause" in text
    assert "any decision that would change a Partner's statutory functions" in text
    def change(d):
        d["governance"]["reserved_matters"] = ["staff_transfer"]
        d["governance"]["unanimous_matters"] = []
        d["governance"]["custom_reserved_matters"] = []
    text = render(engine, edited(northvale, change))
    assert "any proposal that would involve the transfer of staff" in text
    assert "the admission of a new Partner under clause 3" not in text.split("RESERVED MATTERS")[1][:400]


def test_chair_partner_or_independent(engine, northvale):
    assert "independent chair (the “Chair”)" in render(engine, northvale)
    def change(d):
        d["governance"]["board"]["chair"] = "northvale-county"
    text = render(engine, edited(northvale, change))
    assert "chaired by a Board Member appointed by Northvale County Council" in text


def test_alliance_manager_absent(engine, northvale):
    def change(d):
        del d["governance"]["alliance_manager"]
    text = render(engine, edited(northvale, change))
    assert "ALLIANCE MANAGER AND PROGRAMME SUPPORT" in text
    assert "The Board must appoint a person to lead the day-to-day work" in text


# --------------------------------------------------------------------------- money


def test_risk_share_corridor_table_and_caps(engine, northvale):
    text = render(engine, northvale)
    assert "the ICB | 40.00% | No cap" in text
    assert "NHFT | 15.00% | £3,000,000" in text
    assert "(the “Deadband”, which is £6,600,000 on the Reference Baseline)" in text
    assert "(£6,600,000 to £33,000,000 on the Reference Baseline)" in text
    assert "Any Variance beyond the outermost Corridor is not shared" in text
    def shared(d):
        d["funding"]["risk_share"]["beyond_corridors"] = "shared"
        d["funding"]["risk_share"]["caps"] = []
        d["funding"]["risk_share"]["settlement"] = "quarterly"
    text = render(engine, edited(northvale, shared))
    assert "in the percentages that apply to the outermost Corridor" in text
    assert "No Partner's share of losses under this clause is capped." in text
    assert "at the end of each quarter of the Financial Year" in text


def test_risk_share_without_corridors_or_at_all(engine, northvale):
    def no_corridors(d):
        d["funding"]["risk_share"]["corridors"] = []
    text = render(engine, edited(northvale, no_corridors))
    assert "have not yet agreed the bands within which gains and losses are shared" in text
    assert "No Corridors have been agreed" in text
    def none(d):
        del d["funding"]["risk_share"]
    text = render(engine, edited(northvale, none))
    assert "have not agreed to share financial risk or reward" in text
    assert "Risk Share Partner" not in text


def test_incentive_pool_pct_and_distribution(engine, northvale):
    def pct(d):
        inc = d["funding"]["incentives"]
        del inc["pool_amount"]
        inc["pool_pct_of_budget"] = Decimal("0.5")
        inc["distribution"] = "equal"
    text = render(engine, edited(northvale, pct))
    assert "0.50% of the Financial Envelope (£6,600,000 for the first Financial Year)" in text
    assert "in equal shares between the provider Partners" in text
    def none(d):
        del d["funding"]["incentives"]
    text = render(engine, edited(northvale, none))
    assert "INCENTIVE POOL" not in text


def test_pooled_fund_basis_and_absence(engine, northvale):
    text = render(engine, northvale)
    assert "section 75 of the National Health Service Act 2006" in text
    assert "hosted by the County Council" in text
    def s65(d):
        d["funding"]["pooled_funds"][0]["basis"] = "s65z6"
    assert "section 65Z6 of the National Health Service Act 2006" in render(engine, edited(northvale, s65))
    def none(d):
        d["funding"]["pooled_funds"] = []
    text = render(engine, edited(northvale, none))
    assert "POOLED FUNDS" not in text
    assert "Pooled Fund" not in text


def test_running_costs_split(engine, northvale):
    text = render(engine, northvale)
    assert "in proportion to the annual value of their Service Contracts" in text
    # 430/1,320 of £900,000, to the penny (the shares are computed from the contract values, not typed in)
    assert "NHFT | £430,000,000 | 32.58% | £293,181.82" in text
    def equal(d):
        d["funding"]["running_costs"]["split"] = "equal"
        d["funding"]["contributions"] = []
    text = render(engine, edited(northvale, equal))
    assert "shared between the Partners in equal shares" in text
    assert "NHFT | 12.50% | £112,500" in text and "Total | 100.00% | £900,000" in text


# --------------------------------------------------------------------------- liability, workforce, term


@pytest.mark.parametrize("basis, extra, expected", [
    ("none", {}, "is not limited to a financial amount"),
    ("fixed", {"cap_amount": Decimal("2000000")}, "is limited to £2,000,000 (two million pounds)"),
    ("pct_contract_value", {"cap_pct": Decimal("1")}, "is limited to 1.00% of the total annual value of its Service Contracts"),
])
def test_liability_cap(engine, northvale, basis, extra, expected):
    def change(d):
        d["liability"]["cap_basis"] = basis
        d["liability"].update(extra)
    assert expected in render(engine, edited(northvale, change))


def test_tupe_and_no_poaching(engine, northvale):
    text = render(engine, northvale)
    assert "do not expect anything in this Agreement to give rise to a transfer of staff" in text
    assert "actively solicit or entice away" in text
    def tupe(d):
        w = d["enablers"]["workforce"]
        w["tupe_transfers"] = [{"from_id": "northvale-county", "to_id": "northvale-cmh", "headcount": 40,
                                "date": "2027-04-01", "description": "Reablement service"}]
        w["pension_route"] = "lgps_admission"
        w["no_poaching"] = False
    text = render(engine, edited(northvale, tupe))
    assert "the County Council | NCMH | 40 | 1 April 2027 | Reablement service" in text
    assert "Local Government Pension Scheme" in text
    assert "actively solicit" not in text


def test_term_break_points_and_extension(engine, northvale):
    def change(d):
        d["term"]["break_points"] = ["2028-03-31"]
        del d["term"]["extension_years"]
    text = render(engine, edited(northvale, change))
    assert "with effect on 31 March 2028" in text
    assert "may be extended only by a written variation" in text


def test_phases_drive_the_roadmap(engine, northvale):
    text = render(engine, northvale)
    assert "the Shadow Year, from 1 April 2026 to 31 March 2027" in text
    assert "applies only during the Accountable Care System (from 1 April 2027)" in text
    def later(d):
        d["phases"][1]["contracting_model"] = "lead_provider"
        d["phases"][1]["org_form"] = "lead_provider"
    text = render(engine, edited(northvale, later))
    assert "anticipates a move to a different contracting model" in text


def test_competition_open_book_and_route(engine, northvale):
    text = render(engine, northvale)
    assert "NHFT, SUHFT and Eastport Trust provide acute services that overlap" in text
    assert "do not share information about their prices, margins" in text
    def change(d):
        d["funding"]["open_book"] = True
        d["contracting"]["procurement_route"] = "psr_most_suitable"
    text = render(engine, edited(northvale, change))
    assert "will operate on an open-book basis" in text
    assert "Take competition law advice" in text
    assert "most suitable provider process" in text


def test_exit_plan_schedule_follows_terms(engine, northvale):
    def change(d):
        d["exit"]["plan_required"] = False
    text = render(engine, edited(northvale, change))
    assert "SCHEDULE 10" not in text
    assert "No formal exit plan is required" in text


# --------------------------------------------------------------------------- incomplete drafts


def test_draft_with_key_fields_removed_renders_blanks(engine, northvale):
    def strip(d):
        del d["governance"]["board"]["quorum"]
        del d["governance"]["voting_rule"]
        del d["governance"]["deadlock"]
        del d["funding"]["risk_share"]["baseline"]
        del d["funding"]["incentives"]["pool_amount"]
        del d["term"]["end"]
        del d["exit"]["withdrawal_notice_months"]
        del d["liability"]["cap_basis"]
        del d["enablers"]["data"]["controller_model"]
        d["phases"] = []
        d["timetable"] = []
        d["outcomes"]["objectives"] = []
    text = render(engine, edited(northvale, strip))
    assert "[●]" in text
    for bad in ("Missing(", "Decimal(", "None"):
        assert bad not in text
    assert "continues until [●]" in text
    assert "at least [●] months' written notice" in text
    clean = render(engine, edited(northvale, strip), clean=True)
    assert "[Drafting note" not in clean


@pytest.mark.parametrize("model, expected", [
    ("alliance_board", "The Board is not a committee of any Partner"),
    ("committees_in_common", "The Board meets as committees in common"),
    ("joint_committee", "The Board is a joint committee of those Partners"),
    ("lead_provider_board", "It has no delegated statutory functions"),
])
def test_governance_model(engine, northvale, model, expected):
    def change(d):
        d["governance"]["model"] = model
    text = render(engine, edited(northvale, change))
    assert expected in text


def test_collaborative_variants_render(engine, riverbend):
    def change(d):
        a = d["contracting"]["alliances"][0]
        a["governance"]["deadlock"] = {"route": "chair_casting_vote", "days": 14}
        a["governance"]["voting_rule"] = "simple_majority"
        a["observer_ids"] = []
        d["liability"]["cap_basis"] = "pct_contract_value"
        d["liability"]["cap_pct"] = Decimal("2")
        d["enablers"]["data"]["personal_data_shared"] = False
    text = render(engine, edited(riverbend, change), "acute-collaborative")
    assert "has a second or casting vote" in text
    assert "the casting vote may not be used to decide a Reserved Matter" in text
    assert "more than half of the votes cast" in text
    assert "The Board may invite any person to attend all or part of a meeting as an Observer" in text
    assert "must be anonymised or aggregated" in text
    for bad in ("Missing(", "Decimal(", "None", "&#"):
        assert bad not in text
