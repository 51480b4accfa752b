"""Findings of the fourth legal review (Eastmoor ICP and Westmoor), read from the BUILT text: each test builds a
sample (or a sample with one change) and checks the wording a lawyer relies on, with the figures recomputed here."""
from __future__ import annotations

from decimal import Decimal

from legal_support import deal_facts, del_, edited, money, paragraph, render, set_, text

EASTMOOR = "eastmoor-icp"


# --------------------------------------------------------------------------- 1. s9 in the heads of terms


def test_heads_of_terms_list_the_gain_loss_share_agreement_pairs_as_nhs_contracts():
    body = text(EASTMOOR, "heads_of_terms")
    status = paragraph(body, "Section 9 of the National Health Service Act 2006 applies arrangement by arrangement")
    # every NHS-contract pair of the Gain/Loss Share Agreement, including the ICB and Eastmoor Hospitals
    assert "between the ICB and each of the Integrated Care Provider and Eastmoor Hospitals (under the Gain/Loss " \
           "Share Agreement)" in status
    # tenth review: between the holder and the out-of-scope provider it moves no money, and the sub-contract between
    # them ends years before it, so it is not ancillary to that sub-contract: an ordinary contract between those two
    assert "between the Integrated Care Provider and Eastmoor Hospitals (under the Gain/Loss Share Agreement)" not in status
    assert "between the Integrated Care Provider and Eastmoor Hospitals, which pay each other nothing under it (each " \
           "settles its share with the commissioner), it is an ordinary contract" in status
    # why: ancillary to the arrangements for services between health service bodies
    assert "so it is ancillary to those arrangements and shares their status" in status
    assert "the ICB arranging services from Eastmoor Hospitals under its own contract for the services whose " \
           "spend is shared" in status
    # consistent with the documents table and with the governing-law paragraph
    row = next(line for line in body.splitlines() if line.startswith("Gain/Loss Share Agreement |"))
    assert "as between the ICB and each of the Integrated Care Provider and Eastmoor Hospitals, an NHS contract" in row
    assert "these Heads of Terms are not an arrangement for the provision of services, so they are not an NHS " \
           "contract" in body


def test_without_a_sub_contract_the_holder_and_the_out_of_scope_provider_are_not_an_nhs_pair():
    data = edited(EASTMOOR, set_(("contracting", "subcontracts"), []))
    body = render(data, "heads_of_terms")
    status = paragraph(body, "Section 9 of the National Health Service Act 2006 applies arrangement by arrangement")
    assert "between the ICB and each of the Integrated Care Provider and Eastmoor Hospitals (under the Gain/Loss " \
           "Share Agreement)" in status
    assert "between the Integrated Care Provider and Eastmoor Hospitals (under" not in status
    assert "between the Integrated Care Provider and Eastmoor Hospitals, which pay each other nothing under it" in status
    row = next(line for line in body.splitlines() if line.startswith("Gain/Loss Share Agreement |"))
    assert "as between the ICB and each of the Integrated Care Provider and Eastmoor Hospitals, an NHS contract" in row


# --------------------------------------------------------------------------- 2. who pays the ICP contract payment


def _payers(annual, components, contributions, pool_pct):
    """(direct part of each commissioner, pooled part, improvement pool held back from each, monthly instalments)."""
    pooled = sum(contributions.values())
    direct = {who: amount - contributions.get(who, 0) for who, amount in components.items()}
    parts = [a for a in direct.values() if a] + [pooled]
    assert sum(parts) == annual
    pool = annual * pool_pct / 100
    held = [(pool * a / annual).quantize(Decimal("0.01")) for a in parts]
    held[-1] = pool - sum(held[:-1])
    return direct, pooled, held


