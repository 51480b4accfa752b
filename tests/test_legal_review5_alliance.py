"""Findings of the fourth legal review (alliance agreements: Northvale and Riverbend), read from the BUILT text
(the samples, and edited variants where the wording depends on the terms). Figures are recomputed here."""
from __future__ import annotations

import re
from decimal import Decimal

from legal_support import del_, deal_facts, edited, money, paragraph, pounds, render, set_, text

import acscontracts
from acscontracts.facts import money as money_facts

RB = "riverbend-system"
NV = "northvale-alliance"
AA = "alliance_agreement"
HOT = "heads_of_terms"
WEST = 1  # index of riverbend-west among Riverbend's alliances
PLACES = ("riverbend-west", "riverbend-central", "riverbend-east")


def _rs(i):
    return ("contracting", "alliances", i, "funding", "risk_share")


# 1: the Cap limits the allocated share, not the net settlement ------------------------------------------------

def test_cap_limits_the_allocated_share_not_the_net_settlement():
    for sample, doc_id in ((RB, "riverbend-west"), (RB, "riverbend-central"), (RB, "riverbend-east"), (NV, None)):
        body = text(sample, AA, doc_id)
        definition = next(line for line in body.splitlines() if line.strip().startswith("“Cap” means"))
        assert "allocated share of the losses" in definition and "net settlement amount can be higher" in definition
        assert "may be required to pay" not in body
        caps = paragraph(body, "The allocated share of each Partner listed below in the losses shared under this clause")
        assert "not the net amount it settles" in caps
        # the worked settlement: a capped partner whose net amount exceeds its cap is explained, to the penny
        result = paragraph(body, "After settlement,")
        for who, net, cap in re.findall(r"(\S[^.]*?)'s net amount of (£[\d,.]+) is more than its Cap of (£[\d,.]+)",
                                         result):
            share = re.search(re.escape(who) + r"'s net amount.*?allocated share \((£[\d,.]+)\), and the rest of its "
                              r"net amount \((£[\d,.]+)\)", result)
            assert pounds(net) > pounds(cap) == pounds(share.group(1))
            assert pounds(share.group(2)) == pounds(net) - pounds(cap)
    west = paragraph(text(RB, AA, "riverbend-west"), "After settlement,")
    # West Federation: own underspend £800,000 pooled, capped share £150,000 -> net £950,000 payable
    assert "West Federation's net amount of £950,000 is more than its Cap of £150,000" in west
    assert "the rest of its net amount (£800,000) is its own underspend pooled in the settlement" in west
    nv = paragraph(text(NV, AA), "After settlement,")
    assert "NCMH's net amount of £5,400,000 is more than its Cap of £3,000,000" in nv
    hot = text(RB, HOT)
    assert "a cap limits the organisation's allocated share of the shared amount, not the net amount it settles" in hot


# 2: one rule for the excess above a Cap: it passes to the uncapped partners only -----------------------------

def test_excess_above_a_cap_passes_only_to_the_uncapped_partner():
    """A loss of 1% of the West baseline (£2,400,000) binds only West Federation's cap: the £30,000 above it goes to
    the ICB alone; the Community Trust and Westriver, below their caps, keep their plain shares."""
    facts = deal_facts(RB)
    west = facts.terms.contracting.alliances[WEST]
    ex = money_facts.worked_example(facts.terms, west.funding.risk_share, "loss", Decimal(1))
    got = {a.partner.id: a.final for a in ex.allocations}
    assert got == {"riverbend-icb": Decimal("1230000.00"), "riverbend-cmh": Decimal("600000.00"),
                   "westriver-hospitals": Decimal("420000.00"), "west-gp-federation": Decimal("150000.00")}
    body = text(RB, AA, "riverbend-west")
    excess = paragraph(body, "Any loss that a Partner would otherwise bear above its Cap")
    assert "passes only to the Risk Share Partners that have no Cap" in excess
    assert "in proportion to their shares in the relevant Corridor" not in body
    assert "Deadband" not in body  # 19.6: there is no deadband
    bearer = paragraph(body, "The ICB has no Cap, so it bears every loss")
    assert "the ICB would bear £2,750,000 instead of its 50.00% share of £2,400,000, because £350,000" in bearer
    hot = text(RB, HOT)
    assert "losses above a cap pass to the ICB, whose share is not capped (and no part of them passes to an " \
           "organisation that has a cap)" in hot


def test_excess_with_a_cap_that_does_not_bind_stays_off_that_partner():
    """Edited: the Community Trust's cap raised to £1,500,000 so that at the 2% example only Westriver and West
    Federation are held to their caps. The excess (£40,000 + £210,000) goes to the ICB only, and the text agrees."""
    data = edited(RB, set_(_rs(WEST) + ("caps", 0, "max_amount"), 1500000))
    body = render(data, AA, "riverbend-west")
    loss = Decimal(240_000_000) * 2 / 100
    shares = {"ICB": Decimal(50), "CT": Decimal(25), "WR": Decimal("17.5"), "WF": Decimal("7.5")}
    gross = {k: loss * v / 100 for k, v in shares.items()}
    excess = (gross["WR"] - 800_000) + (gross["WF"] - 150_000)
    icb = gross["ICB"] + excess
    bearer = paragraph(body, "The ICB has no Cap, so it bears every loss")
    assert f"the ICB would bear {money(icb)} instead of its 50.00% share of {money(gross['ICB'])}, because " \
           f"{money(excess)} would pass to it" in bearer
    example = paragraph(body, "Example 1 (a loss of 2.00%)")
    assert f"the ICB bears {money(icb)}, the Community Trust bears {money(gross['CT'])}" in example


# 3: the host's recharge is an s9 arrangement ------------------------------------------------------------------

