"""`--final` means no placeholders (issue 10): every `[●]` a final document could print is a field that `validate
--final` requires, a value derived from the terms, or a deal a rule refuses.

For each new field: the document text (rendered from the terms, not the template) shows the value, and `validate
--final` without it names the field by its JSON path. For each derivation: the derived value is in the text. For
each rule: a deal that triggers it, and the clean sample that does not.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from acscontracts import pack
from acscontracts.engine.plan import plan, select
from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_loaded

from legal_support import at, del_, set_

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NORTHVALE, RIVERBEND, WESTMOOR, EASTMOOR = ("northvale-alliance.yaml", "riverbend-system.yaml",
                                            "westmoor-lead-provider.yaml", "eastmoor-icp.yaml")
SUB0, SUB2 = ("contracting", "subcontracts", 0), ("contracting", "subcontracts", 2)
ACO, BM0 = ("contracting", "aco"), ("governance", "board", "members", 0)
VALIDATORS = {final: SchemaValidator(final=final) for final in (False, True)}


@lru_cache(maxsize=None)
def _loaded(name: str) -> LoadedTerms:
    return load_terms(SAMPLES / name)


def terms(name: str, *changes) -> LoadedTerms:
    original = _loaded(name)
    data = copy.deepcopy(original.data)
    for change in changes:
        change(data)
    return LoadedTerms(data, original.positions, original.path, original.files, original.register_ids)


def problems(loaded, final=True) -> set:
    """{(code, JSON path)} of the errors."""
    checked = check_loaded(loaded, VALIDATORS[final])
    return {(d.code, d.path) for d in checked.diagnostics if d.is_error}


def text(engine, loaded, doc_type: str, doc_id=None, final=True) -> str:
    checked = check_loaded(loaded, VALIDATORS[final])
    assert checked.model is not None, [d.format() for d in checked.diagnostics if d.is_error]
    return pack.render(select(plan(checked.model), doc_type, doc_id), engine, "text").decode("utf-8")


def one_line(text_: str) -> str:
    return re.sub(r"\s+", " ", text_)


# --------------------------------------------------------------------------- the samples are final and complete


@pytest.mark.parametrize("name", [NORTHVALE, RIVERBEND, WESTMOOR, EASTMOOR])
def test_samples_pass_final(name):
    assert problems(terms(name)) == set()


# --------------------------------------------------------------------------- new fields: drafted, and required


def test_subcontract_specification_is_drafted(engine):
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-gp-federation")
    assert "Days and hours of operation: Weekly rounds on a fixed weekday for each home, between 9am and 5pm" in t
    assert "Locations: Each of the 41 care homes in Westmoor" in t
    assert re.search(r"essential services for the purposes of clause 6\.\d+: Weekly multidisciplinary ward rounds "
                     r"in all Westmoor care homes\.", t)
    assert "[●" not in t.split("SCHEDULE 2")[1].split("Part 2: Population")[0]


def test_no_essential_service_is_said_so(engine):
    specs = at(_loaded(WESTMOOR).data, SUB2 + ("specifications",))
    assert not any(s["essential"] for s in specs)
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-physiofirst")
    assert "No Service is an essential service for the purposes of clause" in t


def test_activity_prices_are_drafted(engine):
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-physiofirst")
    assert "Community musculoskeletal physiotherapy | A physiotherapy contact (face to face or by video) | £80" in t
    assert "First-contact practitioner MSK service | A first-contact practitioner appointment | £96" in t


def test_breakdown_by_service_is_drafted(engine):
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-gp-federation")
    assert "Weekly multidisciplinary ward rounds in all Westmoor care homes | £4,300,000" in t
    assert "Anticipatory care planning for care-home residents | £2,200,000\nTotal | £6,500,000" in t


def test_single_service_needs_no_breakdown(engine):
    t = text(engine, terms(EASTMOOR), "subcontract")
    assert "[● breakdown by service]" not in t and "[● price]" not in t
    assert "A completed diagnostic test, reported | £80" in t


def test_kpi_thresholds_are_drafted(engine):
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-gp-federation")
    assert "Service Specification | At least 95.00% of referrals | Monthly activity report" in t
    assert "| At least 90.00% of staff up to date |" in t and "| At least 85.00% of responses positive |" in t


def test_flow_down_exclusions_are_drafted(engine):
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-st-annes")
    assert "excluded from the Flow-Down Provisions:\n    5.1  Provisions on payments by the Commissioner to the Lead " \
           "Provider under the Head Contract; and" in t
    t = text(engine, terms(WESTMOOR), "subcontract", "sub-physiofirst")
    assert "No provision of the Head Contract is excluded from the Flow-Down Provisions other than under clause 7.2." in t


@pytest.mark.parametrize("name, path", [
    (WESTMOOR, SUB0 + ("specifications",)),
    (WESTMOOR, SUB0 + ("kpi_thresholds",)),
    (WESTMOOR, SUB0 + ("kpi_thresholds", "training_compliance_pct")),
    (WESTMOOR, SUB0 + ("flow_down_exclusions",)),
    (WESTMOOR, SUB0 + ("specifications", 1, "hours")),
    (WESTMOOR, SUB0 + ("specifications", 0, "essential")),
    (EASTMOOR, ACO + ("payment_day",)),
    (EASTMOOR, ACO + ("withholding_pct",)),
    (EASTMOOR, ACO + ("local_quality_requirements",)),
    (EASTMOOR, ACO + ("local_access_standards",)),
    (EASTMOOR, ("enablers", "workforce", "lgps_risk")),
    (NORTHVALE, ("term", "extension_notice_months")),
    (NORTHVALE, ("funding", "risk_share", "cap_applies_to")),
])
def test_final_names_the_missing_field(name, path):
    loaded = terms(name, del_(path))
    dotted = re.sub(r"\.(\d+)", r"[\1]", ".".join(map(str, path)))
    assert ("ACS-SCHEMA-FINAL", dotted) in problems(loaded)
    assert not {p for p in problems(loaded, final=False) if p[0].startswith("ACS-SCHEMA")}  # a draft may leave it out


def test_caps_need_a_statement_only_when_there_are_caps():
    no_caps = terms(NORTHVALE, del_(("funding", "risk_share", "cap_applies_to")), set_(("funding", "risk_share", "caps"), []))
    assert not {p for p in problems(no_caps) if p[1].endswith("cap_applies_to")}


def test_extension_notice_is_drafted(engine):
    loaded = terms(EASTMOOR, set_(("term", "extension_years"), 2), set_(("term", "extension_notice_months"), 12))
    assert "by notice given by the Co-ordinating Commissioner to the Integrated Care Provider at least twelve (12) " \
           "months before the Expiry Date" in text(engine, loaded, "aco_contract")
    assert ("ACS-SCHEMA-FINAL", "term.extension_notice_months") in problems(
        terms(EASTMOOR, set_(("term", "extension_years"), 2)))


def test_payment_day_and_withholding_are_drafted(engine):
    t = one_line(text(engine, terms(EASTMOOR), "aco_contract"))
    assert "each paid in advance on or before the first day of the month to which it relates" in t
    assert "of up to 2.00% of that instalment" in t


def test_local_requirements_are_drafted(engine):
    t = text(engine, terms(EASTMOOR), "aco_contract")
    assert "Urgent community response: at least 70% of referrals seen within two hours;" in t
    assert "Routine community nursing visits within five working days of referral; and" in t
    none = terms(EASTMOOR, set_(ACO + ("local_access_standards",), []), set_(ACO + ("local_quality_requirements",), []),
                 del_(("funding", "incentives")))
    t = text(engine, none, "aco_contract")
    assert "There are no local access standards in addition to the national access standards in Part 1." in t
    assert "There are no local quality requirements: the national requirements in Part 1 apply." in t


def test_lgps_risk_is_drafted(engine):
    t = one_line(text(engine, terms(EASTMOOR), "aco_contract"))
    assert "The cost to the Integrated Care Provider of employer contributions is fixed for the Term at the rate that " \
           "applied to the Transferring Employees immediately before the Transfer Date. Eastmoor Council bears the " \
           "risk" in t
    # the pass-through has a payer, a payee and a time (sixth review), and outlives a council's partial exit
    assert "each quarter the Integrated Care Provider invoices Eastmoor Council for the amount by which the " \
           "contributions it paid under paragraph 3 exceeded those at the fixed rate" in t
    assert "This paragraph survives the end of this Contract and a council's ceasing to be a Party under clause 30.5." in t
    t = one_line(text(engine, terms(EASTMOOR, set_(("enablers", "workforce", "lgps_risk"), "full_risk")), "aco_contract"))
    assert "The Integrated Care Provider bears the risk of changes in the employer contribution rate" in t


GUARANTOR = {"legal_name": "Eastmoor Health Holdings Limited", "company_no": "09876543", "address": "1 Mill Lane, Eastmoor EA1 1AA"}


def test_guarantor_and_guarantee_terms_are_drafted(engine):
    loaded = terms(EASTMOOR, set_(("financial_safeguards", "parent_guarantee"), True),
                   set_(("financial_safeguards", "guarantor"), GUARANTOR))
    t = one_line(text(engine, loaded, "aco_contract"))
    assert "from Eastmoor Health Holdings Limited (company number 09876543), of 1 Mill Lane, Eastmoor EA1 1AA (the " \
           "“Guarantor”)" in t
    assert "must be given by the Guarantor to each Commissioner by deed" in t and "as principal obligor" in t
    assert "[● guarantor]" not in t and "[● form of guarantee]" not in t


def test_guarantor_is_required_only_with_a_parent_guarantee():
    assert ("ACS-SCHEMA-FINAL", "financial_safeguards.guarantor") in problems(
        terms(EASTMOOR, set_(("financial_safeguards", "parent_guarantee"), True)))
    assert not {p for p in problems(terms(EASTMOOR)) if "guarantor" in p[1]}


def test_collaborative_arrangements_are_drafted(engine):
    virtual = (set_(("contracting", "integration_level"), "virtual"),)
    loaded = terms(EASTMOOR, *virtual, set_(("contracting", "collaboration_arrangements"),
                                            "the Eastmoor Provider Alliance Agreement"))
    assert "co-ordinates with the other providers serving the Population through the Eastmoor Provider Alliance " \
           "Agreement, and through the Integration Agreements." in one_line(text(engine, loaded, "aco_contract"))
    assert ("ACS-SCHEMA-FINAL", "contracting.collaboration_arrangements") in problems(terms(EASTMOOR, *virtual))


def test_board_representatives_are_drafted(engine):
    t = text(engine, terms(NORTHVALE), "alliance_agreement")
    assert "the ICB | Dr Aisha Khan (Chief Medical Officer) | Mark Rowley (Director of Strategy and Partnerships) | " \
           "Lucy Brennan (Director of Place, Northvale)" in t
    t = text(engine, terms(NORTHVALE, del_(BM0 + ("alternates",))), "alliance_agreement")
    assert "the ICB | Dr Aisha Khan (Chief Medical Officer) | Not nominated |" in t


# --------------------------------------------------------------------------- derived from the terms


def test_aco_longstop_defaults_to_service_commencement(engine):
    t = one_line(text(engine, terms(EASTMOOR, del_(ACO + ("longstop_date",))), "aco_contract"))
    assert "is not satisfied or waived by 1 April 2027 (the “Longstop Date”)" in t
    assert "is not satisfied or waived by 25 March 2027 (the “Longstop Date”)" in one_line(
        text(engine, terms(EASTMOOR), "aco_contract"))


def test_service_commencement_date_defaults_to_the_term_start(engine):
    t = one_line(text(engine, terms(EASTMOOR, del_(ACO + ("service_commencement",))), "aco_contract"))
    assert "“Service Commencement Date” means 1 April 2027, or any later date" in t


def test_consent_longstop_is_the_start_of_the_services(engine):
    loaded = terms(WESTMOOR, set_(SUB0 + ("commissioner_consent",), "pending"))
    t = one_line(text(engine, loaded, "subcontract", "sub-gp-federation"))
    assert "If the consent has not been given by 1 April 2026, the date from which the Services are due to be " \
           "provided under clause" in t


def test_incentive_share_pro_rata_to_contract_value(engine):
    loaded = terms(WESTMOOR, set_(("funding", "incentives", "distribution"), "pro_rata_contract_value"),
                   del_(("funding", "risk_share")), del_(SUB0 + ("pass_through_pct",)))
    t = one_line(text(engine, loaded, "subcontract", "sub-gp-federation"))
    # £6,500,000 of the £42,000,000 head contract
    assert "must pay the Federation 15.48% of any incentive payment it receives under the Incentive Scheme" in t
    assert "the proportion that the Annual Contract Value (£6,500,000) bears to the annual value of the Head Contract " \
           "(£42,000,000)" in t


def test_head_contract_quality_requirements_follow_its_form(engine):
    t = one_line(text(engine, terms(WESTMOOR), "subcontract", "sub-gp-federation"))
    assert "are the operational standards, national quality requirements and local quality requirements that the " \
           "Head Contract sets or refers to, so far as they relate to the Services" in t
    gms = terms(WESTMOOR, set_(("contracting", "service_contracts", 0, "form"), "apms"))
    assert "are the quality, performance and reporting requirements that the Head Contract sets or refers to" in \
        one_line(text(engine, gms, "subcontract", "sub-gp-federation"))


def test_running_costs_shared_by_contract_value(engine):
    loaded = terms(NORTHVALE, del_(("funding", "contributions")))
    t = text(engine, loaded, "alliance_agreement")
    shares = re.findall(r"^(NHFT|SUHFT|Eastport Trust|NCMH) \| (£[\d,]+) \| ([\d.]+%) \| (£[\d,.]+)$", t, re.M)
    assert len(shares) == 4, shares
    amounts = [Decimal(a[3].lstrip("£").replace(",", "")) for a in shares]
    assert sum(amounts) == Decimal("900000")  # the Running Costs budget, to the penny


def test_no_running_costs_budget_means_equal_shares(engine):
    t = one_line(text(engine, terms(NORTHVALE, del_(("funding", "running_costs"))), "alliance_agreement"))
    assert "No Running Costs budget has been set. Any Running Costs that the Board approves are shared between the " \
           "Partners in equal shares under clause" in t


def test_timetable_is_drawn_from_the_roadmap(engine):
    t = text(engine, terms(NORTHVALE, set_(("timetable",), [])), "alliance_agreement")
    part = t.split("Part 2: Timetable")[1].split("Part 3:")[0]
    assert "Start of the " in part and "| The Board" in part and "[●" not in part


def test_processing_particulars_are_drafted(engine):
    loaded = terms(EASTMOOR, set_(("enablers", "data", "controller_model"), "processor"))
    t = one_line(text(engine, loaded, "aco_contract"))
    assert "the particulars of the processing required by Article 28(3) of the UK GDPR are as follows" in t
    assert "[● processing particulars]" not in t


def test_primary_medical_services_incorporate_the_apms_terms(engine):
    t = one_line(text(engine, terms(EASTMOOR, set_(("scope", "primary_medical"), True)), "aco_contract"))
    assert "the terms that the Alternative Provider Medical Services Directions made under the NHS Act" in t


def test_fixed_improvement_pool_is_part_of_the_payment(engine):
    loaded = terms(EASTMOOR, del_(("funding", "incentives", "pool_pct_of_budget")),
                   set_(("funding", "incentives", "pool_amount"), 5000000))
    t = one_line(text(engine, loaded, "aco_contract"))
    assert "The Improvement Pool is part of, and not in addition to, the Whole Population Annual Payment." in t
    assert "after holding back the Improvement Pool of £5,000,000" in t


def test_single_commissioner_pays_the_whole_payment(engine):
    council = next(i for i, p in enumerate(_loaded(EASTMOOR).data["partners"]) if p.get("id") == "eastmoor-council")
    loaded = terms(EASTMOOR, del_(("funding", "budget", "components")),
                   lambda d: d["partners"][council].__setitem__("roles", ["host_partner"]),
                   set_(("contracting", "service_contracts", 0, "commissioner_ids"), ["eastmoor-icb"]),
                   set_(("scope", "la_services"), []))
    t = text(engine, loaded, "aco_contract")
    assert "The whole of the Whole Population Annual Payment is payable by NHS Eastmoor Integrated Care Board, " \
           "the only Commissioner." in one_line(t)


def test_heads_of_terms_approvals_fall_before_the_effective_date(engine):
    loaded = terms(WESTMOOR, set_(("governance", "approvals"), []))
    assert ("to its board or other decision-making body for approval in principle, and the final documents to that "
            "body for approval in time for them to take effect on 1 April 2026.") in one_line(text(engine, loaded,
                                                                                          "heads_of_terms"))


# --------------------------------------------------------------------------- rules


RULE_CASES = [
    # (id, sample, changes, code, path, final only)
    ("X20-no-member-contract", NORTHVALE, (set_(("contracting", "service_contracts"), []),), "X20",
     "contracting.alliances[0].member_ids", True),
    ("X21-no-representatives", NORTHVALE, (del_(BM0 + ("representatives",)),), "X21",
     "governance.board.members[0].representatives", True),
    ("X21-a-seat-unnamed", NORTHVALE, (set_(BM0 + ("seats",), 2),), "X21",
     "governance.board.members[0].representatives", True),
    ("X21-no-lead-officer", RIVERBEND, (del_(("contracting", "alliances", 1, "governance", "board", "members", 2,
                                              "lead_officer")),), "X21",
     "contracting.alliances[1].governance.board.members[2].lead_officer", True),
    ("X22-fixed-shares-unknown", NORTHVALE, (set_(("funding", "running_costs", "split"), "fixed_shares"),
                                             del_(("funding", "contributions"))), "X22", "funding.running_costs.split", True),
    ("X23-payment-not-split", EASTMOOR, (del_(("funding", "budget", "components")),), "X23", "funding.budget", True),
    ("X24-unknown-service", WESTMOOR, (set_(SUB0 + ("specifications", 1, "service"), "Anticipatory care planning"),),
     "X24", "contracting.subcontracts[0].specifications[1].service", False),
    ("X24-values-do-not-add-up", WESTMOOR, (set_(SUB0 + ("specifications", 1, "annual_value"), 2000000),), "X24",
     "contracting.subcontracts[0].specifications", False),
    ("X24-service-without-specification", EASTMOOR, (set_(SUB0 + ("specifications",), []),), "X24",
     "contracting.subcontracts[0].specifications", True),
    ("X24-activity-without-price", WESTMOOR, (del_(SUB2 + ("specifications", 0, "price")),), "X24",
     "contracting.subcontracts[2].specifications[0].price", True),
    ("X24-services-without-values", WESTMOOR, (del_(SUB0 + ("specifications", 0, "annual_value")),), "X24",
     "contracting.subcontracts[0].specifications[0].annual_value", True),
    ("X25-pool-beyond-budget", EASTMOOR, (del_(("funding", "incentives", "pool_pct_of_budget")),
                                          set_(("funding", "incentives", "pool_amount"), 400000000)), "X25",
     "funding.incentives.pool_amount", False),
    ("X26-only-the-final-route", NORTHVALE, (set_(("disputes", "stages"), [{"name": "s9_referral", "days": 10}]),
                                             set_(("disputes", "final"), "s9_referral")),
     "X26", "disputes.stages", True),
    ("X28-milestone-for-no-agreement", RIVERBEND, (set_(("timetable", 0, "alliance_id"), "acute-colaborative"),),
     "X28", "timetable[0].alliance_id", False),
    ("X28-risk-for-no-agreement", RIVERBEND, (set_(("risk_register", 2, "alliance_id"), "riverbend-north"),),
     "X28", "risk_register[2].alliance_id", False),
    ("L15-nobody-to-pay", RIVERBEND, (lambda d: [p.__setitem__("roles", [r for r in p["roles"] if r != "provider"])
                                                 for p in d["partners"] if isinstance(p, dict) and "roles" in p],),
     "L15", "contracting.alliances[1].funding.incentives", False),
    ("L15-no-owner", NORTHVALE, (lambda d: [m.pop("owner_id") for m in d["funding"]["incentives"]["measures"]],
                                 set_(("funding", "incentives", "distribution"), "by_measure_owner")),
     "L15", "funding.incentives", False),
    ("L15-nobody-funds", RIVERBEND, (lambda d: at(d, ("contracting", "alliances", 1, "member_ids")).remove("riverbend-icb"),
                                     lambda d: at(d, ("contracting", "alliances", 1, "governance", "board", "members")).pop(0),
                                     lambda d: [s.__setitem__("partner_id", "riverbend-cmh") for c in at(
                                         d, ("contracting", "alliances", 1, "funding", "risk_share", "corridors"))
                                         for s in c["shares"] if s["partner_id"] == "riverbend-icb"],
                                     del_(("contracting", "alliances", 1, "funding", "incentives", "funder_ids"))),
     "L15", "contracting.alliances[1].funding.incentives", False),
    ("L7-whose-spend", EASTMOOR, (del_(("funding", "risk_share", "commissioner_id")),
                                  set_(("funding", "risk_share", "corridors", 0, "shares"), [
                                      {"partner_id": "eastmoor-integrated-care", "pct": 50},
                                      {"partner_id": "eastmoor-icb", "pct": 25},
                                      {"partner_id": "eastmoor-council", "pct": 25}])),
     "L7", "funding.risk_share", False),
]


@pytest.mark.parametrize("case_id, sample, changes, code, path, final_only", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_fires(case_id, sample, changes, code, path, final_only):
    loaded = terms(sample, *changes)
    checked = check_loaded(loaded, VALIDATORS[True])
    hits = [d for d in checked.diagnostics if d.code == code]
    assert any(d.path == path and d.is_error for d in hits), [d.format() for d in checked.diagnostics if d.is_error]
    for d in hits:
        assert d.message and d.hint and d.location is not None and d.location.line > 0, d.format()
    in_draft = {p for p in problems(loaded, final=False) if p[0] == code}
    assert (not in_draft) if final_only else in_draft
    assert code not in {c for c, _ in problems(terms(sample))}  # the clean sample does not trigger it


def test_gain_loss_commissioner_is_the_only_one_sharing(engine):
    """With one commissioner among the sharers, it is the commissioner of the gain/loss share (no L7)."""
    loaded = terms(EASTMOOR, del_(("funding", "risk_share", "commissioner_id")),
                   set_(("funding", "risk_share", "corridors", 0, "shares"), [
                       {"partner_id": "eastmoor-integrated-care", "pct": 50}, {"partner_id": "eastmoor-icb", "pct": 50}]))
    t = one_line(text(engine, loaded, "aco_contract"))
    assert "Commissioner in the Gain/Loss Share | NHS Eastmoor Integrated Care Board, whose spend is the Shared Spend" in t


def test_icp_reporting_table_without_a_lawful_basis_points_to_the_data_protection_clause(engine):
    t = text(engine, terms(EASTMOOR, del_(("enablers", "data", "lawful_basis"))), "aco_contract")
    [row] = [line for line in t.splitlines() if line.startswith("Lawful basis |")]
    assert row == "Lawful basis | As each Party records it before the processing begins (clause 18)"
