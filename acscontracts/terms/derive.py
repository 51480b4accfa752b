"""Values a draft may leave out because they follow from what it does give.

* a partner's ``id``: a slug of its legal name (``Mini Hospitals NHS Trust`` -> ``mini-hospitals-nhs-trust``),
  made unique with ``-2``, ``-3`` ...;
* a partner's ``short_name``: its legal name without a trailing company suffix (``Limited``, ``LLP`` ...);
* for ``model: alliance`` with no ``alliances``: one alliance of every partner with the ``alliance_member``
  role (or, when none has it, every partner that is not an observer), named after the deal.

``derived(loaded)`` returns the terms with those values filled in, and their paths in ``loaded.derived``;
the rules and the model read that.
"""
from __future__ import annotations

import re
import unicodedata

from acscontracts.terms.loader import LoadedTerms

ID_MAX = 40
_COMPANY_SUFFIX = re.compile(r"[\s,]+(limited|ltd\.?|llp|plc|cic|c\.i\.c\.)\s*\Z", re.I)
DERIVED_ALLIANCE_ID = "alliance"


def slug(text: str) -> str:
    """Lower-case letters, digits and hyphens, 2-40 characters (the schema's id form)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    words = words[:ID_MAX].rstrip("-")
    return words if len(words) >= 2 else (words + "-org" if words else "org")


def short_name(legal_name: str) -> str:
    return _COMPANY_SUFFIX.sub("", legal_name).strip() or legal_name


def _unique(base: str, taken: set) -> str:
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = base[:ID_MAX - len(suffix)].rstrip("-") + suffix, n + 1
    return candidate


def _partners(partners: list, filled: set) -> list:
    taken = {p["id"] for p in partners if isinstance(p, dict) and isinstance(p.get("id"), str)}
    out = []
    for i, p in enumerate(partners):
        if isinstance(p, dict) and isinstance(p.get("legal_name"), str) and p["legal_name"].strip():
            if "id" not in p or "short_name" not in p:
                p = dict(p)
                if "id" not in p:
                    p["id"] = _unique(slug(p["legal_name"]), taken)
                    taken.add(p["id"])
                    filled.add(("partners", i, "id"))
                if "short_name" not in p:
                    p["short_name"] = short_name(p["legal_name"])
                    filled.add(("partners", i, "short_name"))
        out.append(p)
    return out


def alliance_members(partners: list) -> list[str]:
    """Who joins the alliance a draft leaves implicit."""
    partners = [(p["id"], p.get("roles") if isinstance(p.get("roles"), list) else [])
                for p in partners if isinstance(p, dict) and isinstance(p.get("id"), str)]
    members = [pid for pid, roles in partners if "alliance_member" in roles]
    return members or [pid for pid, roles in partners if "observer" not in roles]


def derived_alliance(data) -> bool:
    """True when the terms use the alliance model but list no alliances (one is made up)."""
    contracting = data.get("contracting") if isinstance(data, dict) else None
    return (isinstance(contracting, dict) and contracting.get("model") == "alliance"
            and not contracting.get("alliances") and isinstance(data.get("partners"), list))


def _alliance(data: dict, partners: list) -> dict:
    deal = data.get("deal") if isinstance(data.get("deal"), dict) else {}
    title = deal.get("title") if isinstance(deal.get("title"), str) else "Alliance Agreement"
    return {"id": DERIVED_ALLIANCE_ID, "title": title, "kind": "alliance", "member_ids": alliance_members(partners)}


def derived(loaded: LoadedTerms) -> LoadedTerms:
    """The terms with derived values filled in (containers copied only where something is added)."""
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("partners"), list):
        return loaded
    filled: set = set()
    out = dict(data, partners=_partners(data["partners"], filled))
    if derived_alliance(data):
        out["contracting"] = dict(data["contracting"], alliances=[_alliance(data, out["partners"])])
        filled.add(("contracting", "alliances"))
    if not filled:
        return loaded
    return LoadedTerms(out, loaded.positions, loaded.path, loaded.files, loaded.register_ids, frozenset(filled))