def test_host_recharge_makes_nhs_contract_pairs_and_powers_are_real():
    for sample, doc_id, start in ((RB, "acute-collaborative", "RUH recharges"), (NV, None, "NCMH recharges")):
        body = text(sample, AA, doc_id)
        recharge = paragraph(body, start)
        assert "are therefore an NHS Contract Pair, and this Agreement as a whole is an NHS contract between them" in \
            recharge
        assert "may be referred to the Secretary of State" in recharge
        assert "not an arrangement under which" not in body and "is therefore not an NHS Contract Pair" not in body
        assert "is a sharing of the costs of their joint work" not in body
        # 9: no "arrangements between health service bodies" as a power
        assert "arrangements between health service bodies under the National Health Service Act 2006" not in body
    nv = paragraph(text(NV, AA), "Each Partner pays its share to the Host Partner")
    assert "Eastport Trust, its powers under Schedule 4 to the National Health Service Act 2006" in nv
    assert "NHFT and SUHFT, section 47 of the National Health Service Act 2006" in nv
    west = paragraph(text(RB, AA, "riverbend-west"), "Each Partner pays its share to the Host Partner")
    assert "the County Council, section 76 of the National Health Service Act 2006" in west


# 4: the system forum is outside the documents; the envelope is the ICB's ---------------------------------------

def test_system_forum_is_not_a_joint_committee_and_the_icb_sets_the_envelope():
    hot = text(RB, HOT)
    forum = paragraph(hot, "The Riverbend System Partnership Board")
    assert "non-statutory forum" in forum and "(a joint committee)" not in hot
    assert "it is not a joint committee" in forum
    assert "West Federation, Central Federation and East Federation are neither" in forum
    assert "is a decision of the ICB as the holder of the system allocation" in forum
    assert "are decided by the ICB as the holder of the system allocation" in hot
    for doc_id in PLACES + ("acute-collaborative",):
        uplift = paragraph(text(RB, AA, doc_id), "For each later Financial Year, the Financial Envelope is adjusted")
        assert "is a decision of the ICB" in uplift and "advises only" in uplift
        assert "The Board must agree the adjusted figure" not in uplift
        assert "The Board does not agree the Financial Envelope" in uplift

    # a single alliance: its Board only recommends; the ICB decides, through the Service Contracts' values
    uplift = paragraph(text("northvale-alliance", AA), "For each later Financial Year, the Financial Envelope is adjusted")
    assert "The Board must recommend the adjusted figure before the start of the year. The adjusted Financial " \
           "Envelope is a decision of the ICB, as the holder of the allocation from which it is funded" in uplift
    assert "takes effect through the values of the Service Contracts; the Board does not bind any Partner to it" in uplift
    # the first Financial Plan is prepared when the Board first meets, not before it exists
    assert "Before the start of each Financial Year after the first (and, for the first Financial Year, at its first " \
           "meeting) the Board must prepare a financial plan" in text("northvale-alliance", AA)


# 5: the ending trigger follows the agreement's own minimum ----------------------------------------------------

def test_fewer_than_trigger_follows_the_agreements_own_size():
    collaborative = text(RB, AA, "acute-collaborative")
    assert "fewer than two Partners remain" in collaborative and "place alliance" not in collaborative.lower().split(
        "ends on the date stated")[1][:600]
    for doc_id in PLACES:
        body = text(RB, AA, doc_id)
        ends = body[body.index("ends on the date stated"):][:700]
        assert "fewer than three Partners remain" in ends and "of its members" not in ends
    # edited: a four-member minimum in a five-party place alliance and the three-party collaborative
    data = edited(RB, set_(("exit", "termination_triggers", 1), "A place alliance ends when fewer than four of its "
                                                                  "members remain"))
    assert "fewer than four Partners remain" in render(data, AA, "riverbend-west")
    assert "fewer than two Partners remain" in render(data, AA, "acute-collaborative")


# 6: the incentive pool is pro-rated for a part year like the risk share --------------------------------------

def test_incentive_pool_is_pro_rated_for_the_part_year():
    facts = deal_facts(RB)
    for i, doc_id in enumerate(PLACES, start=1):
        alliance = facts.terms.contracting.alliances[i]
        pool = alliance.funding.incentives.pool_amount
        py = facts.part_years(alliance.funding.risk_share)[0]
        assert (py.numerator, py.denominator) == (6, 12)
        expected = money(Decimal(pool) * 6 / 12)
        body = text(RB, AA, doc_id)
        clause = paragraph(body, "For each Financial Year in which the Risk Share applies, an incentive pool")
        assert "the annual amount multiplied by 6 and divided by 12, which is " + expected in clause
    hot = text(RB, HOT)
    assert "a year (pro-rated by 6/12 for the part year 1 October 2026 to 31 March 2027, like the risk share: " \
           "£1,500,000)" in hot


# 7, 8, 10: escalation forums, proceeding without a Partner, no risk-share wording without a risk share ---------

def test_escalation_conditions_and_no_risk_wording():
    west = text(RB, AA, "riverbend-west")
    collaborative = text(RB, AA, "acute-collaborative")
    assert "| Alliance Manager and the Partner's lead officer |" in west and "Place Director" not in west
    assert "| Collaborative Manager and the Partner's lead officer |" in collaborative
    assert "Programme Director" not in collaborative
    for body in (text(NV, AA), west):
        lapse = paragraph(body, "If the Conditions have not all been satisfied or waived by the Conditions Longstop Date")
        assert "every other Partner has agreed in writing to proceed without a Partner whose Condition has not " \
               "been satisfied" in lapse
    assert "with shared financial risk" not in collaborative
    assert "shares no financial risk between the Partners" in paragraph(collaborative, "The Collaborative works")
    assert "(which shares no financial risk between them)" in paragraph(collaborative, "The Partners have agreed to")
    assert "with shared financial risk" in west


def test_the_settlement_variations_are_not_a_phase_gate_and_the_board_must_confirm_met_criteria():
    """Fifth review asked for the Settlement Variations to gate the risk-share phase; the fourteenth found that this
    let any one contract party (who could also refuse a waiver) stop the risk share ever applying, contradicting the
    Baseline clause. Clause 17.4 already carries payments forward until a variation is in effect, so the gate goes;
    and once the entry criteria are met the Board must confirm them, no Partner withholding its agreement."""
    body = text("northvale-alliance", AA)
    gate = body[body.index("Entry criteria for the Accountable Care System"):body.index("Part 2: Timetable")]
    assert "Settlement Variation" not in gate
    entry = paragraph(body, "The first Phase starts on")
    assert "it then starts on the later of its planned start date and the day on which the last of them was met or " \
           "waived, without any further decision" in entry
    assert "no Partner may withhold its agreement to that record" in entry
    # focused re-check: settlement does not wait for a Board approval that one Partner could withhold
    west = text(RB, AA, "riverbend-west")
    assert "within thirty days after the Alliance Manager gives the calculation to every Partner (the Board reviews it " \
           "at its next meeting, but its approval is not needed for payment" in west
    assert "after the Board approves the calculation" not in west
    assert paragraph(body, "The adjustments under clause 19.15").startswith("17.3")
    assert paragraph(body, "Each Settlement Variation must be signed and in effect").startswith("17.4")