def _check_payers(body, icb_direct, pooled, icb_contribution, held):
    components = paragraph(body, "The Whole Population Annual Payment is paid as Part 1 of Schedule")
    assert f"For the first Contract Year, NHS Eastmoor Integrated Care Board pays {money(icb_direct)} directly" \
        in components
    assert f"Eastmoor Council, as host of the Eastmoor Integrated Care Pooled Fund, pays {money(pooled)} from that " \
           "fund" in components
    assert f"NHS Eastmoor Integrated Care Board funds the part of its Funded Part that it contributes to the Eastmoor " \
           f"Integrated Care Pooled Fund ({money(icb_contribution)} for the first Contract Year, as adjusted under " \
           "clause 12.6), and its liability to the Integrated Care Provider for that part is discharged by paying " \
           "that contribution into the fund under the section 75 agreement" in components
    assert "for the Whole Population Annual Payment only to the extent of its own Funded Part, paid as clauses 12.3 " \
           "and 12.4 provide" in paragraph(body, "The obligations and liabilities of the Commissioners")
    assert "Each Commissioner must pay the part payable by it under clause 12.3 (or, once clause 12.4 applies, under " \
           "that clause) in twelve" in body
    # improvement payments: each commissioner's share follows its Funded Part, paid by the route its part is paid
    improvement = paragraph(body, "The Commissioners must pay the amount earned")
    pool, annual = sum(held), Decimal(325_000_000)
    icb_share, council_share = pool * (icb_direct + icb_contribution) / annual, pool * Decimal(60_000_000) / annual
    assert icb_share + council_share == pool and held[0] + pool * icb_contribution / annual == icb_share
    assert f"the ICB would bear {money(icb_share)}, of which {money(held[0])} paid directly and " \
           f"{money(pool * icb_contribution / annual)} from the Eastmoor Integrated Care Pooled Fund; and the Council " \
           f"would bear {money(council_share)}, all paid from the Eastmoor Integrated Care Pooled Fund" in improvement
    for payer, amount, hold in (("NHS Eastmoor Integrated Care Board | directly", icb_direct, held[0]),
                                ("Eastmoor Council | from the Eastmoor Integrated Care Pooled Fund", pooled, held[1])):
        row = next(line for line in body.splitlines() if line.startswith(payer))
        net = amount - hold
        regular = (net / 12).quantize(Decimal("0.01"))
        last = net - regular * 11
        shown = f"twelve equal monthly instalments of {money(regular)}" if regular == last else \
            f"twelve monthly instalments, eleven of {money(regular)} and a twelfth of {money(last)}"
        assert f"| {money(amount)} | {money(hold)} | {shown}" in row, row
        assert regular * 11 + last + hold == amount  # worked check: the instalments and the pool make up the part
    instalments = paragraph(body, "On the figures for the first Contract Year")
    assert "the Council (from the Eastmoor Integrated Care Pooled Fund) twelve " in instalments
    assert "shared between the Commissioners in proportion to their parts" not in instalments


def test_icp_contract_names_who_pays_the_pooled_part():
    direct, pooled, held = _payers(Decimal(325_000_000), {"icb": Decimal(265_000_000), "council": Decimal(60_000_000)},
                                   {"icb": Decimal(20_000_000), "council": Decimal(60_000_000)}, Decimal(2))
    assert (direct["icb"], pooled, held) == (Decimal(245_000_000), Decimal(80_000_000),
                                             [Decimal(4_900_000), Decimal(1_600_000)])
    body = text(EASTMOOR, "aco_contract")
    _check_payers(body, direct["icb"], pooled, Decimal(20_000_000), held)
    # 14.11 adjusts only the part the ICB pays directly: the same figure
    assert f"that the ICB pays directly ({money(direct['icb'])} for the first Contract Year)" in body
    assert "(for the first Contract Year, £80,000,000: clause 12.3, made up of" in paragraph(body, "The payment for the Council Services is made from")


def test_icp_contract_payers_follow_the_pool_contributions():
    data = edited(EASTMOOR, set_(("funding", "pooled_funds", 0, "contributions", 0, "amount"), 30_000_000),
                  set_(("funding", "pooled_funds", 0, "total"), 90_000_000))
    direct, pooled, held = _payers(Decimal(325_000_000), {"icb": Decimal(265_000_000), "council": Decimal(60_000_000)},
                                   {"icb": Decimal(30_000_000), "council": Decimal(60_000_000)}, Decimal(2))
    assert (direct["icb"], pooled) == (Decimal(235_000_000), Decimal(90_000_000))
    body = render(data, "aco_contract")
    _check_payers(body, direct["icb"], pooled, Decimal(30_000_000), held)
    assert f"that the ICB pays directly ({money(direct['icb'])} for the first Contract Year)" in body


# --------------------------------------------------------------------------- 3. the s75 pool and the GLS agreement


def test_icp_contract_keeps_the_pool_and_the_gain_loss_share_agreement_in_force_with_a_fallback():
    body = text(EASTMOOR, "aco_contract")
    keep = paragraph(body, "The payment from the Eastmoor Integrated Care Pooled Fund depends on the agreement")
    assert "which is to be reviewed by 31 March 2028" in keep
    assert "must keep that agreement in force" in keep and "until this Contract ends" in keep
    assert "then from that date each of them that remains a Party must pay the Integrated Care Provider the whole of its Funded Part " \
           "directly" in keep
    assert f"the ICB {money(20_000_000)} and the Council {money(60_000_000)})" in keep
    assert "must each keep the Gain/Loss Share Agreement in force until every amount under it for the last Contract " \
           "Year (or part year) has been settled and paid" in body
    # tenth review: if the out-of-scope provider ends it early, the ICB takes its place in the share
    assert "the share that the Out-of-Scope Provider would have borne or received is borne or received by NHS Eastmoor " \
           "Integrated Care Board" in body


