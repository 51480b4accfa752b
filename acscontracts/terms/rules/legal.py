"""Legal-soundness rules L1-L16, L20-L25, L30-L34 and L40: what would make the documents legally wrong (errors) or needs a
lawyer's choice (warnings). Most read the legal facts (acscontracts.facts) computed from the terms, so
validation and drafting decide each question the same way.

  L1  error   a pooled fund with fewer than two contributors (it is not a pool)
  L2  error   a money flow with no legal power (NHS money to a council without a section 75 pool)
  L3  error   a flow in which a partner pays itself (incentive funder that also receives the incentive)
  L4  error   a phase whose entry waits for a reconciliation that cannot be finished before it starts
  L5  warning a member's service contract ends before the alliance agreement
  L6  warning (error with --final) risk-share caps without a statement of whether they limit gains as well as losses
  L7  error   a gain/loss share with an out-of-scope provider but no commissioner in it
  L8  warning a material subcontract let by a relevant authority with no PSR process recorded
  L9  warning a party whose standing orders need its seal, on heads of terms (never sealed)
  L10 error   an ICP contract whose effective date is not before service commencement
  L11 error   TUPE employee information due before the contract (or the sub-contract that papers the
              transfer) binds anyone: signed less than 28 days before the transfer
  L12 error   a longstop date outside the period from the effective date to service commencement
  L13 error   a service papered twice: in the ICP contract's council services and in an integration agreement
  L14 error   a subcontract that repeats the gain/loss share with the out-of-scope provider
  L15 error   an alliance incentive pool that nobody funds, or that its funders could lawfully pay to nobody
  L20 error   a break-point review (timetable milestone or phase gate) dated after the review that the break
              notice needs: the decision it informs would already have been made
  L21 warning a risk-share cap that can never bind (the partner's most under the corridors is below it)
  L22 error   a running-cost budget whose shares do not make up exactly 100% of it, or that charges an
              organisation that is not a party to the agreement that charges it
  L23 error   a deal-wide running-cost budget in a deal with several alliances that does not say which one
              agreement charges it (it would be charged in none, or in every one)
  L24 warning (error with --final) a running-cost budget with no host partner to employ the staff, incur the
              costs and invoice the contributors
  L25 warning (error with --final) a risk share that starts or ends part-way through a financial year with no part-year treatment
              (its baseline, corridor amounts and caps are annual figures)

  L16 warning an entry criterion of a phase after the first that needs the agreement of every partner (or a
              unanimous decision): any one partner could keep that phase, and what applies only in it (such as
              the risk share), from ever starting

(L17-L19 are left free for rules of the dispute-resolution, alliance and heads-of-terms documents.)

  L30 error   a sub-contract that takes effect before its head contract was entered into (it recites the head
              contract, by its date, as in place)
  L31 error   a standstill period recorded as ending less than eight working days after the award decision, or a
              contract awarded by a process with a standstill entered into before the standstill ended
  L32 warning (error with --final) a service contract with no signed_date (the documents identify it by its date), other
              than an ICP contract the pack drafts (dated the deal's effective date)
  L33 error   an ACO/ICP contract payment part of which a pooled fund hosted by a commissioner pays, where a
              commissioner pays into that fund more than its part of the payment (the contract would name a payer
              for more than the payment, and the commissioner's direct part would be negative)
  L34 warning an ACO/ICP contract payment funded by several commissioners where a budget component has no uplift rule
              of its own (each commissioner's Funded Part is then uplifted at the budget's one rate)
  L40 error   a board that a document sets up as a joint committee with a member that is neither an NHS body nor a
              council (a joint committee under section 65Z5 cannot include a company)
"""
from __future__ import annotations

import datetime as _dt

import re

from acscontracts.terms.rules.context import Ctx, COUNCIL_TYPES, NHS_PROVIDER_TYPES, _date, _dict, _list, _num, _str

FLOW_WORDS = {"contract_payment": "contract payment", "pool_contribution": "pooled-fund contribution",
              "risk_share": "risk-share settlement", "incentive": "incentive payment",
              "running_costs": "running-cost contribution"}


def single_contributor_pool(c: Ctx):
    """L1: a pooled fund needs at least two contributors."""
    for path, fund in c.pooled_funds():
        contributors = {_dict(x).get("partner_id") for x in _list(fund.get("contributions"))
                        if (_num(_dict(x).get("amount")) or 0) > 0}
        if len(contributors) < 2:
            who = ", ".join(sorted(str(x) for x in contributors)) or "no partner"
            yield c.error("L1", path + ("contributions",), f"pooled fund `{fund.get('id')}` has one contributor "
                          f"({who}); a fund with a single contributor is not a pooled fund",
                          "add each partner's contribution (under section 75 the NHS body and the council both "
                          "contribute), or describe the money as a contract payment instead of a pool")