def test_place_agreements_flag_deal_wide_entry_criteria_about_other_places():
    """Fifth review, warning: Riverbend's place agreements gate their phase on 'each place's section 75 agreement',
    which parties outside the agreement control; the schedule says so (a note), a single alliance does not."""
    west = text(RB, AA, "riverbend-west")
    note = west[west.index("Entry criteria for the Place Alliance Operation"):west.index("Part 2: Timetable")]
    assert "[Drafting note: These entry criteria are the deal's own, shared by every agreement under it." in note
    assert "rely on a waiver under the Roadmap clause, which is an ordinary Board decision" in note
    assert "These entry criteria are the deal's own" not in text("northvale-alliance", AA)


def test_secondments_name_the_council_power_and_the_nhs_contract_between_health_bodies():
    """Fifth review, warning: Northvale's secondments (the County Council's and the ICB's staff to NCMH, which
    reimburses their costs) said nothing of the power or of the status of the secondment agreement."""
    terms = paragraph(text("northvale-alliance", AA), "Each secondment must be documented")
    assert "A council Partner places its staff at the disposal of another council or a health service body under " \
           "section 113 of the Local Government Act 1972: it must consult the staff concerned first" in terms
    assert "the secondment agreement is an NHS contract within section 9 of the NHS Act between them" in terms

    def nhs_only(d):
        d["enablers"]["workforce"]["secondments"] = [
            s for s in d["enablers"]["workforce"]["secondments"] if s["from_id"] != "northvale-county"]
    only_nhs = paragraph(render(edited("northvale-alliance", nhs_only), AA), "Each secondment must be documented")
    assert "section 113" not in only_nhs and "an NHS contract within section 9" in only_nhs


def test_sixth_review_alliance_warnings():
    """Sixth review, warnings: the incentive pool is ICB money outside the contract values and the Variance; the
    heads of terms say when it runs; a secondee's costs agreed as Running Costs are not recovered twice; a pool
    shared by whole contract values in a multi-agreement deal carries a note."""
    body = text("northvale-alliance", AA)
    funding = paragraph(body, "The Incentive Pool is funded by")
    assert "funded by the ICB from its own budget, in addition to the values of the Service Contracts that make up " \
           "the Financial Envelope (payments from it are left out of the Baseline and of actual spend when the " \
           "Variance is calculated)" in funding
    assert "“Variance”" in body
    secondment = paragraph(body, "Each secondment must be documented")
    assert "except costs that the Board agrees are Running Costs: those are borne by the Host Partner" in secondment
    hot = text("northvale-alliance", "heads_of_terms")
    assert "£6 million (£6,000,000) a year in each year the risk share applies (from the start of the phase in " \
        "which it applies, planned for 1 April 2027)" in hot
    west = text(RB, AA, "riverbend-west")
    assert "Consider sharing the pool in proportion to the in-scope amounts used for the Risk Share" in west
    assert "Consider sharing the pool" not in body


def test_the_first_phase_waits_for_the_conditions():
    """Sixth review, warning: the Shadow Year 'starts on 1 April 2026' while a Condition (the Better Care Fund s75
    agreement) may be met as late as the 1 July longstop: the first phase starts on the later of the two."""
    entry = paragraph(text("northvale-alliance", AA), "The first Phase starts on 1 April 2026")
    assert "or, if later, on the date of the notice under clause 4.3 that the last of the Conditions has been " \
           "satisfied or waived" in entry


def test_seventh_review_secondee_costs_have_a_payer_and_the_heads_of_terms_show_the_pool_and_gate():
    """Seventh review: the ICB's secondees to NCMH (the Host Partner) whose costs are Running Costs had no payer;
    the heads of terms did not say who funds the incentive pools or show the Settlement Variation gate."""
    secondment = paragraph(text("northvale-alliance", AA), "Each secondment must be documented")
    assert "those are borne by the Host Partner (which repays the seconding Partner under the secondment agreement, " \
           "unless it is the seconding Partner) and recovered once, as Running Costs under clause 18.8" in secondment
    west = paragraph(text(RB, AA, "riverbend-west"), "Each secondment must be documented")
    assert "A secondment from a health service body to a council is not an NHS contract: the secondment agreement " \
           "is enforceable in the courts" in west
    hot = text("northvale-alliance", "heads_of_terms")
    assert "funded by the ICB from its own budget in addition to the contract values and outside the risk share" in \
        paragraph(hot, "Incentive pool:")
    gate = next(line for line in hot.splitlines() if line.startswith("Accountable Care System |"))
    assert "Settlement Variation" not in gate  # fourteenth review: not a gate any one party could hold shut
    rb_hot = text(RB, "heads_of_terms")
    assert rb_hot.count("funded by the ICB from its own budget in addition to the contract values and outside the " \
                        "risk share") == 3
    unnamed = edited(RB, del_(("contracting", "alliances", 1, "funding", "incentives", "funder_ids")))
    assert "The terms do not name who funds the pool (incentives.funder_ids)" in render(unnamed, AA, "riverbend-west")
    assert "incentives.funder_ids" not in text(RB, AA, "riverbend-west")


def test_the_last_years_settlement_survives_the_agreement_and_its_contracts():
    """Eighth review, warning: the last year is settled after the agreement and the Service Contracts have ended;
    the settlement, the pool and the Settlement Variations survive, and amounts owed either way are paid directly."""
    body = text("northvale-alliance", AA)
    survival = paragraph(body, "The end of this Agreement, or a Partner's withdrawal or expulsion")
    assert "including the calculation and settlement of the Risk Share and the Incentive Pool for the last Financial " \
           "Year (clauses 19 and 20) and each Settlement Variation, which continues for that purpose after its " \
           "Service Contract ends" in survival
    assert "(or, if no further payment is due under that Service Contract, paid directly within thirty days after " \
           "the amount is settled, whichever of them owes it)" in body


