"""Every flow of money the documents create: payer, payee, basis in the terms and legal power; and
the totals and worked examples the documents print, computed here so that every document shows the
same figures.

A flow without a power is a fact too: validation reports it (acscontracts.terms.rules.legal).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from acscontracts.terms.model import Partner, RiskShare

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)

S75 = "section 75 of the National Health Service Act 2006 and the NHS Bodies and Local Authorities Partnership " \
      "Arrangements Regulations 2000"
S65Z6 = "section 65Z6 of the National Health Service Act 2006"
# A health service body paying another (other than as a commissioner for services) uses its own powers; there
# is no general power for "arrangements between health service bodies".
NHS_PAYER_POWERS = {
    "nhs_ft": "section 47 of the National Health Service Act 2006 (the general powers of an NHS foundation trust)",
    "nhs_trust": "its powers under Schedule 4 to the National Health Service Act 2006",
    "icb": "section 65Z5 of the National Health Service Act 2006 (joint working arrangements)",
    "ccg_legacy": "section 65Z5 of the National Health Service Act 2006 (joint working arrangements)",
    "nhs_england": "section 65Z5 of the National Health Service Act 2006 (joint working arrangements)",
}
NHS_TO_NHS = "its own powers under the National Health Service Act 2006"  # any other health service body
S76 = "section 76 of the National Health Service Act 2006"


def nhs_payer_power(payer) -> str:
    """The power under which a health service body pays another (not as a commissioner)."""
    return NHS_PAYER_POWERS.get(payer.org_type, NHS_TO_NHS)
NHS_COMMISSIONING = "its functions of arranging health services under the National Health Service Act 2006"
COUNCIL_COMMISSIONING = "its functions as a local authority (including under the Care Act 2014 and its public " \
                        "health functions under the National Health Service Act 2006)"
COUNCIL_SHARED_COSTS = "section 1 of the Localism Act 2011 (general power of competence)"
PROVIDER_PURCHASE = "the powers in its constitution (for a company, its capacity under its articles of association)"
S256 = "section 256 of the National Health Service Act 2006"
S65Z5 = "section 65Z5 of the National Health Service Act 2006 (joint working arrangements), with a pooled fund " \
        "under section 65Z6 of that Act"
# Where a council hosts running costs: the arrangement under which an NHS body may pay it, and the NHS bodies
# (by org_type) that can use it. Section 256 lets an ICB (or NHS England) pay a council; a trust or foundation
# trust has no such power, but can be a party to a section 75 or section 65Z5 arrangement.
COUNCIL_HOST_BASES = {
    "s75": (S75, {"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"}),
    "s256": (S256, {"icb", "ccg_legacy", "nhs_england"}),
    "s65z5": (S65Z5, {"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"}),
}


def pennies(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def is_council(p) -> bool:
    return p is not None and p.org_type in ("local_authority", "combined_authority")


def is_nhs(p) -> bool:
    return p is not None and p.is_health_service_body


@dataclass(frozen=True)
class Flow:
    kind: str  # contract_payment, pool_contribution, risk_share, incentive, running_costs
    payer: object  # model.Partner, or None when the terms do not say
    payee: object
    amount: object  # Decimal a year, or None when it depends on performance
    path: tuple  # JSON path (tuple) of the terms that fix it
    power: object  # the legal power (text), or None when there is none

    @property
    def to_itself(self) -> bool:
        # a host's own contribution to the pool it hosts is not a payment
        return (self.kind != "pool_contribution" and self.payer is not None and self.payee is not None
                and self.payer.id == self.payee.id)


@dataclass(frozen=True)
class Allocation:
    partner: object
    share_pct: Decimal
    gross: Decimal  # before caps
    final: Decimal  # after caps and reallocation


@dataclass(frozen=True)
class WorkedExample:
    """One variance worked through the risk share, to the penny."""

    direction: str  # "loss" or "gain"
    variance_pct: Decimal
    variance: Decimal
    deadband: Decimal  # kept by the partner where it arises
    shared: Decimal  # within the corridors
    beyond: Decimal  # beyond the outermost corridor
    beyond_shared: bool
    allocations: tuple  # tuple[Allocation, ...]
    capped: tuple  # partners whose cap bit
    unallocated: Decimal  # could not be allocated because of caps: borne where it arose

    @property
    def reallocated(self) -> Decimal:
        return sum((a.gross - a.final for a in self.allocations if a.final < a.gross), Decimal(0))

    @property
    def allocated(self) -> Decimal:
        return sum((a.final for a in self.allocations), Decimal(0))

    @property
    def shared_total(self) -> Decimal:
        """The part of the variance that is shared (corridors, and beyond them when that is shared)."""
        return self.shared + (self.beyond if self.beyond_shared else Decimal(0))

    @property
    def takers(self) -> tuple:
        """Partners that take on the amounts above other partners' caps."""
        return tuple(a.partner for a in self.allocations if a.final > a.gross)

    @property
    def unshared(self) -> Decimal:
        """Variance that lies where it falls: the deadband, beyond the corridors (when not shared), and any
        amount the caps leave unallocated."""
        return self.deadband + (Decimal(0) if self.beyond_shared else self.beyond) + self.unallocated


def _power(payer, payee, kind: str) -> object:
    """The power under which ``payer`` may pay ``payee`` for a flow of ``kind``, or None."""
    if payer is None or payee is None or payer.id == payee.id:
        return None
    if kind == "pool_contribution":
        return None  # set by the caller from the pool's basis
    if kind == "running_costs" and is_council(payer):
        return S76 if is_nhs(payee) else COUNCIL_SHARED_COSTS
    if kind != "contract_payment" and (is_nhs(payer) and is_council(payee) or is_council(payer) and is_nhs(payee)):
        # Money moved between the NHS and a council other than for services bought needs its own statutory
        # vehicle (a section 75 agreement, or section 256 for an ICB): an alliance agreement cannot be it.
        return None
    if kind == "contract_payment":
        if is_council(payer):
            return COUNCIL_COMMISSIONING
        if payer.is_commissioner and is_nhs(payer):
            return NHS_COMMISSIONING
        return PROVIDER_PURCHASE
    if is_nhs(payer) and is_nhs(payee):
        return nhs_payer_power(payer)
    if is_council(payer) and is_council(payee):
        return COUNCIL_SHARED_COSTS
    return PROVIDER_PURCHASE if not is_council(payer) else COUNCIL_COMMISSIONING


def _round_to(values: list, target: Decimal) -> list:
    """Round exact amounts to pennies so that they add up to ``target`` exactly (largest remainder)."""
    floors = [v.quantize(PENNY, rounding="ROUND_FLOOR") for v in values]
    spare = int((target - sum(floors, Decimal(0))) / PENNY)
    order = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
    for i in order[:max(spare, 0)]:
        floors[i] += PENNY
    return floors