def payment_without_power(c: Ctx):
    """L2: every flow of money needs a legal power; NHS money paid to a council needs s75 (or s256)."""
    for flow in c.facts.money.without_power:
        if flow.kind == "running_costs":
            yield c.error("L2", flow.path, f"running-cost contribution from `{flow.payer.id}` to the host "
                          f"`{flow.payee.id}` (a council) has no legal power: an NHS body may pay a council only under "
                          "a section 75 partnership arrangement, section 256 of the NHS Act 2006 (an ICB) or joint "
                          "working arrangements under section 65Z5 with a pooled fund",
                          "set running_costs.council_host_basis to the arrangement in place (s75, s256 for an ICB, "
                          "or s65z5), or make an NHS partner the host (running_costs.host_partner_id)")
            continue
        yield c.error("L2", flow.path, f"{FLOW_WORDS.get(flow.kind, flow.kind)} from `{flow.payer.id}` to "
                      f"`{flow.payee.id}` has no legal power: money moved between an NHS body and a council needs "
                      "a section 75 agreement (or, for an ICB paying a council, section 256 of the NHS Act 2006), "
                      "which this document cannot be",
                      "pay only NHS bodies (or only councils) under this flow, and route any council share "
                      "through the section 75 agreement")


def payment_to_itself(c: Ctx):
    """L3: a partner cannot pay itself (e.g. an ICB that funds the incentive pool and owns a measure)."""
    seen = set()
    for flow in c.facts.money.to_itself:
        if (flow.path, flow.payer.id) in seen:
            continue
        seen.add((flow.path, flow.payer.id))
        yield c.error("L3", flow.path, f"`{flow.payer.id}` would pay itself a {FLOW_WORDS.get(flow.kind, flow.kind)}",
                      "name a different payee (for example distribute pro rata to the provider partners), or "
                      "take the partner out of the funders")


def phase_gate_before_reconciliation(c: Ctx):
    """L4: a phase whose entry criteria need a reconciliation cannot start before it can be done."""
    for i, gate in enumerate(c.facts.timeline.gates):
        if gate.before_reconciliation:
            yield c.error("L4", ("phases", i, "start"),
                          f"phase `{gate.phase.id}` starts on {gate.phase.start.isoformat()}, but its entry criteria "
                          f"need the reconciliation of the period to {gate.reconciled_to.isoformat()}, which is "
                          f"not complete until {gate.reconciliation_due.isoformat()}",
                          "base entry on an earlier (year-to-date) reconciliation with phases[].reconciliation_to, "
                          "or start the phase later")


_EVERYONE_AGREES = re.compile(
    r"\bunanimous|\b(?:agreed|approved|signed|accepted|consented to|confirmed)\s+by\s+(?:all|every|each)\b"
    r"|\b(?:all|every|each)(?:\s+of\s+the)?\s+(?:partners?|parties|party|members?|organisations?|boards?)\b[^.;]*?"
    r"\b(?:agree|approve|consent|sign|confirm|accept)", re.I)


def unanimous_phase_gate(c: Ctx):
    """L16: a later phase waiting on everyone's agreement hands each partner a veto over it. The first phase's
    conditions (each partner's board approving the agreement) are different: each party must sign anyway."""
    for i, phase in enumerate(c.facts.terms.phases):
        if i == 0:
            continue
        for j, criterion in enumerate(phase.entry_criteria):
            if isinstance(criterion, str) and _EVERYONE_AGREES.search(criterion):
                yield c.warn("L16", ("phases", i, "entry_criteria", j),
                             f"phase `{phase.id}` cannot start until `{criterion}`: any one partner could withhold "
                             "its agreement and keep the phase" + (", and the risk share that applies in it,"
                                                                  if phase.risk_share_active else "")
                             + " from ever starting",
                             "make the criterion objective (a thing done or published by a date) or a decision of the "
                             "board by its usual majority; keep it only if every partner is meant to have a veto")


def service_contract_before_agreement(c: Ctx):
    """L5: a member's service contract that ends before the alliance agreement."""
    end = _date(c.section("term").get("end"))
    members = {m for _i, a in c.alliances() for m in _list(a.get("member_ids"))}
    if end is None or c.model != "alliance":
        return
    for i, contract in enumerate(_list(c.contracting.get("service_contracts"))):
        contract = _dict(contract)
        ends = _date(contract.get("end_date"))
        if ends and ends < end and contract.get("provider_id") in members:
            yield c.warn("L5", ("contracting", "service_contracts", i, "end_date"),
                         f"service contract `{contract.get('id')}` ends on {ends.isoformat()}, before the "
                         f"agreement ({end.isoformat()}): the risk share then has no contract to settle under",
                         "align the contract's end with the agreement, or end the agreement (or the risk share) "
                         "when the contracts end")