def test_each_place_agreement_states_its_own_scope_and_objectives():
    """Eighth review, warning: every Riverbend agreement listed the whole system's services, objectives and
    population with a note to cut them down. An alliance's own scope and outcomes (contracting.alliances[].scope,
    .outcomes) replace the deal-wide ones in its agreement, and the notes go; without them the notes stay."""
    west = text(RB, AA, "riverbend-west")
    assert "The Population is people resident in the area of Riverbend County Council, estimated at 520,000 people." \
        in west
    services = west[west.index("Part 2: Services within the Scope"):west.index("Part 3: Exclusions")]
    assert "community mental health services" in services and "acute hospital services" not in services.lower()
    assert "adult social care (through the Riverbend West Better Care Fund pooled fund)" in services
    assert "acute hospital services (planned and emergency care in the three acute trusts, covered by the Riverbend " \
           "Acute Provider Collaborative)" in west
    assert "support people to return home from hospital without delay" in west
    assert "elective waiting times" not in west
    acute = text(RB, AA, "acute-collaborative")
    assert "make the best use of the three trusts' theatre and diagnostic capacity" in acute
    for body in (west, acute):
        assert "as a whole. Keep those" not in body and "as a whole. Delete any" not in body
        assert "The deal-wide population description" not in body
    shared = edited(RB, del_(("contracting", "alliances", 1, "scope")), del_(("contracting", "alliances", 1, "outcomes")))
    body = render(shared, AA, "riverbend-west")
    assert "The Population is the people of Riverbend West, estimated at 520,000 people resident in the area." in body
    assert "The services list is set for the Riverbend ICS as a whole. Delete any that are not within the scope of " \
           "the Riverbend West Place Alliance, or give the agreement its own scope (contracting.alliances[].scope)." in body
    assert "reduce unwarranted variation in elective waiting times across the three acute trusts" in body
    assert "or give its own (contracting.alliances[].outcomes)" in body


# --------------------------------------------------------------------------- tenth review (alliances)


def test_a_late_risk_share_phase_is_a_part_year_from_its_actual_start():
    """Tenth review, ERROR: a Phase whose entry criteria (including an approved Baseline) are met after its planned
    start left the risk share and the incentive pool for that year undecided (Northvale 5.4 against 19.2 and 20.1;
    Riverbend's part year fixed from 1 October 2026 whatever the phase gate)."""
    northvale = text("northvale-alliance", AA)
    late = paragraph(northvale, "If a Phase in which the Risk Share applies starts after its planned start date")
    assert "(under clause 5.2 or 5.4), the Risk Share and the Incentive Pool apply from the day that Phase starts, and " \
           "nothing is shared for any earlier period" in late
    assert "multiplied by the number of days from that day to the end of the Financial Year and divided by the number " \
           "of days in the Financial Year" in late and "This replaces any other part-year calculation" in late
    assert "the Risk Share applies to that year (from the start of its Phase, if that is later: clause 5.5) on that " \
           "figure" in paragraph(northvale, "The Baseline for each Financial Year in which the Risk Share applies")
    west = text(RB, AA, "riverbend-west")
    assert "the Risk Share applies from 1 October 2026 (or from the later start of its Phase, when clause 5.4 applies " \
           "instead of this clause) to 31 March 2027" in west


def test_each_providers_part_of_the_baseline_is_scheduled_and_adds_up():
    """Tenth review, ERROR: Riverbend West's Baseline was defined by pasted deal text naming service lines found
    nowhere else, and 'pro rata' conflicted with the fixed corridor shares. The parts are now structured
    (risk_share.baseline_parts), scheduled, and add up to the Reference Baseline (rule X27)."""
    west = text(RB, AA, "riverbend-west")
    baseline = paragraph(west, "The Baseline for each Financial Year in which the Risk Share applies")
    assert "so far as it covers the Riverbend West out-of-hospital envelope, as shown" in baseline
    assert "£84m" not in baseline and "pro rata to these amounts" not in west
    parts = paragraph(west, "Each Risk Share Partner's part of the Baseline")
    assert "do not change when the parts change" in parts
    rows = [line for line in west.splitlines() if line.count(" | ") == 3 and line.endswith("%")]
    amounts = {row.split(" | ")[0]: pounds(row.split(" | ")[2]) for row in rows[:3]}
    assert amounts == {"the Community Trust": 120_000_000, "Westriver": 84_000_000, "West Federation": 36_000_000}
    assert sum(amounts.values()) == 240_000_000
    assert "No part of the Baseline is given to the ICB" in west


def test_baseline_parts_must_add_up_and_belong_to_sharers():
    path = ("contracting", "alliances", 1, "funding", "risk_share", "baseline_parts")
    wrong_total = edited(RB, set_(path + (1, "amount"), 80_000_000))
    problems = acscontracts.validate(acscontracts.load(wrong_total))
    [total] = [p for p in problems if p.code == "X27"]
    assert "the parts of the baseline add up to £236,000,000.00, not the baseline of £240,000,000.00" in total.message
    stranger = edited(RB, set_(path + (2, "partner_id"), "riverbend-county"))
    [who] = [p for p in acscontracts.validate(acscontracts.load(stranger)) if p.code == "X27"]
    assert "`riverbend-county` has a part of the baseline but no share in any corridor" in who.message


def test_tenth_review_alliance_warnings():
    """Heads of terms state the alliance cap as drafted (per financial year, what does not count and what is never
    limited) and no raw 'deal terms' text; a company's power to pay is its constitution; the recharge's procurement
    basis is stated; a collaborative with no commissioner has no 'commissioner Partner' duty."""
    hot = text(RB, "heads_of_terms")
    cap = paragraph(hot, "Liability: capped at £1,000,000 per organisation in each financial year")
    assert "Amounts payable under the risk share, from an incentive pool or for running costs do not count towards " \
           "the cap" in cap and "for wilful default" in cap
    assert "recorded in the deal terms" not in text("northvale-alliance", "heads_of_terms")
    west = text(RB, AA, "riverbend-west")
    assert "West Federation, the powers in its constitution (for a company, its capacity under its articles of " \
           "association)" in west
    assert "exempt as a horizontal arrangement under Schedule 2 to the Procurement Act 2023" in west
    assert "A commissioner Partner must comply" not in text(RB, AA, "acute-collaborative")
    assert "A commissioner Partner must comply" in west


