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
    assert "signed_date" not in data["contracting"]["service_contracts"][0]
    assert problems("eastmoor-icp", data, final=True) == set()
    body = text("eastmoor-icp", "subcontract", "sub-community-diagnostics")
    assert f"Eastmoor Integrated Care Provider Contract 2027-2037 dated {day(data['deal']['effective_date'])}," in body


def test_a_head_contract_without_a_date_is_a_blank_in_a_draft_and_an_error_when_final():
    data = edited("westmoor-lead-provider", del_(HEAD + ("signed_date",)))
    body = render(data, "subcontract", "sub-gp-federation")
    assert "NHS Standard Contract for Frailty and MSK Services 2026-2033 dated [●]," in body
    assert problems("westmoor-lead-provider", data, final=True) == {("L32", "contracting.service_contracts[0]")}
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


# --------------------------------------------------------------------------- 2. settlements under the Service Contracts


def _first_calculation(data, quarterly=False) -> dt.date:
    """The first financial year (1 April to 31 March) in which the risk share applies, and the date its
    calculation is due: three months after it ends, or (quarterly) the end of its first quarter."""
    start = min(dt.date.fromisoformat(str(p["start"])) for p in data["phases"] if p.get("risk_share_active"))
    year_end = dt.date(start.year + (start.month >= 4), 3, 31)
    if quarterly:
        ends = [dt.date(year_end.year - 1, 6, 30), dt.date(year_end.year - 1, 9, 30),
                dt.date(year_end.year - 1, 12, 31), year_end]
        return next(e for e in ends if e >= start)
    return dt.date(year_end.year, 6, 30)


def test_settlements_paid_under_the_service_contracts_need_a_mirroring_variation_of_each():
    data = terms("northvale-alliance")
    body = text("northvale-alliance", "alliance_agreement")
    precedence = paragraph(body, "This Agreement sits alongside, and does not vary, the Service Contracts.")
    assert "The payments it provides for under the Service Contracts are made under the Settlement Variations " \
           "that clause 17.3 requires the parties to them to agree" in precedence
    assert "as to the delivery of services, the standards to which they must be delivered, payment for them" in body
    variation = paragraph(body, "The adjustments under clause 19.15 and the payments from the Incentive Pool")
    assert "(a “Settlement Variation”)" in variation and "recorded as a local variation" in variation
    partners = {p["id"]: p for p in data["partners"]}
    for c in data["contracting"]["service_contracts"]:
        provider = partners[c["provider_id"]]["short_name"]
        assert f"the {c['title']} between the ICB and {provider} dated {day(c['signed_date'])}" in body
    deadline = paragraph(body, "Each Settlement Variation must be signed and in effect")
    assert f"by {day(_first_calculation(data))}, the date by which the first calculation under clause 19.13 is due" \
           in deadline
    # twentieth review: until the variation is in effect the amount is payable under the Agreement, not held back
    assert "it is payable under this Agreement instead" in deadline
    assert "by an adjustment to the payments due under its own Service Contract, as varied by its Settlement " \
           "Variation under clause 17.3" in body
    assert "under that Service Contract as varied by its Settlement Variation." in paragraph(
        body, "The Incentive Pool is funded by the ICB")
    # the heads of terms say the same, with the same date
    hot = paragraph(text("northvale-alliance", "heads_of_terms"), "Settlement through the service contracts:")
    assert "will be made under the providers' service contracts, not under the alliance agreement" in hot
    assert "(NHFT with the ICB; SUHFT with the ICB; Eastport Trust with the ICB; NCMH with the ICB)" in hot
    assert f"in effect by {day(_first_calculation(data))}, when the first calculation is due" in hot


def test_the_settlement_variation_date_follows_the_settlement_frequency():
    data = edited("northvale-alliance", set_(("funding", "risk_share", "settlement"), "quarterly"))
    body = render(data, "alliance_agreement")
    assert f"must be signed and in effect by {day(_first_calculation(data, quarterly=True))}," in body
    hot = render(data, "heads_of_terms")
    assert f"in effect by {day(_first_calculation(data, quarterly=True))}, when the first calculation is due" in hot