def caps_without_statement(c: Ctx):
    """L6: caps must say whether they limit gains too (a placeholder in a draft; an error with --final)."""
    make = c.error if c.final else c.warn
    for path, rs in c.funding_blocks("risk_share"):
        if _list(rs.get("caps")) and not rs.get("cap_applies_to"):
            yield make("L6", path + ("caps",), "the risk share has caps but does not say whether they limit "
                       "gains as well as losses", "set cap_applies_to: losses or gains_and_losses")


def gain_loss_share_without_commissioner(c: Ctx):
    """L7: a gain/loss share on a commissioner's spend with an out-of-scope provider needs that commissioner."""
    rs = c.section("funding", "risk_share")
    if not isinstance(rs.get("counterparty_id"), str):
        return
    sharers = {_dict(s).get("partner_id") for corridor in _list(rs.get("corridors"))
               for s in _list(_dict(corridor).get("shares"))}
    commissioners = {p for p in sharers | {rs.get("commissioner_id")} if "commissioner" in c.roles(p)
                     or "coordinating_commissioner" in c.roles(p)}
    if not commissioners:
        yield c.error("L7", ("funding", "risk_share"), "the gain/loss share with "
                      f"`{rs['counterparty_id']}` has no commissioner in it: the variance arises in a commissioner's "
                      "spend, so nobody would pay the gains or receive the losses",
                      "set funding.risk_share.commissioner_id to the commissioner whose spend is the baseline")
    elif len(commissioners) > 1 and not isinstance(rs.get("commissioner_id"), str):
        yield c.error("L7", ("funding", "risk_share"), f"the gain/loss share with `{rs['counterparty_id']}` has "
                      f"{len(commissioners)} commissioners in it ({', '.join(sorted(map(str, commissioners)))}) and "
                      "does not say whose spend is the baseline, so the documents cannot say who pays the gains and "
                      "receives the losses", "set funding.risk_share.commissioner_id to the commissioner whose spend "
                      "is the baseline")


def subcontract_without_psr_process(c: Ctx):
    """L8: a material subcontract let by a relevant authority needs its PSR process recorded."""
    for path, sub in c.subcontracts():
        head = sub.get("head_provider_id")
        if sub.get("material") is True and c.org_type(head) in NHS_PROVIDER_TYPES | COUNCIL_TYPES \
                and not sub.get("psr_process"):
            yield c.warn("L8", path, f"material subcontract `{sub.get('id')}` is let by `{head}`, a relevant "
                         "authority under the Provider Selection Regime, but no PSR process is recorded for it",
                         "set psr_process (and standstill_ended where the process has a standstill)")


def seal_on_heads_of_terms(c: Ctx):
    """L9: heads of terms are not binding, so a party that normally seals signs them under hand."""
    for pid, p in c.partners.items():
        if p.get("seal_required") is True:
            i = c.partner_index[pid]
            yield c.warn("L9", ("partners", i, "seal_required"), f"`{pid}` needs its seal on contracts, but the "
                         "heads of terms are not binding and are signed under hand, not sealed",
                         "confirm the partner's standing orders allow an officer to sign non-binding heads of terms")


def effective_date_before_commencement(c: Ctx):
    """L10: an ICP contract must bind (conditions precedent, mobilisation) before services start."""
    aco = c.section("contracting", "aco")
    start = _date(aco.get("service_commencement"))
    effective = _date(c.section("deal").get("effective_date"))
    if c.model == "icp_contract" and start and effective and effective >= start:
        yield c.error("L10", ("deal", "effective_date"), f"the contract takes effect on {effective.isoformat()}, "
                      f"{'the same day as' if effective == start else 'after'} service commencement "
                      f"({start.isoformat()}): its conditions precedent, mobilisation plan, longstop date and "
                      "TUPE and pension steps would bind no one before go-live",
                      "make deal.effective_date the date of signature (before contracting.aco.service_commencement)")


