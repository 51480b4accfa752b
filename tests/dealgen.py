"""Hypothesis strategies for realistic deal terms, driven by the schema and the domain rules.

``deals(final=True)`` draws a complete deal meant to pass ``validate --final``: every model (alliance,
lead provider, ICP contract), 2-40 partners of every organisation type, 0-12 subcontracts, 0-4 risk-share
corridors in which some partners share and others do not, caps, pooled funds, incentives, phases, break
points, and names with accents, apostrophes, ampersands and brackets. Every enum value comes from the
schema (``enum``), so a value added to the schema is drawn without touching this file.

``deals(final=False)`` draws the same and then thins it towards a minimal draft: each field the schema
does not require is dropped with a drawn probability (up to everything droppable), and short names and
partner ids are sometimes left for the tool to derive.

``enum_values_in(data)`` lists (enum schema node id, value) for every enum-valued leaf of a deal, so a test
can show that the strategies reach every value of every enum. Partners taken from a register
(``{use: id}``) are not generated: the register tests cover them.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from hypothesis import strategies as st

from acscontracts.terms.schema import load_schema

MODELS = ("alliance", "lead_provider", "icp_contract")
COMMISSIONER_TYPES = ("icb", "nhs_england", "local_authority", "combined_authority")
NHS_PROVIDER_TYPES = ("nhs_trust", "nhs_ft")
OTHER_PROVIDER_TYPES = ("gp_practice", "gp_federation", "pcn", "vcse", "independent_sector", "llp", "company", "cic")
PLACES = ("Northvale", "Ashby-de-la-Zouch", "St Anne's", "Ynys Môn", "Brontë Moor", "Whitby & Esk", "Zoë's Vale",
          "Kingston upon Hull", "O'Connell Park", "Llanfair (West)", "Æthelney", "Søndre Fell", "Bury St Edmunds",
          "Château Green", "Newton-le-Willows", "Maryport", "Hedon “Old Town”", "Marsh / Fen", "Çay Valley",
          "Royal Tunbridge", "Saint-Ives", "Ōkawa Ward", "Riverbend", "Ffestiniog")
LEGAL_FORMS = {
    "icb": ("NHS {p} Integrated Care Board", "the ICB"),
    "nhs_england": ("NHS England ({p} region)", "NHSE"),
    "local_authority": ("{p} Council", "the Council"),
    "combined_authority": ("{p} Combined Authority", "the Combined Authority"),
    "ccg_legacy": ("NHS {p} Clinical Commissioning Group", "the CCG"),
    "nhs_trust": ("{p} Hospitals NHS Trust", "the Trust"),
    "nhs_ft": ("{p} Healthcare NHS Foundation Trust", "the Foundation Trust"),
    "gp_practice": ("The {p} Surgery", "the Practice"),
    "gp_federation": ("{p} GP Federation Limited", "the Federation"),
    "pcn": ("{p} Primary Care Network", "the PCN"),
    "vcse": ("{p} Age & Carers Trust", "the Trust (VCSE)"),
    "independent_sector": ("{p} Clinics Ltd", "the Clinics"),
    "llp": ("{p} Health Partners LLP", "the LLP"),
    "company": ("{p} Community Services Limited", "the Company"),
    "cic": ("{p} Wellbeing CIC", "the CIC"),
}
SAFE_EXCLUDED_HEADS = ("Indirect or consequential loss", "Loss of profit or revenue", "Loss of goodwill or reputation",
                       "Loss of data (other than through breach of clause on data protection)")
WORDS = ("integrated", "urgent care", "frailty", "end-of-life", "children's", "mental health", "community nursing",
         "diagnostics", "reablement", "social prescribing", "falls prevention", "care homes", "respiratory")


# --------------------------------------------------------------------------- the schema


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return load_schema()


def _deref(node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _node(path: str) -> dict:
    """The schema node at a dotted path (`[]` steps into items; partners are the full `partner` form)."""
    node = schema()
    for step in path.split("."):
        node = _deref(node)
        if step == "[]":
            node = node["items"]
            if "else" in node:  # partners: {use} or a full partner
                node = node["else"]
        else:
            node = node["properties"][step]
    return _deref(node)


def enum(path: str) -> tuple:
    return tuple(_node(path)["enum"])


def choice(path: str):
    return st.sampled_from(enum(path))


def enum_values_in(data) -> set:
    """{(id of the enum's schema node, value)} for every enum-valued leaf of ``data``."""
    found = set()

    def walk(value, node):
        node = _deref(node)
        if not isinstance(node, dict):
            return
        if "else" in node and isinstance(value, dict):
            node = _deref(node["then"] if "use" in value else node["else"])
        if "enum" in node:
            found.add((id(node), value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in node.get("properties", {}):
                    walk(item, node["properties"][key])
        elif isinstance(value, list) and "items" in node:
            for item in value:
                walk(item, node["items"])

    walk(data, schema())
    return found


def all_enum_values() -> set:
    """Every (enum schema node id, value) the schema holds."""
    found, seen = set(), set()

    def walk(node):
        node = _deref(node)
        if not isinstance(node, dict) or id(node) in seen:
            return
        seen.add(id(node))
        if "enum" in node:
            found.update((id(node), v) for v in node["enum"])
        for value in node.get("properties", {}).values():
            walk(value)
        for key in ("items", "else"):  # not "then": register entries ({use: id}) are not generated
            if key in node:
                walk(node[key])

    walk(schema())
    return found


def optional_sections() -> set:
    """Dotted paths of every property that neither `required` nor x-required-final names (to the 2nd level)."""
    out = set()

    def walk(node, path, depth):
        node = _deref(node)
        if "else" in node:
            node = _deref(node["else"])
        if "items" in node:
            node = _deref(node["items"])
            if "else" in node:
                node = _deref(node["else"])
        required = set(node.get("required", ()))
        for key, sub in node.get("properties", {}).items():
            if key not in required and key not in ("$schema", "partner_register", "schema_version"):
                out.add(path + key)
            if depth < 1:
                walk(sub, path + key + ".", depth + 1)

    walk(schema(), "", 0)
    return out


# --------------------------------------------------------------------------- small values


def money(lo: int, hi: int):
    return st.one_of(st.integers(lo, hi).map(Decimal),
                     st.integers(lo * 100, hi * 100).map(lambda v: Decimal(v) / 100))


def pct(lo: int = 0, hi: int = 100):
    return st.integers(lo * 100, hi * 100).map(lambda v: Decimal(v) / 100)


def iso(day: dt.date) -> str:
    return day.isoformat()


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a year that is not a leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def prose(draw, n_min=1, n_max=4) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n_min, max_size=n_max))
    return (" and ".join(words) or "general") + " services"


@st.composite
def split_100(draw, n: int) -> list:
    """n percentages (two decimal places) adding up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0] + cuts + [10000]
    return [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:])]


# --------------------------------------------------------------------------- partners

PEOPLE = ("Dr Siân O'Neill", "Amara Okafor-Smith", "José Álvarez", "Li Wei", "Ruth McAllister-Brown", "Tomás Ó Briain",
          "Zoë Hart-Davies")
JOB_TITLES = ("Chief Executive", "Director of Finance", "Director of Strategy & Partnerships", "Medical Director",
              "Director of Adult Social Care", "Head of Integration (Place)")


def person(draw) -> dict:
    return {"name": draw(st.sampled_from(PEOPLE)), "title": draw(st.sampled_from(JOB_TITLES))}



@st.composite
def partner(draw, index: int, org_type: str, roles: list, final: bool) -> dict:
    place = PLACES[index % len(PLACES)] + (f" {index // len(PLACES) + 1}" if index >= len(PLACES) else "")
    legal, short = LEGAL_FORMS[org_type]
    p = {"id": f"p{index:02d}-{org_type.replace('_', '-')}", "legal_name": legal.format(p=place),
         "short_name": f"{short} ({place})" if draw(st.booleans()) else place, "org_type": org_type, "roles": roles}
    if org_type == "local_authority":
        p["la_tier"] = draw(st.sampled_from(enum("partners.[].la_tier")))
        if draw(st.booleans()):
            p["seal_required"] = True  # its standing orders need its seal (and heads of terms stay under hand: L9)
    if org_type in ("icb", "nhs_trust", "nhs_ft", "nhs_england"):
        p["ods_code"] = draw(st.from_regex(r"[A-Z0-9]{3}", fullmatch=True))
    elif org_type == "gp_practice":
        p["ods_code"] = draw(st.from_regex(r"[A-Z][0-9]{5}", fullmatch=True))
    if org_type in ("gp_federation", "independent_sector", "llp", "company", "cic"):
        p["company_no"] = f"{draw(st.integers(1, 99_999_999)):08d}"
    if org_type == "vcse":
        p["charity_no"] = str(draw(st.integers(100_000, 99_999_999)))
    if set(roles) & {"provider", "lead_provider", "subcontractor", "icp_holder"}:
        p["sector"] = draw(choice("partners.[].sector"))
    p["signatory"] = {"name": draw(st.sampled_from(("Dr Siân O'Neill", "Amara Okafor-Smith", "José Álvarez",
                                                    "Li Wei", "Ruth McAllister-Brown"))),
                      "title": draw(st.sampled_from(("Chief Executive", "Director of Finance", "Managing Partner")))}
    p["notice_address"] = f"1 {place} Road, {place} AB1 2CD"
    p["notice_email"] = f"contracts@p{index}.example.nhs.uk"
    return p


# --------------------------------------------------------------------------- governance


@st.composite
def governance(draw, members: list, parties_on_board: list, final: bool, model_kind=None) -> dict:
    seats = {m: draw(st.integers(1, 3)) for m in members}
    total = sum(seats.values())
    chair = draw(st.sampled_from(["independent"] + members))
    rule = draw(choice("governance.voting_rule"))
    gov = {"board": {"name": draw(st.sampled_from(("Alliance Board", "Joint Leadership Board", "Partnership Board"))),
                     "chair": chair,
                     "members": [{"partner_id": m, "seats": seats[m], "votes": draw(st.integers(0 if i else 1, 3)),
                                  "representatives": [person(draw) for _ in range(seats[m])],
                                  "alternates": [person(draw) for _ in range(draw(st.integers(0, 2)))],
                                  "lead_officer": person(draw)}
                                 for i, m in enumerate(members)],
                     "quorum": draw(st.integers(1, total)),
                     "meeting_frequency": draw(choice("governance.board.meeting_frequency"))},
           "voting_rule": rule,
           "reserved_matters": draw(st.lists(choice("governance.reserved_matters.[]"), min_size=1, unique=True)),
           "escalation": [{"level": i + 1, "forum": f"{forum} meeting", "max_days": draw(st.integers(5, 60))}
                          for i, forum in enumerate(draw(st.lists(st.sampled_from(("Operational", "Director",
                                                                                    "Chief executive")),
                                                                  unique=True, max_size=3)))],
           "approvals": [{"partner_id": m, "body": "Board of directors", "date": "2027-01-15"} for m in members[:3]],
           "subgroups": draw(st.lists(st.sampled_from(("Finance Group", "Clinical Reference Group",
                                                       "Digital & Data Group")), unique=True, max_size=3))}
    if rule == "weighted_supermajority":
        gov["supermajority_pct"] = draw(pct(51, 100))
    gov["unanimous_matters"] = draw(st.lists(st.sampled_from(gov["reserved_matters"]), unique=True))
    if draw(st.booleans()):
        gov["custom_reserved_matters"] = ["Any change to a Partner's statutory functions"]
    gov["deadlock"] = {"route": draw(choice("governance.deadlock.route")), "days": draw(st.integers(5, 60))}
    if draw(st.booleans()):
        gov["alliance_manager"] = {"title": "Alliance Director", "employer_partner_id": draw(st.sampled_from(members)),
                                   "cost_pa": draw(money(50_000, 200_000))}
    gov["model"] = model_kind or draw(choice("governance.model"))
    statutory = ("-icb", "-ccg-legacy", "-nhs-england", "-nhs-trust", "-nhs-ft", "-local-authority",
                 "-combined-authority")
    if final and gov["model"] == "joint_committee" and not all(m.endswith(statutory) for m in members):
        gov["model"] = "committees_in_common"  # L40: only NHS bodies and councils can form a joint committee
    return gov


# --------------------------------------------------------------------------- money


@st.composite
def risk_share(draw, sharers: list, counterparty=None) -> dict:
    n = draw(st.integers(1, 4))  # no corridors at all: no risk share (the schema needs one corridor)
    bounds = sorted(draw(st.lists(st.integers(1, 2000), min_size=n + 1, max_size=n + 1, unique=True)))
    bounds = [Decimal(b) / 100 for b in bounds]
    corridors = []
    for low, high in zip(bounds, bounds[1:]):
        who = draw(st.lists(st.sampled_from(sharers), min_size=1, max_size=min(6, len(sharers)), unique=True))
        shares = draw(split_100(len(who)))
        corridors.append({"from_pct": low, "to_pct": high, "direction": draw(choice("funding.risk_share.corridors.[].direction")),
                          "shares": [{"partner_id": p, "pct": s} for p, s in zip(who, shares)]})
    sharing = list(dict.fromkeys(s["partner_id"] for c in corridors for s in c["shares"]))
    rs = {"baseline": draw(money(1_000_000, 2_000_000_000)), "scope": prose(draw),
          "deadband_pct": draw(st.integers(0, int(bounds[0] * 100)).map(lambda v: Decimal(v) / 100)),
          "corridors": corridors, "beyond_corridors": draw(choice("funding.risk_share.beyond_corridors")),
          "caps": [{"partner_id": p, "max_amount": draw(money(10_000, 50_000_000))}
                   for p in draw(st.lists(st.sampled_from(sharing), unique=True)) ] if sharing else [],
          "settlement": draw(choice("funding.risk_share.settlement")),
          # a share whose active phases start or end mid-year needs its part-year treatment (L25)
          "part_year": draw(choice("funding.risk_share.part_year"))}
    if sharing and draw(st.booleans()):  # each sharer's part of the baseline, adding up to it exactly (X27)
        holders = draw(st.lists(st.sampled_from(sharing), min_size=1, unique=True))
        weights = draw(split_100(len(holders)))
        amounts = [(rs["baseline"] * Decimal(w) / 100).quantize(Decimal(1)) for w in weights[:-1]]
        amounts.append(rs["baseline"] - sum(amounts))
        rs["baseline_parts"] = [{"partner_id": p, "amount": a, "services": prose(draw)} for p, a in zip(holders, amounts)]
    if rs["caps"]:
        rs["cap_applies_to"] = draw(choice("funding.risk_share.cap_applies_to"))
    if counterparty:
        rs["counterparty_id"] = counterparty
    return rs


@st.composite
def incentives(draw, owners: list) -> dict:
    n = draw(st.integers(1, 5))
    weights = draw(split_100(n))
    inc = {"measures": [{"id": f"measure-{i + 1}", "name": f"Reduce {draw(st.sampled_from(WORDS))} delays",
                         "metric": "Days per 1,000 residents", "baseline": "212", "target": "150",
                         "weight_pct": w, "owner_id": draw(st.sampled_from(owners))} for i, w in enumerate(weights)],
           "distribution": draw(choice("funding.incentives.distribution"))}
    if draw(st.booleans()):
        inc["pool_amount"] = draw(money(10_000, 20_000_000))
    else:
        inc["pool_pct_of_budget"] = draw(pct(1, 20))
    return inc


# --------------------------------------------------------------------------- the deal


@st.composite
def complete_deal(draw) -> dict:
    model = draw(st.sampled_from(MODELS))
    start = dt.date(draw(st.integers(2023, 2030)), 4, 1)
    years = draw(st.integers(2, 15))
    end = add_years(start, years) - dt.timedelta(days=1)
    legacy = draw(st.integers(0, 9)) == 0  # a few deals dated before July 2022, where a CCG may still be a party
    if legacy:
        start, end = dt.date(2021, 4, 1), dt.date(2021 + years, 3, 31)

    # partners: commissioners, then providers of every type
    n = draw(st.integers(2, 40))
    commissioner_types = list(COMMISSIONER_TYPES) + (["ccg_legacy"] if legacy else [])
    types = ["icb"] + draw(st.lists(st.sampled_from(commissioner_types + list(NHS_PROVIDER_TYPES)
                                                    + list(OTHER_PROVIDER_TYPES) * 2), min_size=n - 1, max_size=n - 1))
    if model != "alliance" and not any(t in NHS_PROVIDER_TYPES for t in types[1:]):
        types.append(draw(st.sampled_from(NHS_PROVIDER_TYPES)))
    partners = []
    for i, org_type in enumerate(types):
        roles = ["commissioner"] if org_type in COMMISSIONER_TYPES + ("ccg_legacy",) else ["provider"]
        partners.append(draw(partner(i, org_type, roles, True)))
    ids = [p["id"] for p in partners]
    by_type = {}
    for p in partners:
        by_type.setdefault(p["org_type"], []).append(p["id"])
    commissioners = [p["id"] for p in partners if "commissioner" in p["roles"]]
    providers = [p["id"] for p in partners if "provider" in p["roles"]]
    councils = by_type.get("local_authority", [])
    nhs_bodies = [p["id"] for p in partners if p["org_type"] in ("icb", "ccg_legacy", "nhs_trust", "nhs_ft")]

    def give(pid, *roles):
        p = partners[ids.index(pid)]
        p["roles"] = list(dict.fromkeys(p["roles"] + list(roles)))

    contracting = {"model": model, "procurement_route": draw(choice("contracting.procurement_route"))}
    if draw(st.booleans()):
        contracting["procurement_date"] = iso(start - dt.timedelta(days=draw(st.integers(30, 300))))
    head_start = start
    head_end = end
    subcontract_head = None
    alliances = []
    board_parties = ids
    if model == "alliance":
        observers = [pid for pid in ids[2:] if draw(st.integers(0, 9)) == 0]
        members = [pid for pid in ids if pid not in observers]
        if not any("provider" in partners[ids.index(pid)]["roles"] for pid in members):  # the pool pays providers (L15)
            extra = draw(partner(len(partners), draw(st.sampled_from(OTHER_PROVIDER_TYPES + NHS_PROVIDER_TYPES)),
                                 ["provider"], True))
            partners.append(extra)
            ids.append(extra["id"])
            members.append(extra["id"])
        member_providers = [pid for pid in members if "provider" in partners[ids.index(pid)]["roles"]]
        for pid in members:
            give(pid, "alliance_member")
        for pid in observers:
            partners[ids.index(pid)]["roles"] = ["observer"]
        k = draw(st.integers(0, 3)) if len(members) >= 4 else draw(st.integers(0, 1))
        for a in range(k):
            subset = members if a == 0 else draw(st.lists(st.sampled_from(members), min_size=2, unique=True))
            if not set(subset) & set(member_providers):  # each alliance works through a member's contract (X20)
                subset = subset + [draw(st.sampled_from(member_providers))]
            if not any(partners[ids.index(p)]["org_type"] in ("icb", "ccg_legacy", "nhs_england") for p in subset):
                subset = subset + [ids[0]]  # an NHS commissioner, who funds any incentive pool (L15)
            alliances.append({"id": f"alliance-{a + 1}", "title": f"{PLACES[a]} {draw(st.sampled_from(('Alliance', 'Provider Collaborative')))}",
                              "kind": draw(choice("contracting.alliances.[].kind")), "member_ids": subset})
            if a == 0 and observers:
                alliances[-1]["observer_ids"] = observers
        # the members' service contracts, which the alliance agreement lists and works through (X20)
        contracting["service_contracts"] = [
            {"id": f"contract-{pid}", "title": f"Community Services Contract {start.year} ({n + 1})", "commissioner_ids": [ids[0]],
             "provider_id": pid, "form": draw(choice("contracting.service_contracts.[].form")),
             "value_pa": draw(money(100_000, 500_000_000)), "start": iso(start), "end_date": iso(end)}
            for n, pid in enumerate(member_providers)]
        board_parties = members
    else:
        head = draw(st.sampled_from([p for p in ids if partners[ids.index(p)]["org_type"] in NHS_PROVIDER_TYPES]))
        subcontract_head = head
        coord = ids[0]
        give(coord, "coordinating_commissioner")
        if model == "lead_provider":
            give(head, "lead_provider")
        else:
            give(head, "icp_holder")
            contracting["aco"] = {"title_style": draw(choice("contracting.aco.title_style")), "holder_id": head,
                                  "coordinating_commissioner_id": coord,
                                  "service_commencement": iso(start + dt.timedelta(days=90)),  # binds before go-live (L10)
                                  "contract_value_pa": draw(money(1_000_000, 900_000_000)),
                                  "payment_day": draw(st.integers(1, 28)), "withholding_pct": draw(pct(0, 10)),
                                  "local_quality_requirements": draw(st.lists(st.sampled_from((
                                      "Urgent community response within two hours for at least 70% of referrals",
                                      "Care & support plans reviewed every six months for 90% of care-home residents")),
                                      unique=True)),
                                  "local_access_standards": draw(st.lists(st.sampled_from((
                                      "Routine community nursing visits within five working days of referral",
                                      "Reablement assessment within two days of discharge")), unique=True))}
            contracting["integration_level"] = draw(choice("contracting.integration_level"))
            if contracting["integration_level"] == "virtual":
                contracting["collaboration_arrangements"] = "the place alliance agreement between the providers of " \
                                                            "primary, community & mental health services in the area"
            contracting["integration_agreements"] = [
                {"id": f"{t.replace('_', '-')}-integration", "type": t, "counterparty_ids": councils[:1] if t == "local_authority" else [],
                 "counterparty_description": "the GP practices of the area" if t == "gp" else "the council",
                 "gms_pms_suspended": contracting["integration_level"] == "full" and t == "gp"}
                for t in enum("contracting.integration_agreements.[].type")]
            board_parties = commissioners + [head]
        contracting["service_contracts"] = [{"id": "head-contract", "title": "Head Contract 2027", "commissioner_ids": [coord],
                                             "provider_id": head, "form": draw(choice("contracting.service_contracts.[].form")),
                                             "value_pa": draw(money(1_000_000, 900_000_000)), "start": iso(head_start),
                                             "end_date": iso(head_end)}]
        contracting["head_contract_id"] = "head-contract"
        others = [pid for pid in providers if pid != head]
        if not others:
            extra = draw(partner(len(partners), draw(st.sampled_from(OTHER_PROVIDER_TYPES)), ["provider"], True))
            partners.append(extra)
            ids.append(extra["id"])
            others = [extra["id"]]
        n_subs = draw(st.integers(1 if model == "lead_provider" else 0, 12))
        subs = []
        for s in range(n_subs):
            sub_id = draw(st.sampled_from(others))
            give(sub_id, "subcontractor")
            sub_start = start + dt.timedelta(days=draw(st.integers(0, 365)))
            sub_end = min(head_end, add_years(sub_start, draw(st.integers(1, 10))))
            sub = {"id": f"sub-{s + 1}", "head_provider_id": head, "subcontractor_id": sub_id,
                   "services": list(dict.fromkeys(prose(draw) for _ in range(draw(st.integers(1, 2))))),
                   "value_pa": draw(money(10_000, 50_000_000)),
                   "material": draw(st.booleans()), "commissioner_consent": draw(choice("contracting.subcontracts.[].commissioner_consent")),
                   "loss_share": draw(st.booleans()), "payment_basis": draw(choice("contracting.subcontracts.[].payment_basis")),
                   "start": iso(sub_start), "end": iso(sub_end),
                   "psr_process": draw(choice("contracting.subcontracts.[].psr_process")),
                   "standstill_ended": iso(sub_start - dt.timedelta(days=14))}
            if draw(st.booleans()):
                sub["pass_through_pct"] = draw(pct(0, 100))
            if sub["loss_share"]:
                sub["loss_share_cap"] = draw(money(10_000, 5_000_000))
            if sub["payment_basis"] == "activity":
                sub["activity_plan"] = "Indicative 96,000 tests a year under the annual activity plan"
            sub.update(_specifications(draw, sub))
            subs.append(sub)
        contracting["subcontracts"] = subs
        if not any("subcontractor" in partners[ids.index(o)]["roles"] for o in others):
            give(others[0], "subcontractor")
    if alliances:
        contracting["alliances"] = alliances
    if len(alliances) > 1:
        for a in alliances:
            a["governance"] = draw(governance(a["member_ids"], a["member_ids"], True))
            if draw(st.booleans()):  # its own scope and objectives, replacing the deal's in its agreement
                a["scope"] = {"services": [prose(draw) for _ in range(draw(st.integers(1, 3)))],
                              "exclusions": [prose(draw)], "primary_medical": draw(st.booleans()),
                              "population_description": prose(draw)}
                a["outcomes"] = {"objectives": [prose(draw) for _ in range(draw(st.integers(1, 3)))]}
    # funding
    sharers = board_parties if model == "alliance" else [subcontract_head] + commissioners[:3]
    payers = [i for i in ids if i != contracting.get("aco", {}).get("holder_id")]  # the ICP does not pay itself (L3)
    funding = {"budget": {"type": draw(choice("funding.budget.type")), "annual_amount": draw(money(1_000_000, 3_000_000_000)),
                          "baseline_year": f"{start.year - 1}/{start.year % 100:02d}", "uplift_rule": "NHS Payment Scheme uplift",
                          "components": [{"partner_id": pid, "amount": draw(money(1, 500_000_000)), "description": "Core allocation"}
                                         for pid in draw(st.lists(st.sampled_from(payers), unique=True, max_size=4))]},
               "open_book": draw(st.booleans())}
    if draw(st.booleans()):
        who = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6, unique=True))
        if draw(st.booleans()):
            funding["contributions"] = [{"partner_id": p, "pct": v, "purpose": "running costs"}
                                        for p, v in zip(who, draw(split_100(len(who))))]
        else:
            funding["contributions"] = [{"partner_id": p, "amount": draw(money(1, 5_000_000))} for p in who]
    if draw(st.booleans()):
        funding["running_costs"] = {"amount_pa": draw(money(10_000, 5_000_000)), "split": draw(choice("funding.running_costs.split"))}
        if model == "alliance":
            # A deal-wide budget is charged in one agreement (L23): the first alliance's (or the one alliance
            # derived from the alliance members), which it names when there are several; its shares are its
            # members' and make up 100% (L22, X22); its host is an NHS member where there is one, so that no NHS
            # body pays a council without a power (L2, L24).
            first = alliances[0] if alliances else {"member_ids": members}
            if len(alliances) > 1:
                funding["running_costs"]["alliance_id"] = first["id"]
            nhs_members = [m for m in first["member_ids"] if m in nhs_bodies]
            funding["running_costs"]["host_partner_id"] = draw(st.sampled_from(nhs_members or first["member_ids"]))
            funding["running_costs"]["council_host_basis"] = draw(choice("funding.running_costs.council_host_basis"))
            if funding["running_costs"]["split"] == "fixed_shares":
                who = draw(st.lists(st.sampled_from(first["member_ids"]), min_size=1, max_size=4, unique=True))
                funding["contributions"] = [{"partner_id": p, "pct": v, "purpose": "running costs"}
                                            for p, v in zip(who, draw(split_100(len(who))))]
    if model == "icp_contract" and len(commissioners) > 1:  # each commissioner's part of the payment (X23)
        annual = funding["budget"]["annual_amount"]
        parts = [(annual * v / 100).quantize(Decimal("0.01")) for v in draw(split_100(len(commissioners)))]
        parts[-1] = annual - sum(parts[:-1])
        funding["budget"]["components"] = [{"partner_id": p, "amount": a, "description": "Core allocation"}
                                           for p, a in zip(commissioners, parts)]
    if councils and nhs_bodies and draw(st.booleans()):
        pool_members = [nhs_bodies[0], councils[0]]
        amounts = [draw(money(1, 100_000_000)) for _ in pool_members]
        host = draw(st.sampled_from(pool_members))
        own: dict = {}
        for comp in funding["budget"]["components"]:
            own[comp["partner_id"]] = own.get(comp["partner_id"], 0) + comp["amount"]
        if contracting.get("aco") and host in own:
            # L33: a pool hosted by a commissioner with a part of the ICP payment pays part of that payment, so no
            # commissioner pays into it more than its own part; a member with no part hosts the pool instead
            missing = [p for p in pool_members if p not in own]
            if missing:
                host = missing[0]
            else:
                amounts = [min(a, own[p]) for p, a in zip(pool_members, amounts)]
        give(host, "host_partner", "pool_manager_employer")
        funding["pooled_funds"] = [{"id": "better-care-fund", "basis": draw(choice("funding.pooled_funds.[].basis")),
                                    "title": "Better Care Fund pool", "host_partner_id": host,
                                    "pool_manager": "Head of Integrated Commissioning", "partner_ids": pool_members,
                                    "contributions": [{"partner_id": p, "amount": a} for p, a in zip(pool_members, amounts)],
                                    "total": sum(amounts), "aims": "Joined-up care for older people",
                                    "review_date": iso(start + dt.timedelta(days=365)), "functions": ["NHS functions", "health-related council functions"]}]
        if alliances and draw(st.booleans()):
            alliances[0]["funding"] = {"pooled_fund_ids": ["better-care-fund"]}
    all_councils = councils + by_type.get("combined_authority", [])
    nhs_sharers = [p for p in sharers if p not in all_councils]  # NHS money to a council needs s75 (L2)
    if nhs_sharers and draw(st.booleans()):
        funding["risk_share"] = draw(risk_share(nhs_sharers, counterparty=None))
    if draw(st.booleans()):
        funding["incentives"] = draw(incentives(ids))
        if funding["incentives"].get("pool_amount", 0) > funding["budget"]["annual_amount"]:  # paid from the budget (X25)
            funding["incentives"]["pool_amount"] = (funding["budget"]["annual_amount"] / 10).quantize(Decimal("0.01"))
    if len(alliances) > 1 and [p for p in alliances[-1]["member_ids"] if p not in all_councils] and draw(st.booleans()):
        a = alliances[-1]
        a.setdefault("funding", {})["risk_share"] = draw(risk_share([p for p in a["member_ids"] if p not in all_councils]))
    if draw(st.booleans()):
        deal_place = {"place": draw(st.sampled_from(PLACES))}
    else:
        deal_place = {}
    data = {
        "schema_version": "1",
        "deal": {"id": f"deal-{draw(st.integers(1, 999))}", "title": f"{PLACES[draw(st.integers(0, len(PLACES) - 1))]} "
                 f"{ {'alliance': 'Alliance', 'lead_provider': 'Lead Provider Arrangement', 'icp_contract': 'Integrated Care Programme'}[model] }",
                 "system_name": "Anyshire & District Integrated Care System", "footprint": draw(choice("deal.footprint")),
                 "population": draw(st.integers(1, 3_000_000)), "population_basis": draw(choice("deal.population_basis")),
                 "effective_date": iso(start), "governing_law": "England and Wales", "version": "0.1",
                 "version_date": iso(start - dt.timedelta(days=30)), **deal_place},
        "partners": partners,
        "phases": _phases(draw, start, end, model),
        "governance": draw(governance(board_parties if model != "icp_contract" else board_parties, board_parties, True)),
        "contracting": contracting,
        "funding": funding,
        "enablers": _enablers(draw, ids, start, nhs_bodies),
        "scope": {"services": [prose(draw) for _ in range(draw(st.integers(1, 4)))], "exclusions": ["Specialised services"],
                  "primary_medical": draw(st.booleans()),
                  "la_services": (["Adult social care assessment"] if model != "icp_contract" or councils and draw(st.booleans()) else []),
                  "population_description": "People registered with a GP practice in the area"},
        "principles": ["Act in the best interests of the population", "Share information openly"],
        "timetable": [{"milestone": "Board approvals", "date": iso(start - dt.timedelta(days=60)), "owner_id": ids[0],
                       **_agreement(draw, contracting)}],
        "risk_register": [{"risk": "Financial pressure", "owner_id": ids[0], "rating": r, "mitigation": "Monthly review",
                           **_agreement(draw, contracting)}
                          for r in draw(st.lists(choice("risk_register.[].rating"), min_size=1, max_size=3))],
        "outcomes": {"objectives": ["Fewer avoidable admissions", "Shorter waits"]},
        "assurance": {"isap_complete": True, "date": iso(start - dt.timedelta(days=90))},
        "financial_safeguards": {"min_net_assets": draw(money(1, 50_000_000)), "parent_guarantee": draw(st.booleans()),
                                 "reporting_frequency": draw(choice("financial_safeguards.reporting_frequency"))},
        "term": {"start": iso(start), "end": iso(end),
                 "extension_years": draw(st.integers(1, 5)), "extension_notice_months": draw(st.integers(1, 24)),
                 "break_points": sorted({iso(add_years(start, y)) for y in draw(st.lists(st.integers(1, years - 1), max_size=3))}),
                 "review_dates": [iso(add_years(start, 1))]},
        "exit": {"withdrawal_notice_months": draw(st.integers(6, 24)), "plan_required": draw(st.booleans()),
                 "termination_triggers": ["Insolvency of a Partner", "Loss of a licence or registration"]},
        "disputes": {"stages": [{"name": s, "days": draw(st.integers(5, 60))}
                                for s in draw(st.lists(choice("disputes.stages.[].name"), min_size=1, max_size=4, unique=True))],
                     "mediator": "CEDR", "final": draw(choice("disputes.final"))},
        "liability": _liability(draw),
    }
    stages = data["disputes"]["stages"]
    if all(s["name"] in ("s9_referral", "courts") for s in stages):  # a stage before the final route (X26)
        stages.insert(0, {"name": "negotiation", "days": draw(st.integers(5, 60))})
    if data["financial_safeguards"]["parent_guarantee"]:
        data["financial_safeguards"]["guarantor"] = {
            "legal_name": f"{PLACES[draw(st.integers(0, len(PLACES) - 1))]} Health Holdings Limited",
            "company_no": f"{draw(st.integers(1, 99_999_999)):08d}", "address": "1 Guarantee Row, London EC1A 1AA"}
    if model == "icp_contract" and not any("commissioner" in partners[ids.index(c)]["roles"] and c in councils
                                           for c in councils):
        data["scope"]["la_services"] = []
    return data


def _specifications(draw, sub: dict) -> dict:
    """What a final sub-contract prints about its services: a specification of each (with its unit and price when
    paid for activity, or its part of the annual value when there are several), KPI thresholds and flow-down."""
    services = sub["services"]
    cents = int(sub["value_pa"] * 100)
    cut = draw(st.integers(1, cents - 1)) if len(services) > 1 and cents > 1 else cents
    values = [Decimal(cut) / 100, Decimal(cents - cut) / 100][:len(services)]
    specs = []
    for service, value in zip(services, values):
        spec = {"service": service, "aims": f"Better outcomes from {service}, closer to home",
                "description": f"Assessment, treatment and review for {service}, on the pathway agreed with the Lead Provider",
                "criteria": "Adults registered with a GP practice in the area; children are excluded",
                "referrals": "From GPs and community teams by e-referral: urgent within 2 days, routine within 4 weeks",
                "hours": draw(st.sampled_from(("8am to 8pm, seven days a week", "9am to 5pm, Monday to Friday",
                                               "24 hours a day, every day"))),
                "locations": "St Anne's Health Centre and people's own homes",
                "interdependencies": "General practice, community nursing & the acute trust's frailty unit",
                "essential": draw(st.booleans())}
        if sub["payment_basis"] == "activity":
            spec["unit"] = draw(st.sampled_from(("a face-to-face contact", "A course of treatment", "a test (reported)")))
            spec["price"] = draw(money(1, 5_000))
        elif len(services) > 1:
            spec["annual_value"] = value
        specs.append(spec)
    return {"specifications": specs,
            "kpi_thresholds": {"referrals_on_time_pct": draw(pct(50, 100)), "training_compliance_pct": draw(pct(50, 100)),
                               "positive_experience_pct": draw(pct(50, 100))},
            "flow_down_exclusions": draw(st.lists(st.sampled_from(
                ("The Commissioner's payment of the Contract Price", "Provisions on the Lead Provider's board & governance",
                 "Schedule 2G (Other Local Agreements, Policies and Procedures)")), unique=True, max_size=2))}


def _agreement(draw, contracting) -> dict:
    """With several alliances, sometimes the one a milestone or risk belongs to (alliance_id, rule X28)."""
    alliances = [a["id"] for a in contracting.get("alliances", []) if isinstance(a, dict) and "id" in a]
    if len(alliances) < 2 or not draw(st.booleans()):
        return {}
    return {"alliance_id": draw(st.sampled_from(alliances))}


def _phases(draw, start, end, model):
    n = draw(st.integers(1, 3))
    span = (end - start).days
    cuts = sorted(2 * c for c in draw(st.lists(st.integers(1, span // 2 - 1), min_size=n - 1, max_size=n - 1,
                                                unique=True)))  # every phase at least two days long
    bounds = [0] + cuts + [span + 1]
    names = enum("phases.[].name")
    phases = []
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        phases.append({"id": f"phase-{i + 1}", "name": draw(st.sampled_from(names)), "label": f"Phase {i + 1}",
                       "start": iso(start + dt.timedelta(days=a)), "end": iso(start + dt.timedelta(days=b - 1)),
                       "contracting_model": draw(choice("phases.[].contracting_model")),
                       "org_form": draw(choice("phases.[].org_form")),
                       "entry_criteria": ["Board approval"], "risk_share_active": draw(st.booleans())})
        reconciled_to = start + dt.timedelta(days=a - 100)  # reconciled in time: three months before the phase (L4)
        if i and reconciled_to > start + dt.timedelta(days=bounds[i - 1]) and draw(st.booleans()):
            phases[-1]["entry_criteria"].append("Year-to-date reconciliation of the previous phase reported to the Board")
            phases[-1]["reconciliation_to"] = iso(reconciled_to)
    return phases


def _enablers(draw, ids, start, nhs_bodies):
    return {"data": {"personal_data_shared": draw(st.booleans()), "dsa_in_place": True,
                     "controller_model": draw(choice("enablers.data.controller_model")), "dspt_required": True,
                     "lawful_basis": "UK GDPR Articles 6(1)(e) and 9(2)(h)"},
            "it": {"shared_care_record": draw(st.booleans()), "systems": ["Shared Care Record"],
                   "lead_partner_id": draw(st.sampled_from(ids))},
            "workforce": {"secondments": [{"from_id": ids[0], "to_id": ids[-1], "headcount": draw(st.integers(1, 50)),
                                           "description": "Care co-ordinators"}] if draw(st.booleans()) else [],
                          "tupe_transfers": [{"from_id": ids[-1], "to_id": ids[0], "headcount": draw(st.integers(1, 500)),
                                              "date": iso(start + dt.timedelta(days=90)),  # information due after signing (L11)
                                              "description": "Community nursing staff"}]
                          if draw(st.booleans()) else [],
                          "pension_route": (route := draw(choice("enablers.workforce.pension_route"))),
                          **({"lgps_risk": draw(choice("enablers.workforce.lgps_risk"))} if route == "lgps_admission" else {}),
                          "no_poaching": draw(st.booleans())},
            "estates": [{"property": "Riverside Health Centre", "owner_id": ids[0], "occupier_id": ids[-1],
                         "arrangement": a} for a in draw(st.lists(choice("enablers.estates.[].arrangement"),
                                                                  max_size=3, unique=True))]}


def _liability(draw):
    basis = draw(choice("liability.cap_basis"))
    out = {"cap_basis": basis, "excluded_heads": draw(st.lists(st.sampled_from(SAFE_EXCLUDED_HEADS), unique=True)),
           "insurance": [{"type": "Public liability", "amount": draw(money(1_000_000, 10_000_000))}]}
    if basis == "fixed":
        out["cap_amount"] = draw(money(100_000, 50_000_000))
    elif basis == "pct_contract_value":
        out["cap_pct"] = draw(pct(1, 100))
    return out


# --------------------------------------------------------------------------- drafts


def _droppable(node: dict) -> set:
    node = _deref(node)
    return set(node.get("properties", {})) - set(node.get("required", ()))


# What a deal's contracting model needs (rule X7 and the head contract of V9): a draft without them is not an
# incomplete deal but a different, invalid one, so thinning keeps them (field names from the root, lists skipped).
MODEL_NEEDS = frozenset({("contracting", "aco"), ("contracting", "integration_level"), ("partners", "roles"),
                         ("contracting", "head_contract_id"), ("contracting", "service_contracts"),
                         ("contracting", "subcontracts")})


@st.composite
def thinned(draw, data: dict) -> dict:
    """``data`` with each field the schema does not require, other than what its model needs (MODEL_NEEDS),
    dropped with one drawn probability."""
    drop_tenths = draw(st.sampled_from((0, 3, 6, 9, 10)))  # 10: a minimal draft, everything droppable gone

    def thin(value, node, path=()):
        node = _deref(node)
        if isinstance(node, dict) and "else" in node:
            node = _deref(node["else"])
        if isinstance(value, dict) and isinstance(node, dict) and "properties" in node:
            out = {}
            droppable = _droppable(node) - {key for key in value if path + (key,) in MODEL_NEEDS}
            if drop_tenths < 10:  # partner ids go only when nothing refers to them any more
                droppable.discard("id")
            for key, item in value.items():
                if key in droppable and draw(st.integers(0, 9)) < drop_tenths:
                    continue
                out[key] = thin(item, node["properties"].get(key, {}), path + (key,))
            return out
        if isinstance(value, list) and isinstance(node, dict) and "items" in node:
            return [thin(item, node["items"], path) for item in value]
        return value

    return thin(data, schema())


def _settled(data: dict) -> dict:
    """What a final deal settles, set after drawing from what was drawn (a new draw would shift every later
    draw of the derandomized runs): caps say whether they limit gains too (L6, or the documents leave it
    open); a council that seals its contracts says so; a later phase records the period its entry
    reconciliation covers."""
    blocks = [data.get("funding", {}).get("risk_share")]
    blocks += [a.get("funding", {}).get("risk_share") for a in data.get("contracting", {}).get("alliances", [])]
    for rs in blocks:
        if isinstance(rs, dict) and rs.get("caps") and "cap_applies_to" not in rs:
            rs["cap_applies_to"] = enum("funding.risk_share.cap_applies_to")[len(rs["caps"]) % 2]
    for i, p in enumerate(data.get("partners", [])):
        if p.get("org_type") == "local_authority" and i % 2 == 0:
            p["seal_required"] = True
    phases = data.get("phases", [])
    for previous, phase in zip(phases, phases[1:]):
        phase.setdefault("reconciliation_to", previous["end"])
    # the award decision and the end of its standstill (at least eight working days later), and each service
    # contract entered into after the standstill and before anything under it takes effect (L30, L31)
    contracting = data.get("contracting", {})
    signed = dt.date.fromisoformat(data["deal"]["effective_date"]) - dt.timedelta(days=1)
    if contracting.get("procurement_route") in ("psr_direct_c", "psr_most_suitable", "psr_competitive"):
        contracting.setdefault("procurement_date", iso(signed - dt.timedelta(days=60)))
        decided = dt.date.fromisoformat(contracting["procurement_date"])
        contracting.setdefault("standstill_ended", iso(decided + dt.timedelta(days=14)))
    holder = contracting.get("aco", {}).get("holder_id")
    for contract in contracting.get("service_contracts", []):
        if not (contract.get("form") == "icp" and contract.get("provider_id") == holder):  # an ICP contract drafted
            contract.setdefault("signed_date", iso(signed))  # by the pack is dated the deal's effective date
    processes = enum("contracting.integration_agreements.[].psr_process")
    for agreement in contracting.get("integration_agreements", []):  # how the GP practices' services were arranged
        if agreement.get("type") == "gp":  # every process in turn, from what was drawn (no new draw)
            agreement.setdefault("psr_process", processes[len(repr(data.get("partners"))) % len(processes)])
    return data


@st.composite
def deals(draw, final: bool = True) -> dict:
    data = draw(complete_deal())
    if final:
        return _settled(data)
    return draw(thinned(data))

