"""Second legal review of the sample pack: each finding read from the BUILT text (and, where the wording
depends on the terms, from a generated variant). Figures are recomputed here, not copied from the text.

1 Baseline per year (alliance 19.2, HoT 6.3(a)); 2 risk-share settlement routed through the commissioners;
3 section 9 status pair by pair inside a multi-party dispute; 4 who bears losses above the caps;
5 extension tied to the Service Contracts; 6 clinical negligence cover for providers only; 7 only the
commissioners of the Service Contracts keep rights under them; 8 heads-of-terms exit rights per document;
9/11 heads-of-terms exposure wording from the risk-share facts; 10 signature date, longstop and approvals.
"""
from __future__ import annotations

import re
from decimal import Decimal

from legal_support import deal_facts, edited, money, paragraph, pounds, render, text


# --------------------------------------------------------------------------- 1. Baseline per year


def test_baseline_is_each_years_envelope_approved_by_every_partner():
    aa = text("northvale-alliance", "alliance_agreement")
    baseline = paragraph(aa, "The Baseline for each Financial Year in which the Risk Share applies")
    assert "is the Financial Envelope for that year" in baseline
    assert "as shown in the Financial Plan for that year" in baseline
    assert "The Board may propose the Baseline but may not set it" in baseline
    assert "is approved by each Risk Share Partner through its governing body" in baseline  # twelfth review: no veto
    assert "The Board must set the Baseline" not in aa
    assert "The Baseline for the first Financial Year in which the Risk Share applies is £" not in aa
    reference = paragraph(aa, "The figure of £1,320,000,000")
    assert "is a reference figure only (the “Reference Baseline”)" in reference
    assert "shadow reconciliation before the Risk Share applies (from 1 April 2027)" in reference
    assert "It does not fix the Baseline for any Financial Year in which the Risk Share applies" in reference
    assert "4  Reference Baseline: £1,320,000,000" in aa  # after the Running Costs table's paragraphs
    # the unanimous/reserved clauses agree: a change to the Baseline needs every Partner
    assert "any change to the Risk Share, including the Corridors, the shares, the Caps and the way the Baseline is set " \
           "(but not the approval of each year's Baseline, which the Risk Share clause governs)" in aa
    hot = text("northvale-alliance", "heads_of_terms")
    assert "Baseline for each year in which the share applies: that year's budget for the scope, as approved by " \
           "each organisation that shares in the risk" in hot
    assert "the reference figure of £1.32 billion (£1,320,000,000) (on a 2025/26 basis) is used for the shadow " \
           "calculation before the share applies (from 1 April 2027)" in hot


def test_baseline_without_a_shadow_year_is_the_first_years_figure():
    def no_shadow(d):
        d["phases"] = [p for p in d["phases"] if p.get("risk_share_active")]
        d["phases"][0]["start"] = d["term"]["start"]
        d["phases"][0]["entry_criteria"] = ["All Partners' boards have approved this Agreement"]
    aa = render(edited("northvale-alliance", no_shadow), "alliance_agreement")
    assert "For the first Financial Year, the Financial Plan must show a Baseline of £1,320,000,000" in aa
    assert "shadow reconciliation before the Risk Share applies" not in aa


# --------------------------------------------------------------------------- 2. settlement: payer, payee, route


def test_settlement_is_routed_through_the_commissioner_with_a_worked_example_to_the_penny():
    aa = text("northvale-alliance", "alliance_agreement")
    route = aa[aa.index("Every net amount is settled through the commissioners"):][:1500]
    assert "no provider Partner pays another" in route
    assert "NHFT, SUHFT, Eastport Trust and NCMH each settle their net amount with the ICB, as the commissioner " \
           "of their Service Contracts, by an adjustment to the payments due under its own Service Contract" in route
    assert "the ICB's own net amount is met by those adjustments" in route
    assert "by adjusting payments between the commissioner and provider Partners under the Service Contracts, " \
           "and otherwise by invoice" not in aa
    # the worked settlement: own variances 5:4:3:-1 of a 2.50% loss, pooled = own x shared / variance
    variance = Decimal(1_320_000_000) * Decimal("2.5") / 100
    shared = variance - Decimal(1_320_000_000) * Decimal("0.5") / 100
    own = {"NHFT": variance * 5 / 11, "SUHFT": variance * 4 / 11, "Eastport Trust": variance * 3 / 11,
           "NCMH": -variance / 11}
    cap = Decimal(3_000_000)
    nets = {}
    for name, v in own.items():
        pooled = v * shared / variance
        net = cap - pooled  # each provider's allocated share is its cap in this example
        nets[name] = net
        row = next(line for line in aa.splitlines() if line.startswith(f"{name} | ") and "payable" in line)
        word = "overspend" if v > 0 else "underspend"
        assert row.startswith(f"{name} | {money(abs(v))} {word} | ")
        if net < 0:
            assert f"{money(-net)} payable to {name} | The ICB adds {money(-net)} to its payments under {name}'s " \
                   "Service Contract" in row
        else:
            assert f"{money(net)} payable by {name} | The ICB deducts {money(net)} from its payments under " \
                   f"{name}'s Service Contract" in row
    icb = shared - 4 * cap
    assert f"the ICB | Nil | Nil | {money(icb)} | {money(icb)} payable by the ICB |" in aa
    assert sum(nets.values()) + icb == 0  # every settlement nets to nil
    assert "After settlement, the ICB bears a loss of £14,400,000, NHFT bears a loss of £6,000,000" in aa