def tupe_information_before_effective(c: Ctx):
    """L11: the transferor's employee information is due 28 days before the transfer: the contract that papers the
    transfer (the ICP contract, or the sub-contract with the transferee) must bind then."""
    effective = _date(c.section("deal").get("effective_date"))
    timeline = c.facts.timeline
    transfers = c.facts.terms.enablers.workforce.tupe_transfers if c.facts.terms.enablers else ()
    if c.model == "icp_contract" and effective is not None:
        for info in timeline.tupe_information:
            if info.due < effective:
                i = transfers.index(info.transfer)
                yield c.error("L11", ("enablers", "workforce", "tupe_transfers", i, "date"),
                              f"employee information for the transfer on {info.transfer.date.isoformat()} is due by "
                              f"{info.due.isoformat()}, before the contract takes effect ({effective.isoformat()})",
                              "make the contract take effect earlier, or move the transfer date")
    for i, sub in enumerate(c.facts.terms.contracting.subcontracts):
        own = _date(getattr(sub, "effective_date", None))
        if own is None and c.model == "icp_contract":
            continue  # the sub-contract binds with the contract: reported above
        binds = timeline.subcontract_effective(sub)
        for info in timeline.subcontract_tupe(sub):
            if _date(binds) and info.due < binds:
                path = ("contracting", "subcontracts", i, "effective_date") if own else \
                    ("enablers", "workforce", "tupe_transfers", transfers.index(info.transfer), "date")
                yield c.error("L11", path,
                              f"sub-contract `{sub.id}` papers the transfer of staff to `{sub.subcontractor_id}` on "
                              f"{info.transfer.date.isoformat()}, but it binds only from {binds.isoformat()}"
                              f"{'' if own else ' (the deal effective date: it has no effective_date of its own)'}, "
                              f"less than 28 days before the transfer: the employee liability information (due by "
                              f"{info.due.isoformat()}), consultation and pension steps it requires could not be met",
                              "sign the sub-contract (contracting.subcontracts[].effective_date, after any standstill) "
                              f"by {info.due.isoformat()}, or move the transfer date")


def longstop_outside_mobilisation(c: Ctx):
    """L12: the longstop date falls after the effective date and no later than service commencement."""
    aco = c.section("contracting", "aco")
    longstop = _date(aco.get("longstop_date"))
    effective = _date(c.section("deal").get("effective_date"))
    start = _date(aco.get("service_commencement"))
    if longstop and ((effective and longstop <= effective) or (start and longstop > start)):
        yield c.error("L12", ("contracting", "aco", "longstop_date"), f"the longstop date {longstop.isoformat()} "
                      "is not between the effective date and service commencement",
                      "set a longstop date after signature and no later than service commencement")


def service_papered_twice(c: Ctx):
    """L13: a council service inside the ICP contract must not also be the subject of an integration agreement."""
    services = [(i, s) for i, s in enumerate(_list(c.section("scope").get("la_services"))) if isinstance(s, str)]
    for j, ia in enumerate(_list(c.contracting.get("integration_agreements"))):
        text = (_str(_dict(ia).get("counterparty_description")) or "").lower()
        for i, service in services:
            if service.lower() in text:
                yield c.error("L13", ("scope", "la_services", i), f"`{service}` is both a council service in the "
                              f"contract and the subject of integration agreement `{_dict(ia).get('id')}`",
                              "paper the service once: remove it from scope.la_services or from the agreement")


def gain_loss_share_twice(c: Ctx):
    """L14: the gain/loss share with the out-of-scope provider lives in its own agreement, not in a subcontract."""
    rs = c.section("funding", "risk_share")
    counterparty = rs.get("counterparty_id")
    for path, sub in c.subcontracts():
        if counterparty and sub.get("subcontractor_id") == counterparty and (
                sub.get("loss_share") is True or _num(sub.get("pass_through_pct"))):
            yield c.error("L14", path, f"subcontract `{sub.get('id')}` shares gains or losses with `{counterparty}`, "
                          "which already shares them under the gain/loss share agreement",
                          "set loss_share: false and leave out pass_through_pct for this subcontract")