# --------------------------------------------------------------------------- 4. the head contract's lapse


def test_sub_contract_ends_when_the_icp_contract_lapses_at_its_longstop():
    body = text(EASTMOOR, "subcontract", "sub-community-diagnostics")
    ends = paragraph(body, "Unless it has been novated under clause 29.4 before then")
    assert "or lapses because its conditions precedent are not met by its longstop date (25 March 2027" in ends
    assert "ends automatically on the expiry, termination or lapse of the Head Contract" in body
    # a sub-contract under a head contract already in force (no conditions precedent) has nothing to lapse
    westmoor = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "lapse" not in westmoor.split("ends automatically", 1)[1][:400]


# --------------------------------------------------------------------------- 5. and 6. the Westmoor pass-through

WESTMOOR = "westmoor-lead-provider"


def test_heads_of_terms_show_the_pass_through_and_the_commissioner_keeps_the_rest():
    body = text(WESTMOOR, "heads_of_terms")
    share = body[body.index("Risk and gain share"):body.index("Incentive pool")]
    assert "each organisation keeps its own" not in share
    assert "beyond the corridors, variance is not shared and stays with the Commissioner" in share
    assert "any other gain stays with the Commissioner" in share
    # the Lead Provider's most: 50% of the gains from 1% to 15% of the £28m baseline
    most = Decimal(28_000_000) * (Decimal(15) - Decimal(1)) / 100 * Decimal("0.5")
    assert most == Decimal(1_960_000)
    pcts = {"the Federation": Decimal("22.61"), "St Anne's": Decimal("6.26"), "PhysioFirst": Decimal("11.13")}
    assert sum(pcts.values()) == Decimal(40)
    assert "the Lead Provider passes 40.00% of its share of any gain to its sub-contractors under their " \
           "sub-contracts" in share
    for who, pct in pcts.items():
        assert f"{who} {pct}% (at most {money((most * pct / 100).quantize(Decimal('0.01')))} a year)" in share
    assert f"so that the Lead Provider keeps 60.00% of its share (at most {money(most * 60 / 100)} a year)" in share


def test_sub_contract_pass_through_is_under_the_sub_contracts():
    body = text(WESTMOOR, "subcontract", "sub-physiofirst")
    assert "passes 40.00% of the Lead Provider Gain Share to its sub-contractors under its sub-contracts" in body
    assert "to its sub-contractors under the Head Contract" not in body


# --------------------------------------------------------------------------- 7. TUPE and pension indemnities outside the cap


def test_staff_transfer_indemnities_are_outside_the_liability_cap_both_ways():
    body = text(WESTMOOR, "subcontract", "sub-physiofirst")
    assert "limited to 100.00% of the Annual Contract Value" in paragraph(body, "Subject to clauses 27.5 and 27.6")
    exclusions = body[body.index("The limit in clause 27.4 does not apply, for either Party, to:"):
                      body.index("The limit in clause 27.4 also does not apply")]
    assert "the indemnities in Schedule 6 about the Transferring Staff, their employment, its termination and their " \
           "pensions, and about the transfer of staff when this Sub-Contract ends, whichever Party gives them" \
        in exclusions
    # a sub-contract with no staff transfer has no such carve-out
    other = text(WESTMOOR, "subcontract", "sub-st-annes")
    assert "Transferring Staff, their employment" not in other


# --------------------------------------------------------------------------- 8. drafting notes only where the terms leave the point open


def test_termination_grounds_note_only_for_grounds_the_clause_does_not_draft():
    assert "grounds for ending the arrangements as a whole" not in text(WESTMOOR, "subcontract", "sub-physiofirst")
    data = edited(WESTMOOR, lambda d: d["exit"]["termination_triggers"].append("Change of control of the Lead Provider"))
    body = render(data, "subcontract", "sub-physiofirst")
    note = body[body.index("grounds for ending the arrangements as a whole"):][:400]
    assert "“Change of control of the Lead Provider”." in note
    assert "Loss of CQC registration" not in note and "Insolvency of the subcontractor" not in note


def test_set_prices_note_only_while_a_price_is_open():
    assert "Set prices so that" not in text(EASTMOOR, "subcontract", "sub-community-diagnostics")
    data = edited(EASTMOOR, del_(("contracting", "subcontracts", 0, "specifications", 0, "price")))
    assert "Set prices so that the Indicative Activity" in render(data, "subcontract", "sub-community-diagnostics")