def _allocate(total: Decimal, shares: list, caps: dict) -> tuple[list, Decimal]:
    """Split ``total`` by percentage ``shares`` [(partner, pct)], cap each partner, and give the excess
    above the caps to the partners that have no cap only, in proportion to their shares (a capped partner
    below its cap takes none of it); with no uncapped partner the excess stays unallocated, borne where it
    arose. Amounts are rounded to pennies so that every column adds up."""
    gross = {p.id: total * pct / HUNDRED for p, pct in shares}
    final = dict(gross)
    for _ in range(len(shares) + 1):
        excess = Decimal(0)
        for p, _pct in shares:
            cap = caps.get(p.id)
            if cap is not None and final[p.id] > cap:
                excess += final[p.id] - cap
                final[p.id] = cap
        room = [(p, pct) for p, pct in shares if caps.get(p.id) is None]
        if not excess or not room:
            break
        weight = sum(pct for _p, pct in room)
        for p, pct in room:
            final[p.id] += excess * pct / weight
    unallocated = pennies(total - sum(final.values(), Decimal(0)))
    ids = [p.id for p, _pct in shares]
    gross_r = _round_to([gross[i] for i in ids], pennies(sum(gross.values(), Decimal(0))))
    final_r = _round_to([final[i] for i in ids], pennies(total) - unallocated)
    allocations = [Allocation(p, pct, g, f) for (p, pct), g, f in zip(shares, gross_r, final_r)]
    return allocations, unallocated


def worked_example(terms, rs, direction: str, variance_pct: Decimal, uncapped: str = None) -> WorkedExample | None:
    """The risk share applied to a ``direction`` variance of ``variance_pct`` of the baseline (with the cap of
    partner ``uncapped``, if given, left off)."""
    if not isinstance(rs.baseline, Decimal) or not rs.corridors:
        return None
    base = rs.baseline
    variance = base * variance_pct / HUNDRED
    deadband = min(variance, base * (rs.deadband_pct or Decimal(0)) / HUNDRED)
    applies = [c for c in rs.corridors if c.direction in (direction, "both")
               and isinstance(c.from_pct, Decimal) and isinstance(c.to_pct, Decimal)]
    if not applies:
        return None
    by_partner: dict = {}
    order: list = []
    shared = Decimal(0)
    for c in applies:
        part = max(Decimal(0), min(variance, base * c.to_pct / HUNDRED) - base * c.from_pct / HUNDRED)
        shared += part
        for s in c.shares:
            p = terms._index.get(s.partner_id)
            if p is None or not isinstance(s.pct, Decimal):
                continue
            if p.id not in by_partner:
                order.append(p)
                by_partner[p.id] = Decimal(0)
            by_partner[p.id] += part * s.pct / HUNDRED
    outer = max(c.to_pct for c in applies)
    beyond = max(Decimal(0), variance - base * outer / HUNDRED)
    beyond_shared = rs.beyond_corridors == "shared"
    total = shared + (beyond if beyond_shared else Decimal(0))
    if beyond_shared and beyond:
        last = max(applies, key=lambda c: c.to_pct)
        for s in last.shares:
            if s.partner_id in by_partner and isinstance(s.pct, Decimal):
                by_partner[s.partner_id] += beyond * s.pct / HUNDRED
    shares = [(p, by_partner[p.id] * HUNDRED / total if total else Decimal(0)) for p in order]
    cap_losses = direction == "loss" or rs.cap_applies_to == "gains_and_losses"
    caps = {c.partner_id: c.max_amount for c in rs.caps
            if isinstance(c.max_amount, Decimal) and c.partner_id != uncapped} if cap_losses else {}
    allocations, unallocated = _allocate(total, shares, caps)
    capped = tuple(a.partner for a in allocations if a.final < a.gross)
    return WorkedExample(direction, variance_pct, pennies(variance), pennies(deadband), pennies(shared),
                         pennies(beyond), beyond_shared, tuple(allocations), capped, unallocated)


def settlement_commissioner(terms, partner, sharers=()) -> object:
    """The commissioner through which a provider's risk-share settlement is made: a commissioner of the
    provider's own Service Contract (one that shares in the risk first, then an NHS one), or None."""
    if partner is None or partner.is_commissioner:
        return None
    sharer_ids = {p.id for p in sharers}
    found = []
    for contract in terms.contracting.service_contracts:
        if contract.provider_id != partner.id:
            continue
        for cid in contract.commissioner_ids:
            c = terms._index.get(cid)
            if c is not None and c not in found:
                found.append(c)
    if not found:
        return None
    return sorted(found, key=lambda c: (c.id not in sharer_ids, not is_nhs(c), found.index(c)))[0]


@dataclass(frozen=True)
class SettlementLine:
    """One partner's position in a risk-share settlement, in the direction of the example (a loss or a
    gain): its own variance, the part of it that goes into the shared amount, its allocated share and the
    net amount (share less pooled part)."""

    partner: object
    own_variance: Decimal  # positive in the example's direction (an overspend in a loss year)
    pooled: Decimal  # the part of its own variance that is shared
    share: Decimal  # its allocated share (after caps)
    counterparty: object  # the commissioner it settles with (None for a commissioner, or when there is none)

    @property
    def net(self) -> Decimal:
        return self.share - self.pooled

    @property
    def retained(self) -> Decimal:
        """The part of its own variance that stays with it (deadband, beyond the corridors, above caps)."""
        return self.own_variance - self.pooled


@dataclass(frozen=True)
class Settlement:
    """A worked settlement with unequal own variances: who pays whom, and by what route, to the penny."""

    example: WorkedExample
    lines: tuple  # tuple[SettlementLine, ...]
    balances: tuple  # ((payer, payee, amount), ...) between commissioners, after their providers' settlements
    through_commissioners: bool  # every provider settles with a commissioner (no provider-to-provider payment)

    @property
    def loss(self) -> bool:
        return self.example.direction == "loss"

    def pays(self, line) -> bool:
        """True when ``line``'s partner pays its net amount (a loss share larger than its pooled loss, or a
        gain share smaller than its pooled gain)."""
        return line.net > 0 if self.loss else line.net < 0

    def routed_to(self, commissioner) -> tuple:
        return tuple(l for l in self.lines if l.counterparty is not None and l.counterparty.id == commissioner.id)


def _illustrative_variances(total: Decimal, n: int) -> list:
    """Unequal own variances for ``n`` providers that add up to ``total``: weights n+1, n, ..., 3 and,
    for the last provider, -1 (a variance the other way), so the example shows payments both ways."""
    if n <= 0:
        return []
    if n == 1:
        return [total]
    weights = [Decimal(n + 1 - i) for i in range(n - 1)] + [Decimal(-1)]
    weight = sum(weights, Decimal(0))
    values = [total * w / weight for w in weights]
    return _round_to(values, pennies(total))


