"""Legal soundness of the sample pack, read from the built text (issue 11).

Each test renders sample documents with the text writer and asserts on the clause text a lawyer
would read: section 9 status per pair, dates, money flows with payer, payee and power, caps and
worked examples, execution per document and party type, procurement, and consistency between the
heads of terms and the agreements. Figures are checked against arithmetic done here, not copied.
"""
from __future__ import annotations

import re
from decimal import Decimal

from legal_support import del_, edited, money, paragraph, render, text


def execution(body: str) -> str:
    return body[body.rindex("\nEXECUTION\n"):]


# --------------------------------------------------------------------------- 1. section 9, per pair


def test_icp_contract_is_an_nhs_contract_between_icb_and_ft_only():
    body = text("eastmoor-icp", "aco_contract")
    status = paragraph(body, "Section 9 of the NHS Act applies arrangement by arrangement")
    assert "the ICB arranges for the Integrated Care Provider to provide services" in status
    assert "the Council" not in status  # the council is not a health service body: not in any NHS pair
    binding = paragraph(body, "As between any two Parties that are not an NHS Contract Pair")
    assert "the Council, which is not a health service body" in binding
    assert "legally binding contract enforceable in the courts" in binding
    # no statement that the parties' intention makes it "not an NHS contract"
    assert "intend that this Contract is not an NHS contract" not in body
    final = body[body.index("If the Dispute is not resolved under clause"):][:900]
    assert "as between the two members of any NHS Contract Pair that are both Parties to the Dispute" in final
    assert "Secretary of State" in final and "solely between" not in body
    assert "as between any other two Parties to the Dispute (two that are not an NHS Contract Pair), the Expert's " \
           "determination is final and binding between those two Parties" in final
    assert "and to the referral of a Dispute between the members of an NHS Contract Pair to the Secretary of State " \
           "under section 9 of the NHS Act, the courts of England and Wales have exclusive jurisdiction" in body


def test_pure_collaboration_is_not_an_nhs_contract():
    # The collaborative without its hosted running costs: a host's recharge would itself make NHS Contract Pairs
    # (fourth legal review, finding 3; tests/test_legal_review5_alliance.py)
    body = render(edited("riverbend-system", del_(("contracting", "alliances", 0, "funding", "running_costs")),
                         del_(("contracting", "alliances", 0, "funding", "contributions"))),
                  "alliance_agreement", "acute-collaborative")
    status = paragraph(body, "Westriver, RUH and Eastbank FT are health service bodies")
    assert "none of them arranges for another to provide it with goods or services" in status
    assert "is therefore not an NHS contract" in status
    # No pair is an NHS contract today, but one can become so (a new partner, an arrangement for services): the
    # disputes route is pair by pair, as in the other agreements (third legal review, finding 3; see
    # tests/test_legal_review4_money.py)
    assert "is to be determined by the Secretary of State under that section and not by the courts" not in body
    assert "its status is decided pair by pair" in body


def test_subcontract_between_trusts_is_an_nhs_contract():
    body = text("eastmoor-icp", "subcontract")
    assert "Under this Sub-Contract, the Integrated Care Provider arranges for Eastmoor Hospitals to provide " \
           "services, and every Party is a health service body" in body
    assert "is to be determined by the Secretary of State under that section and not by the courts" in body
    # the same contract with a company subcontractor is an ordinary contract
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "is not an NHS contract within the meaning of section 9 of the NHS Act, because PhysioFirst is not " \
           "a health service body" in physio


def test_heads_of_terms_list_the_nhs_contracts_and_are_not_one():
    body = text("eastmoor-icp", "heads_of_terms")
    status = paragraph(body, "Section 9 of the National Health Service Act 2006 applies arrangement by arrangement")
    assert "between the ICB and the Integrated Care Provider (under the Integrated Care Provider Contract)" in status
    assert "between the Integrated Care Provider and Eastmoor Hospitals (under the sub-contract)" in status
    assert "These Heads of Terms are not an NHS contract." in status
    assert "The courts of England and Wales have exclusive jurisdiction over any such dispute" in body


# --------------------------------------------------------------------------- 2. dates


def test_icp_contract_binds_before_services_start():
    body = text("eastmoor-icp", "aco_contract")
    assert "“Effective Date” means 22 February 2027" in body
    commencement = paragraph(body, "The Integrated Care Provider must begin providing the Services")
    assert "1 April 2027" in commencement and "mobilisation period" in commencement
    longstop = paragraph(body, "If any Condition Precedent is not satisfied or waived by")
    assert "25 March 2027 (the “Longstop Date”)" in longstop
    assert "[● longstop date]" not in body
    # the LGPS admission agreement is a condition precedent, so it binds before the transfer date
    assert "the admission agreement required by Schedule" in body