def test_funded_part_not_the_amount_paid_over_measures_reductions_and_caps():
    """Fifth review: the Council pays £80m from the pool but funds £60m (the ICB funds £265m, paying £245m itself).
    A council's exit reduces the payment by what it funds, and each commissioner's liability cap is measured on
    what it funds, so NHS money paid through the pool is not lost with the council's services."""
    icp = text("eastmoor-icp", "aco_contract")
    facts = deal_facts("eastmoor-icp")
    parts = facts.payment_parts()
    funded = {who.id: amount for who, amount in parts.funded}
    assert funded == {"eastmoor-icb": 265_000_000, "eastmoor-council": 60_000_000}
    assert sum(funded.values()) == parts.total == sum(p.amount for p in parts.parts)
    definition = paragraph(icp, "The Whole Population Annual Payment is paid as Part 1 of Schedule")
    assert ("(its “Funded Part”), whether it pays that part itself or through a pooled fund, is for the first "
            f"Contract Year: NHS Eastmoor Integrated Care Board {money(265_000_000)} and Eastmoor Council "
            f"{money(60_000_000)}") in definition
    assert "is reduced by that council's Funded Part (and not by what it pays over" in paragraph(
        icp, "On a partial termination under clause")
    assert "calculated by reference to its own Funded Part" in icp
    pooled = paragraph(icp, "The payment for the Council Services is made from")
    assert (f"(for the first Contract Year, {money(80_000_000)}: clause 12.3, made up of {money(20_000_000)} contributed by NHS Eastmoor "
            f"Integrated Care Board for services it commissions that the fund pays for and {money(60_000_000)} contributed "
            "by Eastmoor Council for the Council Services it commissions)") in pooled


def test_icp_contract_pool_fallback_later_years_and_exit_count_each_funded_part_once():
    """Re-checks of the fifth review: after the pool fallback (12.4) each commissioner pays its whole Funded Part
    directly (its pooled contribution is part of it, not added to it); later years adjust each Funded Part and
    total them; the annual notice states the split; a council leaving part-way is counted once, by days."""
    body = text(EASTMOOR, "aco_contract")
    fallback = paragraph(body, "The payment from the Eastmoor Integrated Care Pooled Fund depends on")
    assert "(or the fund's host ceases to be a Party under clause 30.5), then from that date each of them that remains a " \
           "Party must pay the Integrated Care Provider the whole of its Funded Part directly" in fallback
    assert "(for the first Contract Year, the ICB £20,000,000 and the Council £60,000,000) is then paid directly as " \
           "part of its Funded Part, and not in addition to it" in fallback
    later = paragraph(body, "The adjustments under clause 12.5 are made to each Commissioner's Funded Part")
    assert "the Whole Population Annual Payment for a later Contract Year is the total of the Funded Parts so " \
           "adjusted" in later
    assert "contribution to a pooled fund towards the Whole Population Annual Payment changes in the same proportion " \
           "as its Funded Part changes" in later and "the part it pays directly is the rest of its Funded Part" in later
    assert "stating each Commissioner's Funded Part for that year, the part of it that the Commissioner pays directly " \
           "and the part paid from each pooled fund" in paragraph(body, "The Co-ordinating Commissioner must notify")
    improvement = paragraph(body, "The Commissioners must pay the amount earned")
    assert "each Funded Part counted only for the days for which it is payable" not in improvement
    assert "is the total of the Funded Parts, each counted only for the days for which it is payable, and each " \
           "Commissioner's share is its Funded Part so counted divided by that total" in improvement
    exit_ = paragraph(body, "On a partial termination under clause 30.5")
    assert "continues as part of that Commissioner's Funded Part, which it pays directly as clause 12.4 provides" in exit_
    hot = text(EASTMOOR, "heads_of_terms")
    [incentive] = [line for line in hot.splitlines() if "Incentive pool:" in line]
    assert "paid to the Integrated Care Provider to the extent it meets them, each commissioner bearing the " \
           "improvement payments in proportion to the part of the contract payment it funds" in incentive
    assert "partner responsible for each measure" not in incentive


