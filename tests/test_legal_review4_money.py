"""Findings of the third legal review on Riverbend's money flows and section 9 status, read from the BUILT text
(the sample, and edited variants where the wording depends on the terms). Figures are recomputed here."""
from __future__ import annotations

import re
from decimal import Decimal

from legal_support import deal_facts, edited, money, paragraph, pounds, render, set_, text

RB = "riverbend-system"
AA = "alliance_agreement"
ALLIANCES = ("acute-collaborative", "riverbend-west", "riverbend-central", "riverbend-east")


def _af(i):
    return ("contracting", "alliances", i, "funding")


def _rc_rows(body: str) -> list:
    """(partner, pct, amount) rows of the Running Costs table in Part 2 of the financial schedule."""
    part = body[body.index("Part 2: Running Costs"):body.index("Part 3: Risk Share")]
    rows = re.findall(r"^(.+?) \| ([\d.]+)% \| (£[\d,.]+) \|", part, re.M)
    return [(who, Decimal(pct), pounds(amount)) for who, pct, amount in rows]


def test_running_costs_name_the_host_that_invoices():
    """1(a): the host partner is named; it employs the staff, incurs the costs and invoices the others."""
    for doc_id, host in (("acute-collaborative", "RUH"), ("riverbend-central", "the ICB")):
        body = text(RB, AA, doc_id)
        host_para = paragraph(body, f"{host[0].upper()}{host[1:]} (the “Host Partner”) employs or engages the staff")
        assert "invoice each other Partner for its share quarterly in arrears" in host_para
        assert "Manager must keep a record" not in body  # the manager is not the payee
        assert f"Host Partner: {host}." in body
        assert re.search(rf"^\S+\s+{host} \(the “Employing Partner”\) must employ or engage", body, re.M | re.I)
        index = ALLIANCES.index(doc_id)
        unnamed = edited(RB, lambda d: d["contracting"]["alliances"][index]["governance"].pop("alliance_manager"))
        assert f"whom the Host Partner ({host}) must employ or engage (as such, the Employing Partner)" in \
            render(unnamed, AA, doc_id)


def test_running_cost_shares_make_up_the_whole_budget():
    """1(b): each agreement's shares add up to exactly 100% and the amounts to the budget, recomputed."""
    data = edited(RB)
    for i, doc_id in enumerate(ALLIANCES):
        body = text(RB, AA, doc_id)
        rc = data["contracting"]["alliances"][i]["funding"]["running_costs"]
        budget = Decimal(str(rc["amount_pa"]))
        rows = _rc_rows(body)
        shares = [r for r in rows if r[0] != "Total"]
        total = [r for r in rows if r[0] == "Total"][0]
        assert sum(p for _w, p, _a in shares) == Decimal(100) == total[1]
        assert sum(a for _w, _p, a in shares) == budget == total[2]
        pcts = [Decimal(str(c["pct"])) for c in data["contracting"]["alliances"][i]["funding"]["contributions"]]
        expected = [(budget * p / 100).quantize(Decimal("0.01")) for p in pcts]
        expected[-1] = budget - sum(expected[:-1])
        assert [a for _w, _p, a in shares] == expected
        assert "not 100%" not in body


def test_shares_that_do_not_make_100_are_refused_and_the_last_takes_the_rounding():
    """1(b): 33.34/33.33/33.33 of £300,001 — the last share takes the penny; 30% + 2 x 33.33% is refused (L22)."""
    data = edited(RB, set_(_af(0) + ("running_costs", "amount_pa"), 300001))
    body = render(data, AA, "acute-collaborative")
    shares = [r for r in _rc_rows(body) if r[0] != "Total"]
    first, second = (Decimal(300001) * Decimal("33.34") / 100).quantize(Decimal("0.01")), \
        (Decimal(300001) * Decimal("33.33") / 100).quantize(Decimal("0.01"))
    assert [a for _w, _p, a in shares] == [first, second, Decimal(300001) - first - second]
    # shares of 30% + 2 x 33.33% are refused by rule L22 (tests/test_legal_rules.py); the draft flags the gap
    from acscontracts.api import InvalidTerms
    try:
        render(edited(RB, set_(_af(0) + ("contributions", 0, "pct"), 30)), AA, "acute-collaborative")
    except InvalidTerms as refused:
        assert "L22" in str(refused) and "96.66%" in str(refused)
    else:
        raise AssertionError("shares of 96.66% were drafted")