def test_phase_gate_follows_its_reconciliation():
    body = text("northvale-alliance", "alliance_agreement")
    gate = paragraph(body, "Entry to the Accountable Care System depends on a reconciliation")
    assert "period to 31 December 2026" in gate and "by 31 March 2027" in gate
    assert "before the Accountable Care System is due to start on 1 April 2027" in gate
    settlement = paragraph(body, "The Alliance Manager must calculate the Variance")
    assert "within three months after the end of the Financial Year" in settlement
    timetable = body[body.index("Part 2: Timetable"):] if "Part 2: Timetable" in body else body
    assert "Final shadow-year reconciliation reported (no payment) | 30 June 2027" in timetable


def test_service_contracts_run_with_the_agreement_and_expiry_is_no_default():
    body = text("northvale-alliance", "alliance_agreement")
    assert "expire before this Agreement does" not in body
    no_fault = paragraph(body, "The expiry of a Partner's Service Contract at the end of its term")
    assert "is not a Default Event" in no_fault


# --------------------------------------------------------------------------- 3. money flows


def test_s75_pool_has_two_contributors_and_a_computed_total():
    body = text("eastmoor-icp", "heads_of_terms")
    assert "Eastmoor Integrated Care Pooled Fund | section 75, National Health Service Act 2006 | the Council" in body
    assert "| £80,000,000" in body  # £20m from the ICB and £60m from the Council


def test_incentives_are_paid_by_the_icb_to_the_providers_only():
    body = text("northvale-alliance", "alliance_agreement")
    funding = paragraph(body, "The Incentive Pool is funded by")
    assert "funded by the ICB" in funding
    assert "to NHFT, SUHFT, Eastport Trust and NCMH" in funding
    assert "Council" not in funding
    assert "commissioner Partners" not in funding


def test_gain_loss_share_has_the_commissioner_in_it_and_is_papered_once():
    icp = text("eastmoor-icp", "aco_contract")
    role = paragraph(icp, "NHS Eastmoor Integrated Care Board, whose spend is the Shared Spend")
    assert "the ICB pays the Out-of-Scope Provider its share of any gain" in role
    assert "settled between the ICB and the Integrated Care Provider only under clause" in role
    cp = paragraph(icp, "the Gain/Loss Share Agreement has been signed by")
    assert "and NHS Eastmoor Integrated Care Board" in cp
    sub = text("eastmoor-icp", "subcontract")
    assert "under a separate gain/loss share agreement between them" in sub
    assert "Not used: the gain and loss share between the Parties is governed by the Gain/Loss Share Agreement" in sub
    assert "The shares of any variance against the baseline" not in sub


def test_running_costs_fall_on_providers_by_their_own_contract_values():
    body = text("northvale-alliance", "alliance_agreement")
    rc = paragraph(body, "The costs of running the Alliance")
    assert "shared between the Partners that provide services under Service Contracts" in rc
    assert "a commissioner Partner does not contribute by reason of the contracts it commissions" in rc


def test_caps_say_what_they_limit_everywhere():
    aa = text("northvale-alliance", "alliance_agreement")
    excess = paragraph(aa, "Any loss that a Partner would otherwise bear above its Cap")
    assert "The Caps limit losses only" in excess
    assert "They do not limit the Variance within the Deadband or beyond the outermost Corridor" in excess
    hot = text("northvale-alliance", "heads_of_terms")
    assert "exposure is capped" not in hot
    assert "caps (a year): NHFT, £3,000,000 on its share of losses" in hot
    assert "so no organisation's total exposure is limited to its cap" not in hot
    assert "each organisation also bears its own losses outside the shared amount (within the deadband and beyond " \
           "the corridors), which no cap limits" in hot


def worked(body: str, number: int) -> str:
    return paragraph(body, f"Example {number} (")


def test_worked_examples_are_complete_and_add_up():
    body = text("northvale-alliance", "alliance_agreement")
    baseline, deadband_pct, outer_pct = Decimal(1_320_000_000), Decimal("0.5"), Decimal("2.5")
    variance = baseline * outer_pct / 100
    deadband = baseline * deadband_pct / 100
    shared = variance - deadband
    icb, provider = shared * Decimal("0.40"), shared * Decimal("0.15")
    cap = Decimal(3_000_000)
    icb_final = icb + 4 * (provider - cap)  # only the ICB is below its cap
    example = worked(body, 1)
    assert f"the own variances of the Risk Share Partners add up to an overspend of {money(variance)}" in example
    assert f"The first {money(deadband)} is within the deadband" in example
    assert f"the ICB 40.00% ({money(icb)})" in example and f"NHFT 15.00% ({money(provider)})" in example
    assert f"so {money(4 * (provider - cap))} passes to the ICB" in example
    assert f"Result: the ICB bears {money(icb_final)}, NHFT bears {money(cap)}" in example
    assert f"(together {money(icb_final + 4 * cap)})" in example and icb_final + 4 * cap == shared
    beyond = worked(body, 2)
    assert f"The remaining {money(baseline * Decimal('0.01'))} is beyond the outermost corridor: it is not " \
           "shared, and no cap limits it" in beyond
    gain = worked(body, 3)
    assert f"the ICB receives {money(icb)}, NHFT receives {money(provider)}" in gain  # gains are not capped