def settlement(terms, rs, example, members=None) -> Settlement | None:
    """The settlement of ``example`` between the parties to the risk share: each provider settles its net
    amount with the commissioner of its own Service Contract, as an adjustment to the payments under that
    contract; commissioners settle between themselves only any balance that is left."""
    if example is None or not example.allocations or not example.variance:
        return None
    sharers = [a.partner for a in example.allocations]
    pool = list(members) if members is not None else list(terms.partners)
    commissioners = [p for p in sharers if p.is_commissioner]
    providers = [p for p in sharers if not p.is_commissioner]
    if not providers:
        return None
    routes = {p.id: settlement_commissioner(terms, p, sharers) for p in providers}
    pool_ids = {p.id for p in pool}
    through = all(c is not None and c.id in pool_ids for c in routes.values())
    own = dict(zip([p.id for p in providers], _illustrative_variances(example.variance, len(providers))))
    shared = example.allocated
    ids = [a.partner.id for a in example.allocations]
    pooled = _round_to([shared * own.get(i, Decimal(0)) / example.variance for i in ids], pennies(shared))
    lines = tuple(SettlementLine(a.partner, own.get(a.partner.id, Decimal(0)), pooled_i, a.final,
                                 routes.get(a.partner.id) if through else None)
                  for a, pooled_i in zip(example.allocations, pooled))
    balances = []
    if through:
        involved = list(dict.fromkeys([c.id for c in commissioners] + [routes[p.id].id for p in providers]))
        # What each commissioner still owes after its providers' adjustments (in the example's direction):
        # its own net amount, less what it already pays its providers (minus the providers' net amounts).
        outflow = {}
        for cid in involved:
            own_net = next((l.net for l in lines if l.partner.id == cid), Decimal(0))
            outflow[cid] = own_net + sum((l.net for l in lines if l.counterparty is not None
                                          and l.counterparty.id == cid), Decimal(0))
        payers = [(cid, v) for cid, v in outflow.items() if v > 0]
        payees = [(cid, -v) for cid, v in outflow.items() if v < 0]
        total_in = sum((v for _c, v in payees), Decimal(0))
        for cid, amount in payers:
            parts = _round_to([amount * v / total_in for _c, v in payees], amount) if total_in else []
            for (pid, _v), part in zip(payees, parts):
                if part:
                    pair = (terms._index[cid], terms._index[pid], part)
                    balances.append(pair if example.direction == "loss" else (pair[1], pair[0], part))
    return Settlement(example, lines, tuple(balances), through)


@dataclass(frozen=True)
class Exposure:
    """The most each party can pay (losses) or receive (gains) under a risk share in a year, after caps and
    the reallocation of amounts above caps. ``most`` maps partner id to a Decimal, or None for no limit."""

    direction: str  # "loss" or "gain"
    shared: bool  # whether the corridors share this direction at all
    parties: tuple  # partners with a share, in order
    most: dict  # partner id -> Decimal | None
    capped: tuple  # partners whose cap limits this direction
    takers: tuple  # partners that take on amounts above others' caps (at the outer edge)
    beyond_shared: bool


def exposures(terms, rs) -> tuple:
    """(loss Exposure, gain Exposure) for a risk share, or () when it cannot be computed."""
    if not rs or not rs.corridors:
        return ()
    out = []
    valid = [c for c in rs.corridors if isinstance(c.to_pct, Decimal) and isinstance(c.from_pct, Decimal)]
    for direction in ("loss", "gain"):
        applies = [c for c in valid if c.direction in (direction, "both")]
        ids = list(dict.fromkeys(s.partner_id for c in applies for s in c.shares))
        parties = tuple(terms._index[i] for i in ids if i in terms._index)
        caps_bite = direction == "loss" or rs.cap_applies_to == "gains_and_losses"
        capped = tuple(p for p in parties if caps_bite and isinstance(rs.cap_for(p.id), Decimal))
        if not applies:
            out.append(Exposure(direction, False, (), {}, (), (), False))
            continue
        example = worked_example(terms, rs, direction, max(c.to_pct for c in applies)) \
            if isinstance(rs.baseline, Decimal) else None
        beyond = rs.beyond_corridors == "shared"
        most = {}
        for p in parties:
            within = next((a.final for a in example.allocations if a.partner.id == p.id), None) \
                if example is not None else None
            if beyond or within is None:  # no outer limit but the cap (if any)
                most[p.id] = rs.cap_for(p.id) if p in capped else None
            else:  # the corridors' outer edge: shares after caps and reallocation
                most[p.id] = within
        takers = tuple(example.takers) if example is not None else ()
        out.append(Exposure(direction, True, parties, most, capped, takers, beyond))
    return tuple(out)


@dataclass(frozen=True)
class PartnerMaximum:
    """The most one partner can pay (loss) or receive (gain) under a risk share in a year."""

    partner: object
    direction: str  # "loss" or "gain"
    uncapped: object  # Decimal: the most without its own cap (corridor widths x shares, and any amount
    #                   passed on from other partners' caps); None when unbounded (beyond shared)
    cap: object  # Decimal, or None (no cap, or the cap does not apply in this direction)

    @property
    def amount(self):
        """The most after the partner's cap (None: no limit)."""
        if self.cap is None:
            return self.uncapped
        return self.cap if self.uncapped is None else min(self.cap, self.uncapped)

    @property
    def cap_binds(self) -> bool:
        """The cap can reduce what the partner pays or receives (it is below the uncapped most)."""
        return self.cap is not None and (self.uncapped is None or self.cap < self.uncapped)