def test_every_risk_share_partner_has_a_defined_part_of_the_baseline():
    """Eleventh review, ERROR: Northvale's own-variance calculation used 'its part of the Baseline', defined nowhere.
    With baseline_parts the parts are scheduled (the four contract values, adding up to the £1.32bn baseline, the ICB
    having none); without them a rule still defines each part from the Financial Plan, and a note asks for them."""
    body = text("northvale-alliance", AA)
    rows = [line for line in body.splitlines() if line.count(" | ") == 3 and line.endswith("%")]
    parts = {row.split(" | ")[0]: pounds(row.split(" | ")[2]) for row in rows[:4]}
    assert parts == {"NHFT": 430_000_000, "SUHFT": 360_000_000, "Eastport Trust": 240_000_000, "NCMH": 290_000_000}
    assert sum(parts.values()) == 1_320_000_000
    assert "No part of the Baseline is given to the ICB" in body
    # twenty-third review: no cliff at a nil Variance (Northvale has a deadband, so nothing is pooled there)
    assert "divided by the Variance (where the Variance is nil, nil, as for a Variance too small to share)" in body
    assert "divided by the Variance (where the Variance is nil, its own variance, as for a Variance within the first " \
           "Corridor)" in text(RB, AA, "riverbend-west")
    unscheduled = render(edited("northvale-alliance", del_(("funding", "risk_share", "baseline_parts"))), AA)
    rule = paragraph(unscheduled, "Each Risk Share Partner's part of the Baseline")
    assert "for a provider Partner, the part of the Baseline for the services within it that it provides under its " \
           "Service Contracts and, for a commissioner Partner, the part it spends on services within the Baseline " \
           "otherwise than under the Service Contracts (nil if it spends none)" in rule
    assert "funding.risk_share.baseline_parts" in unscheduled


def test_eleventh_review_heads_of_terms_and_alliance_warnings():
    """Eleventh review: the system heads of terms stated the cap per organisation though it applies under each
    agreement; the part year ignored a late phase start; 'four alliance agreements' included a collaboration
    agreement; a deadlock adviser 'resolves' what it only recommends; a non-party observer 'must comply'; the incentive
    payment clause kept template wording for a single funder; the horizontal-exemption note was given where every
    payer is a contracting authority; a horizontal no-poach line."""
    hot = text(RB, "heads_of_terms")
    assert "capped at £1,000,000 per organisation in each financial year under each agreement (so an organisation " \
           "that is party to several agreements may be liable up to that amount under each)" in hot
    assert "part year (1 October 2026, or the later start of its phase if the entry criteria are met late" in hot
    assert "will sign four agreements (three alliance agreements and one collaboration agreement)" in hot
    nv_hot = text("northvale-alliance", "heads_of_terms")
    assert "referred to an independent adviser, who makes a recommendation (binding on no one) within twenty-eight " \
           "(28) days" in nv_hot
    assert "must give the Board a written undertaking to comply with clauses" in text(RB, AA, "acute-collaborative")
    body = text("northvale-alliance", AA)
    assert "Each payment from the Incentive Pool is made by the ICB to" in body and "that funding Partner" not in body
    assert "horizontal-arrangement exemption" not in body  # every payer of the recharge is an NHS body
    assert "Confirm that it applies where West Federation, which is not a contracting authority" in \
        text(RB, AA, "riverbend-west")
    westmoor = text("westmoor-lead-provider", "heads_of_terms")
    assert "In each sub-contract, the lead provider and the sub-contractor will not actively solicit each other's " \
           "staff who work on the sub-contracted services" in westmoor
    assert "will not actively solicit each other's staff." not in westmoor


def test_no_partner_can_veto_the_baseline():
    """Twelfth review, ERROR: the Baseline took effect only when every Partner approved it and 'nothing is settled for
    the year until it is', so one Partner (even one outside the risk share) could stop settlement. Now the Risk Share
    Partners approve it, and without approval a default Baseline applies."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):
        baseline = paragraph(body, "The Baseline for each Financial Year in which the Risk Share applies")
        assert "is approved by each Risk Share Partner through its governing body" in baseline
        # twentieth review: the first year's default is the Reference Baseline itself (there is no previous year's
        # contract value to adjust it by), pro-rated for a part year where there is one
        # twenty-first review: the previous year's annual figure (not a part-year one), moved by the change in the
        # contracts' total value; the first year's figure is the Reference Baseline moved from the contracts' first year
        assert "the annual Baseline for the previous year (before any part-year pro-rating) adjusted by the percentage " \
               "change, from that year, in the total annual value of the Service Contracts listed in Schedule 3 (or, for " \
               "the first year in which the Risk Share applies, the Reference Baseline adjusted by the percentage change " \
               "in that total annual value from the first year of the Service Contracts to that year" in baseline
        assert "and by no other Partner, whether or not the rest of the Financial Plan has been approved" in baseline
        assert "No Partner can therefore prevent the Risk Share from applying to a year by withholding its approval of " \
               "that year's Baseline." in baseline
        assert "nothing is settled for the year until it is" not in baseline
    assert "to that year, pro-rated for the part year as clause 19.13 provides)" in paragraph(
        text(RB, AA, "riverbend-west"), "The Baseline for each Financial Year in which the Risk Share applies")
    hot = text("northvale-alliance", "heads_of_terms")
    assert "so no one organisation can stop the share applying in a year by withholding its approval" in hot


def test_phase_gates_do_not_hand_a_partner_a_veto_the_baseline_clause_denies():
    """Thirteenth review, ERROR: the entry criteria 'risk share baseline agreed by all Partners' (Northvale) and 'each
    place's section 75 agreement is signed; each place's baseline agreed' (Riverbend) let one Partner, or another
    place's council, stop the risk share ever starting, contradicting 19.2. The samples' criteria no longer do, and
    19.2 says exactly what it prevents."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west"), text(RB, "heads_of_terms"),
                 text("northvale-alliance", "heads_of_terms")):
        assert "agreed by all Partners" not in body and "Each place's section 75 agreement is signed" not in body
        assert "each place's section 75 agreement is signed" not in body
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):  # what keeps a veto out
        assert ("it then starts on the later of its planned start date and the day on which the last of them was met "
                "or waived, without any further decision") in body
        assert "no Partner may withhold its agreement to that record" in body
        assert ("No Partner can therefore prevent the Risk Share from applying to a year by withholding its approval "
                "of that year's Baseline") in body