def test_settlement_flows_never_run_between_providers():
    money_facts = deal_facts("northvale-alliance").money
    flows = [f for f in money_facts.flows if f.path == ("funding", "risk_share")]
    assert flows and all(f.payer.is_commissioner for f in flows)
    assert {f.payee.id for f in flows} == {"northvale-hospitals", "southvale-hospitals", "eastport-trust",
                                          "northvale-cmh"}
    assert all(f.kind == "contract_payment" and f.power for f in flows)


def test_settlement_rounds_to_the_penny_and_nets_to_nil():
    def odd(d):
        d["funding"]["risk_share"]["baseline"] = 1_320_000_007
        d["funding"]["risk_share"]["baseline_parts"][0]["amount"] = 430_000_007  # the parts still add up (X27)
    rs_facts = deal_facts(edited("northvale-alliance", odd)).money.risk_share
    st = rs_facts.settlement
    assert all(line.pooled == line.pooled.quantize(Decimal("0.01")) for line in st.lines)
    assert sum(line.net for line in st.lines) == 0
    assert sum(line.pooled for line in st.lines) == st.example.allocated
    aa = render(edited("northvale-alliance", odd), "alliance_agreement")
    rows = [line for line in aa.splitlines() if re.match(r"^(the ICB|NHFT|SUHFT|Eastport Trust|NCMH) \| .*payable", line)]
    signed = []
    for row in rows:
        amount, direction = re.search(r"(£[\d,.]+) payable (by|to)", row).groups()
        signed.append(pounds(amount) if direction == "by" else -pounds(amount))
    assert len(signed) == 5 and sum(signed) == 0


# --------------------------------------------------------------------------- 3. section 9 pair by pair


def test_multi_party_disputes_apply_section_9_pair_by_pair_in_every_document():
    docs = [("northvale-alliance", "alliance_agreement", None), ("northvale-alliance", "heads_of_terms", None),
            ("eastmoor-icp", "aco_contract", None), ("eastmoor-icp", "heads_of_terms", None),
            ("eastmoor-icp", "subcontract", None), ("westmoor-lead-provider", "heads_of_terms", None)]
    for sample, doc, doc_id in docs:
        assert "solely between" not in text(sample, doc, doc_id), (sample, doc)
    for sample, doc in (("northvale-alliance", "alliance_agreement"), ("eastmoor-icp", "aco_contract")):
        body = text(sample, doc)
        final = body[body.index("If the Dispute is not resolved under clause"):][:1500]
        assert "its status is decided pair by pair, whether the Dispute is between two" in final
        assert "as between the two members of any NHS Contract Pair that are both" in final
        assert "that determination is not enforceable in the courts between them" in final
        assert "(two that are not an NHS Contract Pair), the Expert's determination is final and binding between " \
               "those two" in final
        status = paragraph(body, "Section 9 of the NHS Act applies arrangement by arrangement")
        assert "even where other" in status and "are also party to it" in status
    hot = text("eastmoor-icp", "heads_of_terms")
    assert "in any dispute, whoever else is party to it, as between two organisations for which a document is an " \
           "NHS contract" in hot
    assert "no determination or judgment is enforceable in the courts between those two" in hot


# --------------------------------------------------------------------------- 4. losses above the caps