@dataclass(frozen=True)
class RiskShareFacts:
    risk_share: RiskShare
    commissioner: Partner  # the commissioner whose spend is the baseline (ACO gain/loss share), or None
    examples: tuple  # tuple[WorkedExample, ...]
    corridor_maximum: tuple  # ((partner, amount), ...): the most a partner can pay within the corridors
    maxima: tuple = ()  # tuple[PartnerMaximum, ...]: per partner and direction
    commissioner_direct: object = None  # Decimal: the commissioner's part of the contract payment it pays
    #                                     itself (not through a pooled fund), ACO/ICP contracts only
    settlement: object = None  # Settlement of the first example with unequal own variances, or None
    exposures: tuple = ()  # (loss Exposure, gain Exposure)

    def exposure(self, direction: str):
        return next((e for e in self.exposures if e.direction == direction), None)

    @property
    def capped_partners(self) -> tuple:
        return tuple(p for p, _ in self.corridor_maximum if self.risk_share.cap_for(p.id))

    def maximum(self, partner_id: str, direction: str):
        """PartnerMaximum for a partner in a direction, or None when the partner has no share in it."""
        return next((m for m in self.maxima if m.partner.id == partner_id and m.direction == direction), None)

    @property
    def idle_caps(self) -> tuple:
        """(index in caps, partner, [PartnerMaximum...]) for each cap that can never bind: in every direction it
        applies to, the partner's most is below it (a cap equal to the most merely states it)."""
        found = []
        for i, cap in enumerate(self.risk_share.caps):
            ms = [m for m in self.maxima if m.partner.id == cap.partner_id and m.cap is not None]
            if ms and all(m.uncapped is not None and m.cap > m.uncapped for m in ms):
                found.append((i, ms[0].partner, ms))
        return tuple(found)

    @property
    def unshared_bearer(self):
        """Who bears (or keeps) variance that is not shared: the commissioner whose spend is the baseline, when
        there is one; otherwise each organisation bears its own (None)."""
        return self.commissioner

    @property
    def settlement_route(self) -> str:
        """How the contract holder and the commissioner settle their shares of a gain/loss share with an
        out-of-scope provider: "payment_adjustment" (an adjustment to the part of the contract payment that
        the commissioner pays itself) when there is such a part, otherwise "agreement" (under the gain/loss
        share agreement, like every other payment). One route only, never both."""
        return "payment_adjustment" if isinstance(self.commissioner_direct, Decimal) and self.commissioner_direct > 0 \
            else "agreement"


def risk_share_facts(terms, rs, members=None) -> RiskShareFacts | None:
    if not rs:
        return None
    examples = []
    valid = [c for c in rs.corridors if isinstance(c.to_pct, Decimal)]
    if valid and isinstance(rs.baseline, Decimal):
        outer = max(c.to_pct for c in valid)
        for direction in ("loss", "gain"):
            if any(c.direction in (direction, "both") for c in valid):
                for pct in (outer, outer + 1):
                    example = worked_example(terms, rs, direction, pct)
                    if example:
                        examples.append(example)
    maximum: dict = {}
    order = []
    if isinstance(rs.baseline, Decimal):
        for c in valid:
            if not isinstance(c.from_pct, Decimal) or c.direction == "gain":
                continue
            width = rs.baseline * (c.to_pct - c.from_pct) / HUNDRED
            for s in c.shares:
                p = terms._index.get(s.partner_id)
                if p is not None and isinstance(s.pct, Decimal):
                    if p.id not in maximum:
                        order.append(p)
                        maximum[p.id] = Decimal(0)
                    maximum[p.id] += width * s.pct / HUNDRED
    commissioner = gain_loss_commissioner(terms, rs)
    settled = None
    if commissioner is None and not isinstance(rs.counterparty_id, str) and examples:
        first = next((e for e in examples if e.direction == "loss"), examples[0])
        settled = settlement(terms, rs, first, members)
    return RiskShareFacts(rs, commissioner, tuple(examples), tuple((p, pennies(maximum[p.id])) for p in order),
                          maxima=_maxima(terms, rs),
                          commissioner_direct=_direct_part(terms, commissioner) if rs.counterparty_id else None,
                          settlement=settled, exposures=exposures(terms, rs))


def _maxima(terms, rs) -> tuple:
    """Each partner's most in each direction: the allocation at the outer edge of the corridors (where the
    shared variance is largest) before that partner's own cap (for a capped partner, its plain share: it takes on
    nothing above others' caps), then its cap."""
    valid = [c for c in rs.corridors if isinstance(c.to_pct, Decimal) and isinstance(c.from_pct, Decimal)]
    if not valid or not isinstance(rs.baseline, Decimal):
        return ()
    found = []
    for direction in ("loss", "gain"):
        applies = [c for c in valid if c.direction in (direction, "both")]
        if not applies:
            continue
        cap_here = direction == "loss" or rs.cap_applies_to == "gains_and_losses"
        outer = max(c.to_pct for c in applies)
        ids = list(dict.fromkeys(s.partner_id for c in applies for s in c.shares if isinstance(s.pct, Decimal)))
        for pid in ids:
            p = terms._index.get(pid)
            if p is None:
                continue
            cap = rs.cap_for(pid) if cap_here else None
            cap = cap if isinstance(cap, Decimal) else None
            if rs.beyond_corridors == "shared":
                uncapped = None
            else:
                # A capped partner never takes on amounts above others' caps (they pass to the uncapped partners
                # only), so its most before its own cap is its plain share at the outer edge; an uncapped partner's
                # most includes what passes to it.
                example = worked_example(terms, rs, direction, outer, uncapped=None if cap is None else pid)
                field = "final" if cap is None else "gross"
                uncapped = next((getattr(a, field) for a in example.allocations if a.partner.id == pid), None) \
                    if example else None
            found.append(PartnerMaximum(p, direction, uncapped, cap))
    return tuple(found)


def _direct_part(terms, commissioner):
    """The part of the contract payment the commissioner pays itself: its budget components less what it pays
    into pooled funds (the pool pays that part). None outside an ACO/ICP contract or when it pays no part."""
    if commissioner is None or not terms.contracting.aco or not terms.funding or not terms.funding.budget:
        return None
    own = [c.amount for c in terms.funding.budget.components
           if c.partner_id == commissioner.id and isinstance(c.amount, Decimal)]
    if not own:
        return None
    pooled = sum((c.amount for f in terms.funding.pooled_funds for c in f.contributions
                  if c.partner_id == commissioner.id and isinstance(c.amount, Decimal)), Decimal(0))
    return max(sum(own, Decimal(0)) - pooled, Decimal(0))


def gain_loss_commissioner(terms, rs):
    """The commissioner whose spend is the baseline of a gain/loss share: the one the terms name or, when
    they name none, the only commissioner among the sharers (None when that does not settle it)."""
    if isinstance(rs.commissioner_id, str):
        return terms._index.get(rs.commissioner_id)
    if not isinstance(rs.counterparty_id, str):
        return None
    found = [p for p in (terms._index.get(i) for i in rs.sharer_ids) if p is not None and p.is_commissioner]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class ValueShare:
    """One provider's share of something split in proportion to the annual value of its contracts."""

    partner: object
    value: Decimal  # annual value of its contracts
    pct: Decimal  # its share, to 0.01%
    amount: object  # its part of the amount split (Decimal), or None when no amount is split