def incentive_pool_without_funder_or_payee(c: Ctx):
    """L15: an alliance's incentive pool is funded by its NHS commissioners (or the funders the terms name) and paid
    to provider partners or measure owners; with no funder, or nobody to pay, the agreement would set up a pool that
    nobody pays into or nobody may be paid from."""
    from acscontracts.facts import money

    terms = c.facts.terms
    for i, alliance in enumerate(terms.contracting.alliances):
        own = alliance.funding.incentives if alliance.funding else None
        inc = own or (terms.funding.incentives if terms.funding else None)  # as the agreement drafts it
        members = tuple(terms._index[m] for m in alliance.member_ids if m in terms._index)
        if not inc:
            continue
        path = ("contracting", "alliances", i, "funding", "incentives") if own else ("funding", "incentives")
        if not money.incentive_funders(terms, inc, members):
            yield c.error("L15", path, f"nobody funds the incentive pool of alliance `{alliance.id}`: no partner of "
                          "the alliance is an NHS commissioner, and the terms name no funders", "set funder_ids to the "
                          "partners that fund the pool from their budgets, or leave the incentive pool out of this "
                          "alliance")
            continue
        if money.incentive_payees(terms, inc, members):
            continue
        if inc.distribution == "by_measure_owner":
            why, fix = ("is paid to the owner of each measure, but no measure names an owner",
                        "give each measure an owner_id, or distribute the pool pro rata or in equal shares")
        else:
            why, fix = ("is paid to the provider partners, but no partner of the alliance provides services",
                        "give a partner the provider role, or leave the incentive pool out of this alliance")
        yield c.error("L15", path, f"the incentive pool of alliance `{alliance.id}` {why}: nobody could lawfully "
                      "be paid from it", fix)


_BREAK_REVIEW = re.compile(r"\bbreak(?:[- ]?points?)?\b.*\breview|\breview\b.*\bbreak", re.I | re.S)
_MONTHS = "january february march april may june july august september october november december".split()
_TEXT_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b", re.I)


def _dates_in(text: str) -> list:
    found = []
    for m in _TEXT_DATE.finditer(text):
        try:
            if m.group(1):
                found.append(_dt.date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1))))
            else:
                found.append(_dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6))))
        except ValueError:
            continue
    return found


def break_review_too_late(c: Ctx):
    """L20: a break-point review must be finished before the decision it informs: notice to end at a break point
    is due a notice period before it, and the review three months before that (facts.timeline.break_reviews)."""
    timeline = c.facts.timeline
    if not timeline.break_reviews:
        return
    for i, m in enumerate(_list(c.data.get("timetable"))):
        m = _dict(m)
        day, text = _date(m.get("date")), _str(m.get("milestone")) or ""
        review = timeline.break_review_after(day) if day else None
        if _BREAK_REVIEW.search(text) and review and review.review_by and day > review.review_by:
            yield c.error("L20", ("timetable", i, "date"),
                          f"milestone `{text}` is dated {day.isoformat()}, after the review for the break point on "
                          f"{review.break_point.isoformat()} must be complete ({review.review_by.isoformat()}): notice "
                          f"to end at that break point is due by {review.notice_by.isoformat()}, so the review would "
                          "come after the decision it informs",
                          f"date the review {review.review_by.isoformat()} or earlier (break point less the notice "
                          "period less three months), with one review for each break point")
    for i, phase in enumerate(c.facts.terms.phases):
        review = timeline.break_review_before(phase.start)
        if not review or not review.review_by:
            continue
        for j, criterion in enumerate(phase.entry_criteria):
            if not isinstance(criterion, str) or not _BREAK_REVIEW.search(criterion):
                continue
            dates = _dates_in(criterion)
            if any(d <= review.review_by for d in dates):
                continue
            when = dates[0].isoformat() if dates else f"the phase start ({phase.start.isoformat()})"
            yield c.error("L20", ("phases", i, "entry_criteria", j),
                          f"phase `{phase.id}` waits for a break-point review at {when}, but the decision whether to "
                          f"end at the break point on {review.break_point.isoformat()} is made when notice is due "
                          f"({review.notice_by.isoformat()}), and the review must be complete by "
                          f"{review.review_by.isoformat()}",
                          f"make the gate the review completed by {review.review_by.isoformat()} and no notice given "
                          f"by {review.notice_by.isoformat()} to end at the break point")


def cap_never_binds(c: Ctx):
    """L21: a cap above the most a partner can ever pay or receive under the corridors limits nothing."""
    alliances = c.facts.terms.contracting.alliances
    for path, _block in c.funding_blocks("risk_share"):
        if path[0] == "funding":
            rsf = c.facts.money.risk_share
        else:
            funding = alliances[path[2]].funding if path[2] < len(alliances) else None
            rsf = c.facts.risk_share(funding.risk_share) if funding and funding.risk_share else None
        for i, partner, maxima in (rsf.idle_caps if rsf else ()):
            most = "; ".join(f"{m.direction} {m.uncapped:,.2f}" for m in maxima)
            yield c.warn("L21", path + ("caps", i), f"the cap of {maxima[0].cap:,.2f} on `{partner.id}` can never "
                         f"apply: the most it can {'pay or receive' if len(maxima) > 1 else ('pay' if maxima[0].direction == 'loss' else 'receive')} "
                         f"under the corridors is {most} (corridor widths times its shares)",
                         "lower the cap below that maximum if it is meant to limit anything, or remove it (the "
                         "documents state the maximum either way)")