def test_icp_contract_fund_contribution_default_mid_year_switch_uplift_per_part_and_caps_printed():
    """Third re-check: a contributor that does not pay into the fund pays directly; instalments after the pool
    fallback; each Funded Part's own uplift with the population change once; caps per commissioner printed and the
    heads of terms agreeing."""
    body = text(EASTMOOR, "aco_contract")
    components = paragraph(body, "The Whole Population Annual Payment is paid as Part 1 of Schedule")
    assert "If, when a monthly instalment from the fund falls due, NHS Eastmoor Integrated Care Board has not paid " \
           "into the fund the contribution needed for it (the share of that instalment that its contribution funds), " \
           "it must pay that amount to the Integrated Care Provider directly within " \
           "five Business Days, and the amount payable from the fund is reduced by the same amount." in components
    fallback = paragraph(body, "The payment from the Eastmoor Integrated Care Pooled Fund depends on")
    assert "each monthly instalment due from that date is one twelfth of its Funded Part for the Contract Year less " \
           "one twelfth of its share of the Improvement Pool (clause 13.6)" in fallback
    uplift = paragraph(body, "For each later Contract Year the Whole Population Annual Payment is uplifted")
    assert "the ICB's Funded Part by the percentage growth in the ICB's core revenue allocation from NHS England for " \
           "the year; and the Council's Funded Part by the percentage growth in the Council's core spending power" in uplift
    assert "The change in the size of the Population is applied once only, under paragraph 6" in uplift
    assert "registered population" not in paragraph(body, "The Whole Population Annual Payment for each later")
    later = paragraph(body, "The adjustments under clause 12.5 are made to each Commissioner's Funded Part")
    assert "changes under paragraphs (a) and (b) of clause 12.5, and by the amount of any change under paragraph (c) " \
           "to Services paid for from that fund (and not otherwise)" in later
    caps = [money(Decimal(amount) * 20 / 100) for amount in (265_000_000, 60_000_000)]
    assert f"its own Funded Part (for the first Contract Year, the ICB {caps[0]} and the Council {caps[1]})" in \
        paragraph(body, "Subject to clause 32.3, the total liability of each Party")
    hot = text(EASTMOOR, "heads_of_terms")
    assert f"for the first year, the ICB {caps[0]} and the Council {caps[1]})" in paragraph(hot, "Liability: capped")
    assert "| Amount, first Contract Year | Of which Improvement Pool |" in body


def test_sixth_review_warnings_shared_amounts_cap_period_and_pre_commencement_duties():
    """Sixth review, warnings: amounts withheld, deducted or paid together are split by Funded Part and route; the
    cap covers events between signature and go-live; the duties due before go-live apply from the Effective Date."""
    body = text(EASTMOOR, "aco_contract")
    shared = paragraph(body, "An amount that this Contract withholds from or deducts from the Whole Population")
    assert "(including under clauses 23.4 and 30.4, but not an adjustment under clause 14.11, which clause 14.11 " \
           "allocates), is shared between the Commissioners in proportion to their Funded Parts for the Contract Year " \
           "concerned" in shared
    # eighth review: a step-in reduction follows the costs, not the Funded Parts
    assert "A reduction under clause 24.4 is made instead to the instalments of the Commissioners that bore the costs " \
           "concerned, in proportion to the costs each bore." in shared
    assert paragraph(body, "If the Integrated Care Provider fails to agree or to carry out a Remedial Action Plan"
                     ).startswith("23.4")
    assert "events occurring from the Effective Date until the Service Commencement Date are treated as occurring in " \
           "the first Contract Year" in paragraph(body, "Subject to clause 32.3, the total liability of each Party")
    effective = paragraph(body, "The following provisions apply from the Effective Date")
    assert "29 (disputes), 32 (liability), 33 (confidentiality) and 42 (notices)" in effective
    assert "any other provision so far as it requires something to be done before the Service Commencement Date" \
        in effective
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "Events occurring before the first Contract Year starts on 1 April 2026 (from the date of this " \
           "Sub-Contract) are treated, for this clause, as occurring in the first Contract Year." in \
        paragraph(physio, "Subject to clauses 27.5 and 27.6, the total liability of each Party")


def test_gain_loss_baseline_follows_the_commissioners_funded_part_and_capped_shares_have_a_home():
    """Sixth review, warning: the Shared Spend Baseline was adjusted 'on the same basis as the WPAP' (now two uplift
    rates), and nothing said who bears or keeps a share above a cap once the baseline grows past the fixed caps."""
    body = text(EASTMOOR, "aco_contract")
    baseline = paragraph(body, "The baseline for the Shared Spend for the first Contract Year")
    assert "on the same basis as the Funded Part of the ICB under clause 12.6 (its own uplift and the change in the " \
           "size of the Population, but not a change to the Services)" in baseline
    caps = paragraph(body, "The total amount that an organisation may pay, or receive, under the Gain/Loss Share")
    assert "passes to the organisations sharing in the same corridor that have no cap, in proportion to their " \
           "shares, and, if each of them has a cap, is borne or kept by the ICB, whose spend is the Shared Spend" in caps