def test_who_bears_losses_above_the_caps_is_stated_and_computed():
    aa = text("northvale-alliance", "alliance_agreement")
    bearer = paragraph(aa, "The ICB has no Cap")
    shared = Decimal(26_400_000)
    icb_share, reallocated = shared * Decimal("0.4"), 4 * (shared * Decimal("0.15") - 3_000_000)
    assert "it bears every loss shared under this clause that another Partner's Cap stops that Partner from " \
           "bearing" in bearer
    assert f"the ICB would bear {money(icb_share + reallocated)} instead of its 40.00% share of {money(icb_share)}, " \
           f"because {money(reallocated)} would pass to it" in bearer
    hot = text("northvale-alliance", "heads_of_terms")
    assert "losses above a cap pass to the ICB, whose share is not capped" in hot
    assert f"the most each organisation's share of losses can be in a year is: the ICB " \
           f"{money(icb_share + reallocated)}, NHFT £3,000,000" in hot


def test_all_capped_losses_stay_where_they_arise():
    def cap_icb(d):
        d["funding"]["risk_share"]["caps"].append({"partner_id": "northvale-icb", "max_amount": 12_000_000})
    aa = render(edited("northvale-alliance", cap_icb), "alliance_agreement")
    assert "Every Risk Share Partner has a Cap, so a loss that would take every Partner above its Cap is not " \
           "reallocated" in aa


# --------------------------------------------------------------------------- 5-7. alliance warnings


def test_extension_depends_on_the_service_contracts_only_where_they_end_first():
    aa = text("northvale-alliance", "alliance_agreement")
    ext = paragraph(aa, "The Partners may, by a unanimous decision of the Board ratified")
    assert "an extension takes effect only if, and for only so long as, each of those Service Contracts has been " \
           "extended or replaced for the extended period" in ext

    def long_contracts(d):
        for c in d["contracting"]["service_contracts"]:
            c["end_date"] = "2033-03-31"
    ext = paragraph(render(edited("northvale-alliance", long_contracts), "alliance_agreement"),
                    "The Partners may, by a unanimous decision of the Board ratified")
    assert "extended or replaced" not in ext


def test_clinical_negligence_cover_is_for_provider_partners_only():
    aa = text("northvale-alliance", "alliance_agreement")
    assert "Clinical negligence (NHS Resolution CNST or equivalent) | £10,000,000 | Provider Partners only" in aa
    assert "Public liability | £5,000,000 | Every Partner" in aa
    note = paragraph(aa, "Clinical negligence cover is required only of the Partners that provide services")
    assert "(NHFT, SUHFT, Eastport Trust and NCMH)" in note
    assert "The ICB, the County Council, Southvale Council and Eastport Council, as commissioners, are not required " \
           "to hold it and rely on their own arrangements" in note


def test_only_the_commissioners_of_the_service_contracts_keep_rights_under_them():
    aa = text("northvale-alliance", "alliance_agreement")
    para = paragraph(aa, "As commissioners, the ICB, the County Council")
    assert "keep the sole right to make their commissioning decisions" in para
    assert "The ICB, as the commissioner of the Service Contracts, keeps the sole right to exercise the " \
           "commissioner's rights under them" in para
    assert "and to exercise rights under the Service Contracts" not in para


# --------------------------------------------------------------------------- 8. heads of terms exit


def test_heads_of_terms_exit_rights_follow_each_document():
    hot = text("eastmoor-icp", "heads_of_terms")
    exit_ = hot[hot.index("Exit (as the documents will provide)"):hot.index("Data:")]
    assert "an organisation may withdraw on" not in exit_
    assert "Integrated Care Provider Contract: no party may end it early without cause except at a break point " \
           "(31 March 2030 or 31 March 2032)" in exit_
    assert "the Council may also end it for the council services it commissions on twelve (12) months' notice " \
           "(a partial exit)" in exit_
    assert "the sub-contract (paragraph 3.7): either party may end it without cause on twelve (12) months' " \
           "notice" in exit_
    icp = text("eastmoor-icp", "aco_contract")
    assert "may end this Contract at a Break Point, without any breach having occurred, by giving the others at " \
           "least twelve (12) months' notice" in icp
    nv = text("northvale-alliance", "heads_of_terms")
    assert "a partner may withdraw from the alliance agreement on twelve (12) months' notice, taking effect at " \
           "the end of a financial year unless the others agree" in nv
    wm = text("westmoor-lead-provider", "heads_of_terms")
    assert "each sub-contract: either party may end it without cause on six (6) months' notice, but the " \
           "sub-contractor not so as to take effect before the first anniversary" in wm


# --------------------------------------------------------------------------- 9 and 11. exposure wording


def risk_bullets(hot: str) -> str:
    return hot[hot.index("Risk and gain share"):hot.index("Incentive pool")]


