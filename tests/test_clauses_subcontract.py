"""Sub-contract clause library (templates/clauses/subcontract): renders and follows the terms.

Renders the sub-contracts of the Westmoor lead-provider sample (three subcontracts) and of the
Eastmoor ICP sample, then edits the terms and checks that the drafting changes with them.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from acscontracts.terms.loader import load_terms
from acscontracts.terms.model import build_model
from acscontracts.pack import Engine, render
from acscontracts.engine.plan import plan

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WESTMOOR = SAMPLES / "westmoor-lead-provider.yaml"
EASTMOOR = SAMPLES / "eastmoor-icp.yaml"


def _data(path):
    return copy.deepcopy(load_terms(path).data)


def _render_all(engine, data):
    terms = build_model(data)
    return {spec.name.split("-", 1)[1]: render(spec, engine, "text").decode("utf-8")
            for spec in plan(terms, ("subcontract",))}


def _render(engine, data, sub_id):
    return _render_all(engine, data)[sub_id]


def _sub(data, sub_id):
    return next(s for s in data["contracting"]["subcontracts"] if s["id"] == sub_id)


def _flat(text):
    return " ".join(text.split())


# --------------------------------------------------------------------------- the samples


def test_westmoor_renders_three_subcontracts(engine):
    docs = _render_all(engine, _data(WESTMOOR))
    assert set(docs) == {"sub-gp-federation", "sub-st-annes", "sub-physiofirst"}
    for name, text in docs.items():
        for bad in ("Missing(", "Decimal(", "None", "[#", ">recital", ">party", "{{", "{%"):
            assert bad not in text, (name, bad)
        flat = _flat(text)
        # one pack, one vocabulary: the head contract by its title and dates
        assert "NHS Standard Contract for Frailty and MSK Services 2026-2033" in flat
        assert "for the period from 1 April 2026 to 31 March 2033" in flat
        assert "NHS Westmoor Integrated Care Board" in flat
        assert "most suitable provider process" in flat
        assert "ends automatically, without notice, when the Head Contract expires" in flat
        assert "break point on 31 March 2030" in flat
        assert 8000 < len(text.split()) < 20000


def test_parties_and_values_per_subcontract(engine):
    docs = {k: _flat(v) for k, v in _render_all(engine, _data(WESTMOOR)).items()}
    assert "£6,500,000 (six million, five hundred thousand pounds)" in docs["sub-gp-federation"]
    assert "(the “Federation”)" in docs["sub-gp-federation"]
    # 6,500,000 / 12 to the penny: eleven of 541,666.67 and a last of 541,666.63, so the year adds up exactly
    assert "twelve monthly instalments, eleven of £541,666.67 and a twelfth of £541,666.63" in docs["sub-gp-federation"]
    assert 11 * 541_666.67 + 541_666.63 == pytest.approx(6_500_000, abs=0.001)
    assert "£1,800,000" in docs["sub-st-annes"]
    assert "a company incorporated in England and Wales (company number 02719345) and a registered charity (charity number 1012345)" in docs["sub-st-annes"]
    assert "payment on account of one twelfth of the Annual Contract Value (paid in twelve monthly instalments, eleven of £266,666.67 and a twelfth of £266,666.63 over the year)" in docs["sub-physiofirst"]
    # PhysioFirst ends a year before the head contract, so it may be extended up to it
    assert "31 March 2032 (the “Expiry Date”), which is before the expiry of the Head Contract on 31 March 2033" in docs["sub-physiofirst"]


def test_gain_share_pass_through_and_incentives(engine):
    docs = {k: _flat(v) for k, v in _render_all(engine, _data(WESTMOOR)).items()}
    fed = docs["sub-gp-federation"]
    assert "22.61% (the “Pass-Through Percentage”)" in fed
    # the head provider's share peaks at 50% x (15% - 1%) x £28m = £1.96m; 22.61% of that (no cap can bind)
    assert "therefore cannot exceed £443,156 for any Contract Year" in fed
    assert "“Care-home ambulance conveyances” (weighted at 25.00%, up to £1,050,000 a year)" in fed
    assert "does not bear any share of any overspend" in fed
    assert "“Death in preferred place”" in docs["sub-st-annes"]
    assert "“MSK waiting times”" in docs["sub-physiofirst"]


def test_tupe_only_where_staff_transfer_to_this_subcontractor(engine):
    docs = {k: _flat(v) for k, v in _render_all(engine, _data(WESTMOOR)).items()}
    physio = docs["sub-physiofirst"]
    assert "fifty-four (54) employees (Community MSK physiotherapists and support workers)" in physio
    assert "access to the NHS Pension Scheme as an employing authority" in physio
    assert "SCHEDULE 6 STAFF TRANSFER AND PENSIONS" in physio
    assert "Cabinet Office Statement of Practice" in physio
    for other in ("sub-gp-federation", "sub-st-annes"):
        assert "do not expect any person to transfer" in docs[other]
        assert "STAFF TRANSFER AND PENSIONS" not in docs[other]


def test_premises_only_for_the_occupier(engine):
    docs = {k: _flat(v) for k, v in _render_all(engine, _data(WESTMOOR)).items()}
    assert "Heathfield Centre, MSK clinic suite (the “Premises”), owned by the Lead Provider, under a licence" in docs["sub-physiofirst"]
    assert "from premises that it provides itself" in docs["sub-st-annes"]


def test_eastmoor_nhs_contract_and_direct_risk_share(engine):
    text = _flat(_render(engine, _data(EASTMOOR), "sub-community-diagnostics"))
    assert "Eastmoor Integrated Care Provider Contract 2027-2037" in text
    assert "NHS Eastmoor Integrated Care Board and Eastmoor Council (each a “Commissioner”)" in text
    assert "This Sub-Contract is therefore an NHS contract within the meaning of that section" in text
    # the gain/loss share lives in its own agreement with the ICB, not in this subcontract
    assert "under a separate gain/loss share agreement between them (the “Gain/Loss Share Agreement”)" in text
    assert "limited to £1,770,000" not in text
    assert "No measure under the Incentive Scheme is allocated to Eastmoor Hospitals" in text


# --------------------------------------------------------------------------- options change the wording


@pytest.mark.parametrize("consent, expected, absent", [
    ("obtained", "confirms that the Commissioner has given its written consent", "does not take effect until"),
    ("pending", "does not take effect until the Lead Provider has given the Federation a copy of the written consent",
     "confirms that the Commissioner has given"),
    ("not_required", "the Head Contract does not require the consent of the Commissioner", "does not take effect until"),
])
def test_commissioner_consent(engine, consent, expected, absent):
    data = _data(WESTMOOR)
    _sub(data, "sub-gp-federation")["commissioner_consent"] = consent
    text = _flat(_render(engine, data, "sub-gp-federation"))
    assert expected in text
    assert absent not in text


def test_not_material(engine):
    data = _data(WESTMOOR)
    sub = _sub(data, "sub-st-annes")
    sub["material"] = False
    sub["commissioner_consent"] = "not_required"
    text = _flat(_render(engine, data, "sub-st-annes"))
    assert "is not a Material Sub-Contract, and the consent of the Commissioner to it is not required" in text
    assert "as a Material Sub-Contract | " not in text


def test_payment_basis(engine):
    data = _data(WESTMOOR)
    _sub(data, "sub-st-annes")["payment_basis"] = "capitation_share"
    text = _flat(_render(engine, data, "sub-st-annes"))
    assert "share of the population-based payment" in text
    assert "being 4.29% of the annual value of the Head Contract of £42,000,000" in text
    _sub(data, "sub-st-annes")["payment_basis"] = "activity"
    text = _flat(_render(engine, data, "sub-st-annes"))
    assert "payment on account" in text and "Part 2: Prices" in text
    assert "have not agreed an activity plan" in text  # St Anne's has no activity plan


def test_loss_share_and_missing_pass_through(engine):
    data = _data(WESTMOOR)
    _sub(data, "sub-gp-federation")["loss_share"] = True
    text = _flat(_render(engine, data, "sub-gp-federation"))
    assert "must bear the Pass-Through Percentage of any amount" in text
    assert "set no cap on its exposure" in text
    del _sub(data, "sub-gp-federation")["pass_through_pct"]
    text = _flat(_render(engine, data, "sub-gp-federation"))
    assert "is not entitled to any share of any saving" in text
    assert "Pass-Through Percentage" not in text


def test_no_risk_share_or_incentives(engine):
    data = _data(WESTMOOR)
    del data["funding"]["risk_share"]
    del data["funding"]["incentives"]
    text = _flat(_render(engine, data, "sub-physiofirst"))
    assert "There are no risk-share arrangements" in text
    assert "Incentive Scheme" not in text
    assert "Part 3: Gain share" not in text


@pytest.mark.parametrize("route, expected", [
    ("lgps_admission", "enter into an admission agreement with the administering authority"),
    ("broadly_comparable", "certified as broadly comparable"),
    ("none", "Drafting note: The terms provide no public-sector pension protection"),
])
def test_pension_route(engine, route, expected):
    data = _data(WESTMOOR)
    data["enablers"]["workforce"]["pension_route"] = route
    text = _flat(_render(engine, data, "sub-physiofirst"))
    assert expected in text


def test_tupe_moves_with_the_transfer(engine):
    data = _data(WESTMOOR)
    data["enablers"]["workforce"]["tupe_transfers"][0]["to_id"] = "st-annes-hospice"
    docs = {k: _flat(v) for k, v in _render_all(engine, data).items()}
    assert "do not expect any person to transfer" in docs["sub-physiofirst"]
    assert "fifty-four (54) employees" in docs["sub-st-annes"]


def test_exit_plan_and_liability_cap(engine):
    data = _data(WESTMOOR)
    data["exit"]["plan_required"] = False
    data["liability"] = {"cap_basis": "fixed", "cap_amount": 1000000, "excluded_heads": [], "insurance": []}
    text = _flat(_render(engine, data, "sub-gp-federation"))
    assert "SCHEDULE 8 EXIT PLAN" not in text and "EXIT PLAN" not in text.split("SCHEDULE 1")[-1]
    assert "have not agreed to prepare an exit plan in advance" in text
    assert "is limited to £1,000,000 (one million pounds)" in text
    data["liability"]["cap_basis"] = "none"
    text = _flat(_render(engine, data, "sub-gp-federation"))
    assert "is not subject to any financial limit" in text


def test_clinical_negligence_by_organisation_type(engine):
    docs = {k: _flat(v) for k, v in _render_all(engine, _data(WESTMOOR)).items()}
    assert "Clinical Negligence Scheme for General Practice" in docs["sub-gp-federation"]
    assert "if it is eligible to do so" in docs["sub-physiofirst"]
    text = _flat(_render(engine, _data(EASTMOOR), "sub-community-diagnostics"))
    assert "Clinical Negligence Scheme for Trusts" in text


def test_draft_with_missing_fields_shows_blanks(engine):
    data = _data(WESTMOOR)
    sub = _sub(data, "sub-physiofirst")
    for key in ("value_pa", "start", "end", "payment_basis", "commissioner_consent"):
        sub.pop(key, None)
    head = data["contracting"]["service_contracts"][0]
    for key in ("title", "start", "value_pa"):
        head.pop(key, None)
    for key in ("pension_route",):
        data["enablers"]["workforce"].pop(key, None)
    text = _render(engine, data, "sub-physiofirst")
    assert "[●]" in text
    for bad in ("Missing(", "Decimal(", "None"):
        assert bad not in text


def test_two_party_document_says_the_other_party(engine):
    """Shared clauses speak of "the other Party" in a two-party sub-contract, never "the other Parties"."""
    for text in _render_all(engine, _data(WESTMOOR)).values():
        flat = _flat(text)
        assert "the other Parties" not in flat
        assert "must tell the other Party promptly" in flat