def test_seventh_review_icp_and_sub_contract_warnings():
    """Seventh review: a gain/loss share settled after the last instalment is paid directly; 12.8 does not split
    the gain/loss adjustment; every sub-contract's cap covers events before its first Contract Year; the pension
    longstop moves with a postponed Transfer Date."""
    body = text(EASTMOOR, "aco_contract")
    flows = paragraph(body, "The share of the Integrated Care Provider in a gain or loss is settled only")
    assert "if no instalment remains (after the last Contract Year, or when this Contract ends early), the party " \
           "that owes the amount pays it to the other directly within twenty Business Days after it is settled" in flows
    assert "but not an adjustment under clause 14.11, which clause 14.11 allocates" in paragraph(
        body, "An amount that this Contract withholds from or deducts from the Whole Population")
    for sample, doc_id in ((EASTMOOR, None), ("westmoor-lead-provider", "sub-gp-federation"),
                           ("westmoor-lead-provider", "sub-st-annes")):
        sub = text(sample, "subcontract", doc_id) if doc_id else text(sample, "subcontract")
        assert "(from the date of this Sub-Contract) are treated, for this clause, as occurring in the first " \
               "Contract Year." in sub, doc_id
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "no later than twenty-eight days before the Transfer Date (the “Pension Longstop Date”: 4 March 2026 on the " \
           "planned Transfer Date, and correspondingly later if the Transfer Date is postponed under this " \
           "Sub-Contract)" in physio


def test_the_lgps_pass_through_survives_is_outside_the_cap_and_runs_both_ways():
    """Re-check of the seventh review's fixes: 2.8 limits a commissioner's WPAP liability only, so the Council's
    pension payments stand; they survive its partial exit and do not count towards its cap; a shortfall is paid
    back by the provider."""
    body = text(EASTMOOR, "aco_contract")
    assert "its obligations under paragraph 4 of Schedule 7, which continue" in paragraph(
        body, "On a partial termination under clause 30.5")
    # the payment obligations outside the cap are named by clause: "the payment clauses" was undefined
    assert "of amounts due under clause 12, clause 13, clause 14 or under paragraph 4 of Schedule 7, does not count " \
           "towards the limit" in paragraph(body, "Subject to clause 32.3, the total liability of each Party")
    assert "where they fell short of it, the Integrated Care Provider pays Eastmoor Council the difference within " \
           "thirty days after the quarter ends" in body


def test_eighth_review_lead_provider_incentive_pool_is_inside_the_contract_value():
    """Eighth review: the Westmoor heads of terms said the £4.2m pool was funded in addition to the contract values
    (alliance wording), while the sub-contracts treat it as part of the £42m head contract value at risk."""
    hot = text("westmoor-lead-provider", "heads_of_terms")
    pool = paragraph(hot, "Incentive pool:")
    assert "part of the contract value and not in addition to it (payable only as earned)" in pool
    assert "in addition to the contract values" not in pool and "in each year the risk share applies" not in pool


def test_eighth_review_transfer_date_moves_with_the_start_and_the_pool_lasts_until_its_last_payment():
    """Eighth review, warnings: the Transfer Date (and so the 28-day employee information and the LGPS admission)
    was fixed at 1 April when the start can be postponed; the s75 agreement had to last only until the contract
    ended, though the last year's improvement payment falls due from the pool after that."""
    body = text(EASTMOOR, "aco_contract")
    assert "“Transfer Date” means the date on which the Transferring Employees transfer to the Integrated Care " \
           "Provider, which is the date set out for them in Part 1 of Schedule 8 or, if the start of the Services in " \
           "which they are employed is postponed under clause 4, the date on which those Services start" in body
    keep = paragraph(body, "The payment from the Eastmoor Integrated Care Pooled Fund depends on")
    assert "until this Contract ends and every amount payable from the fund under this Contract (including " \
           "improvement payments under clause 13.6 for the last Contract Year) has been paid" in keep


# --------------------------------------------------------------------------- tenth review (ICP and lead provider)


def test_heads_of_terms_say_what_the_liability_caps_do_not_cover():
    """Tenth review, ERROR: the heads of terms told boards liability was capped, leaving out the council's uncapped
    LGPS pass-through under the ICP contract and each sub-contractor's uncapped liability for amounts withheld under
    the head contract (and PhysioFirst's staff-transfer indemnities)."""
    eastmoor = paragraph(text(EASTMOOR, "heads_of_terms"), "Liability: capped at 20%")
    assert "nor do the payments the Council makes to the Integrated Care Provider under the pension pass-through (any " \
           "rise in the employer contribution rate for the transferred staff, and any deficit when the admission " \
           "agreement ends), which are not capped" in eastmoor
    assert "In the sub-contract the sub-contractor's liability for any amount the commissioner withholds from, or " \
           "recovers from, the Integrated Care Provider under the head contract because of the sub-contractor's breach " \
           "is not capped." in eastmoor
    westmoor = paragraph(text(WESTMOOR, "heads_of_terms"), "Liability: capped at 100%")
    assert "In each sub-contract the sub-contractor's liability for any amount the commissioner withholds" in westmoor
    assert "and nor are the staff-transfer and pension indemnities in the sub-contract with PhysioFirst." in westmoor
    # the sub-contract says the same
    assert "the indemnities in Schedule 6 about the Transferring Staff" in text(WESTMOOR, "subcontract", "sub-physiofirst")