def contract_value_shares(terms, members, amount=None) -> tuple:
    """Shares of ``members`` in proportion to the annual value of the service contracts under which each
    provides services (a commissioner does not share by reason of the contracts it commissions). Amounts,
    when ``amount`` is given, are rounded to pennies so that they add up to it. () when nothing is known."""
    values: dict = {}
    member_ids = {m.id for m in members}
    for contract in terms.contracting.service_contracts:
        if contract.provider_id in member_ids:
            if not isinstance(contract.value_pa, Decimal):
                return ()
            values[contract.provider_id] = values.get(contract.provider_id, Decimal(0)) + contract.value_pa
    total = sum(values.values(), Decimal(0))
    if not total:
        return ()
    order = [m for m in members if m.id in values]
    exact = [values[m.id] * amount / total for m in order] if isinstance(amount, Decimal) else None
    amounts = _round_to(exact, pennies(amount)) if exact is not None else [None] * len(order)
    return tuple(ValueShare(m, values[m.id], pennies(values[m.id] * HUNDRED / total), a)
                 for m, a in zip(order, amounts))


def head_contract_share(terms, sub) -> object:
    """A subcontract's annual value as a percentage of the head contract's (to 0.01%), or None."""
    head = next((c for c in terms.contracting.service_contracts if c.id == terms.contracting.head_contract_id), None)
    if head is None or not isinstance(head.value_pa, Decimal) or not head.value_pa \
            or not isinstance(sub.value_pa, Decimal):
        return None
    return pennies(sub.value_pa * HUNDRED / head.value_pa)


@dataclass(frozen=True)
class MoneyFacts:
    flows: tuple  # tuple[Flow, ...]
    incentive_pool: object  # Decimal a year, or None
    incentive_funders: tuple  # partners
    running_cost_shares: tuple  # ((partner, pct, amount), ...)
    risk_share: RiskShareFacts  # or None (the deal-wide risk share)

    @property
    def without_power(self) -> tuple:
        return tuple(f for f in self.flows if f.power is None and f.payer is not None and f.payee is not None
                     and not f.to_itself)

    @property
    def to_itself(self) -> tuple:
        return tuple(f for f in self.flows if f.to_itself)

    def measure_amount(self, measure) -> object:
        if isinstance(self.incentive_pool, Decimal) and isinstance(measure.weight_pct, Decimal):
            return pennies(self.incentive_pool * measure.weight_pct / HUNDRED)
        return None


def incentive_pool(terms, inc) -> object:
    if not inc:
        return None
    if isinstance(inc.pool_amount, Decimal):
        return inc.pool_amount
    budget = terms.funding.budget if terms.funding else None
    amount = getattr(budget, "annual_amount", None)
    if isinstance(inc.pool_pct_of_budget, Decimal) and isinstance(amount, Decimal):
        return pennies(amount * inc.pool_pct_of_budget / HUNDRED)
    return None


def incentive_funders(terms, inc, members=None) -> tuple:
    """Who funds the incentive pool: the terms' funder_ids; else, under an ICP contract, every commissioner
    (each pays its part of the contract price); else the NHS commissioners among ``members``."""
    if inc and inc.funder_ids:
        return tuple(terms._index[i] for i in inc.funder_ids if i in terms._index)
    pool = members if members is not None else terms.partners
    aco = terms.contracting.aco
    if aco:
        return tuple(p for p in pool if p.is_commissioner and p.id != aco.holder_id)
    return tuple(p for p in pool if p.is_commissioner and p.is_health_service_body)


def incentive_payees(terms, inc, members=None) -> tuple:
    pool = members if members is not None else terms.partners
    if not inc:
        return ()
    if inc.distribution == "by_measure_owner" and terms.contracting.model != "lead_provider":
        ids = list(dict.fromkeys(m.owner_id for m in inc.measures if isinstance(m.owner_id, str)))
        return tuple(terms._index[i] for i in ids if i in terms._index)
    aco = terms.contracting.aco
    if aco:
        return tuple(p for p in (terms._index.get(aco.holder_id),) if p is not None)
    if terms.contracting.model == "lead_provider":  # the commissioner pays the lead provider, which passes on
        return tuple(p for p in pool if "lead_provider" in p.roles)
    return tuple(p for p in pool if {"provider", "lead_provider", "icp_holder"} & set(p.roles))


def _incentive_flows(terms, inc, members, path) -> list:
    if not inc:
        return []
    kind = "contract_payment" if terms.contracting.aco else "incentive"  # ICP improvement payments: the contract
    return [Flow(kind, payer, payee, None, path, _power(payer, payee, kind))
            for payer in incentive_funders(terms, inc, members) for payee in incentive_payees(terms, inc, members)]


def _risk_share_flows(terms, rs, path, members=None) -> list:
    """Settlements between every two parties to a risk share (who pays whom depends on the year)."""
    if not rs:
        return []
    get = terms._index.get
    ids = list(dict.fromkeys(s.partner_id for c in rs.corridors for s in c.shares))
    if isinstance(rs.commissioner_id, str):
        ids.append(rs.commissioner_id)
    parties = [get(i) for i in dict.fromkeys(ids) if get(i) is not None]
    if not isinstance(rs.commissioner_id, str) and not isinstance(rs.counterparty_id, str):
        # A risk share between commissioners and providers: each provider settles with the commissioner of
        # its own Service Contract, as an adjustment to the payments under it; commissioners settle any
        # balance between themselves. No provider pays another.
        pool_ids = {p.id for p in (members if members is not None else terms.partners)}
        commissioners = [p for p in parties if p.is_commissioner]
        providers = [p for p in parties if not p.is_commissioner]
        routes = {p.id: settlement_commissioner(terms, p, parties) for p in providers}
        if commissioners and providers and all(c is not None and c.id in pool_ids for c in routes.values()):
            flows = [Flow("contract_payment", routes[p.id], p, None, path,
                          _power(routes[p.id], p, "contract_payment")) for p in providers]
            involved = list({c.id: c for c in commissioners + [routes[p.id] for p in providers]}.values())
            flows += [Flow("risk_share", a, b, None, path, _power(a, b, "risk_share"))
                      for n, a in enumerate(involved) for b in involved[n + 1:]]
            return flows
    return [Flow("risk_share", a, b, None, path, _power(a, b, "risk_share"))
            for n, a in enumerate(parties) for b in parties[n + 1:]]


