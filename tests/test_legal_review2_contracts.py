"""Second legal review of the ICP contract and the sub-contracts, read from the built text.

Each test renders a sample (or a sample with one change) with the text writer and asserts the wording
and figures a lawyer would check. Dates and amounts are worked out here from the terms, not copied.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from legal_support import edited, money, paragraph, render, text

SUBS = ("sub-gp-federation", "sub-st-annes", "sub-physiofirst")


def day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


# --------------------------------------------------------------------------- 1. break-point reviews


def test_break_reviews_come_before_the_notice_they_inform():
    icp = text("eastmoor-icp", "aco_contract")
    # 12 months' notice: notice for 31.3.2030 by 31.3.2029, review three months earlier (31.12.2028)
    assert "31 March 2030 | 31 March 2029 | 31 December 2028" in icp
    assert "31 March 2032 | 31 March 2031 | 31 December 2030" in icp  # a review for the second break too
    review = paragraph(icp, "Before each Break Point the Parties must carry out a joint review")
    assert "by the date shown for it in paragraph 7 of Schedule 1" in review
    gate = paragraph(icp, "The phase called “Steady State” in paragraph 6 begins on 1 April 2030")
    assert "no notice has been given under clause 3.5 by 31 March 2029" in gate
    assert "completed by 31 December 2028" in gate
    # the reviews are not mobilisation milestones (sixth review): the plan lists only what comes before go-live
    assert "Break-point review for the 31 March 2030 Break Point completed | 31 December 2028" not in icp
    assert "The later milestones of the programme (Break-point review for the 31 March 2030 Break Point completed; " \
           "Break-point review for the 31 March 2032 Break Point completed), which fall after the Service Commencement " \
           "Date, are not part of the Mobilisation Plan: the break-point reviews are governed by clause 3.6." in icp
    assert "30 September 2029" not in icp and "confirms continuation" not in icp


def test_break_review_dates_follow_the_notice_period():
    icp = render(edited("eastmoor-icp", lambda d: d["exit"].__setitem__("withdrawal_notice_months", 6)), "aco_contract")
    assert "31 March 2030 | 30 September 2029 | 30 June 2029" in icp


# --------------------------------------------------------------------------- 2. staff transfer under a sub-contract


def test_physiofirst_is_signed_in_time_for_the_transfer_steps():
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    transfer = dt.date(2026, 4, 1)
    due = transfer - dt.timedelta(days=28)  # 4 March 2026
    assert paragraph(physio, "This Sub-Contract takes effect on the date it is signed (planned for 13 February 2026)")
    assert dt.date(2026, 2, 6) < dt.date(2026, 2, 13) < due  # after the standstill, before the information is due
    assert "ended on 6 February 2026" in physio
    late = paragraph(physio, "The steps for the transfer of staff in Schedule 6")
    assert f"If this Sub-Contract takes effect after {day(due)}, the Service Commencement Date and the Transfer " \
           "Date are postponed" in late


def test_pension_direction_is_a_condition_with_a_longstop_before_the_transfer():
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    cp = paragraph(physio, "The start of the Services, and so the transfer of the Transferring Staff, is conditional")
    assert "a direction from the Secretary of State giving it access to the NHS Pension Scheme" in cp
    assert "no later than twenty-eight days before the Transfer Date (the “Pension Longstop Date”: 4 March 2026 on the " \
           "planned Transfer Date" in cp
    assert paragraph(physio, "If that condition is not met by the Pension Longstop Date")
    sch6 = paragraph(physio, "PhysioFirst must obtain its direction giving access to the NHS Pension Scheme")
    assert "no later than the Pension Longstop Date" in sch6 and "before the Transfer Date and must give" not in sch6
    assert "by the Pension Longstop Date (clause 4.4) | PhysioFirst" in physio
    # no transfer to the Federation: no condition
    assert "Pension Longstop Date" not in text("westmoor-lead-provider", "subcontract", "sub-gp-federation")


# --------------------------------------------------------------------------- 3. third-party rights and s9


def test_no_third_party_rights_under_an_nhs_subcontract():
    sub = text("eastmoor-icp", "subcontract")
    assert "This Sub-Contract is therefore an NHS contract" in sub
    tpr = paragraph(sub, "This Sub-Contract is an NHS contract within the meaning of section 9")
    assert "no right under the Contracts (Rights of Third Parties) Act 1999 is granted" in tpr
    assert "may enforce against Eastmoor Hospitals" not in sub
    via = paragraph(sub, "The rights of each commissioner under the Head Contract")
    assert "are exercised against the Integrated Care Provider under that contract" in via


def test_third_party_rights_kept_where_the_subcontract_is_not_an_nhs_contract():
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "may enforce against PhysioFirst, under the Contracts (Rights of Third Parties) Act 1999" in physio


# --------------------------------------------------------------------------- 4-5. gain/loss share payments


def test_icp_share_is_settled_by_one_route_against_the_icbs_direct_part():
    icp = text("eastmoor-icp", "aco_contract")
    direct = Decimal(265_000_000) - Decimal(20_000_000)  # ICB component less its contribution to the s75 pool
    route = paragraph(icp, "The share of the Integrated Care Provider in a gain or loss is settled only as an adjustment")
    assert f"that the ICB pays directly ({money(direct)} for the first Contract Year)" in route
    assert "not to any part paid by another Commissioner or through a pooled fund" in route
    assert "the adjustment is not also made under the Gain/Loss Share Agreement" in route
    role = paragraph(icp, "NHS Eastmoor Integrated Care Board, whose spend is the Shared Spend, is a party")
    assert "pays to the Integrated Care Provider" not in role  # not also under the agreement
    assert "Any adjustment for the Gain/Loss Share under clause 14.11 is made only to the instalments of the ICB" \
        in icp


def test_without_a_direct_part_every_payment_goes_under_the_agreement():
    def all_through_pool(d):
        pool = d["funding"]["pooled_funds"][0]
        pool["contributions"][0]["amount"] = 265000000
        pool["total"] = 325000000
    icp = render(edited("eastmoor-icp", all_through_pool), "aco_contract")
    route = paragraph(icp, "Every payment under the Gain/Loss Share")
    assert "including one between the Integrated Care Provider and the ICB, is made under the Gain/Loss Share " \
           "Agreement, and none is made as an adjustment" in route
    assert "settled only as an adjustment" not in icp and "only to the instalments of the ICB" not in icp


def test_worked_examples_name_who_bears_or_keeps_the_unshared_variance():
    icp = text("eastmoor-icp", "aco_contract")
    beyond = Decimal(118_000_000) * Decimal("0.01")  # 4% variance less the 3% corridor
    loss = paragraph(icp, "Example 2 (a loss of 4.00%)")
    gain = paragraph(icp, "Example 4 (a gain of 4.00%)")
    assert f"so the ICB, whose spend it is, bears it in full" in loss
    assert f"and the ICB bears the {money(beyond)} that is not shared" in loss
    assert f"and the ICB keeps the {money(beyond)} that is not shared" in gain
    assert "NHS Eastmoor Integrated Care Board, whose spend is the Shared Spend, bears the whole of it" in \
        paragraph(icp, "Any part of a Variance that falls outside the outermost corridor")


# --------------------------------------------------------------------------- 6. conditions that exist


def test_waiver_clause_names_only_conditions_in_the_schedule():
    icp = text("eastmoor-icp", "aco_contract")
    waiver = paragraph(icp, "The Co-ordinating Commissioner, with the agreement of every Commissioner, may waive")
    assert "if it still applies" not in waiver and "ISAP" not in waiver
    assert "about registration with the CQC may not be waived" in waiver
    pending = render(edited("eastmoor-icp", lambda d: d["assurance"].__setitem__("isap_complete", False)), "aco_contract")
    assert "about the ISAP and about registration with the CQC may not be waived" in pending
    assert "NHS England has confirmed in writing that the ISAP is complete" in pending


# --------------------------------------------------------------------------- 7. novation, automatic end, clause 11


def test_novation_is_subject_to_the_psr_and_ends_the_automatic_end():
    for body in [text("eastmoor-icp", "subcontract")] + [text("westmoor-lead-provider", "subcontract", s) for s in SUBS]:
        assert "nominates under clause" not in body
        award = paragraph(body, "where the Head Contract is ending or has been terminated")
        assert "Health Care Services (Provider Selection Regime) Regulations 2023" in award
        assert "Taking on this Sub-Contract is a new award by that person" in award
        assert paragraph(body, "Unless it has been novated under clause 29.4 before then, this Sub-Contract ends")
        assert paragraph(body, "Unless it has been novated under clause 29.4, this Sub-Contract ends automatically")


def test_exit_settles_only_what_clause_11_grants():
    east = paragraph(text("eastmoor-icp", "subcontract"), "The Integrated Care Provider must pay Eastmoor Hospitals for")
    assert "clause 11" not in east
    fed = paragraph(text("westmoor-lead-provider", "subcontract", "sub-gp-federation"),
                    "The Lead Provider must pay the Federation for Services properly provided")
    assert "under clause 11 (the Pass-Through Percentage of the Lead Provider Gain Share and incentive payments)" in fed


# --------------------------------------------------------------------------- 8-9. gain share maxima and shares


def test_pass_through_maxima_are_exact():
    trust_most = Decimal(28_000_000) * (Decimal(15) - Decimal(1)) / 100 * Decimal("0.5")  # £1,960,000
    for sub, pct in (("sub-gp-federation", "22.61"), ("sub-st-annes", "6.26"), ("sub-physiofirst", "11.13")):
        body = text("westmoor-lead-provider", "subcontract", sub)
        calc = paragraph(body, "Part 3 of Schedule 3 sets out the corridors")
        assert f"can never exceed {money(trust_most)} for any Contract Year" in calc
        assert f"therefore cannot exceed {money(trust_most * Decimal(pct) / 100)} for any Contract Year" in calc
        assert "capped under the Head Contract" not in body  # no cap: the most is the corridor share
    assert "£443,156" in text("westmoor-lead-provider", "subcontract", "sub-gp-federation")


def test_a_cap_that_binds_sets_the_maximum():
    def cap(d):
        d["funding"]["risk_share"]["caps"] = [{"partner_id": "westmoor-community", "max_amount": 1500000}]
        d["funding"]["risk_share"]["cap_applies_to"] = "gains_and_losses"
    fed = render(edited("westmoor-lead-provider", cap), "subcontract", "sub-gp-federation")
    calc = paragraph(fed, "Part 3 of Schedule 3 sets out the corridors")
    assert "capped under the Head Contract at £1,500,000 a year" in calc
    assert f"therefore cannot exceed {money(Decimal(1_500_000) * Decimal('0.2261'))}" in calc


def test_pass_through_shares_are_printed_exactly_and_add_up():
    shares = []
    for sub, pct in (("sub-gp-federation", "22.61"), ("sub-st-annes", "6.26"), ("sub-physiofirst", "11.13")):
        exact = Decimal(50) * Decimal(pct) / 100
        body = text("westmoor-lead-provider", "subcontract", sub)
        assert f"| Savings | 50.00% | {exact.normalize():f}% of the variance" in body or \
            f"| Savings | 50.00% | {exact:.2f}% of the variance" in body
        shares.append(exact)
    assert "5.565% of the variance" in text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "11.305% of the variance" in text("westmoor-lead-provider", "subcontract", "sub-gp-federation")
    assert sum(shares) == Decimal(20)  # 40% of the Trust's 50%


# --------------------------------------------------------------------------- 10. liability asymmetry


def test_liability_cap_asymmetry_is_express():
    for body in (text("eastmoor-icp", "subcontract"), text("westmoor-lead-provider", "subcontract", "sub-physiofirst")):
        mutual = paragraph(body, "The limit in clause 27.4 does not apply, for either Party, to:")
        assert mutual
        one_sided = paragraph(body, "The limit in clause 27.4 also does not apply to the following liabilities")
        assert "each of which runs in one direction only" in one_sided
        why = paragraph(body, "The Parties have agreed this asymmetry deliberately")
        assert "has no corresponding unlimited liability" in why and "clause 27.6(b)" in why
        assert paragraph(body, "Subject to clauses 27.5 and 27.6, the total liability of each Party")


# --------------------------------------------------------------------------- 11. no double payment


def test_services_moved_into_the_icp_contract_come_out_of_other_contracts():
    icp = text("eastmoor-icp", "aco_contract")
    general = paragraph(icp, "From the Service Commencement Date, the Services are commissioned and paid for only")
    assert "is removed from that other contract by variation with effect from the Service Commencement Date" in general
    named = paragraph(icp, "In particular, NHS Eastmoor Integrated Care Board also commissions services from "
                           "Eastmoor Hospitals NHS Foundation Trust")
    assert "must be excluded from that contract from 1 April 2027" in named
    cp = paragraph(icp, "NHS Eastmoor Integrated Care Board has confirmed to the Integrated Care Provider in writing")
    assert "or has been varied to remove them from that date" in cp
    sub = paragraph(text("eastmoor-icp", "subcontract"), "Eastmoor Hospitals must not claim or accept payment")
    assert "also provides services to NHS Eastmoor Integrated Care Board under a contract between them" in sub
    physio = paragraph(text("westmoor-lead-provider", "subcontract", "sub-physiofirst"),
                       "PhysioFirst must not claim or accept payment from any commissioner")
    assert "any variation needed to remove that service from that contract" in physio