def test_a_withdrawing_partners_risk_share_and_running_cost_shares_pass_to_the_others():
    """Remaining warning of the fourteenth review: after a Risk Share Partner withdraws, the shares in each Corridor no
    longer added up to the whole Variance (nobody bore its part) until a variation; the same for Running Costs."""
    body = text("northvale-alliance", AA)
    rs = paragraph(body, "Where a Partner's withdrawal takes effect during a Financial Year")
    assert ("its share in each Corridor is divided between the remaining Risk Share Partners that have a share in that "
            "Corridor, in proportion to their shares in it") in rs
    assert "until the remaining Partners agree a change under clause 39.5" in rs
    assert body.splitlines()[[i for i, line in enumerate(body.splitlines()) if line.startswith("39.5")][0]].startswith(
        "39.5  The withdrawal of a Partner does not end this Agreement")
    rc = paragraph(body, "A Withdrawing Partner must pay its share of the Running Costs")
    assert "the remaining Partners that share the Running Costs bear its share in proportion to their own shares" in rc


def test_twentieth_review_no_single_partner_can_hold_up_money_once_it_is_due():
    """Twentieth review, ERRORs in both alliance packs: incentive payments waited on a Board approval of the
    assessment (and the Board chose the data source); risk-share and incentive payments waited, without end, on
    Settlement Variations a payer could decline to sign; the Running Costs budget after the first year needed every
    governing body; and the calculations that open and settle the risk share bound nobody (the Alliance Manager is
    not a party, 'the Partners must calculate')."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):
        timing = paragraph(body, "The Alliance Manager must assess performance against the Success Measures")
        assert "The amounts due must be paid within thirty days after that (the Board reviews the assessment at its " \
               "next meeting, but its approval is not needed for payment" in timing
        assert "after the Board approves the assessment" not in body and "data source agreed by the Board" not in body
        assert "using the published national data set for the metric where there is one" in body
        deadline = paragraph(body, "Each Settlement Variation must be signed and in effect by 30 June 202")
        assert "may not withhold or delay its signature" in deadline
        assert "the amount is not carried forward: it is payable under this Agreement instead, by the Partner that " \
               "would pay it under that Service Contract to the Partner that would receive it" in deadline
        assert "Until the Settlement Variation to a Service Contract is in effect, no adjustment" not in body
        budget = paragraph(body, "The Running Costs budget for each Financial Year after the first")
        assert "Until one is approved for a year, the budget for the previous year applies to it" in budget
        assert "Running Costs budget approved by the Board" not in body
        decided = paragraph(body, "Each Partner's governing body decided the following when it approved this Agreement")
        assert "signing a Settlement Variation (clause 17.4); paying or receiving an amount calculated under the Risk " \
               "Share or from the Incentive Pool; and the start of a Phase when its entry criteria are met" in decided
        secured = paragraph(body, "The Employing Partner must ensure that everything this Agreement requires the "
                                  "Alliance Manager to do is done on time")
        assert "no Partner may rely on its own failure to give information to delay a calculation, a payment or the " \
               "start of a Phase" in secured
        assert "the Partners must calculate and report the Variance" not in body
    assert "The Alliance Manager must complete that reconciliation and report it to the Board by 31 March 2027" in text(
        "northvale-alliance", AA)
    for name in ("northvale-alliance", RB):
        hot = text(name, "heads_of_terms")
        assert "no party may withhold its signature, and an amount that falls due before the variation is in effect " \
               "will be paid under the alliance agreement instead" in hot
        assert "amounts are carried forward" not in hot
    assert "on the reference baseline of £240,000,000 (in each year the figures follow that year's baseline, " \
           "pro-rated in a part year, up to the caps), the most each organisation's share of losses" in text(
               RB, "heads_of_terms")


def test_milestones_and_risks_go_to_the_agreement_they_name():
    """Twentieth review: Riverbend Central listed the acute collaborative's 'Committees in common' milestone and its
    competition-law risk, because RUH (their owner) is also a Central Partner. An item may now name its agreement
    (alliance_id); unnamed items still follow their owner, and a deal-wide note lists what was left out."""
    collaborative, central, west = (text(RB, AA, n) for n in ("acute-collaborative", "riverbend-central",
                                                                 "riverbend-west"))
    assert "Committees in common established | 31 May 2026 | RUH" in collaborative
    assert "Competition law concerns in the acute collaborative | RUH | Low" in collaborative
    for place in (central, west):
        assert "Committees in common" not in place and "Competition law concerns" not in place
        # an unnamed item owned by a member still appears
        assert "Community Trust stretched across three place alliances" in place


def test_a_sharer_without_a_part_of_the_baseline_has_no_own_variance():
    """Twentieth review, ERROR: with parts of the Baseline given to the providers only, the ICB's spending within the
    Baseline counted entirely as overspend against a nil part, so the providers funded half of it. Its own variance is
    now nil and that spending is outside the Baseline and the Variance."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):
        note = paragraph(body, "No part of the Baseline is given to the ICB")
        assert "so its own variance under clause 19.1" in note and "is nil: its own expenditure on the services within " \
               "the Baseline (including any it makes otherwise than under the Service Contracts) is not measured in " \
               "the Variance, and it bears it alone" in note


def test_the_heads_of_terms_say_a_phase_and_its_risk_share_start_when_the_criteria_are_met():
    """Issue 11 finding 2, raised again by the twentieth review: the heads of terms showed the risk share as 'Active'
    from a fixed date, while the agreement starts a phase on the later of that date and its entry criteria being met,
    shares nothing before the start and pro-rates a part year."""
    for name in ("northvale-alliance", RB):
        hot = text(name, "heads_of_terms")
        assert "| Active |" not in hot and "| Applies |" in hot and "| Shadow only: no payments |" in hot
        start = paragraph(hot, "The dates are planned dates.")
        assert "Each phase after the first will start on the later of its planned date and the day its entry " \
               "criteria are met, without any further decision" in start
        assert "including the risk share, applies from its actual start (pro-rated for a part year), and nothing is " \
               "shared for the time before it" in start
    assert "The dates are planned dates." not in text("eastmoor-icp", "heads_of_terms")  # no board starts ICP phases


