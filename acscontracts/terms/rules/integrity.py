"""Cross-field rules X1-X13 of the domain brief's data model, section (c), X14-X18, X24-X25, X27 and X28: deals that cannot
work, and X19-X23 and X26: terms that a final document needs in some deals only (X24 also has such parts)."""
from __future__ import annotations

import re

from acscontracts.diagnostics import did_you_mean, json_path
from acscontracts.terms.rules.context import (
    HUNDRED, COMMISSIONER_TYPES, S75_HOST_TYPES, PROVIDER_ROLES, COMMISSIONER_ROLES, _dict, _list,
    _num, _date, _pct, _money, Ctx, _walk, _sum,
)


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



# --------------------------------------------------------------------------- X14-X18: deals that cannot work


def duplicate_short_names(c: Ctx):
    """X14: no two partners share a short name (the documents could not tell them apart)."""
    seen: dict[str, str] = {}
    for pid, p in c.partners.items():
        name = p.get("short_name")
        if not isinstance(name, str):
            continue
        key = " ".join(name.casefold().split())
        if key in seen:
            path = ("partners", c.partner_index[pid], "short_name")
            yield c.error("X14", path, f"`{pid}` and `{seen[key]}` have the same short name {name!r}: the documents "
                          "could not tell them apart", f"give `{pid}` a short_name of its own")
        else:
            seen[key] = pid


def _seats(board: dict) -> dict[str, int]:
    """partner id -> seats on the board (a member without `seats` has one)."""
    out: dict[str, int] = {}
    for member in _list(board.get("members")):
        member = _dict(member)
        pid, seats = member.get("partner_id"), _num(member.get("seats"))
        if isinstance(pid, str):
            out[pid] = out.get(pid, 0) + (int(seats) if seats is not None else 1)
    return out


def _boards(c: Ctx):
    """(governance path, governance, the organisations the quorum is counted among, what they are) per document."""
    if c.model == "alliance":
        alliances = list(c.alliances())
        for i, alliance in alliances:
            path, gov = c.effective_governance(i, alliance)
            yield path, gov, [m for m in _list(alliance.get("member_ids")) if isinstance(m, str)], "Partners"
    elif c.model == "icp_contract":
        aco = _dict(c.contracting.get("aco"))
        parties = [p for p in c.partners if c.roles(p) & COMMISSIONER_ROLES and p != aco.get("holder_id")]
        parties += [aco["holder_id"]] if isinstance(aco.get("holder_id"), str) else []
        yield ("governance",), c.section("governance"), parties, "Parties"


def impossible_quorum(c: Ctx):
    """X15: a board quorum that can never be met: more members than seats, or not enough organisations seated."""
    for path, gov, organisations, what in _boards(c):
        board = _dict(gov.get("board"))
        seats = _seats(board)
        quorum = _num(board.get("quorum"))
        if not seats:
            continue
        total = sum(seats.values())
        if quorum is not None and quorum > total:
            yield c.error("X15", path + ("board", "quorum"), f"the quorum is {quorum} but the board has only "
                          f"{total} seat(s): no meeting could ever be quorate",
                          f"make the quorum at most {total}, or give members more seats")
        if what == "Partners" and gov.get("model") != "committees_in_common" and organisations:
            needed = len(organisations) // 2 + 1
            seated = [p for p in organisations if seats.get(p)]
            if len(seated) < needed:
                yield c.error("X15", path + ("board", "members"), f"a meeting is quorate only with members of a "
                              f"majority of the {len(organisations)} {what} ({needed}), but only {len(seated)} "
                              "of them hold seats on the board", "give a seat on the board to at least "
                              f"{needed - len(seated)} more of: " + ", ".join(p for p in organisations if p not in seated))
        elif what == "Parties":
            unseated = [p for p in organisations if p in c.partners and not seats.get(p)]
            if unseated:
                yield c.error("X15", path + ("board", "members"), "a meeting is quorate only with a member "
                              f"representing each Party, but {', '.join(unseated)} hold(s) no seat on the board",
                              "give each party to the contract a seat on the board")


