"""Pairs of deal-terms versions built from the samples in code, for the diff and redline tests.

Each pair is (name, sample file, edit, expected paths): ``edit(data)`` changes a deep copy of the
sample's plain data in place (as a programme office would edit the YAML); ``expected`` lists the
paths ``diff`` must report, each exactly once.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_loaded

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@dataclass(frozen=True)
class Pair:
    name: str
    sample: str
    edit: Callable
    expected: tuple  # paths diff must name
    doc: str  # document name to redline
    swap: bool = False  # the edit read backwards: the edited terms are the old version


def _partner(data, pid):
    return next(p for p in data["partners"] if p["id"] == pid)


def _phase(data, pid):
    return next(p for p in data["phases"] if p["id"] == pid)


def share_changed(d):
    shares = d["funding"]["risk_share"]["corridors"][0]["shares"]
    next(s for s in shares if s["partner_id"] == "northvale-icb")["pct"] = Decimal(35)
    next(s for s in shares if s["partner_id"] == "northvale-hospitals")["pct"] = Decimal(20)


def partner_added(d):
    new = {"id": "northvale-hospice", "legal_name": "St Luke's Hospice Northvale", "short_name": "St Luke's",
           "org_type": "vcse", "charity_no": "1012345", "sector": "hospice", "roles": ["provider", "alliance_member"],
           "signatory": {"name": "Joan Pike", "title": "Chief Executive"},
           "notice_address": "St Luke's, Hill Road, Northvale NV9 9ZZ", "notice_email": "ceo@stlukes.org.uk"}
    d["partners"].insert(0, new)
    d["contracting"]["alliances"][0]["member_ids"].insert(0, "northvale-hospice")
    d["governance"]["board"]["members"].insert(0, {"partner_id": "northvale-hospice", "seats": 1, "votes": 1})
    d["governance"]["approvals"].insert(0, {"partner_id": "northvale-hospice", "body": "Board of Trustees",
                                            "date": "2026-03-20"})


def partner_removed(d):
    d["partners"] = [p for p in d["partners"] if p["id"] != "eastport-city"]
    alliance = d["contracting"]["alliances"][0]
    alliance["member_ids"].remove("eastport-city")
    gov = d["governance"]
    gov["board"]["members"] = [m for m in gov["board"]["members"] if m["partner_id"] != "eastport-city"]
    gov["approvals"] = [a for a in gov["approvals"] if a["partner_id"] != "eastport-city"]
    gov["board"]["quorum"] = 5
    pool = d["funding"]["pooled_funds"][0]
    pool["partner_ids"].remove("eastport-city")
    pool["contributions"] = [c for c in pool["contributions"] if c["partner_id"] != "eastport-city"]
    pool["total"] = Decimal(193000000)
    d["scope"]["population_description"] = "People resident in the areas of Northvale County Council and " \
                                           "Southvale Borough Council"


def phase_moved(d):
    _phase(d, "shadow")["end"] = "2027-06-30"
    _phase(d, "acs")["start"] = "2027-07-01"


def voting_changed(d):
    d["governance"]["voting_rule"] = "simple_majority"
    del d["governance"]["supermajority_pct"]


def corridor_added(d):
    rs = d["funding"]["risk_share"]
    rs["corridors"].append({"from_pct": Decimal("2.5"), "to_pct": Decimal("5"), "direction": "both", "shares": [
        {"partner_id": "northvale-icb", "pct": Decimal(60)},
        {"partner_id": "northvale-hospitals", "pct": Decimal(10)},
        {"partner_id": "southvale-hospitals", "pct": Decimal(10)},
        {"partner_id": "eastport-trust", "pct": Decimal(10)},
        {"partner_id": "northvale-cmh", "pct": Decimal(10)}]})


def subcontract_added(d):
    first = d["contracting"]["subcontracts"][0]
    new = copy.deepcopy(first)
    new["id"] = "sub-outpatients"
    new["services"] = ["Community outpatient clinics"]
    new["specifications"] = [dict(new["specifications"][0], service="Community outpatient clinics")]
    new["value_pa"] = Decimal(1250000)
    new["commissioner_consent"] = "pending"
    d["contracting"]["subcontracts"].append(new)


def tupe_off(d):
    d["enablers"]["workforce"]["tupe_transfers"] = []


def open_book_on(d):
    d["funding"]["open_book"] = True


def money_changed(d):
    d["governance"]["alliance_manager"]["cost_pa"] = Decimal(950000)


def date_changed(d):
    d["funding"]["pooled_funds"][0]["review_date"] = "2027-06-30"


def pct_only(d):
    d["governance"]["supermajority_pct"] = Decimal(70)  # still six of eight votes: only the figure moves


NV, WM, EM = "northvale-alliance.yaml", "westmoor-lead-provider.yaml", "eastmoor-icp.yaml"
SHARE = "funding.risk_share.corridors[0].shares"
PAIRS = (
    Pair("share-changed", NV, share_changed, (f"{SHARE}[northvale-icb].pct", f"{SHARE}[northvale-hospitals].pct"),
         "alliance_agreement"),
    Pair("partner-added", NV, partner_added, ("partners[northvale-hospice]", "contracting.alliances[northvale-acs]"
                                               ".member_ids", "governance.board.members[northvale-hospice]",
                                               "governance.approvals[northvale-hospice]"), "alliance_agreement"),
    Pair("partner-removed", NV, partner_removed, ("partners[eastport-city]",), "alliance_agreement"),
    Pair("phase-moved", NV, phase_moved, ("phases[shadow].end", "phases[acs].start"), "alliance_agreement"),
    Pair("voting-changed", NV, voting_changed, ("governance.voting_rule", "governance.supermajority_pct"),
         "alliance_agreement"),
    Pair("corridor-added", NV, corridor_added, ("funding.risk_share.corridors[1]",), "alliance_agreement"),
    Pair("subcontract-added", EM, subcontract_added, ("contracting.subcontracts[sub-outpatients]",),
         "aco_contract"),
    Pair("condition-off", WM, tupe_off, ("enablers.workforce.tupe_transfers[westmoor-community>physiofirst]",),
         "subcontract-sub-physiofirst"),
    Pair("condition-on", WM, tupe_off, ("enablers.workforce.tupe_transfers[westmoor-community>physiofirst]",),
         "subcontract-sub-physiofirst", swap=True),
    Pair("money-changed", NV, money_changed, ("governance.alliance_manager.cost_pa",), "alliance_agreement"),
    Pair("date-changed", NV, date_changed, ("funding.pooled_funds[bcf-northvale].review_date",),
         "alliance_agreement"),
    Pair("pct-only", NV, pct_only, ("governance.supermajority_pct",), "alliance_agreement"),
)


def loaded(sample: str) -> LoadedTerms:
    return load_terms(SAMPLES / sample)


def edited(base: LoadedTerms, edit) -> LoadedTerms:
    data = copy.deepcopy(base.data)
    edit(data)
    return LoadedTerms(data, {}, base.path, base.files, base.register_ids)


def checked(terms: LoadedTerms):
    result = check_loaded(terms, SchemaValidator())
    assert result.model is not None, [d.format() for d in result.diagnostics if d.is_error]
    return result


def versions(pair: Pair):
    """(old Checked, new Checked) for a pair."""
    base = loaded(pair.sample)
    old, new = checked(base), checked(edited(base, pair.edit))
    return (new, old) if pair.swap else (old, new)