def test_no_settlement_variation_where_nothing_is_paid_under_the_service_contracts():
    data = edited("northvale-alliance", del_(("funding", "risk_share")), del_(("funding", "incentives")))
    body = render(data, "alliance_agreement")
    assert "Settlement Variation" not in body
    assert "This Agreement does not change the rights or obligations of the parties to a Service Contract" in body
    assert "Settlement through the service contracts" not in render(data, "heads_of_terms")


# --------------------------------------------------------------------------- 3. what happens at the longstop


def _plus_months(d: dt.date, months: int) -> dt.date:
    month = d.month - 1 + months
    return d.replace(year=d.year + month // 12, month=month % 12 + 1)


def test_the_icp_contract_lapses_at_its_longstop_unless_extended_in_writing():
    data = terms("eastmoor-icp")
    body = text("eastmoor-icp", "aco_contract")
    clause = paragraph(body, "If any Condition Precedent is not satisfied or waived by")
    assert f"by {day(data['contracting']['aco']['longstop_date'])} (the “Longstop Date”)" in clause
    assert "or by any later date to which every Party has agreed in writing, before the Longstop Date passes, to " \
           "extend it, this Contract lapses on the Longstop Date (or that later date) without any Party giving " \
           "notice" in clause
    assert "No Party is liable to another for the lapse" in clause
    assert "may end this Contract by notice" not in clause
    hot = text("eastmoor-icp", "heads_of_terms")
    assert f"must be met by {day(data['contracting']['aco']['longstop_date'])} (the longstop date), failing which " \
           "the contract will lapse on that date unless the parties extend it in writing, with no liability for " \
           "the lapse" in hot


def test_the_alliance_agreement_lapses_at_its_conditions_longstop():
    data = terms("northvale-alliance")
    body = text("northvale-alliance", "alliance_agreement")
    longstop = _plus_months(dt.date.fromisoformat(str(data["term"]["start"])), 3)
    assert f"within three months after the Commencement Date, that is by {day(longstop)} (the “Conditions " \
           "Longstop Date”)" in body
    clause = paragraph(body, "If the Conditions have not all been satisfied or waived by the Conditions Longstop Date")
    # proceeding without a Partner needs every other Partner (fourth review, finding 8); extending needs every Partner
    assert "this Agreement lapses on that date without any Partner giving notice, unless before then either every " \
           "other Partner has agreed in writing to proceed without a Partner" in clause
    assert "or every Partner has agreed in writing to extend that date" in clause
    assert "No Partner is liable to another for the lapse" in clause


def test_a_sub_contract_awaiting_consent_lapses_at_its_longstop():
    data = edited("westmoor-lead-provider", set_(("contracting", "subcontracts", 0, "commissioner_consent"), "pending"))
    body = render(data, "subcontract", "sub-gp-federation")
    start = day(data["contracting"]["subcontracts"][0]["start"])
    clause = paragraph(body, "If the consent has not been given by")
    assert f"by {start}, the date from which the Services are due to be provided under clause" in clause
    assert "(the “Consent Longstop Date”), or by any later date to which the Parties have agreed in writing, before " \
           "the Consent Longstop Date passes, to extend it, this Sub-Contract lapses on the Consent Longstop Date" \
           in clause
    assert "If the Commissioner refuses the consent, this Sub-Contract lapses on the day the Lead Provider tells " \
           "the Federation of the refusal" in clause
    assert "Neither Party is liable to the other for the lapse" in clause


# --------------------------------------------------------------------------- 5. Care Act functions in the ICP contract


def test_care_management_by_the_icp_is_authorised_under_section_79_of_the_care_act():
    data = terms("eastmoor-icp")
    item = next(s for s in data["scope"]["services"] if "care management" in s)
    body = text("eastmoor-icp", "aco_contract")
    clause = paragraph(body, f"The services described as “{item}” include care management")
    assert "functions of the council under Part 1 of the Care Act 2014" in clause
    assert "The Council authorises the Integrated Care Provider, under section 79 of the Care Act 2014, to carry " \
           "out those functions on its behalf" in clause
    assert "(sections 3, 6, 7, 14 and 42 to 47 of the Care Act 2014), which the council carries out itself" in body
    assert "is treated as done or not done by the council" in body
    duties = paragraph(body, "Each council that commissions a Council Service keeps its statutory functions")
    assert "remains answerable for the way in which any of its functions that the Integrated Care Provider " \
           "carries out under clause" in duties
    assert "remains responsible for assessing needs" not in duties


def test_no_section_79_authorisation_where_the_icp_does_no_care_management():
    data = edited("eastmoor-icp", lambda d: d["scope"].__setitem__(
        "services", [s for s in d["scope"]["services"] if "care management" not in s]))
    body = render(data, "aco_contract")
    assert "section 79 of the Care Act 2014" not in body
    assert "the council remains responsible for assessing needs, deciding eligibility" in body


# --------------------------------------------------------------------------- 6. paying the GP practices

GP_IA = ("contracting", "integration_agreements", 0)


def test_the_icp_contract_names_the_basis_for_paying_gp_practices():
    data = terms("eastmoor-icp")
    assert data["contracting"]["integration_agreements"][0]["psr_process"] == "psr_direct_a"
    body = text("eastmoor-icp", "aco_contract")
    clause = paragraph(body, "The Integrated Care Provider pays the general practices that are party to the GP "
                             "Integration Agreement")
    assert "only under that agreement, which is a contract between the Integrated Care Provider and each practice " \
           "for the services it describes, separate from the practice's own contract with its commissioner" in clause
    assert "is itself a relevant authority for the purposes of the Health Care Services (Provider Selection Regime) " \
           "Regulations 2023, and it arranged those services with the practices following direct award process A" \
           in clause


def test_the_gp_payment_basis_follows_the_terms_and_is_required_when_final():
    data = edited("eastmoor-icp", set_(GP_IA + ("psr_process",), "not_a_procurement"))
    assert "has concluded that the arrangement is not a procurement to which the Health Care Services (Provider " \
           "Selection Regime) Regulations 2023 or the Procurement Act 2023 apply" in render(data, "aco_contract")
    data = edited("eastmoor-icp", del_(GP_IA + ("psr_process",)))
    assert "arranged following [● PSR process for the GP practices' services]." in render(data, "aco_contract")
    assert problems("eastmoor-icp", data, final=True) == \
        {("ACS-SCHEMA-FINAL", "contracting.integration_agreements[0].psr_process")}
    assert problems("eastmoor-icp", data, final=False) == set()


# --------------------------------------------------------------------------- 7. the successor provider's indemnity


def test_a_successor_provider_may_enforce_its_exit_indemnity_where_the_act_applies():
    icp = text("eastmoor-icp", "aco_contract")  # the council is a party: not an NHS contract throughout
    clause = paragraph(icp, "A person who is not a party to this Contract has no right under the Contracts (Rights "
                            "of Third Parties) Act 1999")
    assert "except that a Successor Provider may enforce under that Act the indemnity given to it in paragraph 8 " \
           "of Schedule 8, subject to the limits on liability in this Contract" in clause
    assert "must indemnify the Commissioners and any Successor Provider against liabilities arising from the " \
           "transfer" in paragraph(icp, "The Integrated Care Provider must indemnify the Commissioners")
    sub = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")  # PhysioFirst Ltd: not an NHS body
    assert "A Successor Provider may enforce against PhysioFirst, under that Act, the indemnity given to it in " \
           "paragraph 6 of Schedule" in sub
    assert "A Successor Provider may enforce this indemnity itself, as clause 40.1 provides." in sub
    # no carve-out where the sub-contract gives no such indemnity
    assert "Successor Provider may enforce" not in text("westmoor-lead-provider", "subcontract", "sub-st-annes")


def test_in_an_nhs_contract_the_exit_indemnity_is_given_to_the_head_provider_for_the_successor():
    data = edited("eastmoor-icp", lambda d: d["enablers"]["workforce"]["tupe_transfers"].append(
        {"from_id": "eastmoor-integrated-care", "to_id": "eastmoor-hospitals", "headcount": 12,
         "date": "2027-04-01", "description": "Diagnostic staff"}))
    sub = render(data, "subcontract", "sub-community-diagnostics")
    assert "This Sub-Contract is an NHS contract within the meaning of section 9" in sub
    assert "must indemnify the Integrated Care Provider, for itself and for the benefit of any other Successor " \
           "Provider" in sub
    assert "may recover under this clause the losses of another Successor Provider as if they were its own, and " \
           "must pay to that Successor Provider any amount it recovers for its losses" in sub
    assert "Successor Provider may enforce" not in sub
