"""Rules V1-V9 of the domain brief: parties, roles, arithmetic, references, dates, s75 pools and head
contracts (errors, with V8 a warning)."""
from __future__ import annotations

import datetime as _dt

from acscontracts.diagnostics import did_you_mean
from acscontracts.terms.rules.context import (
    CCG_ABOLISHED, HUNDRED, HEALTH_SERVICE_BODIES, NHS_COMMISSIONER_TYPES, NHS_PROVIDER_TYPES,
    COUNCIL_TYPES, PROVIDER_ROLES, _dict, _list, _str, _num, _date, _pct, Ctx, _walk,
    _is_partner_ref_key, _sum,
)


# --------------------------------------------------------------------------- (d) rules V1-V28


def ccg_after_abolition(c: Ctx):
    """V1: no clinical commissioning group after 1 July 2022."""
    when = c.effective_date
    if when is None or when < CCG_ABOLISHED:
        return
    for pid, p in c.partners.items():
        if p.get("org_type") == "ccg_legacy":
            yield c.error("V1", ("partners", c.partner_index[pid], "org_type"),
                          f"`{pid}` is a CCG, but the deal takes effect on {when.isoformat()}, after CCGs were "
                          "abolished on 1 July 2022",
                          "make the integrated care board that took over its functions the party (org_type: icb)")


def commissioner_as_provider(c: Ctx):
    """V2: an ICB, CCG or NHS England cannot hold a provider-side role."""
    for pid in c.partners:
        org = c.org_type(pid)
        if org not in NHS_COMMISSIONER_TYPES:
            continue
        for role in sorted(c.roles(pid) & PROVIDER_ROLES):
            yield c.error("V2", c.role_path(pid, role),
                          f"`{pid}` is a commissioning body ({org}) but holds the provider-side role `{role}`",
                          "remove the role: commissioners commission; the provider is a trust or other body "
                          "under contract to them")


def icp_holder_type(c: Ctx):
    """V3: the ICP/ACO holder should be an NHS trust or FT (a council is a warning)."""
    holders = {pid: c.role_path(pid, "icp_holder") for pid in c.with_role("icp_holder")}
    holder_id = _str(_dict(c.contracting.get("aco")).get("holder_id"))
    if holder_id in c.partners and holder_id not in holders:
        holders[holder_id] = ("contracting", "aco", "holder_id")
    for pid, path in holders.items():
        org = c.org_type(pid)
        if org is None or org in NHS_PROVIDER_TYPES or org in NHS_COMMISSIONER_TYPES:  # V2 covers commissioners
            continue
        if org in COUNCIL_TYPES:
            yield c.warn("V3", path, f"the ICP contract holder `{pid}` is a {org.replace('_', ' ')}, not an NHS "
                         "trust or foundation trust", "check that the 2019 ICP contract can be used: it was "
                         "designed for NHS statutory providers")
        else:
            yield c.error("V3", path, f"the ICP contract holder `{pid}` is a {org.replace('_', ' ')}; NHS "
                          "England's ICP contract is for statutory bodies only",
                          "make an NHS trust or foundation trust the holder, or use a lead-provider model")