def _flows(terms) -> list:
    f = terms.funding
    if not f:
        return []
    pools = tuple(f.pooled_funds)
    flows = []
    get = terms._index.get
    aco = terms.contracting.aco
    holder = get(aco.holder_id) if aco else None
    budget = f.budget
    for i, c in enumerate(budget.components if budget and holder else ()):
        payer = get(c.partner_id)
        flows.append(Flow("contract_payment", payer, holder, c.amount, ("funding", "budget", "components", i),
                          _power(payer, holder, "contract_payment")))
    for i, fund in enumerate(pools):
        host = get(fund.host_partner_id)
        power = f"{S75} (the {fund.title})" if fund.basis == "s75" else f"{S65Z6} (the {fund.title})"
        for j, c in enumerate(fund.contributions):
            payer = get(c.partner_id)
            flows.append(Flow("pool_contribution", payer, host, c.amount,
                              ("funding", "pooled_funds", i, "contributions", j), power))
    for i, sub in enumerate(terms.contracting.subcontracts):
        payer, payee = get(sub.head_provider_id), get(sub.subcontractor_id)
        flows.append(Flow("contract_payment", payer, payee, sub.value_pa, ("contracting", "subcontracts", i),
                          _power(payer, payee, "contract_payment")))
    flows += _incentive_flows(terms, f.incentives, None, ("funding", "incentives"))
    flows += _risk_share_flows(terms, f.risk_share, ("funding", "risk_share"))
    for i, alliance in enumerate(terms.contracting.alliances):  # an alliance's own incentives and risk share
        own = alliance.funding
        if own:
            members = tuple(terms._index[m] for m in alliance.member_ids if m in terms._index)
            base = ("contracting", "alliances", i, "funding")
            flows += _incentive_flows(terms, own.incentives, members, base + ("incentives",))
            flows += _risk_share_flows(terms, own.risk_share, base + ("risk_share",), members)
    for budget in running_cost_budgets(terms):
        flows += list(budget.flows)
    return flows


def running_cost_power(payer, host, basis) -> object:
    """The power under which ``payer`` pays ``host`` its share of running costs, or None. A council host needs
    a stated arrangement (``basis``: s75, s256 or s65z5) that the paying NHS body can use."""
    if payer is None or host is None or payer.id == host.id:
        return None
    if is_council(host) and is_nhs(payer):
        found = COUNCIL_HOST_BASES.get(basis) if isinstance(basis, str) else None
        return found[0] if found and payer.org_type in found[1] else None
    return _power(payer, host, "running_costs")


@dataclass(frozen=True)
class RunningCostShare:
    partner: object
    pct: object  # Decimal, or None when not known
    amount: object  # Decimal for the first year, or None
    path: tuple  # JSON path of the contribution (or of the budget, for a computed share)
    power: object = None  # the power under which it pays the host (None for the host itself, or no power)


@dataclass(frozen=True)
class RunningCostBudget:
    """One running-cost budget, charged in one agreement: who hosts it (employs the staff, incurs the costs and
    invoices the others) and what share each contributor pays. Fixed shares add up to 100% and the amounts to
    the budget exactly (the last share takes the rounding) or the deal is refused (rule L22)."""

    alliance: object  # model.Alliance whose agreement charges it, or None (a deal without alliances)
    amount: object  # Decimal a year, or None
    split: object
    host: object  # model.Partner, or None when the terms name none
    basis: object  # council_host_basis, or None
    shares: tuple  # tuple[RunningCostShare, ...]
    outsiders: tuple  # contributors that are not parties to the agreement
    path: tuple  # JSON path of the running_costs block
    contributions_path: tuple
    own: bool  # True when the alliance has its own budget (not the deal-wide one)

    @property
    def total_pct(self):
        pcts = [s.pct for s in self.shares]
        return sum(pcts, Decimal(0)) if pcts and all(isinstance(x, Decimal) for x in pcts) else None

    @property
    def complete(self) -> bool:
        return self.total_pct == HUNDRED

    @property
    def payers(self) -> tuple:
        return tuple(s for s in self.shares if self.host is None or s.partner.id != self.host.id)

    @property
    def flows(self) -> tuple:
        if self.host is None:
            return ()
        return tuple(Flow("running_costs", s.partner, self.host, s.amount, s.path, s.power) for s in self.payers)

    def share(self, partner):
        return next((s for s in self.shares if s.partner.id == partner.id), None)


def _split_exact(amount, pcts: list) -> list:
    """Amounts for percentage shares of ``amount``: each to the penny, the last taking the rounding so that they
    add up to ``amount`` exactly when the percentages add up to 100."""
    if not isinstance(amount, Decimal):
        return [None] * len(pcts)
    amounts = [pennies(amount * pct / HUNDRED) for pct in pcts]
    if amounts and sum(pcts, Decimal(0)) == HUNDRED:
        amounts[-1] = amount - sum(amounts[:-1], Decimal(0))
    return amounts


def _budget(terms, rc, contributions, members, alliance, path, cpath, own) -> RunningCostBudget:
    get = terms._index.get
    amount = rc.amount_pa if isinstance(rc.amount_pa, Decimal) else None
    member_ids = [m.id for m in members]
    rows = []  # (partner, pct, amount, path)
    if rc.split == "equal" and members:
        n = len(members)
        pcts = [pennies(HUNDRED / n) for _ in members]
        pcts[-1] = HUNDRED - sum(pcts[:-1], Decimal(0))
        rows = [(m, pct, a, path) for m, pct, a in zip(members, pcts, _split_exact(amount, [HUNDRED / n] * n))]
    elif rc.split == "contract_value":
        shares = contract_value_shares(terms, members, amount)
        pcts = [s.pct for s in shares]
        if pcts:
            pcts[-1] = HUNDRED - sum(pcts[:-1], Decimal(0))
        rows = [(s.partner, pct, s.amount, path) for s, pct in zip(shares, pcts)]
    elif rc.split == "equal":
        rows = []
    else:
        given = [(j, c, get(c.partner_id)) for j, c in enumerate(contributions) if get(c.partner_id) is not None]
        pcts = [c.pct if isinstance(c.pct, Decimal) else
                (pennies(c.amount * HUNDRED / amount) if isinstance(c.amount, Decimal) and amount else None)
                for _j, c, _p in given]
        if all(isinstance(x, Decimal) for x in pcts):
            amounts = _split_exact(amount, pcts)
        else:
            amounts = [pennies(amount * x / HUNDRED) if isinstance(x, Decimal) and amount else None for x in pcts]
        amounts = [c.amount if isinstance(c.amount, Decimal) and not isinstance(c.pct, Decimal) else a
                   for (_j, c, _p), a in zip(given, amounts)]
        rows = [(p, pct, a, cpath + (j,)) for (j, _c, p), pct, a in zip(given, pcts, amounts)]
    host_id = rc.host_partner_id if isinstance(rc.host_partner_id, str) else None
    if host_id is None:
        gov = terms.effective_governance(alliance) if alliance is not None else terms.governance
        manager = gov.alliance_manager if gov else None
        host_id = manager.employer_partner_id if manager and isinstance(manager.employer_partner_id, str) else None
    host = get(host_id) if host_id else None
    basis = rc.council_host_basis if isinstance(rc.council_host_basis, str) else None
    shares = tuple(RunningCostShare(p, pct, a, sp, running_cost_power(p, host, basis)) for p, pct, a, sp in rows)
    outsiders = tuple(s.partner for s in shares if member_ids and s.partner.id not in member_ids)
    return RunningCostBudget(alliance, amount, rc.split, host, basis, shares, outsiders, path, cpath, own)


