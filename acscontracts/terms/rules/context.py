"""What every rule reads: the loaded terms, helpers for defensive access, and Ctx."""
from __future__ import annotations

import datetime as _dt
import re
from functools import cached_property
from decimal import Decimal
from typing import Iterable, Iterator

from acscontracts.diagnostics import ERROR, WARNING, Diagnostic, json_path

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
NON_PARTNER_REF_KEYS = frozenset({"head_contract_id", "pooled_fund_ids", "alliance_id"})
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

    @cached_property
    def typed(self):
        """The typed model (terms.model) of the terms, built once: for the rules' legal facts and for the caller.
        It needs terms that pass the schema: with schema errors (not ``strict``) the rules that read it are
        skipped, at once, rather than each trying to type terms that may hold anything (a number of a million
        digits)."""
        if not self.strict:
            raise LookupError("the typed model needs terms that pass the schema")
        from acscontracts.terms.model import build_model

        return build_model(self.data)

    def built(self, name: str):
        """A cached property's value if a rule asked for it, else None (nothing is computed here)."""
        return self.__dict__.get(name)

    @cached_property
    def facts(self):
        """The legal facts (acscontracts.facts) of the terms, from the typed model."""
        from acscontracts import facts

        return facts.compute(self.typed)

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