def _running_cost_where(budget) -> str:
    return f"the running costs of `{budget.alliance.id}`" if budget.alliance is not None else "the running costs"


def running_cost_shares_not_whole(c: Ctx):
    """L22: a running-cost budget is shared in full (100%) between parties to the agreement that charges it."""
    for budget in c.facts.running_cost_budgets():
        if budget.alliance is None:
            continue  # charged in no agreement (heads of terms only): X8 checks the percentages
        where = _running_cost_where(budget)
        if budget.outsiders:
            names = ", ".join(f"`{p.id}`" for p in budget.outsiders)
            yield c.error("L22", budget.contributions_path, f"{where} charge {names}, which "
                          f"{'is' if len(budget.outsiders) == 1 else 'are'} not a party to the agreement that "
                          "charges them: an agreement cannot bind a non-party to pay",
                          "give the alliance its own budget and shares (contracting.alliances[].funding.running_costs "
                          "and contributions), between its members only")
            continue
        total = budget.total_pct
        if budget.shares and total is not None and total != 100:
            yield c.error("L22", budget.contributions_path, f"the shares of {where} add up to {total}%, not 100%: "
                          f"{100 - total}% of the budget would be paid by nobody" if total < 100 else
                          f"the shares of {where} add up to {total}%, more than 100% of the budget",
                          "make the shares add up to exactly 100% (the last share takes any rounding)")


def running_costs_in_several_agreements(c: Ctx):
    """L23: a deal-wide running-cost budget belongs to one agreement, or is split between them explicitly."""
    terms = c.facts.terms
    rc = terms.funding.running_costs if terms.funding else None
    alliances = terms.contracting.alliances
    if not rc or len(alliances) < 2:
        return
    named = rc.alliance_id if isinstance(rc.alliance_id, str) else None
    if named is not None and named in {a.id for a in alliances}:
        return
    without = [a.id for a in alliances if not (a.funding and a.funding.running_costs)]
    if not without:
        return  # every alliance has its own budget: the deal-wide one is charged in no agreement
    yield c.error("L23", ("funding", "running_costs"), f"the deal-wide running-cost budget does not say which of "
                  f"the {len(alliances)} alliance agreements charges it"
                  f"{f' (`{named}` is not an alliance)' if named else ''}: charged in each, every contributor would "
                  "pay its share once for each agreement",
                  "set funding.running_costs.alliance_id to the alliance it is for, or give each alliance its own "
                  "budget (contracting.alliances[].funding.running_costs) that splits it explicitly")


def running_costs_without_host(c: Ctx):
    """L24: a running-cost budget needs a host: the partner that employs the staff, incurs the costs and invoices."""
    make = c.error if c.final else c.warn
    for budget in c.facts.running_cost_budgets():
        if budget.host is None and budget.alliance is not None:
            yield make("L24", budget.path, f"{_running_cost_where(budget)} name no host partner: nobody is named to "
                       "employ the staff, incur the costs and invoice each contributor for its share",
                       "set host_partner_id on the running costs (or the alliance manager's employer_partner_id)")



def part_year_without_treatment(c: Ctx):
    """L25: a risk share that applies for part of a financial year needs its annual figures pro-rated (or stated)."""
    alliances = c.facts.terms.contracting.alliances
    make = c.error if c.final else c.warn
    for path, _block in c.funding_blocks("risk_share"):
        if path[0] == "funding":
            rs = c.facts.terms.funding.risk_share
        else:
            funding = alliances[path[2]].funding if path[2] < len(alliances) else None
            rs = funding.risk_share if funding else None
        for part in c.facts.part_years(rs) if rs else ():
            if part.unit is None:
                yield make("L25", path, f"the risk share applies from {part.start.isoformat()} to "
                             f"{part.end.isoformat()}, part of the financial year {part.year_start.year}/"
                             f"{part.year_end.year % 100:02d}, but its baseline, corridor amounts and caps are annual "
                             "figures and the terms give no part-year treatment",
                             "set part_year on the risk share (pro_rata_days or pro_rata_months), or start and end "
                             "the risk share on financial-year boundaries")
                break