def test_one_budget_is_charged_in_one_agreement():
    """1(c): each partnership's budget is charged only in its own agreement; nobody pays a system budget twice."""
    facts = deal_facts(RB)
    budgets = facts.running_cost_budgets()
    assert [b.alliance.id for b in budgets] == list(ALLIANCES)
    icb_total = Decimal(0)
    for doc_id in ALLIANCES:
        body = text(RB, AA, doc_id)
        assert "Running Costs budget for the first Financial Year: £300,000." in body
        for who, _pct, amount in _rc_rows(body):
            if who == "the ICB":
                icb_total += amount
    # the ICB pays 40% of each place budget once: 3 x 40% x £300,000
    assert icb_total == 3 * Decimal("0.40") * Decimal(300000)
    hot = text(RB, "heads_of_terms")
    para = paragraph(hot, "Shared running costs:")
    assert "charged in one agreement only" in para and para.count("hosted by") == 4


def test_council_host_states_the_power_or_is_refused():
    """1(d): a council host: with a section 75 basis each NHS body's power is stated; without one, L2 refuses."""
    changes = (set_(_af(1) + ("running_costs", "host_partner_id"), "riverbend-county"),
               set_(_af(1) + ("running_costs", "council_host_basis"), "s75"))
    body = render(edited(RB, *changes), AA, "riverbend-west")
    powers = paragraph(body, "Each Partner pays its share to the Host Partner in exercise of the following powers:")
    assert "the ICB, the Community Trust and Westriver, section 75 of the National Health Service Act 2006" in powers
    # section 256 is an ICB's power only: the trusts have none, and the rule says so
    s256 = edited(RB, changes[0], set_(_af(1) + ("running_costs", "council_host_basis"), "s256"))
    from acscontracts.api import InvalidTerms
    try:
        render(s256, AA, "riverbend-west")
    except InvalidTerms as refused:
        message = str(refused)
    else:
        raise AssertionError("a council host with no power for the trusts was drafted")
    assert "error L2" in message and "from `riverbend-cmh` to the host `riverbend-county`" in message
    assert "from `westriver-hospitals`" in message and "from `riverbend-icb`" not in message


def test_host_recharge_is_an_nhs_contract_and_says_so():
    """3 (reversed by the fourth review, finding 3): a host trust's recharge of running costs is, in substance, the
    host providing the services of its staff to each payer, so each NHS host and NHS payer are an NHS Contract Pair
    (Riverbend collaborative, Northvale), and the agreement says so without the old "not an arrangement" label."""
    facts = deal_facts(RB)
    budget = facts.running_costs(next(a for a in facts.terms.contracting.alliances if a.id == "acute-collaborative"))
    parties = tuple(facts.terms._index[i] for i in ("westriver-hospitals", "riverbend-university", "eastbank-general"))
    status = facts.document(AA, parties, budget.alliance).status
    assert status.recharge_host.id == "riverbend-university" and status.any_nhs and not status.all_nhs
    assert {p.id for p in status.recharged} == {"westriver-hospitals", "eastbank-general"}
    assert {(p.arranger.id, p.provider.id) for p in status.nhs_pairs} == {
        ("westriver-hospitals", "riverbend-university"), ("eastbank-general", "riverbend-university")}
    body = text(RB, AA, "acute-collaborative")
    recharge = paragraph(body, "RUH recharges Westriver and Eastbank FT their shares of the Running Costs")
    assert "not an arrangement under which" not in body and "is therefore not an NHS Contract Pair" not in body
    # twenty-second review: one scope throughout (the whole agreement between the pair, as clause 2.6 and the
    # dispute clauses say), not "for the recharge" here and the whole agreement there
    assert "RUH and each of them are therefore an NHS Contract Pair, and this Agreement as a whole is an NHS contract " \
           "between them" in recharge
    assert "including one about the recharge or a claim for interest on a late payment" in recharge
    northvale = text("northvale-alliance", AA)
    nv = paragraph(northvale, "NCMH recharges NHFT, SUHFT and Eastport Trust their shares of the Running Costs")
    assert "NCMH and each of them are therefore an NHS Contract Pair" in nv
    assert "not an arrangement under which" not in northvale