def risk_share_arithmetic(c: Ctx):
    """V4: corridor shares sum to 100.00; corridors ordered and non-overlapping; deadband first."""
    for base, rs in c.funding_blocks("risk_share"):
        corridors = [(i, k) for i, k in enumerate(_list(rs.get("corridors"))) if isinstance(k, dict)]
        for i, corridor in corridors:
            shares = [_num(_dict(s).get("pct")) for s in _list(corridor.get("shares"))]
            if not shares or any(s is None for s in shares):
                continue
            total = _sum(shares)
            if total != HUNDRED:
                yield c.error("V4", base + ("corridors", i, "shares"),
                              f"corridor {i + 1} shares add up to {_pct(total)}, not 100.00%",
                              f"change the shares so they add up to exactly 100 ({_pct(HUNDRED - total)} "
                              f"{'missing' if total < HUNDRED else 'too much'})")
        ranges = []
        for i, corridor in corridors:
            low, high = _num(corridor.get("from_pct")), _num(corridor.get("to_pct"))
            if low is None or high is None:
                continue
            if low >= high:
                yield c.error("V4", base + ("corridors", i, "to_pct"),
                              f"corridor {i + 1} runs from {_pct(low)} to {_pct(high)}: it must end above its start",
                              "make to_pct greater than from_pct")
                continue
            direction = corridor.get("direction")
            sides = {"gain", "loss"} if direction in ("both", None) else {direction}
            for j, prev_low, prev_high, prev_sides in ranges:
                if not sides & prev_sides:
                    continue
                if low < prev_low:
                    yield c.error("V4", base + ("corridors", i, "from_pct"),
                                  f"corridor {i + 1} starts at {_pct(low)}, below corridor {j + 1} "
                                  f"({_pct(prev_low)}): corridors must be in order of from_pct",
                                  "list the corridors from the smallest variance to the largest")
                    break
                if low < prev_high and prev_low < high:
                    yield c.error("V4", base + ("corridors", i, "from_pct"),
                                  f"corridor {i + 1} ({_pct(low)}-{_pct(high)}) overlaps corridor {j + 1} "
                                  f"({_pct(prev_low)}-{_pct(prev_high)})",
                                  f"start corridor {i + 1} at {_pct(prev_high)} or later")
                    break
            ranges.append((i, low, high, sides))
        deadband = _num(rs.get("deadband_pct"))
        if deadband is not None and ranges:
            first = min(r[1] for r in ranges)
            if deadband > first:
                yield c.error("V4", base + ("deadband_pct",),
                              f"the deadband ({_pct(deadband)}) reaches into the first corridor, "
                              f"which starts at {_pct(first)}",
                              f"make deadband_pct at most {_pct(first)}, or start the first corridor at the deadband")
    for base, inc in c.funding_blocks("incentives"):
        weights = [_num(_dict(m).get("weight_pct")) for m in _list(inc.get("measures"))]
        if not weights or any(w is None for w in weights):
            continue
        total = _sum(weights)
        if total != HUNDRED:
            yield c.error("V4", base + ("measures",),
                          f"incentive measure weights add up to {_pct(total)}, not 100.00%",
                          "change weight_pct values so that they add up to exactly 100")


def partner_references(c: Ctx):
    """V5: every partner reference names a partner; pooled_fund_ids name pooled funds."""
    if not c.partners_ok:
        return
    known = [p for p in c.partners if p not in c.unresolved_uses]
    for path, key, value in _walk(c.data):
        if path[:1] == ("partners",):
            continue
        if key == "pooled_fund_ids":
            continue
        if not _is_partner_ref_key(key):
            continue
        refs = [(path + (i,), v) for i, v in enumerate(value)] if isinstance(value, list) else [(path, value)]
        for ref_path, ref in refs:
            if not isinstance(ref, str) or ref in c.partners:
                continue
            if key == "chair" and ref == "independent":
                continue
            hint = did_you_mean(ref, known) or (f"add `{ref}` to partners or use one of: {', '.join(known[:8])}"
                                                if known else f"add `{ref}` to partners")
            yield c.error("V5", ref_path, f"`{ref}` is not a partner", hint)
    fund_ids = [f.get("id") for _, f in c.pooled_funds() if isinstance(f.get("id"), str)]
    for i, a in c.alliances():
        for j, ref in enumerate(_list(_dict(a.get("funding")).get("pooled_fund_ids"))):
            if isinstance(ref, str) and ref not in fund_ids:
                yield c.error("V5", ("contracting", "alliances", i, "funding", "pooled_fund_ids", j),
                              f"`{ref}` is not one of funding.pooled_funds",
                              did_you_mean(ref, fund_ids) or "add the pooled fund under funding.pooled_funds")


def phase_dates(c: Ctx):
    """V6: phases start before they end, run in order without overlap, inside the term; break points too."""
    term = c.section("term")
    t_start, t_end = _date(term.get("start")), _date(term.get("end"))
    previous = None  # (index, start, end)
    for i, phase in enumerate(_list(c.data.get("phases"))):
        phase = _dict(phase)
        start, end = _date(phase.get("start")), _date(phase.get("end"))
        name = phase.get("id") or f"phase {i + 1}"
        if start and end and start >= end:
            yield c.error("V6", ("phases", i, "end"), f"phase `{name}` ends on {end} but starts on {start}",
                          "make the end date later than the start date")
            continue
        if start and t_start and start < t_start:
            yield c.error("V6", ("phases", i, "start"), f"phase `{name}` starts on {start}, before the term "
                          f"starts ({t_start})", "move the phase start to the term start or later")
        if end and t_end and end > t_end:
            yield c.error("V6", ("phases", i, "end"), f"phase `{name}` ends on {end}, after the term ends "
                          f"({t_end})", "end the phase by the term end, or extend the term")
        if start and previous:
            j, p_start, p_end = previous
            if start < p_start:
                yield c.error("V6", ("phases", i, "start"), f"phase `{name}` starts on {start}, before the "
                              f"phase listed above it (starts {p_start})", "list phases in date order")
            elif p_end and start <= p_end:
                yield c.error("V6", ("phases", i, "start"), f"phase `{name}` starts on {start}, but the phase "
                              f"before it runs until {p_end}",
                              f"start it on {p_end + _dt.timedelta(days=1)} or later")
        if start:
            previous = (i, start, end)
    for i, bp in enumerate(_list(term.get("break_points"))):
        when = _date(bp)
        if when and t_start and t_end and not (t_start < when < t_end):
            yield c.error("V6", ("term", "break_points", i), f"break point {when} is outside the term "
                          f"({t_start} to {t_end})", "choose a date inside the term")