def alliance_derived(c: Ctx):
    """X16: `model: alliance` with no alliances: one alliance of all the alliance members is assumed."""
    if ("contracting", "alliances") in c.loaded.derived:
        members = _list(c.contracting["alliances"][0].get("member_ids"))
        yield c.warn("X16", ("contracting", "model"), f"the alliance model with no `alliances`: the documents "
                     f"assume one alliance of all {len(members)} alliance members, titled after the deal",
                     "list the alliance under contracting.alliances (id, title, kind, member_ids) to settle it")


PLACEHOLDER = re.compile(r"\[\s*(?:[●•*]+|\.{3}|…|_+|x+|tbc|tba|tbd)?\s*\]|\A\s*(?:tbc|tba|tbd|to be (?:confirmed|agreed))"
                         r"\s*\.?\s*\Z", re.I)


def typed_placeholders(c: Ctx):
    """X17: a placeholder typed as a value (`[●]` as a signatory's name) is not a settled term."""
    for path, key, value in _walk(c.data):
        if isinstance(value, str) and key not in ("$schema", "partner_register") and PLACEHOLDER.search(value):
            make = c.error if c.final else c.warn
            yield make("X17", path, f"{value[:60]!r} is a placeholder, not a value",
                       "leave the field out while it is open (the documents then show a highlighted [●]), "
                       "or write the agreed value")


NEVER_LIMITED = re.compile(r"fraud|death|personal injury", re.I)


def contradictory_liability(c: Ctx):
    """X18: excluded heads of loss that the documents say can never be limited or excluded."""
    for i, head in enumerate(_list(c.section("liability").get("excluded_heads"))):
        if isinstance(head, str) and NEVER_LIMITED.search(head):
            yield c.error("X18", ("liability", "excluded_heads", i), f"{head!r} is excluded, but liability for "
                          "fraud, or for death or personal injury caused by negligence, cannot be limited or "
                          "excluded, and the documents say so", "remove it from excluded_heads")


def final_loss_share_cap(c: Ctx):
    """X19: with --final, a subcontractor that bears losses has a cap (its own, or one in the risk share)."""
    if not c.final:
        return
    capped = {_dict(cap).get("partner_id") for cap in _list(c.section("funding", "risk_share").get("caps"))}
    for path, sub in c.subcontracts():
        if sub.get("loss_share") is True and "loss_share_cap" not in sub and sub.get("subcontractor_id") not in capped:
            yield c.error("X19", path + ("loss_share",), f"subcontract `{sub.get('id')}` passes losses to the "
                          "subcontractor with no cap: the document shows the cap as [●]",
                          "add loss_share_cap (pounds a contract year), or a cap for the subcontractor under "
                          "funding.risk_share.caps")


def _alliance_members(alliance: dict) -> list:
    return [m for m in _list(alliance.get("member_ids")) if isinstance(m, str)]


def final_alliance_service_contracts(c: Ctx):
    """X20: with --final, an alliance agreement works through its members' service contracts: it lists them."""
    if not c.final or c.model != "alliance":
        return
    providers = {_dict(sc).get("provider_id") for sc in _list(c.contracting.get("service_contracts"))}
    for i, alliance in c.alliances():
        if not providers & set(_alliance_members(alliance)):
            yield c.error("X20", ("contracting", "alliances", i, "member_ids"), f"no partner of alliance "
                          f"`{alliance.get('id')}` provides services under a contract in contracting.service_contracts: "
                          "the agreement's Schedule of Service Contracts, through which its risk share, running costs "
                          "and exit provisions work, would be empty",
                          "list the members' contracts for the services in scope under contracting.service_contracts "
                          "(id, commissioner_ids, provider_id, form, value_pa, end_date)")


