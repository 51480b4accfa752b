"""Third legal review (issue 11, part b): contract dates and precedence, read from the built text.

Each test renders a sample (or a sample with one change) with the text writer and asserts the wording and
dates a lawyer would check. Dates are worked out here from the terms, not copied from the documents.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_loaded

from legal_support import del_, edited, paragraph, render, set_, text

SUBS = ("sub-gp-federation", "sub-st-annes", "sub-physiofirst")
HEAD = ("contracting", "service_contracts", 0)
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def day(d) -> str:
    d = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
    return f"{d.day} {d:%B %Y}"


def terms(sample: str) -> dict:
    return load_terms(SAMPLES / f"{sample}.yaml").data


def problems(sample: str, data: dict, final: bool) -> set:
    """{(code, JSON path)} of the errors in terms given as a dict (located in the sample they came from)."""
    original = load_terms(SAMPLES / f"{sample}.yaml")
    loaded = LoadedTerms(data, original.positions, original.path, original.files, original.register_ids)
    return {(d.code, d.path) for d in check_loaded(loaded, SchemaValidator(final=final), False).diagnostics
            if d.is_error}


# --------------------------------------------------------------------------- 1. the head contract by its date


def test_sub_contracts_identify_the_head_contract_by_parties_date_and_term():
    data = terms("westmoor-lead-provider")
    head = data["contracting"]["service_contracts"][0]
    signed, start, end = day(head["signed_date"]), day(head["start"]), day(head["end_date"])
    for sub in SUBS:
        body = text("westmoor-lead-provider", "subcontract", sub)
        recital = next(line for line in body.splitlines() if "are parties to the Head Contract" in line)
        assert f"NHS Westmoor Integrated Care Board (the “Commissioner”) and the Lead Provider" in recital
        assert f"{head['title']} dated {signed}," in recital
        assert f"for the period from {start} to {end}" in recital
        definition = next(line for line in body.splitlines() if "“Head Contract” means" in line)
        assert f"dated {signed}, in the form of the NHS Standard Contract" in definition
        assert f"for the period from {start} to {end}" in definition
        # the sub-contract falls with the head contract and cannot outlast it
        assert "ends automatically, without notice, when the Head Contract expires or is terminated" in body


def test_an_icp_head_contract_is_dated_its_effective_date():
    data = terms("eastmoor-icp")
    body = text("eastmoor-icp", "subcontract", "sub-community-diagnostics")
    assert f"Eastmoor Integrated Care Provider Contract 2027-2037 dated {day(data['deal']['effective_date'])}," in body


def test_a_head_contract_without_a_date_is_a_blank_in_a_draft_and_an_error_when_final():
    data = edited("westmoor-lead-provider", del_(HEAD + ("signed_date",)))
    body = render(data, "subcontract", "sub-gp-federation")
    assert "NHS Standard Contract for Frailty and MSK Services 2026-2033 dated [●]," in body
    assert problems("westmoor-lead-provider", data, final=True) == \
        {("ACS-SCHEMA-FINAL", "contracting.service_contracts[0].signed_date")}
    assert problems("westmoor-lead-provider", data, final=False) == set()


# --------------------------------------------------------------------------- 4. the head contract's standstill


def test_sub_contracts_and_the_icp_contract_record_the_award_and_the_end_of_the_standstill():
    for sample, doc, doc_id in (("westmoor-lead-provider", "subcontract", "sub-st-annes"),
                                ("eastmoor-icp", "subcontract", "sub-community-diagnostics")):
        c = terms(sample)["contracting"]
        body = text(sample, doc, doc_id)
        assert (f"the award decision having been made on {day(c['procurement_date'])} and the standstill period "
                f"after it having ended on {day(c['standstill_ended'])}, before the Head Contract was entered into"
                ) in body
    c = terms("eastmoor-icp")["contracting"]
    icp = text("eastmoor-icp", "aco_contract")
    assert f"concluded on {day(c['procurement_date'])}, the Commissioners decided to award this Contract" in icp
    assert f"The standstill period after that decision ended on {day(c['standstill_ended'])}, and this Contract " \
           "is entered into after it." in icp


def test_a_standstill_not_recorded_is_a_blank_in_a_draft_and_an_error_when_final():
    data = edited("westmoor-lead-provider", del_(("contracting", "standstill_ended")))
    body = render(data, "subcontract", "sub-gp-federation")
    assert "the standstill period after it having ended on [●], before the Head Contract was entered into" in body
    assert problems("westmoor-lead-provider", data, final=True) == {("ACS-SCHEMA-FINAL", "contracting.standstill_ended")}
    assert problems("westmoor-lead-provider", data, final=False) == set()