def subcontract_before_head_contract(c: Ctx):
    """L30: each sub-contract recites its head contract, by parties and date, as in place: it cannot take effect
    before the head contract was entered into."""
    terms = c.facts.terms
    signed = _date(c.facts.timeline.head_contract_signed)
    if signed is None:
        return
    heads = [i for i, sc in enumerate(terms.contracting.service_contracts) if sc.id == terms.contracting.head_contract_id]
    own = _date(heads and terms.contracting.service_contracts[heads[0]].signed_date)
    where = ("contracting", "service_contracts", heads[0], "signed_date") if own else ("deal", "effective_date")
    for i, sub in enumerate(terms.contracting.subcontracts):
        binds = _date(c.facts.timeline.subcontract_effective(sub))
        if binds and binds < signed:
            yield c.error("L30", ("contracting", "subcontracts", i, "effective_date") if _date(sub.effective_date)
                          else where,
                          f"sub-contract `{sub.id}` takes effect on {binds.isoformat()}, before its head contract was "
                          f"entered into ({signed.isoformat()}): it recites the head contract, by its date, as in "
                          "place, and a sub-contract of services not yet contracted for has nothing to sit under",
                          "sign the head contract first (contracting.service_contracts[].signed_date), or give the "
                          "sub-contract a later effective date (contracting.subcontracts[].effective_date)")


STANDSTILL_WORKING_DAYS = 8  # PSR: the standstill runs at least eight working days after the award notice


def _working_days_after(day: _dt.date, n: int) -> _dt.date:
    """The ``n``th working day after ``day``, counting weekdays only (bank holidays only make it later)."""
    while n:
        day += _dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def standstill_too_short(c: Ctx):
    """L31: a standstill ends at least eight working days after the award decision, and the contract awarded is
    entered into only after it has ended."""
    contracting = c.section("contracting")
    decided = _date(contracting.get("procurement_date"))
    ended = _date(contracting.get("standstill_ended"))
    if decided and ended and ended < _working_days_after(decided, STANDSTILL_WORKING_DAYS):
        yield c.error("L31", ("contracting", "standstill_ended"),
                      f"the standstill is recorded as ending on {ended.isoformat()}, less than "
                      f"{STANDSTILL_WORKING_DAYS} working days after the award decision ({decided.isoformat()}), "
                      f"so no earlier than {_working_days_after(decided, STANDSTILL_WORKING_DAYS).isoformat()}",
                      "record the date the standstill in fact ended (contracting.standstill_ended)")
    if not ended:
        return
    terms = c.facts.terms
    heads = [i for i, sc in enumerate(terms.contracting.service_contracts) if sc.id == terms.contracting.head_contract_id]
    signed = _date(c.facts.timeline.head_contract_signed)
    if signed and signed <= ended:
        own = _date(heads and terms.contracting.service_contracts[heads[0]].signed_date)
        yield c.error("L31", ("contracting", "service_contracts", heads[0], "signed_date") if own
                      else ("deal", "effective_date"),
                      f"the contract awarded is entered into on {signed.isoformat()}, no later than the day the standstill after the "
                      f"award decision ended ({ended.isoformat()}): the documents recite that it was entered into after it",
                      "sign the contract after the standstill has ended, or correct contracting.standstill_ended")


def service_contract_without_date(c: Ctx):
    """L32: with --final, every service contract the documents identify (a sub-contract's head contract, the
    Service Contracts an alliance agreement lists) has the date it was entered into; an ICP contract that the pack
    itself drafts is dated the deal's effective date instead. A draft prints a placeholder (a warning)."""
    make = c.error if c.final else c.warn
    aco = c.section("contracting", "aco")
    for i, contract in enumerate(_list(c.section("contracting").get("service_contracts"))):
        contract = _dict(contract)
        drafted = contract.get("form") == "icp" and aco.get("holder_id") == contract.get("provider_id") \
            and bool(aco)
        if "signed_date" not in contract and not drafted:
            yield make("L32", ("contracting", "service_contracts", i),
                       f"service contract `{contract.get('id')}` has no signed_date: the documents identify it by "
                       "its parties and its date (a sub-contract recites its head contract, and an alliance "
                       "agreement lists the Service Contracts it works through)",
                       "add contracting.service_contracts[].signed_date, the date the contract was entered into")


STATUTORY_TYPES = frozenset({"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"}) | COUNCIL_TYPES