def test_icp_exposure_says_variance_beyond_corridors_stays_with_the_commissioner():
    rs = risk_bullets(text("eastmoor-icp", "heads_of_terms"))
    assert "no organisation's total exposure is limited to its cap" not in rs
    assert "each organisation bears its own variance" not in rs
    assert "beyond the corridors, variance is not shared and stays with the ICB" in rs
    cap = Decimal(118_000_000) * 3 / 100 / 2
    assert f"the Integrated Care Provider, {money(cap)} on its share of losses and on its share of gains" in rs
    assert f"the most each organisation's share of losses can be in a year is: the Integrated Care Provider " \
           f"{money(cap)} and Eastmoor Hospitals {money(cap)}; any other loss stays with the ICB" in rs


def test_uncapped_corridor_shared_beyond_has_no_limit():
    def uncapped(d):
        d["funding"]["risk_share"]["caps"] = []
        d["funding"]["risk_share"]["beyond_corridors"] = "shared"
    rs = risk_bullets(render(edited("eastmoor-icp", uncapped), "heads_of_terms"))
    assert "caps (a year)" not in rs
    assert "variance continues to be shared in the proportions of the outermost corridor" in rs
    assert "the most each organisation's share of losses can be in a year is: the Integrated Care Provider no " \
           "limit and Eastmoor Hospitals no limit" in rs


def test_uncapped_corridor_not_shared_beyond_is_limited_by_the_corridor():
    def uncapped(d):
        d["funding"]["risk_share"]["caps"] = []
    rs = risk_bullets(render(edited("eastmoor-icp", uncapped), "heads_of_terms"))
    width = Decimal(118_000_000) * 3 / 100 / 2
    assert f"the Integrated Care Provider {money(width)} and Eastmoor Hospitals {money(width)}; any other loss " \
           "stays with the ICB" in rs


def test_gain_only_scheme_has_no_loss_or_exposure_wording():
    rs = risk_bullets(text("westmoor-lead-provider", "heads_of_terms"))
    assert "bears its own variance" not in rs and "exposure" not in rs
    assert "share of losses" not in rs and "bears its own losses" not in rs
    assert "beyond the corridors, variance is not shared and stays with the Commissioner; losses are not shared " \
           "under this arrangement and stay with the Commissioner (whose spend is the baseline)" in rs
    assert "caps (a year)" not in rs  # the £2m cap could never bind (L21), so the sample has none
    assert "the most each organisation's share of gains can be in a year is: the Commissioner £1,960,000 and the " \
           "Lead Provider £1,960,000" in rs


def test_loss_only_scheme_has_no_gain_share_wording():
    def loss_only(d):
        d["funding"]["risk_share"]["corridors"][0]["direction"] = "loss"
    rs = risk_bullets(render(edited("northvale-alliance", loss_only), "heads_of_terms"))
    assert "share of gains can be" not in rs
    assert "beyond the corridors, losses are not shared: each organisation bears its own; gains are not shared " \
           "under this arrangement" in rs


# --------------------------------------------------------------------------- 10. signature, longstop, approvals


def test_heads_of_terms_name_signature_date_longstop_and_final_document_approvals():
    hot = text("eastmoor-icp", "heads_of_terms")
    assert "proposed start date of 22 February 2027" not in hot
    assert "signed, and to take effect, on 22 February 2027 (the proposed signature date), with services starting " \
           "on 1 April 2027" in hot
    assert "must be met by 25 March 2027 (the longstop date)" in hot
    assert "for approval and signature by 22 February 2027 (the proposed signature date)" in hot
    assert "signature before 1 April 2027" not in hot
    for sample in ("northvale-alliance", "westmoor-lead-provider", "eastmoor-icp"):
        body = text(sample, "heads_of_terms")
        assert "and later the final documents, to the following" not in body
        assert "Approval of the final documents" in body


def test_heads_of_terms_list_the_gain_loss_share_agreement_with_its_status():
    """Third review: the agreement the ICP contract makes a condition was missing from the documents to be prepared."""
    hot = text("eastmoor-icp", "heads_of_terms")
    [row] = [line for line in hot.splitlines() if line.startswith("Gain/Loss Share Agreement |")]
    assert row.split(" | ")[1] == "the ICB, the Integrated Care Provider and Eastmoor Hospitals"
    assert "a condition to be met before services start" in row
    assert "as between the ICB and each of the Integrated Care Provider and Eastmoor Hospitals, an NHS contract (section 9 " \
           "of the National Health Service Act 2006)" in row
    assert not [line for line in text("northvale-alliance", "heads_of_terms").splitlines()
                if line.startswith("Gain/Loss Share Agreement")]
