"""Domain rules over deal terms: what JSON Schema cannot say.

``check(loaded, final=..., strict=...)`` runs every rule in ``RULES`` over ``loaded.data`` (plain
dicts and lists, Decimal/int numbers, ISO date strings) and returns Diagnostics.

Codes: ``V1``..``V28`` are the validation rules of the domain brief, section (d); ``X1``..``X13``
are the cross-field rules of section (c) that (d) does not number:

  X1  a pooled fund's host partner is not one of its partner_ids
  X2  duplicate ids (or duplicate partner references) within one list
  X3  weighted_supermajority without a supermajority_pct above 50
  X4  a board member or chair who is not a member of the partnership, or a chair not on the board
  X5  a subcontract's head provider lacks the lead_provider/icp_holder role or does not hold the head contract
  X6  a pooled fund's contributions do not add up to its total
  X7  the roles and parts each contracting model needs
  X8  percentage contributions that do not add up to 100%, or a contribution with both/neither amount and pct
  X9  a role the organisation type cannot hold (commissioner, s75 host partner)
  X10 la_tier on an organisation that is not a local authority
  X11 pool_pct_of_budget above the 20% sanity bound (warning)
  X12 a partner named in a place that needs a role it does not have (warning)
  X13 an end date before its start date (term, service contract, subcontract)

When ``strict`` is False the schema already found errors, so every rule reads the data
defensively: anything of the wrong shape is skipped, and no rule raises.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Iterable, Iterator

from .diagnostics import ERROR, WARNING, Diagnostic, did_you_mean, json_path

CCG_ABOLISHED = _dt.date(2022, 7, 1)
PSR_IN_FORCE = _dt.date(2024, 1, 1)
HUNDRED = Decimal("100")

HEALTH_SERVICE_BODIES = frozenset({"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"})
NHS_COMMISSIONER_TYPES = frozenset({"icb", "ccg_legacy", "nhs_england"})
NHS_PROVIDER_TYPES = frozenset({"nhs_trust", "nhs_ft"})
COUNCIL_TYPES = frozenset({"local_authority", "combined_authority"})
COMMISSIONER_TYPES = NHS_COMMISSIONER_TYPES | COUNCIL_TYPES
S75_HOST_TYPES = frozenset({"icb", "ccg_legacy", "nhs_trust", "nhs_ft", "local_authority"})
PROVIDER_ROLES = frozenset({"provider", "lead_provider", "subcontractor", "icp_holder"})
COMMISSIONER_ROLES = frozenset({"commissioner", "coordinating_commissioner"})
SMALL_BODY_TYPES = frozenset({"vcse", "gp_federation"})

# Keys that hold partner ids although they do not end in _id/_ids; and *_id keys that do not.
PARTNER_REF_EXTRA_KEYS = frozenset({"chair"})
NON_PARTNER_REF_KEYS = frozenset({"head_contract_id", "pooled_fund_ids"})
ICP_WORD = re.compile(r"\bICPs?\b")


# --------------------------------------------------------------------------- small helpers


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def _num(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return Decimal(value)


def _date(value) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


class Ctx:
    """What the rules share: the data, how to locate a path, and indexes built once per check."""

    def __init__(self, loaded, final: bool, strict: bool):
        self.loaded = loaded
        self.data = _dict(loaded.data)
        self.final = final
        self.strict = strict
        self.partners_ok = isinstance(self.data.get("partners"), list)  # else partner checks would only echo the schema
        self.partners: dict[str, dict] = {}
        self.partner_index: dict[str, int] = {}
        self.unresolved_uses: set[str] = set()  # `{use: id}` the register lacks: reported as ACS-REGISTER-ID
        for i, p in enumerate(_list(self.data.get("partners"))):
            p = _dict(p)
            pid = _str(p.get("id")) or _str(p.get("use"))
            if "id" not in p and pid:
                self.unresolved_uses.add(pid)
            if pid and pid not in self.partners:
                self.partners[pid] = p
                self.partner_index[pid] = i

    # -- building diagnostics
    def diag(self, severity: str, code: str, parts: Iterable, message: str, hint: str = "") -> Diagnostic:
        parts = tuple(parts)
        return Diagnostic(severity, code, message, hint, self.loaded.locate(parts), json_path(parts))

    def error(self, code, parts, message, hint=""):
        return self.diag(ERROR, code, parts, message, hint)

    def warn(self, code, parts, message, hint=""):
        return self.diag(WARNING, code, parts, message, hint)

    # -- partners
    def partner(self, pid) -> dict:
        return self.partners.get(pid, {}) if isinstance(pid, str) else {}

    def org_type(self, pid) -> str | None:
        return _str(self.partner(pid).get("org_type"))

    def roles(self, pid) -> set:
        return {r for r in _list(self.partner(pid).get("roles")) if isinstance(r, str)}

    def with_role(self, role: str) -> list[str]:
        return [pid for pid in self.partners if role in self.roles(pid)]

    def name(self, pid) -> str:
        p = self.partner(pid)
        return _str(p.get("short_name")) or _str(p.get("legal_name")) or str(pid)

    def role_path(self, pid, role) -> tuple:
        i = self.partner_index.get(pid)
        roles = _list(self.partner(pid).get("roles"))
        if i is None:
            return ("partners",)
        return ("partners", i, "roles", roles.index(role)) if role in roles else ("partners", i, "roles")

    # -- sections
    def section(self, *keys) -> dict:
        node = self.data
        for key in keys:
            node = _dict(node.get(key))
        return node

    @property
    def contracting(self) -> dict:
        return self.section("contracting")

    @property
    def model(self) -> str | None:
        return _str(self.contracting.get("model"))

    @property
    def effective_date(self) -> _dt.date | None:
        return _date(self.section("deal").get("effective_date")) or _date(self.section("term").get("start"))

    def alliances(self) -> Iterator[tuple[int, dict]]:
        for i, a in enumerate(_list(self.contracting.get("alliances"))):
            if isinstance(a, dict):
                yield i, a

    def governances(self) -> Iterator[tuple[tuple, dict]]:
        """Each governance block where it is written: top level, then alliance overrides."""
        if isinstance(self.data.get("governance"), dict):
            yield ("governance",), self.data["governance"]
        for i, a in self.alliances():
            if isinstance(a.get("governance"), dict):
                yield ("contracting", "alliances", i, "governance"), a["governance"]

    def effective_governance(self, index: int, alliance: dict) -> tuple[tuple, dict]:
        """An alliance's own governance, or the deal-wide one it falls back on."""
        if isinstance(alliance.get("governance"), dict):
            return ("contracting", "alliances", index, "governance"), alliance["governance"]
        return ("governance",), self.section("governance")

    def funding_blocks(self, key: str) -> Iterator[tuple[tuple, dict]]:
        """Each funding.<key> mapping (risk_share/incentives), deal-wide then per alliance."""
        if isinstance(self.section("funding").get(key), dict):
            yield ("funding", key), self.section("funding")[key]
        for i, a in self.alliances():
            block = _dict(a.get("funding")).get(key)
            if isinstance(block, dict):
                yield ("contracting", "alliances", i, "funding", key), block

    def contribution_lists(self) -> Iterator[tuple[tuple, list]]:
        if isinstance(self.section("funding").get("contributions"), list):
            yield ("funding", "contributions"), self.section("funding")["contributions"]
        for i, a in self.alliances():
            items = _dict(a.get("funding")).get("contributions")
            if isinstance(items, list):
                yield ("contracting", "alliances", i, "funding", "contributions"), items

    def pooled_funds(self) -> Iterator[tuple[tuple, dict]]:
        for i, f in enumerate(_list(self.section("funding").get("pooled_funds"))):
            if isinstance(f, dict):
                yield ("funding", "pooled_funds", i), f

    def s75_pools(self) -> Iterator[tuple[tuple, dict]]:
        for path, f in self.pooled_funds():
            if f.get("basis") == "s75":
                yield path, f

    def subcontracts(self) -> Iterator[tuple[tuple, dict]]:
        for i, s in enumerate(_list(self.contracting.get("subcontracts"))):
            if isinstance(s, dict):
                yield ("contracting", "subcontracts", i), s

    def service_contracts(self) -> dict[str, dict]:
        return {c["id"]: c for c in _list(self.contracting.get("service_contracts"))
                if isinstance(c, dict) and isinstance(c.get("id"), str)}

    def competing_groups(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """sector -> provider ids, for sectors where two or more of ``ids`` provide services."""
        by_sector: dict[str, list[str]] = {}
        for pid in dict.fromkeys(ids):
            sector = _str(self.partner(pid).get("sector"))
            if sector and self.roles(pid) & PROVIDER_ROLES:
                by_sector.setdefault(sector, []).append(pid)
        return {s: ps for s, ps in by_sector.items() if len(ps) > 1}


def _walk(node, path=()) -> Iterator[tuple[tuple, object, object]]:
    """(path, key, value) for every value under node; key is the mapping key or list index."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), key, value
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield path + (i,), i, value
            yield from _walk(value, path + (i,))


def _is_partner_ref_key(key) -> bool:
    if not isinstance(key, str) or key in NON_PARTNER_REF_KEYS:
        return False
    return key.endswith("_id") or key.endswith("_ids") or key in PARTNER_REF_EXTRA_KEYS


def _sum(values) -> Decimal:
    total = Decimal(0)
    for v in values:
        total += v
    return total


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


def material_subcontract_consent(c: Ctx):
    """V10: a material subcontract needs the commissioner's consent."""
    for path, sub in c.subcontracts():
        consent = sub.get("commissioner_consent")
        if sub.get("material") is True and isinstance(consent, str) and consent != "obtained":
            yield c.warn("V10", path + ("commissioner_consent",),
                         f"material subcontract `{sub.get('id')}` has commissioner consent `{consent}`",
                         "obtain the commissioner's approval before the subcontract starts")


def gp_practice_subcontract_notice(c: Ctx):
    """V11: a GP practice subcontracting clinical work must tell its commissioner."""
    for path, sub in c.subcontracts():
        head = sub.get("head_provider_id")
        if c.org_type(head) == "gp_practice" and sub.get("commissioner_consent") in (None, "not_required"):
            yield c.warn("V11", path + (("commissioner_consent",) if "commissioner_consent" in sub else ()),
                         f"GP practice `{head}` subcontracts `{sub.get('id')}` with no notice to the commissioner",
                         "GMS regulations require notice to the commissioner before subcontracting clinical "
                         "services: set commissioner_consent to pending or obtained")


def public_body_subcontract_procurement(c: Ctx):
    """V12: trusts and councils letting subcontracts are bound by the PSR."""
    if c.contracting.get("procurement_route") != "not_a_procurement":
        return
    for path, sub in c.subcontracts():
        head = sub.get("head_provider_id")
        org = c.org_type(head)
        if org in NHS_PROVIDER_TYPES | COUNCIL_TYPES:
            yield c.warn("V12", ("contracting", "procurement_route"),
                         f"subcontract `{sub.get('id')}` is let by `{head}` ({org}) but the procurement route is "
                         "`not_a_procurement`", "NHS trusts and councils are relevant authorities under the "
                         "Provider Selection Regime: record the PSR route used")


def award_without_psr(c: Ctx):
    """V13: an ICP award or new head contract on or after 1 January 2024 should follow the PSR."""
    if c.model not in ("icp_contract", "lead_provider"):
        return
    head = _dict(c.service_contracts().get(c.contracting.get("head_contract_id")))
    aco = _dict(c.contracting.get("aco"))
    when = (_date(c.contracting.get("procurement_date")) or _date(aco.get("service_commencement"))
            or _date(head.get("start")) or c.effective_date)
    route = c.contracting.get("procurement_route")
    if when is None or when < PSR_IN_FORCE:
        return
    if route is not None and (not isinstance(route, str) or route.startswith("psr_")):
        return
    what = "ICP contract" if c.model == "icp_contract" else "head contract"
    path = ("contracting", "procurement_route") if route else ("contracting",)
    yield c.warn("V13", path, f"the {what} is awarded on {when} with procurement route `{route or 'none'}`, "
                 "not a Provider Selection Regime process", "health care services awarded since 1 January 2024 "
                 "follow the PSR: choose psr_direct_a/b/c, psr_most_suitable or psr_competitive")


def icp_council_services(c: Ctx):
    """V14: an ICP contract covering council services needs a council as commissioner."""
    if c.model != "icp_contract":
        return
    la_services = [s for s in _list(c.section("scope").get("la_services")) if s]
    if not la_services:
        return
    if any(c.org_type(p) in COUNCIL_TYPES and c.roles(p) & COMMISSIONER_ROLES for p in c.partners):
        return
    yield c.error("V14", ("scope", "la_services"),
                  f"the ICP contract covers council services ({', '.join(map(str, la_services[:3]))}) but no "
                  "council is a commissioner party",
                  "add the council as a partner with the `commissioner` role, or move the services out of scope")


def integration_agreements(c: Ctx):
    """V15: partial integration needs a GP integration agreement; full needs GMS/PMS suspension terms."""
    level = c.contracting.get("integration_level")
    agreements = [a for a in _list(c.contracting.get("integration_agreements")) if isinstance(a, dict)]
    gp = [a for a in agreements if a.get("type") == "gp"]
    if level == "partial" and not gp:
        yield c.warn("V15", ("contracting", "integration_level"), "partial integration but no GP integration "
                     "agreement", "add an integration_agreements entry of type `gp` linking the practices")
    elif level == "full" and not any(a.get("gms_pms_suspended") is True for a in gp):
        yield c.warn("V15", ("contracting", "integration_level"), "full integration but no GP integration "
                     "agreement suspends the practices' GMS/PMS contracts",
                     "add a `gp` integration agreement with gms_pms_suspended: true")


def icp_assurance(c: Ctx):
    """V16: an ICP contract needs ISAP assurance and financial safeguards."""
    if c.model != "icp_contract":
        return
    assurance = c.data.get("assurance")
    if not isinstance(assurance, dict) or assurance.get("isap_complete") is not True:
        path = ("assurance", "isap_complete") if isinstance(assurance, dict) else ()
        yield c.warn("V16", path, "no confirmation that the ISAP (integrated support and assurance process) is "
                     "complete", "set assurance.isap_complete: true once NHS England has assured the award")
    if not c.data.get("financial_safeguards"):
        yield c.warn("V16", (), "an ICP contract with no financial safeguards",
                     "add financial_safeguards (minimum net assets, parent guarantee, reporting)")


def long_term_without_breaks(c: Ctx):
    """V17: a term over ten years should have break points."""
    term = c.section("term")
    start, end = _date(term.get("start")), _date(term.get("end"))
    if not (start and end) or _list(term.get("break_points")):
        return
    try:
        ten_years = start.replace(year=start.year + 10)
    except ValueError:  # 29 February
        ten_years = start.replace(year=start.year + 10, day=28)
    if end > ten_years:
        yield c.warn("V17", ("term", "break_points") if "break_points" in term else ("term",),
                     f"the term runs from {start} to {end}, more than 10 years, with no break points",
                     "add break_points (e.g. at years 5 and 10)")


def unanimity_deadlock(c: Ctx):
    """V18: unanimity among more than six voters needs a deadlock route."""
    for path, gov in c.governances():
        if gov.get("voting_rule") not in ("unanimous", "consensus_then_unanimous"):
            continue
        voters = [m for m in _list(_dict(gov.get("board")).get("members"))
                  if isinstance(m, dict) and (_num(m.get("votes")) is None or _num(m.get("votes")) > 0)]
        route = _dict(gov.get("deadlock")).get("route")
        if len(voters) > 6 and route in (None, "none"):
            yield c.warn("V18", path + ("voting_rule",), f"unanimous decisions among {len(voters)} voting members "
                         "with no deadlock route", "add deadlock.route (e.g. mediation or independent_adviser)")


def reserved_matters(c: Ctx):
    """V19: a board should reserve some matters to the partners."""
    for path, gov in c.governances():
        if not _list(gov.get("reserved_matters")) and not _list(gov.get("custom_reserved_matters")):
            yield c.warn("V19", path + (("reserved_matters",) if "reserved_matters" in gov else ()),
                         "no reserved matters", "list the decisions each partner's own board keeps "
                         "(reserved_matters), e.g. admit_partner, change_risk_share, budget_approval")


def courts_between_nhs_bodies(c: Ctx):
    """V20: disputes between health service bodies go to the Secretary of State, not the courts."""
    disputes = c.section("disputes")
    if disputes.get("final") != "courts" or not c.partners:
        return
    if all(c.org_type(p) in HEALTH_SERVICE_BODIES for p in c.partners):
        yield c.warn("V20", ("disputes", "final"), "disputes end in the courts, but every party is a health "
                     "service body: this is an NHS contract under s9 NHS Act 2006, not enforceable in court",
                     "use final: s9_referral (reference to the Secretary of State)")


def jv_with_competitors(c: Ctx):
    """V21: a corporate JV or LLP of competing providers raises merger-control risk."""
    groups = c.competing_groups(c.partners)
    if not groups:
        return
    for i, phase in enumerate(_list(c.data.get("phases"))):
        form = _dict(phase).get("org_form")
        if form in ("corporate_jv", "llp"):
            sector, ids = next(iter(groups.items()))
            yield c.warn("V21", ("phases", i, "org_form"), f"phase uses a {form.replace('_', ' ')} involving "
                         f"competing {sector.replace('_', ' ')} providers ({', '.join(ids)})",
                         "take competition (merger control) advice before forming the joint vehicle")


def open_book_with_competitors(c: Ctx):
    """V22: open-book price sharing between competing alliance members."""
    funding = c.section("funding")
    if funding.get("open_book") is not True:
        return
    groups = [(a.get("id"), g) for _, a in c.alliances()
              for g in [c.competing_groups(x for x in _list(a.get("member_ids")) if isinstance(x, str))] if g]
    if not groups and c.model == "alliance" and not list(c.alliances()):
        groups = [(None, c.competing_groups(c.partners))] if c.competing_groups(c.partners) else []
    for alliance_id, g in groups[:1]:
        sector, ids = next(iter(g.items()))
        where = f"alliance `{alliance_id}`" if alliance_id else "the alliance"
        yield c.warn("V22", ("funding", "open_book"), f"open-book sharing of costs and prices in {where}, whose "
                     f"members include competing {sector.replace('_', ' ')} providers ({', '.join(ids)})",
                     "set open_book: false or limit sharing to non-sensitive information (no prices)")


def tupe_without_pension(c: Ctx):
    """V23: staff leaving the NHS under TUPE need a pension route."""
    workforce = c.section("enablers", "workforce")
    if workforce.get("pension_route") != "none":
        return
    for i, move in enumerate(_list(workforce.get("tupe_transfers"))):
        move = _dict(move)
        src, dst = move.get("from_id"), move.get("to_id")
        if c.org_type(src) in HEALTH_SERVICE_BODIES and c.org_type(dst) and c.org_type(dst) not in HEALTH_SERVICE_BODIES:
            yield c.warn("V23", ("enablers", "workforce", "pension_route"),
                         f"staff transfer out of the NHS ({src} to {dst}) with pension_route `none`",
                         "New Fair Deal: give NHS Pension access (nhs_pension_direction) or a broadly comparable scheme")


def data_sharing_agreement(c: Ctx):
    """V24: shared personal data needs a data sharing agreement and a controller model."""
    data = c.section("enablers", "data")
    if data.get("personal_data_shared") is not True:
        return
    if data.get("dsa_in_place") is not True:
        yield c.warn("V24", ("enablers", "data", "dsa_in_place") if "dsa_in_place" in data else ("enablers", "data"),
                     "personal data is shared with no data sharing agreement in place",
                     "put a data sharing agreement in place and set dsa_in_place: true")
    if not data.get("controller_model"):
        yield c.warn("V24", ("enablers", "data"), "personal data is shared but no controller model is stated",
                     "set controller_model: independent, joint or processor")


def icp_abbreviation(c: Ctx):
    """V25: after July 2022 "ICP" means integrated care partnership; do not use it for a provider."""
    when = c.effective_date
    if when is None or when < CCG_ABOLISHED:
        return
    for path, key, value in _walk(c.data):
        if isinstance(value, str) and ICP_WORD.search(value) and key not in ("$schema", "partner_register"):
            yield c.warn("V25", path, f"{value[:60]!r} uses the abbreviation \"ICP\"; since July 2022 that means an "
                         "integrated care partnership", "write \"Integrated Care Provider\" in full (or use another name)")


def uncapped_small_body_loss(c: Ctx):
    """V26: VCSE and GP federation partners in a loss corridor need a cap."""
    for base, rs in c.funding_blocks("risk_share"):
        capped = {_dict(cap).get("partner_id") for cap in _list(rs.get("caps"))}
        seen = set()
        for i, corridor in enumerate(_list(rs.get("corridors"))):
            corridor = _dict(corridor)
            if corridor.get("direction") not in ("loss", "both"):
                continue
            for j, share in enumerate(_list(corridor.get("shares"))):
                pid = _dict(share).get("partner_id")
                pct = _num(_dict(share).get("pct"))
                org = c.org_type(pid)
                if org in SMALL_BODY_TYPES and pid not in capped and pid not in seen and (pct is None or pct > 0):
                    seen.add(pid)
                    yield c.warn("V26", base + ("corridors", i, "shares", j, "partner_id"),
                                 f"`{pid}` ({org.replace('_', ' ')}) shares losses with no cap",
                                 f"add a cap for `{pid}` under caps (max_amount)")


def short_withdrawal_notice(c: Ctx):
    """V27: withdrawal notice under six months."""
    months = _num(c.section("exit").get("withdrawal_notice_months"))
    if months is not None and months < 6:
        yield c.warn("V27", ("exit", "withdrawal_notice_months"), f"withdrawal notice is {months} month(s)",
                     "allow at least 6 months so services can continue while the exit is managed")


# V28 (conflicts-of-interest clause) is not checked: the schema has no field that says whether the
# documents include a conflicts-of-interest clause.


# --------------------------------------------------------------------------- (c) cross-field rules X1-X13


def host_in_pool(c: Ctx):
    """X1: a pooled fund's host partner is one of its partners."""
    for path, fund in c.pooled_funds():
        host = fund.get("host_partner_id")
        members = _list(fund.get("partner_ids"))
        if isinstance(host, str) and host in c.partners and members and host not in members:
            yield c.error("X1", path + ("host_partner_id",), f"host partner `{host}` is not one of pool "
                          f"`{fund.get('id')}`'s partner_ids", f"add `{host}` to partner_ids or choose a host from them")


def duplicate_ids(c: Ctx):
    """X2: ids are unique within their list; a partner appears once in a list of partner references."""
    for path, key, value in _walk(c.data):
        if not isinstance(value, list):
            continue
        if isinstance(key, str) and key.endswith("_ids"):
            items = [(path + (i,), v) for i, v in enumerate(value)]
        elif all(isinstance(v, dict) for v in value) and any("id" in v for v in value):
            items = [(path + (i, "id"), v.get("id")) for i, v in enumerate(value)]
        elif key in ("members", "shares", "caps") or (key == "contributions" and path[:2] == ("funding", "pooled_funds")):
            items = [(path + (i, "partner_id"), _dict(v).get("partner_id")) for i, v in enumerate(value)]
        else:
            continue
        seen = {}
        for item_path, ident in items:
            if not isinstance(ident, str):
                continue
            if ident in seen:
                yield c.error("X2", item_path, f"`{ident}` appears twice in {json_path(path)} "
                              f"(first at {json_path(seen[ident])})", "remove the repeat or give it a different id")
            else:
                seen[ident] = item_path


def supermajority_pct(c: Ctx):
    """X3: weighted_supermajority needs supermajority_pct above 50."""
    for path, gov in c.governances():
        if gov.get("voting_rule") != "weighted_supermajority":
            continue
        pct = _num(gov.get("supermajority_pct"))
        if "supermajority_pct" not in gov:
            yield c.error("X3", path, "voting rule is weighted_supermajority but no supermajority_pct is given",
                          "add supermajority_pct, e.g. 75")
        elif pct is not None and pct <= 50:
            yield c.error("X3", path + ("supermajority_pct",), f"supermajority_pct is {_pct(pct)}: a supermajority "
                          "must be more than 50%", "use a value above 50, e.g. 66.67 or 75")


def board_membership(c: Ctx):
    """X4: board members belong to the partnership; the chair sits on the board or is independent."""
    for path, gov in c.governances():
        board = _dict(gov.get("board"))
        member_ids = [_dict(m).get("partner_id") for m in _list(board.get("members"))]
        chair = board.get("chair")
        if isinstance(chair, str) and chair != "independent" and chair in c.partners and chair not in member_ids:
            yield c.error("X4", path + ("board", "chair"), f"the chair `{chair}` is not a member of the board",
                          "add the chair's organisation to board.members, or use `independent`")
    for i, alliance in c.alliances():
        gpath, gov = c.effective_governance(i, alliance)
        allowed = set(_list(alliance.get("member_ids"))) | set(_list(alliance.get("observer_ids")))
        if not allowed:
            continue
        for j, member in enumerate(_list(_dict(gov.get("board")).get("members"))):
            pid = _dict(member).get("partner_id")
            if isinstance(pid, str) and pid in c.partners and pid not in allowed:
                yield c.error("X4", gpath + ("board", "members", j, "partner_id"),
                              f"board member `{pid}` is not a member or observer of alliance `{alliance.get('id')}`",
                              "add it to the alliance's member_ids, or remove it from the board")


def head_provider_role(c: Ctx):
    """X5: a subcontract's head provider is the lead provider / ICP holder holding the head contract."""
    head = _dict(c.service_contracts().get(c.contracting.get("head_contract_id")))
    for path, sub in c.subcontracts():
        pid = sub.get("head_provider_id")
        if not isinstance(pid, str) or pid not in c.partners:
            continue
        if not c.roles(pid) & {"lead_provider", "icp_holder"}:
            yield c.error("X5", path + ("head_provider_id",), f"head provider `{pid}` has neither the "
                          "`lead_provider` nor the `icp_holder` role", f"add `lead_provider` to `{pid}`'s roles")
        elif isinstance(head.get("provider_id"), str) and head["provider_id"] != pid:
            yield c.error("X5", path + ("head_provider_id",), f"head provider `{pid}` is not the provider of the "
                          f"head contract (`{head['provider_id']}`)", "the head provider must hold the head contract")


def pooled_fund_total(c: Ctx):
    """X6: a pooled fund's contributions add up to its total."""
    for path, fund in c.pooled_funds():
        total = _num(fund.get("total"))
        amounts = [_num(_dict(x).get("amount")) for x in _list(fund.get("contributions"))]
        if total is None or not amounts or any(a is None for a in amounts):
            continue
        added = _sum(amounts)
        if added != total:
            yield c.error("X6", path + ("total",), f"pool `{fund.get('id')}` contributions add up to "
                          f"{_money(added)}, but its total is {_money(total)}",
                          "correct the contributions or the total so that they agree")


def model_roles(c: Ctx):
    """X7: what each contracting model needs."""
    model = c.model
    contracting = c.contracting
    if not c.partners_ok:
        model = None
    if model == "icp_contract":
        if not isinstance(contracting.get("aco"), dict):
            yield c.error("X7", ("contracting",), "an icp_contract deal has no contracting.aco",
                          "add contracting.aco with holder_id and title_style")
        holders = c.with_role("icp_holder")
        if len(holders) != 1:
            yield c.error("X7", ("partners",), f"an icp_contract deal needs exactly one partner with the "
                          f"`icp_holder` role; found {len(holders)}" + (f" ({', '.join(holders)})" if holders else ""),
                          "give the `icp_holder` role to the one organisation that holds the contract")
        if not c.with_role("commissioner"):
            yield c.error("X7", ("partners",), "an icp_contract deal has no partner with the `commissioner` role",
                          "add the ICB (and the council, for council services) as commissioner")
        if not c.with_role("coordinating_commissioner") and not _dict(contracting.get("aco")).get("coordinating_commissioner_id"):
            yield c.error("X7", ("partners",), "an icp_contract deal has no coordinating commissioner",
                          "give one commissioner the `coordinating_commissioner` role")
        if not contracting.get("integration_level"):
            yield c.error("X7", ("contracting",), "an icp_contract deal has no integration_level",
                          "set contracting.integration_level: virtual, partial or full")
    elif model == "lead_provider":
        leads = c.with_role("lead_provider")
        if len(leads) != 1:
            yield c.error("X7", ("partners",), f"a lead_provider deal needs exactly one partner with the "
                          f"`lead_provider` role; found {len(leads)}" + (f" ({', '.join(leads)})" if leads else ""),
                          "give the `lead_provider` role to the head provider only")
        if not list(c.subcontracts()):
            yield c.error("X7", ("contracting",), "a lead_provider deal has no subcontracts",
                          "add at least one entry under contracting.subcontracts")
            if "head_contract_id" not in contracting:
                yield c.error("X7", ("contracting",), "a lead_provider deal has no head_contract_id",
                              "set contracting.head_contract_id to the head contract's id")
        if not c.with_role("subcontractor"):
            yield c.error("X7", ("partners",), "a lead_provider deal has no partner with the `subcontractor` role",
                          "give each subcontractor the `subcontractor` role")
    elif model == "alliance":
        members = c.with_role("alliance_member")
        if len(members) < 2:
            yield c.error("X7", ("partners",), f"an alliance needs at least 2 partners with the `alliance_member` "
                          f"role; found {len(members)}", "give each alliance partner the `alliance_member` role")
    for i, alliance in c.alliances():
        ids = {m for m in _list(alliance.get("member_ids")) if isinstance(m, str) and m in c.partners}
        if len(ids) < 2:
            yield c.error("X7", ("contracting", "alliances", i, "member_ids"), f"alliance `{alliance.get('id')}` has "
                          f"{len(ids)} member(s) that are partners; it needs at least 2",
                          "list at least two partner ids in member_ids")


def percentage_contributions(c: Ctx):
    """X8: percentage contributions add up to 100%; each contribution is an amount or a pct."""
    for path, items in c.contribution_lists():
        pcts = []
        for i, item in enumerate(items):
            item = _dict(item)
            has_amount, has_pct = "amount" in item, "pct" in item
            if has_amount and has_pct:
                yield c.error("X8", path + (i,), "a contribution gives both amount and pct",
                              "give either an amount or a percentage")
            elif has_pct:
                pcts.append(_num(item.get("pct")))
        if pcts and all(p is not None for p in pcts):
            total = _sum(pcts)
            if total != HUNDRED:
                yield c.error("X8", path, f"percentage contributions add up to {_pct(total)}, not 100.00%",
                              "change the pct values so that they add up to exactly 100")


def role_eligibility(c: Ctx):
    """X9: commissioner roles only for commissioning bodies; an s75 host only for prescribed bodies."""
    for pid in c.partners:
        org = c.org_type(pid)
        if org is None:
            continue
        for role in sorted(c.roles(pid) & COMMISSIONER_ROLES):
            if org not in COMMISSIONER_TYPES:
                yield c.error("X9", c.role_path(pid, role), f"`{pid}` is a {org.replace('_', ' ')} and cannot "
                              f"hold the `{role}` role", "only ICBs, NHS England and councils commission services")
    for path, fund in c.s75_pools():
        host = fund.get("host_partner_id")
        org = c.org_type(host)
        if org and org not in S75_HOST_TYPES:
            yield c.error("X9", path + ("host_partner_id",), f"`{host}` ({org.replace('_', ' ')}) cannot host a "
                          "section 75 pool", "choose an ICB, NHS trust, foundation trust or council as host")


def la_tier_only_for_councils(c: Ctx):
    """X10: la_tier is only for local authorities."""
    for pid, p in c.partners.items():
        if "la_tier" in p and p.get("org_type") != "local_authority":
            yield c.error("X10", ("partners", c.partner_index[pid], "la_tier"),
                          f"`{pid}` has la_tier but is a {str(p.get('org_type')).replace('_', ' ')}",
                          "remove la_tier, or correct org_type to local_authority")


def incentive_pool_size(c: Ctx):
    """X11: pool_pct_of_budget above 20% is probably a mistake."""
    for path, inc in c.funding_blocks("incentives"):
        pct = _num(inc.get("pool_pct_of_budget"))
        if pct is not None and pct > 20:
            yield c.warn("X11", path + ("pool_pct_of_budget",), f"the incentive pool is {_pct(pct)} of the budget",
                         "check the figure: incentive pools are usually a few per cent (at most 20%)")


def reference_roles(c: Ctx):
    """X12: a partner named in a place that implies a role holds that role."""
    wanted = []  # (path, partner id, acceptable roles, description)
    for i, a in c.alliances():
        for key, role in (("member_ids", "alliance_member"), ("observer_ids", "observer")):
            for j, pid in enumerate(_list(a.get(key))):
                wanted.append((("contracting", "alliances", i, key, j), pid, {role}, f"{key} of `{a.get('id')}`"))
    for i, sc in enumerate(_list(c.contracting.get("service_contracts"))):
        sc = _dict(sc)
        for j, pid in enumerate(_list(sc.get("commissioner_ids"))):
            wanted.append((("contracting", "service_contracts", i, "commissioner_ids", j), pid, COMMISSIONER_ROLES,
                           f"a commissioner of `{sc.get('id')}`"))
        wanted.append((("contracting", "service_contracts", i, "provider_id"), sc.get("provider_id"),
                       PROVIDER_ROLES, f"the provider of `{sc.get('id')}`"))
    for path, sub in c.subcontracts():
        wanted.append((path + ("subcontractor_id",), sub.get("subcontractor_id"), {"subcontractor"},
                       f"subcontractor of `{sub.get('id')}`"))
    aco = _dict(c.contracting.get("aco"))
    wanted.append((("contracting", "aco", "holder_id"), aco.get("holder_id"), {"icp_holder"}, "the contract holder"))
    wanted.append((("contracting", "aco", "coordinating_commissioner_id"), aco.get("coordinating_commissioner_id"),
                   {"coordinating_commissioner"}, "the coordinating commissioner"))
    for path, fund in c.pooled_funds():
        wanted.append((path + ("host_partner_id",), fund.get("host_partner_id"), {"host_partner"},
                       f"the host of pool `{fund.get('id')}`"))
    for path, pid, roles, what in wanted:
        if isinstance(pid, str) and pid in c.partners and not c.roles(pid) & roles:
            need = " or ".join(f"`{r}`" for r in sorted(roles))
            yield c.warn("X12", path, f"`{pid}` is {what} but does not have the {need} role",
                         f"add {need} to `{pid}`'s roles")


def end_before_start(c: Ctx):
    """X13: periods end after they start."""
    term = c.section("term")
    periods = [(("term",), term.get("start"), term.get("end"), "end", "the term")]
    for i, sc in enumerate(_list(c.contracting.get("service_contracts"))):
        sc = _dict(sc)
        periods.append((("contracting", "service_contracts", i), sc.get("start"), sc.get("end_date"), "end_date",
                        f"service contract `{sc.get('id')}`"))
    for path, sub in c.subcontracts():
        periods.append((path, sub.get("start"), sub.get("end"), "end", f"subcontract `{sub.get('id')}`"))
    for path, start, end, end_key, what in periods:
        s, e = _date(start), _date(end)
        if s and e and e <= s:
            yield c.error("X13", path + (end_key,), f"{what} ends on {e}, not after it starts ({s})",
                          "make the end date later than the start date")


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
    material_subcontract_consent,
    gp_practice_subcontract_notice,
    public_body_subcontract_procurement,
    award_without_psr,
    icp_council_services,
    integration_agreements,
    icp_assurance,
    long_term_without_breaks,
    unanimity_deadlock,
    reserved_matters,
    courts_between_nhs_bodies,
    jv_with_competitors,
    open_book_with_competitors,
    tupe_without_pension,
    data_sharing_agreement,
    icp_abbreviation,
    uncapped_small_body_loss,
    short_withdrawal_notice,
    host_in_pool,
    duplicate_ids,
    supermajority_pct,
    board_membership,
    head_provider_role,
    pooled_fund_total,
    model_roles,
    percentage_contributions,
    role_eligibility,
    la_tier_only_for_councils,
    incentive_pool_size,
    reference_roles,
    end_before_start,
)


def check(loaded, *, final: bool = False, strict: bool = True) -> list[Diagnostic]:
    """Run every rule; with ``strict`` False (schema errors found) a rule that trips on bad shapes is skipped."""
    if not isinstance(loaded.data, dict):
        return []
    ctx = Ctx(loaded, final, strict)
    found: list[Diagnostic] = []
    for rule in RULES:
        try:
            found.extend(rule(ctx))
        except Exception:  # noqa: BLE001 - a rule must never take validation down with it
            if strict:
                raise
    return found