def joint_committee_with_outsiders(c: Ctx):
    """L40: a board that a document sets up as a joint committee can have only NHS bodies and councils as members
    (section 65Z5 of the NHS Act 2006; section 101-102 of the Local Government Act 1972). A deal-wide board that no
    document sets up (every alliance has its own governance) is drafted as a non-statutory forum instead."""
    alliances = list(c.alliances())
    for path, gov in c.governances():
        if gov.get("model") != "joint_committee":
            continue
        if path == ("governance",) and alliances and all(isinstance(a.get("governance"), dict) for _i, a in alliances):
            continue  # outside every document: the heads of terms describe it as a non-statutory forum
        members = [_dict(m).get("partner_id") for m in _list(_dict(gov.get("board")).get("members"))]
        outside = [m for m in members if m and c.org_type(m) and c.org_type(m) not in STATUTORY_TYPES]
        if outside:
            yield c.error("L40", path + ("model",), f"the board is set up as a joint committee, but "
                          f"{', '.join(f'`{m}`' for m in outside)} {'is' if len(outside) == 1 else 'are'} neither an "
                          "NHS body nor a council: a joint committee under section 65Z5 of the NHS Act 2006 (or the "
                          "Local Government Act 1972) cannot include a company or other body",
                          "use committees in common or an alliance board (governance.model), or make those members "
                          "non-voting attendees rather than members of a joint committee")


def pooled_part_exceeds_share(c: Ctx):
    """L33: when a pooled fund hosted by a commissioner party pays part of the ACO/ICP contract payment, the host
    pays the fund's part from the fund and each commissioner pays directly its part less what it pays into the fund
    (acscontracts.facts.money.payment_parts). A commissioner that pays into such funds more than its part of the
    payment would leave the payers adding up to more than the payment."""
    aco = c.section("contracting", "aco")
    budget = c.section("funding", "budget")
    if not aco:
        return
    own: dict = {}
    for comp in _list(budget.get("components")):
        comp = _dict(comp)
        amount = _num(comp.get("amount"))
        if isinstance(comp.get("partner_id"), str) and amount is not None:
            own[comp["partner_id"]] = own.get(comp["partner_id"], 0) + amount
    if not own:
        return
    paid_in: dict = {}
    for path, fund in c.pooled_funds():
        if fund.get("host_partner_id") not in own:
            continue
        for j, x in enumerate(_list(fund.get("contributions"))):
            x = _dict(x)
            pid, amount = x.get("partner_id"), _num(x.get("amount"))
            if isinstance(pid, str) and amount is not None:
                paid_in[pid] = paid_in.get(pid, 0) + amount
                if paid_in[pid] > own.get(pid, 0):
                    yield c.error("L33", path + ("contributions", j, "amount"),
                                  f"`{pid}` pays {paid_in[pid]:,} into pooled funds that pay the contract payment, more "
                                  f"than its part of that payment ({own.get(pid, 0):,}): the host would pay the contract "
                                  "holder more from the fund than the commissioners' parts make up",
                                  "make each commissioner's contribution no more than its funding.budget.components "
                                  "amount (the pooled part of its share), or correct the components")


def funded_parts_without_uplift(c: Ctx):
    """L34: an ACO/ICP contract adjusts each commissioner's Funded Part for later years and totals them; where the
    parts are funded from different allocations (an ICB's, a council's), each needs its own uplift rule, or the
    contract applies the budget's one rate to every part."""
    components = [_dict(x) for x in _list(c.section("funding", "budget").get("components"))]
    if not c.section("contracting", "aco") or len({x.get("partner_id") for x in components}) < 2:
        return
    for j, comp in enumerate(components):
        if "uplift_rule" not in comp:
            yield c.warn("L34", ("funding", "budget", "components", j),
                         f"the contract payment is funded by several commissioners, and `{comp.get('partner_id')}`'s "
                         "part has no uplift rule of its own: the contract will uplift every commissioner's Funded Part "
                         "at the budget's one rate (funding.budget.uplift_rule)",
                         "add funding.budget.components[].uplift_rule to each part (for example the ICB's allocation "
                         "growth and the council's settlement growth), or confirm that one rate applies to all")


RULES = (
    single_contributor_pool,
    payment_without_power,
    payment_to_itself,
    phase_gate_before_reconciliation,
    unanimous_phase_gate,
    service_contract_before_agreement,
    caps_without_statement,
    gain_loss_share_without_commissioner,
    subcontract_without_psr_process,
    seal_on_heads_of_terms,
    effective_date_before_commencement,
    tupe_information_before_effective,
    longstop_outside_mobilisation,
    service_papered_twice,
    gain_loss_share_twice,
    incentive_pool_without_funder_or_payee,
    break_review_too_late,
    cap_never_binds,
    running_cost_shares_not_whole,
    running_costs_in_several_agreements,
    running_costs_without_host,
    part_year_without_treatment,
    subcontract_before_head_contract,
    standstill_too_short,
    service_contract_without_date,
    joint_committee_with_outsiders,
    pooled_part_exceeds_share,
    funded_parts_without_uplift,
)
