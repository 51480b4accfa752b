"""The legal facts of a deal, computed once from the typed model and used by every document and by
validation: s9 NHS-contract status per pair of parties (status), deed or simple contract and each
party's execution form (execution), payer, payee and power for each money flow with the totals and
worked examples the documents print (money), and the dates on one timeline (timeline).

``compute(terms)`` gives the deal-wide facts; ``DealFacts.document(...)`` adds the facts of one
document (its status and execution). Templates read them as ``facts``; they draft from them and
do not decide them again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, is_dataclass

from acscontracts.facts import execution, money, status, timeline


# The national form each document type is based on (named, never "the national form").
NATIONAL_FORMS = {
    "subcontract": "the NHS Standard Sub-Contract published by NHS England",
    "aco_contract": "the NHS Standard Contract (Accountable Care Models) published by NHS England",
    "aco_contract/integrated_care_provider": "the Integrated Care Provider Contract published by NHS England",
}


def national_form(terms, doc_type: str) -> str:
    aco = terms.contracting.aco
    style = aco.title_style if aco and doc_type == "aco_contract" else ""
    return NATIONAL_FORMS.get(f"{doc_type}/{style}") or NATIONAL_FORMS.get(doc_type, "")


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_WORDS = {v: k for k, v in _NUMBER_WORDS.items()}
_FEWER_THAN = re.compile(r"\bfewer than (\w+)(?: of its)? (?:members|partners|parties)\b[^;]*\bremain", re.I)


@dataclass(frozen=True)
class DocumentFacts:
    national_form: str  # the national form the document is based on ("" for none)
    status: status.Status
    execution: execution.DocumentExecution
    timeline: timeline.Timeline
    money: money.MoneyFacts
    deal: "DealFacts"


@dataclass(frozen=True)
class DealFacts:
    terms: object  # model.DealTerms
    timeline: timeline.Timeline
    money: money.MoneyFacts
    # facts asked for again by several clauses of one document, kept per (question, arguments): the arguments
    # themselves are kept with each answer, so an id is never reused while its answer is held. Only model objects
    # are keys: a template that records its reads (for a diff) passes proxies, and must read through them each time
    _asked: dict = field(default_factory=dict, repr=False, compare=False)

    def _once(self, question: str, args: tuple, compute):
        if not all(a is None or is_dataclass(a) for a in args):
            return compute()
        key = (question,) + tuple(map(id, args))
        held = self._asked.get(key)
        if held is None or any(a is not b for a, b in zip(held[0], args)):
            held = self._asked[key] = (args, compute())
        return held[1]

    @property
    def allocation_holders(self) -> list:
        """The partners that hold the system's NHS allocation and so decide the envelope: the ICBs, or, in a deal
        with no ICB, the commissioners."""
        partners = self.terms.partners
        return [p for p in partners if p.org_type == "icb"] or [p for p in partners if p.is_commissioner]

    @property
    def first_risk_share_phase(self):
        """The first phase in which the risk share applies (model.Phase), or None."""
        return next((p for p in self.terms.phases if p.risk_share_active), None)

    def document(self, doc_type: str, parties: tuple, subject=None) -> DocumentFacts:
        """``subject``: the subcontract of a sub-contract, or the alliance of an alliance agreement."""
        return DocumentFacts(national_form(self.terms, doc_type),
                             status.document_status(self.terms, doc_type, parties, subject,
                                                    self.recharge(doc_type, subject)),
                             execution.document_execution(doc_type, parties), self.timeline, self.money, self)

    def recharge(self, doc_type: str, subject) -> tuple | None:
        """(host, payers) of the running costs an alliance agreement charges, or None."""
        if doc_type != "alliance_agreement" or subject is None:
            return None
        budget = self.running_costs(subject)
        if budget is None or budget.host is None:
            return None
        return budget.host, tuple(s.partner for s in budget.payers)

    def termination_triggers(self, members) -> tuple:
        """The deal's termination triggers as grounds for one agreement between ``members``. A trigger that ends
        an arrangement when "fewer than N" members remain is drafted from the agreement's own minimum: N as the
        terms state it, but never more than one fewer than the parties (else the first withdrawal would end an
        agreement that the withdrawal clause says continues between the others) and never fewer than two."""
        n = len(tuple(members))
        out = []
        for trigger in self.terms.exit.termination_triggers if self.terms.exit else ():
            found = _FEWER_THAN.search(trigger)
            if not found:
                out.append(trigger)
                continue
            stated = _NUMBER_WORDS.get(found.group(1).lower()) or (int(found.group(1)) if found.group(1).isdigit() else None)
            if stated is None:
                out.append(trigger)
                continue
            least = max(2, min(stated, n - 1))
            out.append(f"fewer than {_WORDS.get(least, str(least))} Partners remain")
        return tuple(out)

    def risk_share(self, rs, members=None):
        """Facts (worked examples, corridor maxima, settlement) for a risk share: the deal's or an alliance's
        own. ``members``: the parties to the document (a settlement is routed only through them)."""
        if rs is getattr(self.terms.funding, "risk_share", None) and members is None:
            return self.money.risk_share
        members = tuple(members) if members is not None else None
        return self._once("risk_share", (rs,) + (members or ()),
                          lambda: money.risk_share_facts(self.terms, rs, members))

    def running_costs(self, alliance):
        """The running-cost budget the agreement for ``alliance`` charges (money.RunningCostBudget), or None: the
        alliance's own budget, or the deal-wide one where it belongs to this agreement."""
        return money.running_cost_budget(self.terms, getattr(alliance, "alliance", alliance))

    def part_years(self, rs) -> tuple:
        """The part years of a risk share and their pro-rating (money.PartYear)."""
        return money.part_years(self.terms, rs)

    def running_cost_budgets(self) -> tuple:
        """Every running-cost budget with the agreement that charges it (money.RunningCostBudget)."""
        return money.running_cost_budgets(self.terms)

    def instalments(self, amount):
        """A yearly amount as monthly instalments that add up to it (money.Instalments), or None."""
        return money.instalments(amount)

    def payment_parts(self):
        """Who pays which part of an ACO/ICP contract payment when a pooled fund pays part of it
        (money.PaymentParts), or None."""
        return money.payment_parts(self.terms)

    def pass_through(self, sub):
        """A subcontract's pass-through percentage in context (money.PassThrough), or None."""
        return money.pass_through(self.terms, sub)

    def contract_value_shares(self, members, amount=None) -> tuple:
        """Shares of ``members`` pro rata to the annual value of their service contracts (money.ValueShare)."""
        return money.contract_value_shares(self.terms, members, amount)

    def subcontracts_paid_through(self) -> tuple:
        """The subcontracts under which the head provider passes money on beyond the price of the services: a share
        of its gain share (pass_through_pct) or the incentive payments for a measure the subcontractor owns."""
        inc = self.terms.funding.incentives if self.terms.funding else None
        owners = {m.owner_id for m in inc.measures} if inc else set()
        return tuple(s for s in self.terms.contracting.subcontracts
                     if s.pass_through_pct or s.subcontractor_id in owners)

    def head_contract_share(self, sub):
        """A subcontract's annual value as a percentage of the head contract's, or None."""
        return money.head_contract_share(self.terms, sub)

    def incentive_pool(self, inc):
        """The incentive pool a year (Decimal), from the amount or the percentage of the budget."""
        return money.incentive_pool(self.terms, inc)

    def incentive_funders(self, inc, members=None) -> tuple:
        return money.incentive_funders(self.terms, inc, members)

    def incentive_payees(self, inc, members=None) -> tuple:
        return money.incentive_payees(self.terms, inc, members)

    def settlement_contracts(self, members, rs, inc) -> tuple:
        """The Service Contracts through which an alliance's risk-share settlement (routed through the commissioners)
        or incentive payments are made: each contract between a paying commissioner and a provider it pays or that
        pays it. An alliance agreement does not vary them, so each needs a variation to carry those payments."""
        members = tuple(members)
        return self._once("settlement_contracts", (rs, inc) + members,
                          lambda: self._settlement_contracts(members, rs, inc))

    def _settlement_contracts(self, members: tuple, rs, inc) -> tuple:
        ids = {p.id for p in members}
        pairs = set()
        settle = self.risk_share(rs, members).settlement if rs else None
        if settle and settle.through_commissioners:
            pairs |= {(line.counterparty.id, line.partner.id) for line in settle.lines if line.counterparty is not None}
        if inc:
            payees = self.incentive_payees(inc, members)
            pairs |= {(f.id, p.id) for f in self.incentive_funders(inc, members) for p in payees}
        return tuple(c for c in self.terms.contracting.service_contracts
                     if c.provider_id in ids and any((cid, c.provider_id) in pairs for cid in c.commissioner_ids))

    def alliance_settlement_contracts(self) -> tuple:
        """``settlement_contracts`` for every alliance in the deal (its own risk share and incentives, else the
        deal's), each contract once, in the order the terms list them."""
        terms, found = self.terms, []
        funding = terms.funding
        for alliance in terms.contracting.alliances:
            own = alliance.funding
            rs = (own.risk_share if own and own.risk_share else None) or (funding.risk_share if funding else None)
            inc = (own.incentives if own and own.incentives else None) or (funding.incentives if funding else None)
            members = tuple(terms._index[i] for i in alliance.member_ids if i in terms._index)
            found += [c for c in self.settlement_contracts(members, rs, inc) if c not in found]
        return tuple(c for c in terms.contracting.service_contracts if c in found)

    def existing_contracts(self, provider_id: str) -> tuple:
        """(commissioner, contract title or None) for each contract, other than the one the pack drafts for the
        services, under which a commissioner in the deal already buys services from ``provider_id``: the
        service contracts the terms list (not the head contract), and the out-of-scope provider's own contract
        with the commissioner whose spend the gain/loss share baseline is. A service moved into the ACO/ICP
        contract or a sub-contract must come out of these from commencement, or it is paid for twice."""
        terms = self.terms
        head = terms.contracting.head_contract_id
        found = []
        for contract in terms.contracting.service_contracts:
            if contract.provider_id != provider_id or contract.id == head or contract.form == "icp":
                continue
            for cid in contract.commissioner_ids:
                if cid in terms._index and terms._index[cid].is_commissioner:
                    found.append((terms._index[cid], contract.title))
        rs = terms.funding.risk_share if terms.funding else None
        if rs and rs.counterparty_id == provider_id and isinstance(rs.commissioner_id, str) \
                and rs.commissioner_id in terms._index and not any(c.id == rs.commissioner_id for c, _ in found):
            found.append((terms._index[rs.commissioner_id], None))
        return tuple(found)

    def nhs_contracts_by_document(self) -> tuple:
        """(document label, arranger, providers) for every s9 arrangement, grouped for drafting."""
        return grouped(self.nhs_contracts())

    def gain_loss_agreement_parties(self) -> tuple:
        """The parties to the Gain/Loss Share Agreement of an ACO/ICP contract's risk share with an out-of-scope
        provider: the commissioner whose spend is shared, the contract holder and that provider; () if none."""
        terms = self.terms
        aco, rs = terms.contracting.aco, (terms.funding.risk_share if terms.funding else None)
        if not aco or not rs or not rs.counterparty_id or self.money.risk_share is None:
            return ()
        commissioner = self.money.risk_share.commissioner
        ids = ([commissioner.id] if commissioner is not None else []) + [aco.holder_id, rs.counterparty_id]
        return tuple(terms._index[i] for i in dict.fromkeys(ids) if i in terms._index)

    def gain_loss_agreement_status(self):
        """The s9 status (status.Status) of the Gain/Loss Share Agreement, pair by pair, or None."""
        parties = self.gain_loss_agreement_parties()
        if len(parties) < 2:
            return None
        return status.document_status(self.terms, "gain_loss_agreement", parties)

    def nhs_contracts(self) -> tuple:
        """(document label, PairStatus) for every s9 arrangement the deal's documents make."""
        terms = self.terms
        found = []
        aco = terms.contracting.aco
        if aco and aco.holder_id in terms._index:
            holder = terms._index[aco.holder_id]
            parties = tuple(p for p in terms.partners if p.is_commissioner and p.id != holder.id) + (holder,)
            found += [(aco.title, pair) for pair in status.document_status(terms, "aco_contract", parties).nhs_pairs]
        gls = self.gain_loss_agreement_status()
        if gls is not None:
            found += [("Gain/Loss Share Agreement", pair) for pair in gls.nhs_pairs]
        for sub in terms.contracting.subcontracts:
            parties = tuple(terms._index[i] for i in (sub.head_provider_id, sub.subcontractor_id) if i in terms._index)
            if len(parties) == 2:
                found += [("sub-contract", pair) for pair in
                          status.document_status(terms, "subcontract", parties, sub).nhs_pairs]
        for alliance in terms.contracting.alliances:
            parties = tuple(terms._index[i] for i in alliance.member_ids if i in terms._index)
            found += [(f"agreement for the {alliance.title}", pair) for pair in
                      status.document_status(terms, "alliance_agreement", parties, alliance,
                                             self.recharge("alliance_agreement", alliance)).nhs_pairs]
        covered = {(pair.arranger.id, pair.provider.id) for _label, pair in found}
        for contract in terms.contracting.service_contracts:  # contracts the pack does not draft
            provider = terms._index.get(contract.provider_id)
            for commissioner in (terms._index.get(i) for i in contract.commissioner_ids):
                if provider is not None and commissioner is not None and commissioner.is_health_service_body \
                        and provider.is_health_service_body and (commissioner.id, provider.id) not in covered:
                    found.append((contract.title or "service contract",
                                  status.PairStatus(commissioner, provider, commissioner, provider)))
        return tuple(found)


def grouped(nhs_contracts) -> tuple:
    """(document label, arranger, (providers...)) from ``DealFacts.nhs_contracts()``, in order."""
    groups: dict = {}
    for label, pair in nhs_contracts:
        groups.setdefault((label, pair.arranger.id), (label, pair.arranger, []))[2].append(pair.provider)
    return tuple((label, arranger, tuple(providers)) for label, arranger, providers in groups.values())


def compute(terms) -> DealFacts:
    return DealFacts(terms, timeline.compute(terms), money.compute(terms))