def test_twentieth_review_warnings_disputes_procurement_shadow_and_rounding():
    """Twentieth review, warnings: a disputed calculation froze every net amount; the Settlement Variations had no
    procurement basis recorded; the six-month shadow reconciliation was measured against an annual figure; rounded
    percentages and exact amounts disagreed; the schedule's Baseline left out the default of clause 19.2."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):
        dispute = paragraph(body, "A Partner that disputes a calculation must say so")
        assert "A dispute does not delay any payment: every amount is settled as calculated and on time" in dispute
        assert "the undisputed amount" not in dispute
        psr = paragraph(body, "Each Settlement Variation modifies a Service Contract.")
        assert "under regulation 13 of those Regulations" in psr and "publish any notice of the modification" in psr
        assert "divided by the Reference Baseline (the exact fraction, not the rounded percentage shown)" in body
        assert "the figure approved in that year's Financial Plan or, until one is approved, the figure that clause " \
               "provides" in body
    west = text(RB, AA, "riverbend-west")
    assert "over the period of that Phase and against the Reference Baseline (pro-rated by days where that period is " \
           "not a whole Financial Year)" in paragraph(west, "The Risk Share applies only during")
    assert "each Partner's share is its exact proportion of the annual values, which the amounts show" in text(
        "northvale-alliance", AA)


def test_the_heads_of_terms_show_the_cash_a_loss_moves_and_the_chair_needs_no_unanimity():
    """Twentieth review, warnings: boards saw the allocated shares of a loss but not the cash (NCMH, £3m under budget,
    pays £5.4m); the independent Chair needed a unanimous decision of the Partners, with no fallback."""
    hot = text("northvale-alliance", "heads_of_terms")
    assert "these are shares of the shared amount, not the cash each organisation settles, which also passes on its " \
           "own variance: in the agreement's worked example of that loss, the ICB pays NHFT £9,000,000, the ICB pays " \
           "SUHFT £6,600,000, the ICB pays Eastport Trust £4,200,000 and NCMH pays the ICB £5,400,000." in hot
    assert "not the cash each organisation settles" not in text("westmoor-lead-provider", "heads_of_terms")
    body = text("northvale-alliance", AA)
    chair = paragraph(body, "The Board is chaired by an independent chair")
    assert "by a decision of the Board (made as its other decisions are)" in chair and "unanimous" not in chair
    assert "acts as Chair for every purpose of this Agreement while the office is vacant" in body


def test_twenty_first_review_own_variance_withdrawal_of_the_icb_and_lagging_data():
    """Twenty-first review, ERRORs: a provider's own variance ignored what its Service Contract pays for activity (so
    elective work paid for was shared again as overspend), and 'unless the Board decides otherwise' let a Board vote
    move income in or out; the ICB withdrawing left settlement without a payer and losses above the caps without a
    bearer; measures published years late could not be assessed on time; Riverbend Central still named the
    collaborative's first milestone; the collaborative made the whole agreement an NHS contract between RUH and each
    FT while another clause limited it to the recharge."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "riverbend-west")):
        own = paragraph(body, "its own variance: the difference between its part of the Baseline")
        # twenty-second review: contract income over the period the Variance covers, without the settlement itself
        assert "For a provider Partner, its part is increased (or reduced) by the amount by which its contract income " \
               "exceeds (or falls short of) its part" in own
        assert "payments accrued to it under its Service Contracts for the services within the Baseline over the period " \
               "the Variance covers (including any variable payment for activity, but not any amount settled under this " \
               "clause or paid from the Incentive Pool)" in own
        assert "unless the Board decides otherwise" not in body.split("SCHEDULE 6")[1].split("SCHEDULE 7")[0]
        exit_rs = paragraph(body, "Where a Partner's withdrawal takes effect during a Financial Year")
        assert "That does not apply where the Withdrawing Partner is a Risk Share Partner that is a commissioner or has " \
               "no Cap, or funds the Incentive Pool" in exit_rs and "instead the Risk Share and the Incentive Pool end when its withdrawal takes effect" \
               in exit_rs
        assert "the assessment uses the latest period for which they are (for a measure published only as estimates " \
               "over several years, the latest such estimate), and is not delayed" in body
    central = text(RB, AA, "riverbend-central")
    assert "The first milestone (place alliance boards established) is due by 30 June 2026" in central
    assert "committees in common" not in central.lower()
    # twenty-second review: the recharge makes the pair an NHS contract for the whole agreement, as clause 2.6 and the
    # dispute and liability clauses already said; the narrower wording of the twenty-first fix contradicted them
    collaborative = text(RB, AA, "acute-collaborative")
    assert "so far as it concerns the recharge" not in collaborative
    assert "RUH and each of them are therefore an NHS Contract Pair, and this Agreement as a whole is an NHS contract " \
           "between them" in collaborative


def test_the_heads_of_terms_tell_boards_that_money_does_not_wait_on_an_approval():
    """Twenty-first review, warning: the heads of terms listed budget approval as unanimous (or reserved to each
    organisation) without saying that the documents keep money moving, so boards could think one organisation can
    block it; and Riverbend's said each alliance board agrees its own baseline, which the agreements deny."""
    northvale = text("northvale-alliance", "heads_of_terms")
    assert "Money will not wait on a board's or governing body's approval: until a year's running-cost budget is " \
           "approved, the previous year's applies, the risk-share baseline is approved by the organisations that share " \
           "the risk alone (with a default figure until they do)" in northvale
    riverbend = text(RB, "heads_of_terms")
    collaborative = riverbend.split("Riverbend Acute Provider Collaborative\n")[1].split("Riverbend West Place Alliance")[0]
    assert "Money will not wait" in collaborative and "risk-share baseline" not in collaborative  # no risk share there
    assert riverbend.count("the risk-share baseline is approved by the organisations that share the risk alone") == 3
    assert "each alliance board agrees only its own baseline" not in riverbend
    for hot in (northvale, riverbend):  # the Settlement Variations' procurement ground, as the agreements require
        assert "before each is made, the commissioner will record the ground on which regulation 13 of the Provider " \
               "Selection Regime permits it and publish any notice required" in hot
    assert "each alliance's baseline within it is approved by the organisations that share that alliance's risk" in \
        riverbend