def test_collaborative_disputes_go_pair_by_pair_like_the_place_agreements():
    """3: the acute collaborative carries the same pair-by-pair disputes clause as the place agreements, and its
    liability and jurisdiction clauses say the same."""
    for doc_id in ("acute-collaborative", "riverbend-west"):
        body = text(RB, AA, doc_id)
        final = paragraph(body, "If the Dispute is not resolved under clause")
        assert "its status is decided pair by pair" in final
        assert "as between the two members of any NHS Contract Pair that are both Partners to the Dispute" in body
        assert "as between any other two Partners to the Dispute (two that are not an NHS Contract Pair)" in body
        assert "Between the members of an NHS Contract Pair, liabilities under this Agreement are determined" in body
        assert "and to the referral of a Dispute between the members of an NHS Contract Pair to the Secretary of " \
               "State under section 9 of the NHS Act, the courts of England and Wales have exclusive jurisdiction" in body
    collaborative = text(RB, AA, "acute-collaborative")
    # the host's recharge makes RUH and each paying trust an NHS Contract Pair (the fourth review, finding 3)
    assert "Westriver and Eastbank FT each arrange for RUH to provide them with the services of the staff" in collaborative
    assert "(each such pair an NHS Contract Pair), this Agreement is an NHS contract" in collaborative


def _part_year_para(body: str) -> str:
    return paragraph(body, "The first Financial Year in which the Risk Share applies is a part year")


def test_part_year_risk_share_is_pro_rated_by_months():
    """2: the place risk shares start on 1 October 2026: 2026/27 is six whole months of twelve, and the baseline,
    corridor and caps for it are the annual figures x 6/12, printed with them; the heads of terms say the same."""
    data = edited(RB)
    for i, doc_id in ((1, "riverbend-west"), (2, "riverbend-central"), (3, "riverbend-east")):
        rs = data["contracting"]["alliances"][i]["funding"]["risk_share"]
        body = text(RB, AA, doc_id)
        para = _part_year_para(body)
        assert "from 1 October 2026 (or from the later start of its Phase, when clause 5.4 applies instead of this " \
               "clause) to 31 March 2027, which is six (6) whole calendar months of the twelve (12) " \
               "months of the financial year from 1 April 2026 to 31 March 2027" in para
        assert "multiplied by 6 and divided by 12" in para
        base = Decimal(str(rs["baseline"])) * 6 / 12
        assert f"a Baseline of {money(base)}" in para
        top = Decimal(str(rs["corridors"][0]["to_pct"]))
        assert f"a Corridor of up to {money(base * top / 100)}" in para
        for cap in rs["caps"]:
            assert money(Decimal(str(cap["max_amount"])) * 6 / 12) in para
        hot = text(RB, "heads_of_terms")
        assert f"pro-rated by 6/12 (whole months in the part year over the twelve months of the year), giving for " \
               f"the part year a reference baseline of {money(base)}" in hot


def test_part_year_by_days_and_untreated_part_year():
    """2: pro rata by days: 182 of the 365 days of 2026/27, to the penny; with no treatment, a blank and rule L25."""
    days = edited(RB, set_(_af(1) + ("risk_share", "part_year"), "pro_rata_days"))
    para = _part_year_para(render(days, AA, "riverbend-west"))
    assert "which is one hundred and eighty-two (182) days of the three hundred and sixty-five (365) days" in para \
        or "(182) days of the" in para
    rs = days["contracting"]["alliances"][1]["funding"]["risk_share"]
    base = (Decimal(str(rs["baseline"])) * 182 / 365).quantize(Decimal("0.01"))
    assert f"a Baseline of {money(base)}" in para
    cap = (Decimal(str(rs["caps"][0]["max_amount"])) * 182 / 365).quantize(Decimal("0.01"))
    assert f"{money(cap)} for the Community Trust" in para
    untreated = edited(RB, lambda d: d["contracting"]["alliances"][1]["funding"]["risk_share"].pop("part_year"))
    body = render(untreated, AA, "riverbend-west")
    assert "part only of the financial year from 1 April 2026 to 31 March 2027" in body
    assert "[● part-year treatment]" in body


def test_reconciliations_follow_financial_years_from_a_mid_year_start():
    """A risk share that starts on 1 October is reconciled for the part year to 31 March, due three months later
    (when the timetable's first reconciliation milestone falls), then year by year from 1 April."""
    import datetime as dt

    facts = deal_facts("riverbend-system")
    first, second = facts.timeline.reconciliations[:2]
    assert (first.year_start, first.year_end, first.due) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31),
                                                              dt.date(2027, 6, 30))
    assert (second.year_start, second.year_end) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert "first annual risk share reconciliation) by 30 June 2027" in text("riverbend-system", "alliance_agreement",
                                                                             "riverbend-west")
