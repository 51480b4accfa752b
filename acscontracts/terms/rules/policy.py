"""Rules V10-V27 of the domain brief: procurement, assurance, governance, workforce, data and competition
(warnings, with V14 an error)."""
from __future__ import annotations

from acscontracts.terms.rules.context import (
    CCG_ABOLISHED, PSR_IN_FORCE, HEALTH_SERVICE_BODIES, NHS_PROVIDER_TYPES, COUNCIL_TYPES,
    COMMISSIONER_ROLES, SMALL_BODY_TYPES, ICP_WORD, _dict, _list, _num, _date, Ctx, _walk,
)


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


RULES = (
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
)
