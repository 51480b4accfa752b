"""The ACO / Integrated Care Provider contract (doc_type aco_contract): terms-driven drafting.

Renders samples/eastmoor-icp.yaml and variations of it, and checks that each option in the terms
changes the wording as it should, and that a draft with key terms missing renders blanks.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from acscontracts.terms.loader import load_terms
from acscontracts.terms.model import build_model
from acscontracts.pack import Engine, render
from acscontracts.engine.plan import plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "eastmoor-icp.yaml"


@pytest.fixture(scope="module")
def base_data():
    return load_terms(SAMPLE).data


def _render(engine, data, clean=False) -> str:
    terms = build_model(data)
    (spec,) = plan(terms, ("aco_contract",))
    return render(spec, engine, "text", clean=clean).decode("utf-8")


def _variant(base_data, edit) -> dict:
    data = copy.deepcopy(base_data)
    edit(data)
    return data


@pytest.fixture(scope="module")
def eastmoor(engine, base_data):
    return _render(engine, base_data)


def test_eastmoor_renders_cleanly(eastmoor):
    assert eastmoor.startswith("INTEGRATED CARE PROVIDER CONTRACT")
    for bad in ("Missing(", "Decimal(", "None ", "{{", "{%", "<term", "<ref"):
        assert bad not in eastmoor
    assert len(eastmoor.split()) > 12000
    # parties: commissioners first, then the holder styled by its provider term
    assert "NHS Eastmoor Integrated Care Board" in eastmoor.split("(2)")[0]
    assert "(the “Integrated Care Provider”)" in eastmoor


def test_never_uses_icp_abbreviation_for_the_provider(engine, base_data):
    clean = _render(engine, base_data, clean=True)
    assert not re.search(r"\bICP\b", clean)
    assert "Integrated Care Provider" in clean


def test_headline_money_and_term(eastmoor):
    assert "£325,000,000 (three hundred and twenty-five million pounds)" in eastmoor
    assert "£1,048.39 for each person" in eastmoor
    assert "NHS Eastmoor Integrated Care Board | £265,000,000" in eastmoor
    assert "Eastmoor Council | £60,000,000" in eastmoor
    assert "Break Point: 31 March 2030 and 31 March 2032" in eastmoor
    assert "31 March 2037 (the “Expiry Date”)" in eastmoor
    assert "This Contract does not provide for an extension" in eastmoor
    assert "£6,500,000 (six million, five hundred thousand pounds)" in eastmoor
    assert "Emergency admissions | Non-elective admissions per 1,000 registered population | 98 | 90 | 25.00% | £1,625,000" in eastmoor


def test_gain_loss_share_with_out_of_scope_provider(eastmoor):
    assert "GAIN AND LOSS SHARE WITH EASTMOOR HOSPITALS NHS FOUNDATION TRUST" in eastmoor
    assert "There is no deadband" in eastmoor
    assert "0.00% to 3.00% (£0 to £3,540,000)" in eastmoor
    assert "Eastmoor Hospitals NHS Foundation Trust | £1,770,000" in eastmoor
    assert "bears the whole of it (for a loss) or keeps the whole of it (for a gain)" in eastmoor


def test_gain_loss_share_absent(engine, base_data):
    def edit(d):
        del d["funding"]["risk_share"]
    text = _render(engine, _variant(base_data, edit))
    assert "GAIN AND LOSS SHARE WITH" not in text
    assert "Not used: there is no gain/loss share" in text
    assert "Out-of-Scope Provider" not in text


def test_deadband_and_shared_beyond_corridors(engine, base_data):
    def edit(d):
        d["funding"]["risk_share"]["deadband_pct"] = 1
        d["funding"]["risk_share"]["beyond_corridors"] = "shared"
        d["funding"]["risk_share"]["caps"] = []
    text = _render(engine, _variant(base_data, edit))
    assert "not more than 1.00% of the Shared Spend Baseline (£1,180,000" in text
    assert "shared in the percentages stated for the outermost corridor" in text
    assert "The Gain/Loss Share is not capped." in text


def test_improvement_scheme_absent(engine, base_data):
    def edit(d):
        del d["funding"]["incentives"]
    text = _render(engine, _variant(base_data, edit))
    assert "IMPROVEMENT PAYMENT SCHEME" not in text
    assert "Not used: there is no improvement payment scheme" in text
    assert "Improvement Measures" not in text.split("SCHEDULE 1")[0]


def test_improvement_pool_fixed_amount(engine, base_data):
    def edit(d):
        inc = d["funding"]["incentives"]
        del inc["pool_pct_of_budget"]
        inc["pool_amount"] = 5000000
    text = _render(engine, _variant(base_data, edit))
    assert "£5,000,000 (five million pounds), which is 1.54% of the Whole Population Annual Payment" in text


@pytest.mark.parametrize("level, expected, absent", [
    ("virtual", "follows a virtual model", "Suspension and reinstatement"),
    ("partial", "follows a partially integrated model", "Suspension and reinstatement"),
])
def test_integration_levels(engine, base_data, level, expected, absent):
    text = _render(engine, _variant(base_data, lambda d: d["contracting"].__setitem__("integration_level", level)))
    assert expected in text
    assert absent not in text


def test_full_integration_suspends_and_reinstates_gp_contracts(engine, base_data):
    def edit(d):
        d["contracting"]["integration_level"] = "full"
        d["contracting"]["integration_agreements"][0]["gms_pms_suspended"] = True
        d["scope"]["primary_medical"] = True
    text = _render(engine, _variant(base_data, edit))
    assert "follows a fully integrated model" in text
    assert "SUSPENSION AND REINSTATEMENT" in text.upper()
    assert "PRIMARY MEDICAL SERVICES" in text
    assert "suspended GMS and PMS contracts of the Participating Practices are reinstated" in text


def test_full_integration_without_suspension_gets_a_note(engine, base_data):
    text = _render(engine, _variant(base_data, lambda d: d["contracting"].__setitem__("integration_level", "full")))
    assert "no GP Integration Agreement provides for the suspension" in text


def test_council_services_absent(engine, base_data):
    def edit(d):
        d["scope"]["la_services"] = []
    text = _render(engine, _variant(base_data, edit))
    assert "LOCAL AUTHORITY SERVICES" not in text
    drafted = re.sub(r"\[Drafting note:[^\]]*\]", "", text)  # notes quote the deal's own trigger words
    assert "Partial termination" not in drafted
    assert "Not used: the Services do not include council services" in text


def test_isap_not_complete_is_a_condition_precedent(engine, base_data):
    def edit(d):
        d["assurance"] = {"isap_complete": False, "date": "2027-03-01"}
    text = _render(engine, _variant(base_data, edit))
    assert "Completion of the ISAP" in text
    assert "NHS England has confirmed in writing that the ISAP is complete" in text
    assert "(expected by 1 March 2027)" in text


def test_tupe_absent_and_pension_routes(engine, base_data):
    text = _render(engine, _variant(base_data, lambda d: d["enablers"]["workforce"].__setitem__("tupe_transfers", [])))
    assert "do not expect any transfer of staff" in text
    assert "Not used: no staff are expected to transfer" in text
    text = _render(engine, _variant(base_data, lambda d: d["enablers"]["workforce"].__setitem__("pension_route", "nhs_pension_direction")))
    assert "NHS Pension Scheme" in text and "Local Government Pension Scheme" not in text
    assert "Local Government Pension Scheme fund in which Eastmoor Council participates" in _render(engine, base_data)


def test_liability_cap_bases(engine, base_data, eastmoor):
    assert "20.00% of the Whole Population Annual Payment for that Contract Year, which for the first Contract Year is £65,000,000" in eastmoor
    text = _render(engine, _variant(base_data, lambda d: d["liability"].update(cap_basis="fixed", cap_amount=10000000)))
    assert "is limited to £10,000,000 (ten million pounds)" in text
    text = _render(engine, _variant(base_data, lambda d: d["liability"].update(cap_basis="none")))
    assert "not subject to any overall financial limit" in text


def test_financial_safeguards_guarantee_and_subcontract_consent(engine, base_data, eastmoor):
    assert "No parent company guarantee is required" in eastmoor
    assert "£20,000,000 (twenty million pounds) (the “Minimum Net Assets”)" in eastmoor
    def edit(d):
        d["financial_safeguards"]["parent_guarantee"] = True
        d["contracting"]["subcontracts"][0]["commissioner_consent"] = "pending"
    text = _render(engine, _variant(base_data, edit))
    assert "(the “Guarantor”)" in text
    assert "has not yet been given" in text
    assert "has consented to the Material Sub-Contract with Eastmoor Hospitals" in text


def test_psr_applies_to_an_nhs_holder(eastmoor):
    assert "relevant authority for the purposes of the Health Care Services (Provider Selection Regime) Regulations 2023" in eastmoor


def test_accountable_care_organisation_style(engine, base_data):
    text = _render(engine, _variant(base_data, lambda d: d["contracting"]["aco"].__setitem__("title_style", "accountable_care_organisation")))
    assert text.startswith("ACCOUNTABLE CARE ORGANISATION CONTRACT")
    assert "(the “Accountable Care Organisation”)" in text
    assert "The Accountable Care Organisation must" in text


def test_draft_with_key_terms_missing_renders_blanks(engine, base_data):
    def edit(d):
        del d["funding"]["budget"]["annual_amount"]
        del d["funding"]["budget"]["uplift_rule"]
        del d["term"]["end"]
        del d["contracting"]["aco"]["coordinating_commissioner_id"]
        del d["contracting"]["aco"]["service_commencement"]
        del d["financial_safeguards"]
        del d["contracting"]["integration_level"]
        del d["liability"]["cap_pct"]
    text = _render(engine, _variant(base_data, edit))
    assert "[●]" in text
    assert "Missing(" not in text and "None" not in text
    assert "The Whole Population Annual Payment for the first Contract Year is [●]" in text
    assert "[● uplift rule]" in text
