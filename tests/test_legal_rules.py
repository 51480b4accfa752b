"""Legal-soundness rules L1-L15, L20-L25, L30-L34, L40 (acscontracts/terms/rules/legal.py): one mutated sample per code.

Each case changes one thing in a clean sample so that the documents would be legally wrong (error) or
need a lawyer's choice (warning), in draft mode, and checks the code, severity, JSON path and that
the diagnostic is located and says how to fix it.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import pytest

from acscontracts.diagnostics import ERROR, WARNING
from acscontracts.terms import rules
from acscontracts.terms.loader import LoadedTerms, load_terms

from legal_support import append, at, del_, set_

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NORTHVALE, WESTMOOR, EASTMOOR = "northvale-alliance.yaml", "westmoor-lead-provider.yaml", "eastmoor-icp.yaml"


@lru_cache(maxsize=None)
def _loaded(name: str) -> LoadedTerms:
    return load_terms(SAMPLES / name)


def mutated(name: str, *changes) -> LoadedTerms:
    original = _loaded(name)
    data = copy.deepcopy(original.data)
    for change in changes:
        change(data)
    return LoadedTerms(data, original.positions, original.path, original.files, original.register_ids)


RS, INC, SUB0 = ("funding", "risk_share"), ("funding", "incentives"), ("contracting", "subcontracts", 0)
SUB2 = ("contracting", "subcontracts", 2)
RIVERBEND = "riverbend-system.yaml"


def RB_AF(i):  # noqa: N802 - a path, like RS
    return ("contracting", "alliances", i, "funding")


def RB_RC(i):  # noqa: N802
    return RB_AF(i) + ("running_costs",)


# (id, sample, changes, code, severity, path)
CASES = [
    ("L1-single-contributor-pool", EASTMOOR,
     (set_(("funding", "pooled_funds", 0, "contributions"), [{"partner_id": "eastmoor-council", "amount": 60000000}]),
      set_(("funding", "pooled_funds", 0, "total"), 60000000)),
     "L1", ERROR, "funding.pooled_funds[0].contributions"),
    ("L2-nhs-money-to-council", NORTHVALE, (set_(INC + ("distribution",), "by_measure_owner"),),
     "L2", ERROR, "funding.incentives"),
    ("L3-icb-pays-itself", NORTHVALE, (set_(INC + ("distribution",), "by_measure_owner"),),
     "L3", ERROR, "funding.incentives"),
    ("L4-gate-before-reconciliation", NORTHVALE, (del_(("phases", 1, "reconciliation_to")),),
     "L4", ERROR, "phases[1].start"),
    ("L16-unanimous-phase-gate", NORTHVALE,
     (set_(("phases", 1, "entry_criteria", 1), "Outcomes framework baselines agreed by all Partners"),),
     "L16", WARNING, "phases[1].entry_criteria[1]"),
    ("L5-contract-ends-first", NORTHVALE, (set_(("contracting", "service_contracts", 0, "end_date"), "2029-03-31"),),
     "L5", WARNING, "contracting.service_contracts[0].end_date"),
    ("L6-caps-unstated", NORTHVALE, (del_(RS + ("cap_applies_to",)),), "L6", WARNING, "funding.risk_share.caps"),
    ("L7-gls-no-commissioner", EASTMOOR, (del_(RS + ("commissioner_id",)),), "L7", ERROR, "funding.risk_share"),
    ("L8-psr-unrecorded", WESTMOOR, (del_(SUB0 + ("psr_process",)),), "L8", WARNING, "contracting.subcontracts[0]"),
    ("L9-seal-on-heads-of-terms", NORTHVALE, (set_(("partners", 5, "seal_required"), True),),
     "L9", WARNING, "partners[5].seal_required"),
    ("L10-effective-on-go-live", EASTMOOR, (set_(("deal", "effective_date"), "2027-04-01"),),
     "L10", ERROR, "deal.effective_date"),
    ("L11-tupe-information-too-early", EASTMOOR, (set_(("deal", "effective_date"), "2027-03-10"),),
     "L11", ERROR, "enablers.workforce.tupe_transfers[0].date"),
    ("L12-longstop-after-go-live", EASTMOOR, (set_(("contracting", "aco", "longstop_date"), "2027-05-01"),),
     "L12", ERROR, "contracting.aco.longstop_date"),
    ("L13-papered-twice", EASTMOOR, (append(("scope", "la_services"), "Housing-related support"),),
     "L13", ERROR, "scope.la_services[2]"),
    ("L14-gls-in-subcontract", EASTMOOR, (set_(SUB0 + ("loss_share",), True),), "L14", ERROR,
     "contracting.subcontracts[0]"),
    ("L15-pool-without-payee", NORTHVALE, (set_(INC + ("distribution",), "by_measure_owner"),
                                           lambda data: [m.pop("owner_id") for m in at(data, INC + ("measures",))]),
     "L15", ERROR, "funding.incentives"),
    # the sub-contract that papers the TUPE transfer is signed 12 days before it (information due 28 days before)
    ("L11-subcontract-signed-late", WESTMOOR, (set_(SUB2 + ("effective_date",), "2026-03-20"),), "L11", ERROR,
     "contracting.subcontracts[2].effective_date"),
    # no signature date of its own: it binds from the deal effective date, the transfer date itself
    ("L11-subcontract-binds-on-transfer", WESTMOOR, (del_(SUB2 + ("effective_date",)),), "L11", ERROR,
     "enablers.workforce.tupe_transfers[0].date"),
    # the review for the 31.3.2030 break (12 months' notice by 31.3.2029) dated after the notice deadline
    ("L20-break-review-milestone-late", EASTMOOR, (set_(("timetable", 3, "date"), "2029-09-30"),), "L20", ERROR,
     "timetable[3].date"),
    # a phase gate that waits for the break review at the break point itself
    ("L20-break-review-gate-late", EASTMOOR,
     (set_(("phases", 1, "entry_criteria", 0), "Break-point review at 31 March 2030 confirms continuation"),),
     "L20", ERROR, "phases[1].entry_criteria[0]"),
    # a £2m cap on a share that peaks at 50% x 14% x £28m = £1.96m
    ("L21-cap-never-binds", WESTMOOR,
     (set_(RS + ("caps",), [{"partner_id": "westmoor-community", "max_amount": 2000000}]),
      set_(RS + ("cap_applies_to",), "gains_and_losses")), "L21", WARNING, "funding.risk_share.caps[0]"),
    # a place alliance's running costs hosted by the council, with no stated power for the NHS bodies to pay it
    ("L2-running-costs-council-host", RIVERBEND, (set_(RB_RC(1) + ("host_partner_id",), "riverbend-county"),),
     "L2", ERROR, "contracting.alliances[1].funding.contributions[0]"),
    # the acute collaborative's shares make up 96.66% of its budget
    ("L22-running-cost-shares-short", RIVERBEND, (set_(RB_AF(0) + ("contributions", 0, "pct"), 30),),
     "L22", ERROR, "contracting.alliances[0].funding.contributions"),
    # the collaborative's budget charges the ICB, which is only an observer
    ("L22-running-cost-outsider", RIVERBEND, (append(RB_AF(0) + ("contributions",),
                                                      {"partner_id": "riverbend-icb", "pct": 0}),),
     "L22", ERROR, "contracting.alliances[0].funding.contributions"),
    # a system budget with West left without its own: which agreement charges the £1.2m?
    ("L23-running-costs-in-every-agreement", RIVERBEND,
     (set_(("funding", "running_costs"), {"amount_pa": 1200000, "split": "equal", "host_partner_id": "riverbend-icb"}),
      del_(RB_RC(1))), "L23", ERROR, "funding.running_costs"),
    ("L24-running-costs-no-host", RIVERBEND, (del_(RB_RC(0) + ("host_partner_id",)),
                                              del_(("contracting", "alliances", 0, "governance", "alliance_manager"))),
     "L24", WARNING, "contracting.alliances[0].funding.running_costs"),
    # West's risk share starts on 1 October 2026 (mid-year) and the terms no longer say how 2026/27 is pro-rated
    ("L25-part-year-untreated", RIVERBEND, (del_(RB_AF(1) + ("risk_share", "part_year")),),
     "L25", WARNING, "contracting.alliances[1].funding.risk_share"),
    # the head contract signed after the PhysioFirst sub-contract takes effect (13 February 2026)
    ("L30-subcontract-before-head-contract", WESTMOOR,
     (set_(("contracting", "service_contracts", 0, "signed_date"), "2026-03-01"),), "L30", ERROR,
     "contracting.subcontracts[2].effective_date"),
    # a sub-contract under the ICP contract that binds before the ICP contract itself (its effective date)
    ("L30-subcontract-before-icp-contract", EASTMOOR,
     (set_(SUB0 + ("effective_date",), "2027-01-29"),), "L30", ERROR, "contracting.subcontracts[0].effective_date"),
    # 14 November 2025 (a Friday) + 8 working days = 26 November 2025
    ("L31-standstill-too-short", WESTMOOR, (set_(("contracting", "standstill_ended"), "2025-11-25"),), "L31", ERROR,
     "contracting.standstill_ended"),
    ("L32-service-contract-without-date", NORTHVALE, (del_(("contracting", "service_contracts", 1, "signed_date")),),
     "L32", WARNING, "contracting.service_contracts[1]"),
    # West's place board (with West Federation, a company) recast as a joint committee
    ("L40-joint-committee-with-a-company", RIVERBEND,
     (set_(("contracting", "alliances", 1, "governance", "model"), "joint_committee"),), "L40", ERROR,
     "contracting.alliances[1].governance.model"),
    ("L33-pool-contribution-exceeds-share", EASTMOOR,
     (set_(("funding", "pooled_funds", 0, "contributions", 1, "amount"), 70000000),
      set_(("funding", "pooled_funds", 0, "total"), 90000000)), "L33", ERROR,
     "funding.pooled_funds[0].contributions[1].amount"),
    ("L34-funded-part-without-its-own-uplift", EASTMOOR,
     (del_(("funding", "budget", "components", 1, "uplift_rule")),), "L34", WARNING, "funding.budget.components[1]"),
    ("L31-contract-signed-in-standstill", WESTMOOR,
     (set_(("contracting", "service_contracts", 0, "signed_date"), "2025-11-26"),), "L31", ERROR,
     "contracting.service_contracts[0].signed_date"),
]


def test_every_legal_code_has_a_case():
    assert {c[3] for c in CASES} == {f"L{i}" for i in range(1, 17)} | {"L20", "L21", "L22", "L23", "L24", "L25",
                                                                        "L30", "L31", "L32", "L33", "L34", "L40"}


@pytest.mark.parametrize("name", [NORTHVALE, WESTMOOR, EASTMOOR, "riverbend-system.yaml"])
def test_samples_are_legally_clean(name):
    assert [d.format() for d in rules.check(_loaded(name)) if d.code.startswith("L")] == []


@pytest.mark.parametrize("case_id, sample, changes, code, severity, path", CASES, ids=[c[0] for c in CASES])
def test_legal_rule_fires(case_id, sample, changes, code, severity, path):
    loaded = mutated(sample, *changes)
    hits = [d for d in rules.check(loaded) if d.code == code]
    assert any(d.severity == severity and d.path == path for d in hits), [d.format() for d in hits]
    for d in hits:
        assert d.message and d.hint and d.location is not None and d.location.line > 0, d
    rules.check(loaded, strict=False)  # the defensive path never raises


def test_power_message_names_payer_and_payee():
    loaded = mutated(NORTHVALE, set_(INC + ("distribution",), "by_measure_owner"))
    (d,) = [d for d in rules.check(loaded) if d.code == "L2"]
    assert "from `northvale-icb` to `northvale-county`" in d.message and "section 75" in d.message


def test_phase_gate_message_gives_the_dates():
    loaded = mutated(NORTHVALE, del_(("phases", 1, "reconciliation_to")))
    (d,) = [d for d in rules.check(loaded) if d.code == "L4"]
    assert "2027-04-01" in d.message and "to 2027-03-31" in d.message and "2027-06-30" in d.message


def test_unstated_caps_are_an_error_with_final_because_the_documents_would_print_a_placeholder():
    loaded = mutated(NORTHVALE, del_(RS + ("cap_applies_to",)))
    (d,) = [d for d in rules.check(loaded, final=True) if d.code == "L6"]
    assert d.severity == ERROR and "cap_applies_to" in d.hint


def test_break_review_message_gives_the_notice_and_review_dates():
    loaded = mutated(EASTMOOR, set_(("timetable", 3, "date"), "2029-09-30"))
    (d,) = [d for d in rules.check(loaded) if d.code == "L20"]
    assert "2030-03-31" in d.message and "2029-03-31" in d.message and "2028-12-31" in d.message


def test_a_cap_equal_to_the_maximum_is_not_idle():
    # eastmoor: 50% of the 0-3% corridor of £118m is £1.77m, exactly the cap: it states the maximum
    assert [d for d in rules.check(_loaded(EASTMOOR)) if d.code == "L21"] == []
    loaded = mutated(EASTMOOR, set_(RS + ("caps", 0, "max_amount"), 1770001))
    assert [d.path for d in rules.check(loaded) if d.code == "L21"] == ["funding.risk_share.caps[0]"]


def test_terms_with_schema_errors_skip_the_legal_facts_at_once(monkeypatch):
    """Found by the mutated-deal fuzz: with schema errors each legal rule retried typing the terms, and typing a
    number of hundreds of thousands of digits took seconds every time. Those rules now wait for valid terms."""
    from acscontracts.terms import model

    calls = []
    monkeypatch.setattr(model, "build_model", lambda data: calls.append(1))
    loaded = mutated(NORTHVALE, set_(RS + ("baseline",), 10 ** 300_000))
    found = rules.check(loaded, strict=False)
    assert calls == [] and not [d for d in found if d.code.startswith("L")]


def test_facts_asked_again_are_answered_once_and_proxies_are_read_each_time():
    """Several clauses of an alliance agreement ask for the same risk-share facts and settlement contracts: they are
    worked out once per deal. A template recording its reads (for a diff) passes proxies, which are not kept."""
    from decimal import Decimal

    from acscontracts import formatting
    from acscontracts.engine.reads import ReadLog
    from legal_support import deal_facts

    facts = deal_facts("riverbend-system")
    west = facts.terms.alliance("riverbend-west")
    members = tuple(facts.terms.partner(i) for i in west.member_ids)
    rs = west.funding.risk_share
    first = facts.risk_share(rs, members)
    assert facts.risk_share(rs, members) is first  # the same answer, not worked out again
    assert facts.risk_share(rs, members[:-1]) is not first  # other members, another question
    contracts = facts.settlement_contracts(members, rs, west.funding.incentives)
    assert contracts and facts.settlement_contracts(members, rs, west.funding.incentives) is contracts
    log = ReadLog(facts.terms)
    proxy = log.wrap(rs, "contracting.alliances[1].funding.risk_share")
    assert facts.risk_share(proxy, members) is not facts.risk_share(proxy, members)  # read through each time
    assert formatting.money(Decimal("1320000000")) == "£1,320,000,000" and formatting.money(Decimal("0.5")) == "£0.50"