def test_worked_examples_round_to_the_penny_and_still_add_up():
    body = text("riverbend-system", "alliance_agreement", "riverbend-central")
    example = worked(body, 1)
    result = example[example.index("Result:"):]
    amounts = [Decimal(a.replace(",", "")) for a in re.findall(r"bears £([\d,]+(?:\.\d\d)?)", result)]
    together = Decimal(re.search(r"together £([\d,.]+)\)", result).group(1).replace(",", ""))
    assert sum(amounts) == together == Decimal(4_000_000)


def test_icp_gain_loss_examples_name_who_pays_whom():
    body = text("eastmoor-icp", "aco_contract")
    example = worked(body, 1)
    assert "the Integrated Care Provider pays the ICB £1,770,000 and Eastmoor Hospitals pays the ICB £1,770,000" \
           in example
    assert "receives from the ICB" in worked(body, 3)


def test_pass_through_percentage_is_explained_by_the_real_arithmetic():
    body = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    clause = paragraph(body, "The Lead Provider is entitled under the risk-share arrangements")
    value, total = Decimal(3_200_000), Decimal(6_500_000 + 1_800_000 + 3_200_000)
    share = (value * 100 / total).quantize(Decimal("0.01"))
    assert f"{share}% of those sub-contracts' total annual value of {money(total)}" in clause
    assert "passes 40.00% of the Lead Provider Gain Share to its sub-contractors" in clause
    assert (Decimal("40") * share / 100).quantize(Decimal("0.01")) == Decimal("11.13")
    assert "as a proportion of the value of the services" not in clause


# --------------------------------------------------------------------------- 4. execution


def test_heads_of_terms_are_never_sealed_even_for_a_sealing_council():
    def sealing(data):
        for p in data["partners"]:
            if p.get("org_type") == "local_authority":
                p["seal_required"] = True
    data = edited("northvale-alliance", sealing)
    assert "common seal" not in execution(render(data, "heads_of_terms"))
    assert "Executed as a deed by affixing the common seal of Northvale County Council" in \
        execution(render(data, "alliance_agreement"))


def test_alliance_agreement_is_a_deed_with_forms_per_party_type():
    block = execution(text("northvale-alliance", "alliance_agreement"))
    # twelfth review: a statutory corporation that is not a company (ICB, foundation trust, NHS trust) executes a deed
    # under its seal, or the power of attorney for accession deeds fails for it
    assert "Executed as a deed by NHS Northvale Integrated Care Board by affixing its seal, authenticated by two " \
           "authorised signatories" in block
    assert "Executed as a deed by Northvale Hospitals NHS Foundation Trust by affixing its seal" in block
    assert "acting by two authorised signatories" not in block
    assert "Executed as a deed by Eastport NHS Trust by affixing its seal" in block
    # twentieth review: the sealing is attested by the officers the council's constitution authorises (often two)
    assert "Executed as a deed by affixing the common seal of Northvale County Council in the presence of the officers " \
           "authorised to attest it under its constitution:" in block
    assert "Second authorised officer (if its constitution requires one):" in block
    assert "Signed for and on behalf of" not in block


def test_simple_contracts_are_signed_under_hand():
    icp = execution(text("eastmoor-icp", "aco_contract"))
    assert "Signed for and on behalf of Eastmoor Council by its authorised officer" in icp
    assert "seal" not in icp and "deed" not in icp
    hospice = execution(text("westmoor-lead-provider", "subcontract", "sub-st-annes"))
    assert "Signed for and on behalf of St Anne's Hospice Westmoor, a charitable company, by its duly authorised " \
           "signatory:" in hospice


def test_company_deed_has_a_witness():
    block = execution(text("riverbend-system", "alliance_agreement", "riverbend-west"))  # a GP federation company
    assert "acting by a director, in the presence of a witness (section 44(2)(b) of the Companies Act 2006)" in block
    assert "Signature of witness" in block and "Address of witness" in block