def running_cost_budget(terms, alliance) -> RunningCostBudget | None:
    """The running-cost budget the agreement for ``alliance`` charges: the alliance's own; else the deal-wide one
    when the deal has one alliance or the budget names this alliance (a deal-wide budget is never charged in
    several agreements); else None."""
    alliances = terms.contracting.alliances
    i = next(n for n, a in enumerate(alliances) if a.id == alliance.id)
    members = tuple(terms._index[m] for m in alliance.member_ids if m in terms._index)
    own = alliance.funding.running_costs if alliance.funding else None
    base = ("contracting", "alliances", i, "funding")
    if own:
        return _budget(terms, own, alliance.funding.contributions, members, alliance, base + ("running_costs",),
                       base + ("contributions",), True)
    f = terms.funding
    rc = f.running_costs if f else None
    if not rc:
        return None
    named = rc.alliance_id if isinstance(rc.alliance_id, str) else None
    if (named is None and len(alliances) == 1) or named == alliance.id:
        if alliance.funding and alliance.funding.contributions:
            contributions, cpath = alliance.funding.contributions, base + ("contributions",)
        else:
            contributions, cpath = f.contributions, ("funding", "contributions")
        return _budget(terms, rc, contributions, members, alliance, ("funding", "running_costs"), cpath, False)
    return None


def running_cost_budgets(terms) -> tuple:
    """Every running-cost budget, each with the agreement that charges it."""
    alliances = terms.contracting.alliances
    if not alliances:
        f = terms.funding
        rc = f.running_costs if f else None
        if not rc:
            return ()
        return (_budget(terms, rc, f.contributions, (), None, ("funding", "running_costs"),
                        ("funding", "contributions"), False),)
    return tuple(b for b in (running_cost_budget(terms, a) for a in alliances) if b is not None)


def running_cost_shares(terms) -> tuple:
    f = terms.funding
    rc = f.running_costs if f else None
    if not rc or not isinstance(rc.amount_pa, Decimal):
        return ()
    rows = []
    for c in f.contributions:
        p = terms._index.get(c.partner_id)
        if p is not None and isinstance(c.pct, Decimal):
            rows.append((p, c.pct, pennies(rc.amount_pa * c.pct / HUNDRED)))
        elif p is not None and isinstance(c.amount, Decimal):
            rows.append((p, pennies(c.amount * HUNDRED / rc.amount_pa) if rc.amount_pa else None, c.amount))
    return tuple(rows)


@dataclass(frozen=True)
class Instalments:
    """A yearly amount paid in monthly instalments to the penny: eleven equal ones and a last one that
    takes the rounding, so that the twelve add up to the amount exactly."""

    amount: Decimal
    regular: Decimal
    last: Decimal

    @property
    def equal(self) -> bool:
        return self.regular == self.last


def instalments(amount, months: int = 12) -> Instalments | None:
    if not isinstance(amount, Decimal):
        return None
    regular = pennies(amount / months)
    return Instalments(amount, regular, amount - regular * (months - 1))


@dataclass(frozen=True)
class PassThrough:
    """How a subcontract's pass-through percentage relates to the other subcontracts."""

    pct: Decimal  # this subcontract's percentage of the head provider's gain share
    total_pct: Decimal  # all subcontracts' percentages together
    value: Decimal  # this subcontract's annual value
    total_value: Decimal  # all subcontracts with a pass-through, together

    @property
    def pro_rata(self) -> bool:
        """True when pct is the total split in proportion to subcontract value (to the printed 0.01%)."""
        if not self.total_value:
            return False
        return abs(self.total_pct * self.value / self.total_value - self.pct) < Decimal("0.01")

    @property
    def value_share_pct(self) -> Decimal:
        return pennies(self.value * HUNDRED / self.total_value) if self.total_value else Decimal(0)


def pass_through(terms, sub) -> PassThrough | None:
    if not isinstance(sub.pass_through_pct, Decimal) or not isinstance(sub.value_pa, Decimal):
        return None
    peers = [s for s in terms.contracting.subcontracts if s.head_provider_id == sub.head_provider_id
             and isinstance(s.pass_through_pct, Decimal) and isinstance(s.value_pa, Decimal)]
    return PassThrough(sub.pass_through_pct, sum((s.pass_through_pct for s in peers), Decimal(0)), sub.value_pa,
                       sum((s.value_pa for s in peers), Decimal(0)))


def compute(terms) -> MoneyFacts:
    f = terms.funding
    inc = f.incentives if f else None
    return MoneyFacts(tuple(_flows(terms)), incentive_pool(terms, inc), incentive_funders(terms, inc),
                      running_cost_shares(terms), risk_share_facts(terms, f.risk_share if f else None))


# --------------------------------------------------------------------------- part years of a risk share


def financial_year(day: _dt.date) -> tuple:
    """(1 April, 31 March) of the financial year that contains ``day``."""
    start = _dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return start, _dt.date(start.year + 1, 3, 31)


def _whole_months(start: _dt.date, end: _dt.date):
    """Calendar months from ``start`` (the 1st) to ``end`` (a month end), or None when either is mid-month."""
    if start.day != 1 or (end + _dt.timedelta(days=1)).day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class PartYear:
    """A financial year in which the risk share applies for part of the year only, and the fraction by which its
    annual figures are pro-rated (None when the terms do not say how)."""

    start: _dt.date
    end: _dt.date
    year_start: _dt.date
    year_end: _dt.date
    unit: object  # "days" or "months", or None when the terms give no part-year treatment
    numerator: object  # days or whole months in the part year
    denominator: object  # days in the financial year, or 12

    @property
    def first(self) -> bool:
        return self.start != self.year_start

    def of(self, amount) -> object:
        """``amount`` (a year) pro-rated to the part year, to the penny; None when it cannot be."""
        if not isinstance(amount, Decimal) or not self.unit:
            return None
        return pennies(amount * self.numerator / self.denominator)


def risk_share_period(terms) -> tuple:
    """(first day, last day) on which the risk share applies: its active phases, else the term. (None, None) when
    the terms do not say."""
    active = [p for p in terms.phases if p.risk_share_active]
    if terms.phases:
        starts = [p.start for p in active if isinstance(p.start, _dt.date)]
        ends = [p.end for p in active if isinstance(p.end, _dt.date)]
        if starts and ends:
            return min(starts), max(ends)
        return None, None
    term = terms.term
    start = term.start if term and isinstance(term.start, _dt.date) else None
    end = term.end if term and isinstance(term.end, _dt.date) else None
    return start, end


