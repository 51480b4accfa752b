"""Domain rules (acscontracts/terms/rules/): one mutation of a valid sample per rule code.

Each case loads a sample, deep-copies its data, changes one thing, and checks that the rule's code
is reported with the right severity and JSON path. The samples themselves must be clean.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from acscontracts.terms import rules
from acscontracts.diagnostics import ERROR, WARNING
from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NORTHVALE, RIVERBEND, WESTMOOR, EASTMOOR = ("northvale-alliance.yaml", "riverbend-system.yaml",
                                            "westmoor-lead-provider.yaml", "eastmoor-icp.yaml")


@lru_cache(maxsize=None)
def _loaded(name: str) -> LoadedTerms:
    return load_terms(SAMPLES / name)


def mutated(name: str, change) -> LoadedTerms:
    """The sample with ``change(data)`` applied to a deep copy of its data (positions reused)."""
    original = _loaded(name)
    data = copy.deepcopy(original.data)
    change(data)
    return LoadedTerms(data, original.positions, original.path, original.files, original.register_ids)


def found(loaded, *, final=False, strict=True):
    return rules.check(loaded, final=final, strict=strict)


def partner(data, pid):
    return next(p for p in data["partners"] if p.get("id") == pid)


# --------------------------------------------------------------------------- samples are clean


@pytest.mark.parametrize("name", [NORTHVALE, RIVERBEND, WESTMOOR, EASTMOOR])
@pytest.mark.parametrize("final", [False, True])
def test_samples_have_no_diagnostics(name, final):
    # None of the brief's examples trips a warning as written: E2's GP federations have caps (V26),
    # E3 uses the PSR (V12) and NHS Pension access (V23), E4 spells out "Integrated Care Provider" (V25).
    checked = check_file(SAMPLES / name, SchemaValidator(final=final))
    assert [d.format() for d in checked.diagnostics] == []
    assert checked.model is not None


def test_rules_are_small_named_generators():
    names = [r.__name__ for r in rules.RULES]
    assert len(names) == len(set(names))
    for rule in rules.RULES:
        assert rule.__doc__, rule.__name__


# --------------------------------------------------------------------------- one case per code

def _set(path, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _del(path):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


def _do(*changes):
    def change(data):
        for c in changes:
            c(data)
    return change


def _append(path, value):
    def change(data):
        node = data
        for key in path:
            node = node[key]
        node.append(value)
    return change


NV_RS = ("funding", "risk_share")
RB_WEST = ("contracting", "alliances", 1)
POOL = ("funding", "pooled_funds", 0)

# (id, sample, change, code, severity, path)
CASES = [
    ("V1-ccg", NORTHVALE, _set(("partners", 0, "org_type"), "ccg_legacy"), "V1", ERROR, "partners[0].org_type"),
    ("V2-icb-provider", NORTHVALE, _append(("partners", 0, "roles"), "provider"), "V2", ERROR, "partners[0].roles[3]"),
    ("V2-icb-icp-holder", EASTMOOR, _append(("partners", 0, "roles"), "icp_holder"), "V2", ERROR, "partners[0].roles[2]"),
    ("V3-company", EASTMOOR, _set(("partners", 2, "org_type"), "company"), "V3", ERROR, "partners[2].roles[1]"),
    ("V3-council-warns", EASTMOOR, _set(("partners", 2, "org_type"), "local_authority"), "V3", WARNING,
     "partners[2].roles[1]"),
    ("V4-shares", NORTHVALE, _set(NV_RS + ("corridors", 0, "shares", 0, "pct"), 35), "V4", ERROR,
     "funding.risk_share.corridors[0].shares"),
    ("V4-thirds", WESTMOOR, _set(NV_RS + ("corridors", 0, "shares"), [
        {"partner_id": "westmoor-icb", "pct": Decimal("33.33")},
        {"partner_id": "westmoor-community", "pct": Decimal("33.33")},
        {"partner_id": "westmoor-gp-federation", "pct": Decimal("33.33")}]), "V4", ERROR,
     "funding.risk_share.corridors[0].shares"),
    ("V4-alliance-shares", RIVERBEND, _set(RB_WEST + ("funding", "risk_share", "corridors", 0, "shares", 3, "pct"),
                                           Decimal("7.49")), "V4", ERROR,
     "contracting.alliances[1].funding.risk_share.corridors[0].shares"),
    ("V4-overlap", NORTHVALE, _append(NV_RS + ("corridors",), {
        "from_pct": 2, "to_pct": 5, "direction": "loss", "shares": [{"partner_id": "northvale-icb", "pct": 100}]}),
     "V4", ERROR, "funding.risk_share.corridors[1].from_pct"),
    ("V4-order", NORTHVALE, _append(NV_RS + ("corridors",), {
        "from_pct": 0, "to_pct": Decimal("0.5"), "direction": "gain",
        "shares": [{"partner_id": "northvale-icb", "pct": 100}]}),
     "V4", ERROR, "funding.risk_share.corridors[1].from_pct"),
    ("V4-deadband", NORTHVALE, _set(NV_RS + ("deadband_pct",), 1), "V4", ERROR, "funding.risk_share.deadband_pct"),
    ("V4-weights", NORTHVALE, _set(("funding", "incentives", "measures", 0, "weight_pct"), 31), "V4", ERROR,
     "funding.incentives.measures"),
    ("V5-board", NORTHVALE, _set(("governance", "board", "members", 0, "partner_id"), "northvale-icbb"), "V5", ERROR,
     "governance.board.members[0].partner_id"),
    ("V5-chair", RIVERBEND, _set(RB_WEST + ("governance", "board", "chair"), "riverbend-countty"), "V5", ERROR,
     "contracting.alliances[1].governance.board.chair"),
    ("V5-member-ids", NORTHVALE, _set(("contracting", "alliances", 0, "member_ids", 7), "eastport"), "V5", ERROR,
     "contracting.alliances[0].member_ids[7]"),
    ("V5-pooled-fund", RIVERBEND, _set(RB_WEST + ("funding", "pooled_fund_ids", 0), "s75-wets"), "V5", ERROR,
     "contracting.alliances[1].funding.pooled_fund_ids[0]"),
    ("V5-tupe", WESTMOOR, _set(("enablers", "workforce", "tupe_transfers", 0, "to_id"), "physio-first"), "V5", ERROR,
     "enablers.workforce.tupe_transfers[0].to_id"),
    ("V6-overlap", NORTHVALE, _set(("phases", 1, "start"), "2027-03-01"), "V6", ERROR, "phases[1].start"),
    ("V6-order", NORTHVALE, _set(("phases", 1, "start"), "2026-01-01"), "V6", ERROR, "phases[1].start"),
    ("V6-start-after-end", NORTHVALE, _set(("phases", 0, "end"), "2026-03-01"), "V6", ERROR, "phases[0].end"),
    ("V6-outside-term", NORTHVALE, _set(("phases", 1, "end"), "2031-03-31"), "V6", ERROR, "phases[1].end"),
    ("V6-break-point", WESTMOOR, _set(("term", "break_points", 0), "2034-03-31"), "V6", ERROR, "term.break_points[0]"),
    ("V7-no-council", NORTHVALE, _set(POOL + ("partner_ids",), ["northvale-icb", "northvale-hospitals"]), "V7", ERROR,
     "funding.pooled_funds[0].partner_ids"),
    ("V7-no-nhs", NORTHVALE, _set(POOL + ("partner_ids",), ["northvale-county", "southvale-borough"]), "V7", ERROR,
     "funding.pooled_funds[0].partner_ids"),
    ("V7-vcse", NORTHVALE, _set(("partners", 7, "org_type"), "vcse"), "V7", ERROR,
     "funding.pooled_funds[0].partner_ids[3]"),
    ("V7-no-host-draft", NORTHVALE, _del(POOL + ("host_partner_id",)), "V7", WARNING, "funding.pooled_funds[0]"),
    ("V8-aims", NORTHVALE, _set(POOL + ("aims",), ""), "V8", WARNING, "funding.pooled_funds[0].aims"),
    ("V8-review", NORTHVALE, _del(POOL + ("review_date",)), "V8", WARNING, "funding.pooled_funds[0]"),
    ("V9-ends-after", WESTMOOR, _set(("contracting", "subcontracts", 0, "end"), "2034-03-31"), "V9", ERROR,
     "contracting.subcontracts[0].end"),
    ("V9-unknown-head", WESTMOOR, _set(("contracting", "head_contract_id"), "westmoor-head"), "V9", ERROR,
     "contracting.head_contract_id"),
    ("V9-no-head", WESTMOOR, _del(("contracting", "head_contract_id")), "V9", ERROR, "contracting"),
    ("V10-consent", WESTMOOR, _set(("contracting", "subcontracts", 1, "commissioner_consent"), "pending"), "V10",
     WARNING, "contracting.subcontracts[1].commissioner_consent"),
    ("V11-gp-practice", WESTMOOR, _do(_set(("partners", 1, "org_type"), "gp_practice"),
                                      _set(("contracting", "subcontracts", 0, "commissioner_consent"), "not_required")),
     "V11", WARNING, "contracting.subcontracts[0].commissioner_consent"),
    ("V12-trust-no-procurement", WESTMOOR, _set(("contracting", "procurement_route"), "not_a_procurement"), "V12",
     WARNING, "contracting.procurement_route"),
    ("V13-icp-no-psr", EASTMOOR, _set(("contracting", "procurement_route"), "procurement_act_2023"), "V13", WARNING,
     "contracting.procurement_route"),
    ("V14-no-council-commissioner", EASTMOOR, _set(("partners", 1, "roles"), ["host_partner", "pool_manager_employer"]),
     "V14", ERROR, "scope.la_services"),
    ("V15-partial-no-gp", EASTMOOR, _set(("contracting", "integration_agreements"), []), "V15", WARNING,
     "contracting.integration_level"),
    ("V15-full-no-suspension", EASTMOOR, _set(("contracting", "integration_level"), "full"), "V15", WARNING,
     "contracting.integration_level"),
    ("V16-isap", EASTMOOR, _set(("assurance", "isap_complete"), False), "V16", WARNING, "assurance.isap_complete"),
    ("V16-safeguards", EASTMOOR, _del(("financial_safeguards",)), "V16", WARNING, "$"),
    ("V17-long-term", NORTHVALE, _set(("term", "end"), "2037-03-31"), "V17", WARNING, "term.break_points"),
    ("V18-unanimity", RIVERBEND, _do(_set(("governance", "voting_rule"), "unanimous"), _del(("governance", "deadlock"))),
     "V18", WARNING, "governance.voting_rule"),
    ("V19-no-reserved", NORTHVALE, _do(_set(("governance", "reserved_matters"), []),
                                       _del(("governance", "custom_reserved_matters"))),
     "V19", WARNING, "governance.reserved_matters"),
    ("V20-courts", WESTMOOR, _do(*[_set(("partners", i, "org_type"), "nhs_trust") for i in (2, 3, 4)]), "V20", WARNING,
     "disputes.final"),
    ("V21-jv", NORTHVALE, _set(("phases", 1, "org_form"), "corporate_jv"), "V21", WARNING, "phases[1].org_form"),
    ("V22-open-book", NORTHVALE, _set(("funding", "open_book"), True), "V22", WARNING, "funding.open_book"),
    ("V23-tupe-pension", WESTMOOR, _set(("enablers", "workforce", "pension_route"), "none"), "V23", WARNING,
     "enablers.workforce.pension_route"),
    ("V24-no-dsa", NORTHVALE, _set(("enablers", "data", "dsa_in_place"), False), "V24", WARNING,
     "enablers.data.dsa_in_place"),
    ("V24-no-controller", NORTHVALE, _del(("enablers", "data", "controller_model")), "V24", WARNING, "enablers.data"),
    ("V25-icp-word", EASTMOOR, _set(("partners", 2, "short_name"), "the ICP"), "V25", WARNING, "partners[2].short_name"),
    ("V26-uncapped-federation", RIVERBEND, _set(RB_WEST + ("funding", "risk_share", "caps"), [
        {"partner_id": "riverbend-cmh", "max_amount": 1500000}]), "V26", WARNING,
     "contracting.alliances[1].funding.risk_share.corridors[0].shares[3].partner_id"),
    ("V27-notice", NORTHVALE, _set(("exit", "withdrawal_notice_months"), 3), "V27", WARNING,
     "exit.withdrawal_notice_months"),
    ("X1-host-not-in-pool", NORTHVALE, _set(POOL + ("host_partner_id",), "northvale-hospitals"), "X1", ERROR,
     "funding.pooled_funds[0].host_partner_id"),
    ("X2-duplicate-phase", NORTHVALE, _set(("phases", 1, "id"), "shadow"), "X2", ERROR, "phases[1].id"),
    ("X2-duplicate-member", NORTHVALE, _set(("contracting", "alliances", 0, "member_ids", 7), "northvale-icb"), "X2",
     ERROR, "contracting.alliances[0].member_ids[7]"),
    ("X2-duplicate-share", NORTHVALE, _set(NV_RS + ("corridors", 0, "shares", 1, "partner_id"), "northvale-icb"),
     "X2", ERROR, "funding.risk_share.corridors[0].shares[1].partner_id"),
    ("X3-missing", NORTHVALE, _del(("governance", "supermajority_pct")), "X3", ERROR, "governance"),
    ("X3-too-low", NORTHVALE, _set(("governance", "supermajority_pct"), 50), "X3", ERROR, "governance.supermajority_pct"),
    ("X4-chair-off-board", EASTMOOR, _set(("governance", "board", "chair"), "eastmoor-hospitals"), "X4", ERROR,
     "governance.board.chair"),
    ("X4-not-alliance-member", RIVERBEND, _append(RB_WEST + ("governance", "board", "members"),
                                                 {"partner_id": "east-gp-federation", "seats": 1, "votes": 1}),
     "X4", ERROR, "contracting.alliances[1].governance.board.members[5].partner_id"),
    ("X5-head-role", WESTMOOR, _set(("partners", 1, "roles"), ["provider"]), "X5", ERROR,
     "contracting.subcontracts[0].head_provider_id"),
    ("X5-not-head-holder", WESTMOOR, _do(_append(("partners", 2, "roles"), "lead_provider"),
                                         _set(("contracting", "subcontracts", 2, "head_provider_id"),
                                              "westmoor-gp-federation")),
     "X5", ERROR, "contracting.subcontracts[2].head_provider_id"),
    ("X6-pool-total", NORTHVALE, _set(POOL + ("total",), 200000000), "X6", ERROR, "funding.pooled_funds[0].total"),
    ("X7-lead-no-subcontracts", WESTMOOR, _set(("contracting", "subcontracts"), []), "X7", ERROR, "contracting"),
    ("X7-two-lead-providers", WESTMOOR, _append(("partners", 4, "roles"), "lead_provider"), "X7", ERROR, "partners"),
    ("X7-icp-no-aco", EASTMOOR, _del(("contracting", "aco")), "X7", ERROR, "contracting"),
    ("X7-icp-no-integration-level", EASTMOOR, _del(("contracting", "integration_level")), "X7", ERROR, "contracting"),
    ("X7-icp-two-holders", EASTMOOR, _append(("partners", 3, "roles"), "icp_holder"), "X7", ERROR, "partners"),
    ("X7-alliance-one-member", NORTHVALE, _set(("contracting", "alliances", 0, "member_ids"), ["northvale-icb"]), "X7",
     ERROR, "contracting.alliances[0].member_ids"),
    ("X8-pct-sum", NORTHVALE, _set(("funding", "contributions", 0, "pct"), Decimal("32.57")), "X8", ERROR,
     "funding.contributions"),
    ("X8-amount-and-pct", NORTHVALE, _set(("funding", "contributions", 0, "amount"), 1000), "X8", ERROR,
     "funding.contributions[0]"),
    ("X9-trust-commissioner", NORTHVALE, _append(("partners", 1, "roles"), "commissioner"), "X9", ERROR,
     "partners[1].roles[2]"),
    ("X9-s75-host-type", NORTHVALE, _do(_set(("partners", 5, "org_type"), "combined_authority"),
                                        _del(("partners", 5, "la_tier"))), "X9", ERROR,
     "funding.pooled_funds[0].host_partner_id"),
    ("X10-la-tier", NORTHVALE, _set(("partners", 1, "la_tier"), "county"), "X10", ERROR, "partners[1].la_tier"),
    ("X11-pool-pct", WESTMOOR, _set(("funding", "incentives", "pool_pct_of_budget"), 25), "X11", WARNING,
     "funding.incentives.pool_pct_of_budget"),
    ("X12-member-role", NORTHVALE, _set(("partners", 1, "roles"), ["provider"]), "X12", WARNING,
     "contracting.alliances[0].member_ids[1]"),
    ("X12-subcontractor-role", WESTMOOR, _set(("partners", 4, "roles"), ["provider"]), "X12", WARNING,
     "contracting.subcontracts[2].subcontractor_id"),
    ("X13-service-contract", NORTHVALE, _set(("contracting", "service_contracts", 0, "end_date"), "2025-03-31"), "X13",
     ERROR, "contracting.service_contracts[0].end_date"),
    ("X13-term", WESTMOOR, _set(("term", "end"), "2026-03-31"), "X13", ERROR, "term.end"),
    ("X14-same-short-name", WESTMOOR, _set(("partners", 4, "short_name"), "the federation"), "X14", ERROR,
     "partners[4].short_name"),
    ("X15-quorum-above-seats", NORTHVALE, _set(("governance", "board", "quorum"), 9), "X15", ERROR,
     "governance.board.quorum"),
    ("X15-too-few-partners-seated", NORTHVALE, _set(("governance", "board", "members"), [
        {"partner_id": "northvale-icb", "seats": 4, "votes": 1},
        {"partner_id": "northvale-hospitals", "seats": 4, "votes": 1}]), "X15", ERROR, "governance.board.members"),
    ("X15-party-without-seat", EASTMOOR, _set(("governance", "board", "members"), [
        {"partner_id": "eastmoor-icb", "seats": 2, "votes": 1},
        {"partner_id": "eastmoor-integrated-care", "seats": 2, "votes": 1}]), "X15", ERROR, "governance.board.members"),
    ("X17-placeholder-signatory", NORTHVALE, _set(("partners", 0, "signatory", "name"), "[●]"), "X17", WARNING,
     "partners[0].signatory.name"),
    ("X18-fraud-excluded", NORTHVALE, _append(("liability", "excluded_heads"), "Losses arising from fraud"), "X18",
     ERROR, "liability.excluded_heads[2]"),
]

RULES_BY_CODE = {case[3] for case in CASES}


def test_every_code_has_a_case():
    # V28: no field (see rules.py); X16 (an alliance derived for a draft) is tested below, through validation
    # X19 (final only) is tested in test_deal_regressions.py
    expected = {f"V{i}" for i in range(1, 28)} | {f"X{i}" for i in range(1, 19)} - {"X16"}
    assert expected <= RULES_BY_CODE


@pytest.mark.parametrize("case_id, sample, change, code, severity, path", CASES, ids=[c[0] for c in CASES])
def test_rule_reports_mutation(case_id, sample, change, code, severity, path):
    loaded = mutated(sample, change)
    diagnostics = found(loaded)
    hits = [d for d in diagnostics if d.code == code]
    assert hits, f"{code} not reported; got {[d.format() for d in diagnostics]}"
    assert any(d.severity == severity and d.path == path for d in hits), [(d.severity, d.path, d.message) for d in hits]
    for d in hits:
        assert d.message and d.hint, d
        assert d.location is not None and d.location.line > 0, d
    # the same mutation must not make the defensive (strict=False) path raise
    found(loaded, strict=False)


def test_v4_message_states_the_sum():
    loaded = mutated(NORTHVALE, _set(NV_RS + ("corridors", 0, "shares", 0, "pct"), 35))
    (d,) = [d for d in found(loaded) if d.code == "V4"]
    assert d.message == "corridor 1 shares add up to 95.00%, not 100.00%"
    assert d.location.line == _loaded(NORTHVALE).positions[("funding", "risk_share", "corridors", 0, "shares")].line


def test_v4_exact_decimal_sums_pass():
    # 12.5 + 87.5 and 33.33 + 33.33 + 33.34 are exactly 100
    loaded = mutated(WESTMOOR, _set(NV_RS + ("corridors", 0, "shares"), [
        {"partner_id": "westmoor-icb", "pct": Decimal("33.33")},
        {"partner_id": "westmoor-community", "pct": Decimal("33.33")},
        {"partner_id": "westmoor-gp-federation", "pct": Decimal("33.34")}]))
    assert not [d for d in found(loaded) if d.code == "V4"]


def test_v4_gain_and_loss_corridors_may_mirror_each_other():
    corridors = [
        {"from_pct": 1, "to_pct": 5, "direction": "gain", "shares": [{"partner_id": "westmoor-icb", "pct": 100}]},
        {"from_pct": 1, "to_pct": 5, "direction": "loss", "shares": [{"partner_id": "westmoor-icb", "pct": 100}]},
        {"from_pct": 5, "to_pct": 10, "direction": "both", "shares": [{"partner_id": "westmoor-icb", "pct": 100}]},
    ]
    assert not [d for d in found(mutated(WESTMOOR, _set(NV_RS + ("corridors",), corridors))) if d.code == "V4"]


def test_v5_unknown_partner_suggests_the_nearest_id():
    loaded = mutated(NORTHVALE, _set(("governance", "board", "members", 0, "partner_id"), "northvale-icbb"))
    (d,) = [d for d in found(loaded) if d.code == "V5"]
    assert d.message == "`northvale-icbb` is not a partner"
    assert "did you mean `northvale-icb`?" in d.hint
    assert d.location.line == _loaded(NORTHVALE).positions[("governance", "board", "members", 0, "partner_id")].line


def test_v5_ignores_independent_chair_and_non_partner_ids():
    loaded = _loaded(NORTHVALE)
    assert loaded.data["governance"]["board"]["chair"] == "independent"
    assert not [d for d in found(loaded) if d.code == "V5"]  # measure ids, head_contract_id etc. are not partners


def test_v7_missing_host_is_an_error_when_final():
    loaded = mutated(NORTHVALE, _del(POOL + ("host_partner_id",)))
    assert [d.severity for d in found(loaded, final=True) if d.code == "V7"] == [ERROR]


def test_v3_is_not_doubled_by_v2_for_an_icb_holder():
    loaded = mutated(EASTMOOR, _append(("partners", 0, "roles"), "icp_holder"))
    assert not [d for d in found(loaded) if d.code == "V3"]


def test_v9_message_names_both_dates():
    loaded = mutated(WESTMOOR, _set(("contracting", "subcontracts", 0, "end"), "2034-03-31"))
    (d,) = [d for d in found(loaded) if d.code == "V9"]
    assert "2034-03-31" in d.message and "2033-03-31" in d.message


# --------------------------------------------------------------------------- defensive mode


ODD_VALUES = (None, "x", 7, [], {}, [{"a": 1}], True, Decimal("-1.5"), "2027-02-30")


@pytest.mark.parametrize("name", [NORTHVALE, RIVERBEND, WESTMOOR, EASTMOOR])
def test_rules_never_raise_on_badly_shaped_data(name):
    """Replace every value in turn by values of the wrong shape: strict=False must not raise."""
    original = _loaded(name)
    paths = sorted((p for p in original.positions if p), key=lambda p: (len(p), tuple(map(str, p))))
    for index, path in enumerate(paths):
        odd = ODD_VALUES[index % len(ODD_VALUES)]
        def change(data, path=path, odd=odd):
            node = data
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = copy.deepcopy(odd)
        try:
            loaded = mutated(name, change)
        except (KeyError, IndexError, TypeError):  # an ancestor was already replaced in this copy: skip
            continue
        found(loaded, strict=False)
        found(loaded, final=True, strict=False)


def test_rules_accept_non_mapping_top_level():
    assert rules.check(LoadedTerms(["not", "a", "mapping"], {}), final=False, strict=False) == []
    assert rules.check(LoadedTerms({"partners": "x", "contracting": [], "funding": 3}, {}), final=False,
                       strict=False) is not None


# --------------------------------------------------------------------------- deals that cannot work (X14-X18)


def test_x17_placeholder_is_an_error_under_final():
    loaded = mutated(NORTHVALE, _set(("partners", 0, "signatory", "name"), "[●]"))
    (d,) = [d for d in found(loaded, final=True) if d.code == "X17"]
    assert d.severity == ERROR and d.path == "partners[0].signatory.name"


@pytest.mark.parametrize("value", ["[●]", "[ ● ]", "[*]", "[TBC]", "TBC", "to be agreed", "Dr [●] Smith"])
def test_x17_recognises_typed_placeholders(value):
    loaded = mutated(NORTHVALE, _set(("partners", 0, "signatory", "name"), value))
    assert [d.path for d in found(loaded) if d.code == "X17"] == ["partners[0].signatory.name"]


@pytest.mark.parametrize("value", ["Dr Tabitha Cole", "[Acting] Chief Executive", "Section 75 [2006 Act]"])
def test_x17_leaves_real_values_alone(value):
    loaded = mutated(NORTHVALE, _set(("partners", 0, "signatory", "name"), value))
    assert not [d for d in found(loaded) if d.code == "X17"]


def test_x14_compares_short_names_ignoring_case_and_spacing():
    loaded = mutated(NORTHVALE, _set(("partners", 2, "short_name"), "nhft"))
    (d,) = [d for d in found(loaded) if d.code == "X14"]
    assert "`southvale-hospitals` and `northvale-hospitals`" in d.message


def test_x15_committees_in_common_count_each_committee():
    change = _do(_set(("governance", "model"), "committees_in_common"), _set(("governance", "board", "members"), [
        {"partner_id": "northvale-icb", "seats": 4, "votes": 1}, {"partner_id": "northvale-hospitals", "seats": 4,
                                                                    "votes": 1}]))
    assert not [d for d in found(mutated(NORTHVALE, change)) if d.code == "X15"]


def test_gp_practice_ods_code_has_six_characters():
    loaded = mutated(NORTHVALE, _set(("partners", 0, "ods_code"), "B85012"))
    assert not SchemaValidator().diagnostics(loaded)
    loaded = mutated(NORTHVALE, _set(("partners", 0, "ods_code"), "B850123"))
    assert [d.code for d in SchemaValidator().diagnostics(loaded)] == ["ACS-SCHEMA-PATTERN"]