def final_board_representatives(c: Ctx):
    """X21: with --final, the alliance agreement names each board member's representatives and lead officer."""
    if not c.final:
        return
    seen = set()
    for i, alliance in c.alliances():
        gov_path, gov = c.effective_governance(i, alliance)
        if gov_path in seen:
            continue
        seen.add(gov_path)
        for j, member in enumerate(_list(_dict(gov.get("board")).get("members"))):
            member = _dict(member)
            path = gov_path + ("board", "members", j)
            pid, seats = member.get("partner_id"), member.get("seats")
            people = _list(member.get("representatives"))
            if not people:
                yield c.error("X21", path + ("representatives",), f"the board seat(s) of `{pid}` name no one: the "
                              "alliance agreement lists each partner's board members by name and job title",
                              "add representatives: [{name, title}], one for each seat")
            elif isinstance(seats, int) and len(people) != seats:
                yield c.error("X21", path + ("representatives",), f"`{pid}` holds {seats} seat(s) on the board but "
                              f"names {len(people)} representative(s)", "name one representative for each seat, or "
                              "change seats")
            if not isinstance(member.get("lead_officer"), dict):
                yield c.error("X21", path + ("lead_officer",), f"`{pid}` names no lead officer: the alliance "
                              "agreement lists each partner's lead officer", "add lead_officer: {name, title}")


def final_fixed_running_cost_shares(c: Ctx):
    """X22: with --final, running costs shared in fixed shares need the shares of the partners of the alliance
    whose agreement charges them."""
    if not c.final:
        return
    for budget in c.facts.running_cost_budgets():
        if budget.alliance is not None and budget.split == "fixed_shares" and not budget.shares:
            yield c.error("X22", budget.path + ("split",), f"running costs are shared in fixed shares, but no share "
                          f"is given for a partner of alliance `{budget.alliance.id}`: the agreement would leave the "
                          "shares blank", "give each partner's share (pct, or amount) under funding.contributions "
                          "(or the alliance's own funding.contributions), or use split: equal or contract_value")


def final_payment_split(c: Ctx):
    """X23: with --final, an ICP contract with several commissioners says what part of the payment each pays."""
    aco = c.section("contracting", "aco")
    if not c.final or c.model != "icp_contract" or not aco:
        return
    commissioners = [p for p in c.with_role("commissioner") + c.with_role("coordinating_commissioner")
                     if p != aco.get("holder_id")]
    commissioners = list(dict.fromkeys(commissioners))
    if len(commissioners) > 1 and not _list(c.section("funding", "budget").get("components")):
        yield c.error("X23", ("funding", "budget"), f"the contract has {len(commissioners)} commissioners "
                      f"({', '.join(commissioners)}) but does not say what part of the annual payment each pays",
                      "add funding.budget.components: one {partner_id, amount, description} for each commissioner")


def final_dispute_first_stage(c: Ctx):
    """X26: with --final, the dispute clauses start with a stage before the final route, with its time limit."""
    disputes = c.section("disputes")
    stages = [_dict(s).get("name") for s in _list(disputes.get("stages"))]
    if not c.final or not stages or disputes.get("final") == "expert":
        return
    if all(name in ("s9_referral", "courts") for name in stages):
        yield c.error("X26", ("disputes", "stages"), "the disputes stages are only the final route "
                      f"({', '.join(map(str, stages))}): the documents refer a dispute first to the parties' senior "
                      "representatives, and would leave the time they have to resolve it blank",
                      "add a first stage with its days, e.g. {name: negotiation, days: 20}")


def subcontract_specifications(c: Ctx):
    """X24: each subcontracted service has one specification; with --final, what the payment basis needs."""
    for path, sub in c.subcontracts():
        services = [s for s in _list(sub.get("services")) if isinstance(s, str)]
        specs = [(k, _dict(s)) for k, s in enumerate(_list(sub.get("specifications")))]
        seen = set()
        for k, spec in specs:
            service = spec.get("service")
            if isinstance(service, str) and service not in services:
                yield c.error("X24", path + ("specifications", k, "service"), f"{service!r} is not one of the "
                              f"services of subcontract `{sub.get('id')}`",
                              did_you_mean(service, services) or "write the service exactly as in `services`")
            elif service in seen:
                yield c.error("X24", path + ("specifications", k, "service"), f"{service!r} has two specifications",
                              "give one specification for each service")
            seen.add(service)
        values = [_num(spec.get("annual_value")) for _k, spec in specs]
        total, value = _sum(v for v in values if v is not None), _num(sub.get("value_pa"))
        if specs and None not in values and value is not None and total != value:
            yield c.error("X24", path + ("specifications",), f"the annual values of the services add up to "
                          f"{_money(total)}, not the subcontract's annual value of {_money(value)}",
                          "make the services' annual_value add up to value_pa")
        if not c.final or "specifications" not in sub:
            continue
        missing = [s for s in services if s not in seen]
        if missing:
            yield c.error("X24", path + ("specifications",), f"no specification for {', '.join(map(repr, missing))}: "
                          "the sub-contract's Service Specification would leave it blank",
                          "add a specification (service, aims, description, criteria, referrals, hours, locations, "
                          "interdependencies, essential) for each service")
        activity = sub.get("payment_basis") == "activity"
        needs = ("unit", "price") if activity else ("annual_value",) if len(services) > 1 else ()
        why = ("the subcontract is paid for activity, so the sub-contract prices each service" if activity else
               "the subcontract is not paid for activity and has several services, so the sub-contract breaks its "
               "annual value down by service")
        for k, spec in specs:
            for name in needs:
                if name not in spec:
                    yield c.error("X24", path + ("specifications", k, name), f"missing `{name}` for "
                                  f"{spec.get('service')!r}: {why}", f"add {name} to the specification")