def test_councils_are_described_with_their_statutory_status():
    parties = text("northvale-alliance", "alliance_agreement")[:3000]
    assert "Northvale County Council, a county council constituted under the Local Government Act 1972" in parties
    assert "a unitary local authority, being a principal council within the meaning of the Local Government Act " \
           "1972" in parties
    assert "a public benefit corporation authorised as an NHS foundation trust" in parties


def test_accession_by_deed_through_a_power_of_attorney_given_by_deed():
    body = text("northvale-alliance", "alliance_agreement")
    attorney = paragraph(body, "Each Partner, by executing this Agreement as a deed, appoints the Chair")
    assert "as its attorney under section 1 of the Powers of Attorney Act 1971" in attorney
    assert "to execute on its behalf, as a deed, any Accession Deed" in attorney
    assert "by its attorney under clause" in body  # the deed's own execution line


# --------------------------------------------------------------------------- 5. procurement


def test_each_subcontract_records_its_psr_process_and_standstill():
    physio = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    assert "The Lead Provider is itself a relevant authority for the purposes of the Health Care Services " \
           "(Provider Selection Regime) Regulations 2023" in physio
    assert "the competitive process under the Health Care Services (Provider Selection Regime) Regulations 2023" \
           in physio
    assert "The standstill period after its decision to award this Sub-Contract ended on 6 February 2026" in physio


def test_icp_contract_names_its_national_form_and_records_mixed_procurement():
    body = text("eastmoor-icp", "aco_contract")
    assert "This Contract draws on the Integrated Care Provider Contract published by NHS England" in body
    assert "the national form of contract on which" not in body
    assert "treated the award as a mixed procurement" in body
    assert "main subject-matter of this Contract is health care services" in body


# --------------------------------------------------------------------------- 6. consistency and mechanisms


def test_no_undefined_forums_terms_or_pasted_grounds():
    aa = text("northvale-alliance", "alliance_agreement")
    assert "Alliance Delivery Group" not in aa
    assert "2 | Core Group |" in aa and "“Core Group”" in aa
    icp = text("eastmoor-icp", "aco_contract")
    assert "entry into the Initial Contract Period" not in icp
    assert "they recorded the following events as grounds" not in icp
    assert "Partial termination of the Council services on 12 months' notice" not in icp.split("[Drafting note")[0]


def test_wilful_default_is_defined_and_limited_recourse_stated():
    body = text("northvale-alliance", "alliance_agreement")
    assert "“Wilful Default” means an act or omission of a Partner" in body
    assert "for Wilful Default" in body and "for wilful default" not in body
    recourse = paragraph(body, "Accordingly, and subject to clause")
    assert "recourse against another Partner" in recourse and "No other claim for damages" in recourse


def test_core_group_is_separate_from_the_board():
    body = text("northvale-alliance", "alliance_agreement")
    assert "separate from the Board" in paragraph(body, "The Partners establish a core group")
    assert "cannot bind any Partner" in paragraph(body, "The Core Group cannot bind")


def test_joint_controllers_get_an_article_26_arrangement():
    body = text("northvale-alliance", "alliance_agreement")
    assert "The Data Sharing Agreement is the arrangement between the joint controllers required by Article 26 of " \
           "the UK GDPR" in body


def test_subcontract_gives_the_commissioner_enforceable_direct_rights():
    body = text("westmoor-lead-provider", "subcontract", "sub-physiofirst")
    rights = paragraph(body, "Each commissioner under the Head Contract may")
    assert "enforce against PhysioFirst, under the Contracts (Rights of Third Parties) Act 1999" in rights
    assert "must give the same right to the Commissioner directly" in body


def test_housing_support_is_papered_once():
    # housing-related support is under the local authority integration agreement, not a Council Service
    for line in text("eastmoor-icp", "aco_contract").splitlines():
        if "housing-related support" in line.lower():
            assert "integration agreement" in line.lower(), line


def test_monthly_instalments_add_up_to_the_year():
    body = text("eastmoor-icp", "aco_contract")
    # each payer's part (the ICB directly, the Council from the s75 pool) less its share of the improvement pool
    # held back (test_legal_review5 checks who pays which part)
    total = Decimal(0)
    for part, held in ((Decimal(245_000_000), Decimal(4_900_000)), (Decimal(80_000_000), Decimal(1_600_000))):
        year = part - held
        regular = (year / 12).quantize(Decimal("0.01"))
        last = year - 11 * regular
        assert f"eleven of {money(regular)} and a twelfth of {money(last)}" in body
        assert 11 * regular + last == year
        total += year
    assert total == Decimal(325_000_000) - Decimal(6_500_000)  # the WPAP less the improvement pool