def test_twenty_second_review_withdrawal_incentives_and_exclusions():
    """Twenty-second review, ERRORs: a council that neither shares the risk nor funds the pool, withdrawing, ended the
    risk share for everyone; a Withdrawing Partner's incentive for its last (part) year depended on a Board vote the
    payer could block; the Board could exclude costs from the Variance at any time, changing others' net amounts."""
    west = text(RB, AA, "riverbend-west")
    exit_rs = paragraph(west, "Where a Partner's withdrawal takes effect during a Financial Year")
    assert "where the Withdrawing Partner is a Risk Share Partner that is a commissioner or has no Cap, or funds the " \
           "Incentive Pool" in exit_rs
    incentives = paragraph(west, "A Withdrawing Partner is entitled to any payment from the Incentive Pool")
    assert "to the amount it would have earned for that year multiplied by the part of the year before its withdrawal " \
           "took effect, assessed and paid with the assessment for that year" in incentives
    assert "unless the Board decides otherwise" not in incentives
    exclusions = paragraph(west, "The Risk Share Partners may together agree, before the calculation")
    assert "Without that agreement, nothing is excluded, and the calculation and settlement go ahead." in exclusions
    assert "The Board may exclude from the Variance" not in west


def test_twenty_second_review_one_variance_no_council_trigger_and_confidential_margins():
    """Twenty-second review (Northvale), ERRORs: the Variance was defined twice (Baseline less expenditure in one
    clause, the total of own variances in another); the ICB, a party to every Service Contract, was treated as
    withdrawing when a provider's contract ended unreplaced; the heads of terms described the variance as spend
    against budget and hid that a commissioner sharer leaving ends the risk share. Warnings: each provider's margin
    went to its competitors; a data correction needed every provider's consent."""
    body = text("northvale-alliance", AA)
    variance = paragraph(body, "The Variance for a Financial Year is the difference between the Baseline")
    assert "measured as the total of the Risk Share Partners' own variances under clause 19.14 (and in no other way)" \
        in variance
    no_fault = paragraph(body, "The expiry of a Partner's Service Contract at the end of its term")
    assert "that provider Partner (and not the commissioner that is a party to it) is treated as having withdrawn" in \
        no_fault
    assert "the full calculation, including each other provider Partner's own variance, is given only to the " \
           "commissioner Risk Share Partners" in body  # twenty-third review: not to councils with no share
    assert "applies from the start of the next Financial Year, and not to a year that has already started" in body
    hot = text("northvale-alliance", "heads_of_terms")
    assert "the variance is measured as the total of each sharing organisation's own variance: for a provider, what " \
           "its service contracts pay it for the services in scope over the period" in hot
    assert "but if the organisation leaving shares in the risk and is a commissioner or has no cap, or funds the " \
           "incentive pool, the risk share and the incentive pool end after the settlement for that year" in hot


def test_a_part_year_withdrawal_splits_the_year_and_boards_see_the_limited_recourse():
    """Twenty-second review, warnings: pro-rating only the Withdrawing Partner's share broke the rule that net amounts
    add up to nil; the heads of terms said 'no overall cap' without the limited recourse that the agreement gives."""
    split = paragraph(text("northvale-alliance", AA), "Where a Partner's withdrawal takes effect during a Financial Year")
    assert "the Variance for that year is calculated separately for the part of the year before that date and the part " \
           "after it (the Baseline and the amounts of each Corridor and Cap being divided between them in proportion to " \
           "the days in each), and the Withdrawing Partner shares in the first part only" in split
    assert "no overall cap is proposed, but under the alliance agreement an organisation's claims against another are " \
           "limited to sums due under it (including the risk share)" in text("northvale-alliance", "heads_of_terms")


def test_twenty_third_review_no_phase_gate_veto_through_the_waiver():
    """Twenty-third review, ERROR (Riverbend): a missed entry criterion could be waived only by the majority for a
    change to the Scope (every Partner), so one Partner could hold back the risk share; the sample's criterion also
    depended on the collaborative's manager. The waiver is now an ordinary Board decision on which a Partner whose own
    failure caused the miss cannot vote against, and Riverbend's second phase is time-based."""
    west = text(RB, AA, "riverbend-west")
    start = paragraph(west, "The first Phase starts on")
    assert "A waiver of an entry criterion is a decision of the Board, made as its other decisions are; a Partner whose " \
           "own failure (or that of a person for whom it is responsible) is why a criterion has not been met may not " \
           "vote against waiving it" in start
    assert "same majority as a change to the Scope" not in west
    assert "none: the Place Alliance Operation starts on its planned start date." in west


def test_twenty_third_review_warnings_seals_delivery_determined_calculation_and_examples():
    """Twenty-third review, warnings: electronic signature was carved out for a council's common seal only (NHS bodies
    seal too, and the collaborative had no carve-out); no statement that the deed is delivered; a calculation decided
    in one forum for one pair had to bind all; the examples spoke of expenditure above the Baseline, not own
    variances; running costs were shared by 'each Partner's Service Contracts' (the ICB is party to all of them)."""
    for body in (text("northvale-alliance", AA), text(RB, AA, "acute-collaborative")):
        assert "except where a Partner executes it under a seal (its common seal or its corporate seal)" in body
        assert "is executed as a deed by each Partner and is delivered on the date written at its head" in body
    northvale = text("northvale-alliance", AA)
    assert "The calculation as finally determined applies to every Risk Share Partner, whichever of them were parties " \
           "to the Dispute and however it was decided, so that the net amounts still add up to nil." in northvale
    assert "Basis of sharing: between the provider Partners, in proportion to the annual value of the Service " \
           "Contracts under which each provides services" in northvale
    assert "expenditure is above the Reference Baseline" not in northvale
    assert "(and not the commissioner that is a party to it)" not in text(RB, AA, "acute-collaborative")