def incentive_pool_beyond_budget(c: Ctx):
    """X25: an incentive pool is paid from within the annual budget, so it cannot be larger than the budget."""
    budget = _num(c.section("funding", "budget").get("annual_amount"))
    if budget is None:
        return
    for path, inc in c.funding_blocks("incentives"):
        amount = _num(inc.get("pool_amount"))
        if amount is not None and amount > budget:
            yield c.error("X25", path + ("pool_amount",), f"the incentive pool of {_money(amount)} is larger than the "
                          f"annual budget of {_money(budget)}, from within which it is paid",
                          "check the figures: the pool is part of funding.budget.annual_amount, not in addition to it")


def baseline_parts(c: Ctx):
    """X27: the risk-share partners' parts of the baseline are what their own variances are measured against, so
    they must add up to the baseline and belong to partners that share in the risk."""
    for path, rs in c.funding_blocks("risk_share"):
        parts = [(k, _dict(x)) for k, x in enumerate(_list(rs.get("baseline_parts")))]
        if not parts:
            continue
        sharers = {s.get("partner_id") for corridor in _list(rs.get("corridors"))
                   for s in _list(_dict(corridor).get("shares")) if isinstance(s, dict)}
        for k, part in parts:
            if sharers and part.get("partner_id") not in sharers:
                yield c.error("X27", path + ("baseline_parts", k, "partner_id"), f"`{part.get('partner_id')}` has a "
                              "part of the baseline but no share in any corridor",
                              "give the part to a partner that shares in the risk, or add its share to the corridors")
        amounts = [_num(part.get("amount")) for _k, part in parts]
        baseline = _num(rs.get("baseline"))
        if None not in amounts and baseline is not None and _sum(amounts) != baseline:
            yield c.error("X27", path + ("baseline_parts",), f"the parts of the baseline add up to "
                          f"{_money(_sum(amounts))}, not the baseline of {_money(baseline)}",
                          "make baseline_parts[].amount add up to baseline")


def item_agreement(c: Ctx):
    """X28: a milestone or risk that names the agreement it belongs to names an alliance of the deal."""
    alliances = {a.get("id") for _i, a in c.alliances()}
    for section in ("timetable", "risk_register"):
        for i, item in enumerate(_list(c.data.get(section))):
            named = _dict(item).get("alliance_id")
            if isinstance(named, str) and named not in alliances:
                hint = did_you_mean(named, sorted(a for a in alliances if isinstance(a, str)))
                yield c.error("X28", (section, i, "alliance_id"), f"`{named}` is not an alliance of this deal, so "
                              "no agreement would list this " + ("milestone" if section == "timetable" else "risk")
                              + (f" ({hint})" if hint else ""),
                              "name one of contracting.alliances[].id, or leave alliance_id out")


RULES = (
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
    duplicate_short_names,
    impossible_quorum,
    alliance_derived,
    typed_placeholders,
    contradictory_liability,
    final_loss_share_cap,
    final_alliance_service_contracts,
    final_board_representatives,
    final_fixed_running_cost_shares,
    final_payment_split,
    final_dispute_first_stage,
    subcontract_specifications,
    incentive_pool_beyond_budget,
    baseline_parts,
    item_agreement,
)