def part_years(terms, rs) -> tuple:
    """The part years of ``rs`` (first and last, when the risk share starts or ends other than on a financial-year
    boundary), each with the pro-rating the terms give (``rs.part_year``): days in the part year over days in the
    financial year, or whole months over twelve (days where the part year is not whole months)."""
    if not rs:
        return ()
    start, end = risk_share_period(terms)
    if start is None or end is None or end < start:
        return ()
    basis = rs.part_year if isinstance(rs.part_year, str) else None
    found = []
    spans = []
    fy_start, fy_end = financial_year(start)
    if start != fy_start:
        spans.append((start, min(end, fy_end), fy_start, fy_end))
    last_start, last_end = financial_year(end)
    if end != last_end and (not spans or last_start != fy_start):
        spans.append((max(start, last_start), end, last_start, last_end))
    for s, e, ys, ye in spans:
        months = _whole_months(s, e) if basis == "pro_rata_months" else None
        if basis is None:
            found.append(PartYear(s, e, ys, ye, None, None, None))
        elif months is not None:
            found.append(PartYear(s, e, ys, ye, "months", months, 12))
        else:
            found.append(PartYear(s, e, ys, ye, "days", (e - s).days + 1, (ye - ys).days + 1))
    return tuple(found)


# --------------------------------------------------------------------------- who pays the ACO/ICP contract payment


@dataclass(frozen=True)
class PaymentPart:
    """One part of an ACO/ICP contract payment and the commissioner that pays it: a commissioner's own direct
    part, or the part a pooled fund pays, paid by the fund's host from the fund."""

    payer: object  # model.Partner
    amount: Decimal  # a year, first Contract Year
    fund: object = None  # model pooled fund the part is paid from, or None (paid directly)
    contributions: tuple = ()  # ((partner, Decimal), ...) the contributions to the fund that make up the part
    holdback: Decimal = Decimal(0)  # its share of the improvement pool (paid only as improvement payments)

    @property
    def instalments(self):
        return instalments(self.amount - self.holdback)


@dataclass(frozen=True)
class PaymentParts:
    """Who pays the contract payment: each commissioner its direct part (its budget component less what it pays
    into a pooled fund), and the host of each pooled fund the fund's part, from the fund. They add up to the
    payment exactly; the improvement pool is held back from each part in proportion to it (the last part takes
    the rounding), and improvement payments are paid in the same proportions."""

    parts: tuple  # tuple[PaymentPart, ...], direct parts first, in the order of the budget components
    total: Decimal
    pool: Decimal  # improvement pool held back (0 when none)
    funded: tuple = ()  # ((commissioner, amount), ...): the part of the payment each funds (its budget component)

    @property
    def pooled(self) -> tuple:
        return tuple(p for p in self.parts if p.fund is not None)

    @property
    def direct(self) -> tuple:
        return tuple(p for p in self.parts if p.fund is None)

    def direct_part(self, partner):
        return next((p for p in self.direct if p.payer.id == partner.id), None)

    def funded_part(self, partner) -> Decimal | None:
        """The part of the payment ``partner`` funds (its Funded Part), whoever pays it over."""
        return next((a for who, a in self.funded if who.id == partner.id), None)

    def pooled_contribution(self, partner) -> Decimal:
        """What ``partner`` pays into pooled funds towards the contract payment."""
        return sum((a for p in self.pooled for who, a in p.contributions if who.id == partner.id), Decimal(0))

    def improvement_shares(self) -> tuple:
        """Each commissioner's share of a fully earned first-year improvement pool, in proportion to its Funded
        Part, and the route it is paid by: ((commissioner, share, paid directly, ((fund, paid from it), ...)),
        ...). A pooled part's hold-back is split between the fund's contributors in proportion to their
        contributions (the last takes the rounding), so the shares add up to the pool."""
        direct = {p.payer.id: p.holdback for p in self.direct}
        via: dict = {}
        for part in self.pooled:
            amounts = _round_to([part.holdback * a / part.amount for _w, a in part.contributions], part.holdback)
            for (who, _a), amount in zip(part.contributions, amounts):
                via.setdefault(who.id, []).append((part.fund, amount))
        return tuple((who, direct.get(who.id, Decimal(0)) + sum((a for _f, a in via.get(who.id, ())), Decimal(0)),
                      direct.get(who.id, Decimal(0)), tuple(via.get(who.id, ())))
                     for who, _funded in self.funded)


def payment_parts(terms) -> PaymentParts | None:
    """The payers of an ACO/ICP contract payment when a pooled fund pays part of it, or None: no pooled fund
    hosted by a commissioner party, or a figure missing, or the figures not reconciling (a commissioner paying
    more into the pool than its part, or the parts not adding up to the payment: see rule L33)."""
    f = terms.funding
    aco = terms.contracting.aco
    if not aco or not f or not f.budget or not f.budget.components or not f.pooled_funds:
        return None
    get = terms._index.get
    budget = f.budget
    components = [(get(c.partner_id), c.amount) for c in budget.components]
    if any(p is None or not isinstance(a, Decimal) for p, a in components):
        return None
    own: dict = {}
    for p, a in components:
        own[p.id] = own.get(p.id, Decimal(0)) + a
    pooled_parts, paid_in = [], {}
    for fund in f.pooled_funds:
        host = get(fund.host_partner_id)
        if host is None or host.id not in own:
            continue
        contributions = tuple((get(c.partner_id), c.amount) for c in fund.contributions)
        if any(p is None or not isinstance(a, Decimal) or p.id not in own for p, a in contributions):
            return None
        for p, a in contributions:
            paid_in[p.id] = paid_in.get(p.id, Decimal(0)) + a
        pooled_parts.append((host, sum((a for _p, a in contributions), Decimal(0)), fund, contributions))
    if not pooled_parts or any(paid_in.get(i, Decimal(0)) > a for i, a in own.items()):
        return None
    direct = [(get(i), a - paid_in.get(i, Decimal(0))) for i, a in own.items()]
    raw = [(p, a, None, ()) for p, a in direct if a > 0] + pooled_parts
    total = sum((a for _p, a, _f, _c in raw), Decimal(0))
    if isinstance(budget.annual_amount, Decimal) and total != budget.annual_amount:
        return None
    pool = incentive_pool(terms, f.incentives)
    pool = pool if isinstance(pool, Decimal) and total else Decimal(0)
    holdbacks = [pennies(pool * a / total) for _p, a, _f, _c in raw]
    if holdbacks:
        holdbacks[-1] = pool - sum(holdbacks[:-1], Decimal(0))
    parts = tuple(PaymentPart(p, a, fund, c, h) for (p, a, fund, c), h in zip(raw, holdbacks))
    return PaymentParts(parts, total, pool, tuple((get(i), a) for i, a in own.items()))