def test_lead_provider_heads_of_terms_show_who_bears_the_incentive_money_at_risk():
    """Tenth review, ERROR: 'distributed to the partner responsible for each measure' hid that the Trust bears the
    whole £4.2m at risk while sub-contractors receive their measures' payments on top of fixed contract values."""
    line = paragraph(text(WESTMOOR, "heads_of_terms"), "Incentive pool:")
    assert "paid to the Lead Provider as earned; the Lead Provider bears the whole amount at risk, since no " \
           "sub-contract payment is reduced if a measure is missed" in line
    pool = Decimal(42_000_000) * 10 / 100
    for who, measure, weight in (("the Federation", "Care-home ambulance conveyances", 25),
                                 ("St Anne's", "Death in preferred place", 15), ("PhysioFirst", "MSK waiting times", 25)):
        assert f"{who}: {measure}, {weight}%, up to {money(pool * weight / 100)}" in line
    assert f"it keeps the payments for its own measures (35% of the pool, up to {money(pool * 35 / 100)})" in line


def test_icp_heads_of_terms_list_every_document_and_no_ancillary_status_for_the_sub_contract_pair():
    """Tenth review: the documents table left out the integration agreements and the LGPS admission agreement, all
    conditions precedent of the ICP contract."""
    rows = [line for line in text(EASTMOOR, "heads_of_terms").splitlines() if " | " in line]
    gp = next(r for r in rows if r.startswith("GP Integration Agreement |"))
    assert "a condition to be met before services start" in gp
    la = next(r for r in rows if r.startswith("Local Authority Integration Agreement |"))
    assert "no money passes under it" in la
    lgps = next(r for r in rows if r.startswith("Local Government Pension Scheme admission agreement |"))
    assert "the Integrated Care Provider, the fund's administering authority and the Council (the employer whose staff " \
           "transfer)" in lgps and "with the pension risk passed through to the Council" in lgps
    icp = text(EASTMOOR, "aco_contract")
    assert "No money passes under it between the council concerned and the Integrated Care Provider" in icp


def test_icp_contract_council_rights_and_national_form():
    """Tenth review: the s79 authorisation's withdrawal needed a variation; national variations affecting council
    functions needed only consultation; the contract claimed to be 'based on' the national form; 'which the terms
    call' was tool text; the Effective Date was fixed although the contract is dated on signature."""
    icp = text(EASTMOOR, "aco_contract")
    assert "may be varied or withdrawn by the council by notice to the Integrated Care Provider, taking effect on the " \
           "date the notice gives" in icp
    assert "No variation under clause 27 is needed" in icp and "as an adjustment under clause 12.5" in icp
    assert "may apply it to that extent only with the consent of the council concerned, which must not be " \
           "unreasonably withheld" in icp
    assert "is based on" not in icp and "the terms call" not in icp
    assert "“Effective Date” means 22 February 2027 or, if later, the date on which the last Party signs this Contract" \
        in icp


def test_nhs_sub_contract_uses_nhs_body_definitions_and_its_own_price_index():
    """Tenth review: an NHS foundation trust sub-contractor got company definitions (Insolvency Act s123, Corporation
    Tax Act s1124); the commissioner's rights were 'direct' under an NHS contract that gives none; prices followed a
    per-commissioner payment uplift that also funds growth; the schedule said the ICP conditions were incorporated by
    reference."""
    sub = text(EASTMOOR, "subcontract", "sub-community-diagnostics")
    assert "“Change of Control” means a merger, acquisition, separation or dissolution of Eastmoor Hospitals " \
           "(including a transaction under any of sections 56 to 56B of the National Health Service Act 2006)" in sub
    assert "section 123 of the Insolvency Act" not in sub and "trust special administrator" in sub
    assert "the Commissioner directly" not in sub
    assert "must give the Integrated Care Provider the same right, to be exercised for the Commissioner as clause 40.2 " \
           "provides" in sub
    assert "adjusted by the cost uplift factor, less the efficiency factor, published for that year in the NHS Payment " \
           "Scheme" in sub
    assert "incorporated into it by reference" not in sub
    # a company sub-contractor keeps the company definitions
    physio = text(WESTMOOR, "subcontract", "sub-physiofirst")
    assert "section 1124 of the Corporation Tax Act 2010" in physio