def s75_pool_partners(c: Ctx):
    """V7: an s75 pool needs an NHS body and a council, no other bodies, a host and a pool manager."""
    for path, fund in c.s75_pools():
        fid = fund.get("id") or "pool"
        members = [p for p in _list(fund.get("partner_ids")) if isinstance(p, str) and p in c.partners]
        types = {p: c.org_type(p) for p in members}
        if members and not any(t in HEALTH_SERVICE_BODIES for t in types.values()):
            yield c.error("V7", path + ("partner_ids",), f"section 75 pool `{fid}` has no NHS body among its partners",
                          "add the ICB or NHS trust that contributes to the pool")
        if members and "local_authority" not in types.values():
            yield c.error("V7", path + ("partner_ids",), f"section 75 pool `{fid}` has no local authority among "
                          "its partners", "add the council: s75 pools are between NHS bodies and councils")
        for j, pid in enumerate(_list(fund.get("partner_ids"))):
            t = types.get(pid)
            if t and t not in HEALTH_SERVICE_BODIES | COUNCIL_TYPES:
                yield c.error("V7", path + ("partner_ids", j), f"`{pid}` ({t}) cannot be a partner in section 75 "
                              f"pool `{fid}`: only prescribed NHS bodies and local authorities can",
                              "remove it from partner_ids; fund it through a contract with a pool partner instead")
        for key, what in (("host_partner_id", "a host partner"), ("pool_manager", "a pool manager")):
            if not fund.get(key):
                make = c.error if c.final else c.warn
                yield make("V7", path, f"section 75 pool `{fid}` has no {key} ({what})",
                           f"name {what}: the s75 agreement must have one before it is signed")


def s75_pool_contents(c: Ctx):
    """V8: an s75 agreement states aims, contributions and a review date."""
    for path, fund in c.s75_pools():
        fid = fund.get("id") or "pool"
        for key, what in (("aims", "aims or outcomes"), ("contributions", "partner contributions"),
                          ("review_date", "a review date"), ("functions", "the functions it covers")):
            value = fund.get(key)
            if value in (None, "", []):
                yield c.warn("V8", path + ((key,) if key in fund else ()),
                             f"section 75 pool `{fid}` states no {what}",
                             f"add `{key}`: the written s75 agreement must state it")


def subcontract_head_contract(c: Ctx):
    """V9: subcontracts need an existing head contract and must end no later than it."""
    head_id = c.contracting.get("head_contract_id")
    contracts = c.service_contracts()
    subs = list(c.subcontracts())
    head = None
    if isinstance(head_id, str):
        head = contracts.get(head_id)
        if head is None:
            yield c.error("V9", ("contracting", "head_contract_id"),
                          f"head contract `{head_id}` is not one of contracting.service_contracts",
                          did_you_mean(head_id, contracts) or "add the head contract to service_contracts")
    elif subs:
        yield c.error("V9", ("contracting",), f"{len(subs)} subcontract(s) but no head_contract_id",
                      "set contracting.head_contract_id to the service contract the subcontracts sit under")
    head_end = _date(_dict(head).get("end_date"))
    if head_end is None:
        return
    for path, sub in subs:
        end = _date(sub.get("end"))
        if end and end > head_end:
            yield c.error("V9", path + ("end",), f"subcontract `{sub.get('id')}` ends on {end}, after the head "
                          f"contract `{head_id}` ends ({head_end})", f"end it on or before {head_end}")


RULES = (
    ccg_after_abolition,
    commissioner_as_provider,
    icp_holder_type,
    risk_share_arithmetic,
    partner_references,
    phase_dates,
    s75_pool_partners,
    s75_pool_contents,
    subcontract_head_contract,
)