def test_heads_of_terms_record_approvals_already_given():
    """Tenth review: heads of terms dated 30 January 2026 set 'target dates' of 22 and 27 January for approving the
    final documents."""
    rows = text(WESTMOOR, "heads_of_terms").splitlines()
    assert "the Commissioner | Board | Given on 22 January 2026" in rows
    assert "the Federation | Board of Directors | By 10 February 2026" in rows


def test_twelfth_review_pension_deficit_payee_and_cap_summaries():
    """Twelfth review, ERROR: the ICP contract said the council pays the LGPS deficit without saying to whom (the exit
    payment is the admission body's debt to the fund). Warnings: the heads of terms' cap summary borrowed the
    sub-contract's clinical-negligence carve-out and left out the provider's own cap; Westmoor's 'annual contract
    value' did not say which contract; sub-contract gain-share and incentive payments counted towards the cap."""
    icp = text(EASTMOOR, "aco_contract")
    assert "The exit payment certified by the fund actuary on the termination of the admission agreement is a debt of " \
           "the Integrated Care Provider to the fund; Eastmoor Council must pay the Integrated Care Provider an amount " \
           "equal to it (or, at the request of the Integrated Care Provider, pay it to the administering authority on " \
           "its behalf), less any part of it that the Integrated Care Provider bears under this paragraph" in icp
    eastmoor = paragraph(text(EASTMOOR, "heads_of_terms"), "Liability: capped at 20%")
    assert f"The cap on the liability of the Integrated Care Provider is 20% of the whole contract payment " \
           f"({money(65_000_000)} for the first year)." in eastmoor
    assert "nor, in the sub-contract, the indemnities for claims by service users for clinical negligence" in eastmoor
    westmoor = paragraph(text(WESTMOOR, "heads_of_terms"), "Liability: capped at 100%")
    assert "In each sub-contract the cap is 100% of that sub-contract's own annual value (the Federation £6,500,000; " \
           "St Anne's £1,800,000; PhysioFirst £3,200,000), and the lead provider's obligation to pay for the services, " \
           "and to pay a sub-contractor its share of the gain share or the incentive payments passed through to it, is " \
           "outside it." in westmoor  # twenty-first review: the pass-through payments are outside the cap too
    physio = text(WESTMOOR, "subcontract", "sub-physiofirst")
    assert "the obligation of the Lead Provider to pay for the Services and to pay any amount due to PhysioFirst under " \
           "clause 11 (liabilities of the Lead Provider only)" in physio
    assert "subject to the limits on liability in this Sub-Contract" not in physio


def test_thirteenth_review_icp_and_sub_contract_tidy():
    """Thirteenth review (no error left in these packs): the Gain/Loss Share Agreement's commissioner is named (the
    co-ordinating role can move); the council, a party to the LGPS admission agreement, shares that condition; the
    deficit payment has its own deadline; a sub-contract with nothing payable under clause 11 does not say so."""
    icp = text(EASTMOOR, "aco_contract")
    assert "an agreement with the Out-of-Scope Provider and NHS Eastmoor Integrated Care Board that gives effect" in icp
    assert "(responsibility: the Integrated Care Provider and the council concerned, which is a party to it)" in icp
    assert "less any part of it that the Integrated Care Provider bears under this paragraph, within thirty days after " \
           "the exit payment is certified" in icp
    diagnostics = text(EASTMOOR, "subcontract", "sub-community-diagnostics")
    assert "the obligation of the Integrated Care Provider to pay for the Services (a liability of the Integrated Care " \
           "Provider only)" in diagnostics


def test_twenty_first_review_sub_contract_cap_band_shares_and_integration_condition():
    """Twenty-first review, warnings in the ICP and lead-provider packs: the sub-contract's cap clause said the lead
    provider's liability is 'always subject to the limit' apart from paying for the services, against its own
    exclusions; the pass-through share column read as a share of the whole variance; a sub-licence clause began in
    lower case; the council integration agreement condition named only the provider as responsible."""
    federation = text(WESTMOOR, "subcontract", "sub-gp-federation")
    asymmetry = paragraph(federation, "The Parties have agreed this asymmetry deliberately.")
    assert "always subject to the limit" not in asymmetry
    assert "its liability to the Federation is subject to the limit except as clauses 27.5 and 27.6 provide" in asymmetry
    assert "| 11.305% of the variance within the band" in federation
    assert "26.4  The Federation grants to the Lead Provider the right to sub-license" in federation
    icp = text(EASTMOOR, "aco_contract")
    assert "the Local Authority Integration Agreement (with Eastmoor Council, for housing-related support services) has " \
           "been signed by all parties to it (responsibility: the Integrated Care Provider and the Council);" in icp
