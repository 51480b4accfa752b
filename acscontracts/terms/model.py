"""The typed deal model: frozen dataclasses built from validated terms.

Money is ``Decimal``, dates are ``datetime.date``. A value the terms leave out (allowed in
a draft) is a ``Missing`` carrying its JSON path, so a template that prints it gets a
``[●]`` placeholder that says which term is missing. Derived values (per-capita budget,
legal regime, health-service-body status) are computed once, here.

``build_model(data)`` expects data that passed schema validation.
"""
from __future__ import annotations

import datetime as _dt
import types
import typing
from dataclasses import dataclass, field, fields
from decimal import Decimal

from acscontracts.formatting import Missing

REGIME_CCG_ABOLISHED = _dt.date(2022, 7, 1)
REGIME_PSR = _dt.date(2024, 1, 1)
HEALTH_SERVICE_BODIES = {"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"}
STATUTORY_BODIES = HEALTH_SERVICE_BODIES | {"local_authority", "combined_authority"}
COMMISSIONER_TYPES = {"icb", "ccg_legacy", "nhs_england", "local_authority", "combined_authority"}

ORG_DESCRIPTIONS = {
    "icb": "an integrated care board established under the National Health Service Act 2006",
    "ccg_legacy": "a clinical commissioning group",
    "nhs_england": "the body corporate known as NHS England",
    "nhs_trust": "an NHS trust established under the National Health Service Act 2006",
    "nhs_ft": "a public benefit corporation authorised as an NHS foundation trust under the National Health "
              "Service Act 2006",
    "local_authority": "a local authority",
    "combined_authority": "a combined authority established under the Local Democracy, Economic Development and "
                          "Construction Act 2009",
    "gp_practice": "a general practice provider",
    "gp_federation": "a company incorporated in England and Wales representing general practices",
    "pcn": "a primary care network (not itself a legal person)",
    "vcse": "a voluntary, community and social enterprise organisation",
    "independent_sector": "an independent sector provider",
    "llp": "a limited liability partnership incorporated in England and Wales",
    "company": "a company incorporated in England and Wales",
    "cic": "a community interest company incorporated in England and Wales",
}

# Councils by tier, with their statutory status.
COUNCIL_DESCRIPTIONS = {
    "county": "a county council constituted under the Local Government Act 1972",
    "district": "a district council constituted under the Local Government Act 1972",
    "unitary": "a unitary local authority, being a principal council within the meaning of the Local Government "
               "Act 1972",
    "metropolitan": "a metropolitan district council constituted under the Local Government Act 1972",
    "london_borough": "a London borough council constituted under the London Government Act 1963",
}


# --------------------------------------------------------------------------- leaf records


@dataclass(frozen=True)
class Signatory:
    name: str = None
    title: str = None


@dataclass(frozen=True)
class Partner:
    id: str
    legal_name: str
    short_name: str
    org_type: str
    roles: tuple = ()
    la_tier: str = None
    ods_code: str = None
    company_no: str = None
    charity_no: str = None
    sector: str = None
    signatory: Signatory = None
    seal_required: bool = False
    notice_address: str = None
    notice_email: str = None

    @property
    def is_health_service_body(self) -> bool:
        return self.org_type in HEALTH_SERVICE_BODIES

    @property
    def is_statutory(self) -> bool:
        return self.org_type in STATUTORY_BODIES

    @property
    def foia(self) -> bool:
        """Public authorities under the Freedom of Information Act 2000."""
        return self.is_statutory

    @property
    def is_commissioner(self) -> bool:
        return "commissioner" in self.roles or "coordinating_commissioner" in self.roles

    @property
    def description(self) -> str:
        text = ORG_DESCRIPTIONS.get(self.org_type, "an organisation")
        if self.org_type == "local_authority":
            text = COUNCIL_DESCRIPTIONS.get(self.la_tier, "a principal council within the meaning of the Local "
                                                          "Government Act 1972")
        if self.company_no and self.org_type in ("vcse", "gp_practice", "independent_sector"):
            text = "a company incorporated in England and Wales"
        if self.company_no:
            text += f" (company number {self.company_no})"
        if self.charity_no:
            text += f" and a registered charity (charity number {self.charity_no})" if self.company_no else \
                f", a registered charity (charity number {self.charity_no})"
        return text


@dataclass(frozen=True)
class Deal:
    id: str
    title: str
    system_name: str = None
    footprint: str = None
    population: int = None
    population_basis: str = None
    effective_date: _dt.date = None
    governing_law: str = "England and Wales"
    version: str = None
    version_date: _dt.date = None
    place: str = None

    @property
    def version_label(self) -> str:
        """The terms version stamped on documents ("draft" until the terms give one)."""
        return self.version if isinstance(self.version, str) else "draft"

    @property
    def settled_on(self) -> str:
        """ISO date the terms were settled: the documents' date stamp and every redline's date.
        A fixed date until the terms give one, never the clock (outputs stay deterministic)."""
        return self.version_date.isoformat() if isinstance(self.version_date, _dt.date) else "2000-01-01"

    @property
    def legal_regime(self) -> str:
        if not isinstance(self.effective_date, _dt.date):
            return "post_psr"
        if self.effective_date < REGIME_CCG_ABOLISHED:
            return "pre_2022"
        return "post_2022" if self.effective_date < REGIME_PSR else "post_psr"


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    start: _dt.date = None
    end: _dt.date = None
    label: str = None
    contracting_model: str = None
    org_form: str = None
    entry_criteria: tuple = ()
    risk_share_active: bool = False
    reconciliation_to: _dt.date = None


@dataclass(frozen=True)
class Person:
    name: str = None
    title: str = None


@dataclass(frozen=True)
class BoardMember:
    partner_id: str
    seats: int = 1
    votes: int = 1
    representatives: tuple[Person, ...] = None  # the individuals on the board (None: not given yet)
    alternates: tuple[Person, ...] = ()
    lead_officer: Person = None


@dataclass(frozen=True)
class Board:
    name: str = None
    chair: str = None
    members: tuple[BoardMember, ...] = ()
    quorum: int = None
    meeting_frequency: str = None


@dataclass(frozen=True)
class Deadlock:
    route: str = None
    days: int = None


@dataclass(frozen=True)
class Escalation:
    level: int
    forum: str
    max_days: int = None


@dataclass(frozen=True)
class AllianceManager:
    title: str = None
    employer_partner_id: str = None
    cost_pa: Decimal = None


@dataclass(frozen=True)
class Approval:
    partner_id: str
    body: str = None
    date: _dt.date = None


@dataclass(frozen=True)
class Governance:
    board: Board = None
    voting_rule: str = None
    supermajority_pct: Decimal = None
    unanimous_matters: tuple = ()
    reserved_matters: tuple = ()
    custom_reserved_matters: tuple = ()
    deadlock: Deadlock = None
    escalation: tuple[Escalation, ...] = ()
    alliance_manager: AllianceManager = None
    subgroups: tuple = ()
    approvals: tuple[Approval, ...] = ()
    model: str = None


@dataclass(frozen=True)
class Share:
    partner_id: str
    pct: Decimal = None


@dataclass(frozen=True)
class Corridor:
    from_pct: Decimal = None
    to_pct: Decimal = None
    direction: str = "both"
    shares: tuple[Share, ...] = ()


@dataclass(frozen=True)
class Cap:
    partner_id: str
    max_amount: Decimal = None


@dataclass(frozen=True)
class BaselinePart:
    partner_id: str
    amount: Decimal = None
    services: str = None


@dataclass(frozen=True)
class RiskShare:
    baseline: Decimal = None
    scope: str = None
    baseline_parts: tuple[BaselinePart, ...] = ()
    deadband_pct: Decimal = None
    corridors: tuple[Corridor, ...] = ()
    beyond_corridors: str = None
    caps: tuple[Cap, ...] = ()
    settlement: str = None
    counterparty_id: str = None
    commissioner_id: str = None
    cap_applies_to: str = None
    part_year: str = None

    def cap_for(self, partner_id: str):
        return next((c.max_amount for c in self.caps if c.partner_id == partner_id), None)

    @property
    def sharer_ids(self) -> tuple:
        """The ids of the partners with a share in any corridor, in the order they first appear."""
        return tuple(dict.fromkeys(s.partner_id for c in self.corridors for s in c.shares))


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    metric: str = None
    baseline: str = None
    target: str = None
    weight_pct: Decimal = None
    owner_id: str = None


@dataclass(frozen=True)
class Incentives:
    pool_amount: Decimal = None
    pool_pct_of_budget: Decimal = None
    measures: tuple[Measure, ...] = ()
    distribution: str = None
    funder_ids: tuple = ()


@dataclass(frozen=True)
class Contribution:
    partner_id: str
    amount: Decimal = None
    pct: Decimal = None
    purpose: str = None
    description: str = None
    uplift_rule: str = None  # budget components: how this part grows each year


@dataclass(frozen=True)
class PooledFund:
    id: str
    basis: str
    title: str = None
    host_partner_id: str = None
    pool_manager: str = None
    partner_ids: tuple = ()
    contributions: tuple[Contribution, ...] = ()
    total: Decimal = None
    aims: str = None
    review_date: _dt.date = None
    functions: tuple = ()


@dataclass(frozen=True)
class Budget:
    type: str = None
    annual_amount: Decimal = None
    baseline_year: str = None
    uplift_rule: str = None
    components: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class RunningCosts:
    amount_pa: Decimal = None
    split: str = None
    host_partner_id: str = None
    alliance_id: str = None
    council_host_basis: str = None


@dataclass(frozen=True)
class Funding:
    budget: Budget = None
    contributions: tuple[Contribution, ...] = ()
    running_costs: RunningCosts = None
    pooled_funds: tuple[PooledFund, ...] = ()
    risk_share: RiskShare = None
    incentives: Incentives = None
    open_book: bool = False


@dataclass(frozen=True)
class AllianceFunding:
    risk_share: RiskShare = None
    incentives: Incentives = None
    pooled_fund_ids: tuple = ()
    contributions: tuple[Contribution, ...] = ()
    running_costs: RunningCosts = None


@dataclass(frozen=True)
class Alliance:
    id: str
    title: str
    kind: str = "alliance"
    member_ids: tuple = ()
    observer_ids: tuple = ()
    place: str = None
    population: int = None
    scope: Scope = None  # its own scope and objectives, replacing the deal-wide ones in its agreement
    outcomes: Outcomes = None
    governance: Governance = None
    funding: AllianceFunding = None


@dataclass(frozen=True)
class ServiceContract:
    id: str
    provider_id: str
    commissioner_ids: tuple = ()
    title: str = None
    form: str = None
    value_pa: Decimal = None
    start: _dt.date = None
    end_date: _dt.date = None
    signed_date: _dt.date = None


@dataclass(frozen=True)
class ServiceSpecification:
    service: str
    aims: str = None
    description: str = None
    criteria: str = None
    referrals: str = None
    hours: str = None
    locations: str = None
    interdependencies: str = None
    essential: bool = None
    unit: str = None
    price: Decimal = None
    annual_value: Decimal = None


@dataclass(frozen=True)
class KpiThresholds:
    referrals_on_time_pct: Decimal = None
    training_compliance_pct: Decimal = None
    positive_experience_pct: Decimal = None


@dataclass(frozen=True)
class Subcontract:
    id: str
    head_provider_id: str
    subcontractor_id: str
    services: tuple = ()
    value_pa: Decimal = None
    material: bool = False
    commissioner_consent: str = None
    pass_through_pct: Decimal = None
    loss_share: bool = False
    loss_share_cap: Decimal = None
    payment_basis: str = None
    activity_plan: str = None
    specifications: tuple[ServiceSpecification, ...] = None  # None (Missing) until the terms give them
    kpi_thresholds: KpiThresholds = None
    flow_down_exclusions: tuple[str, ...] = None  # () when nothing is excluded; Missing when not yet settled
    start: _dt.date = None
    end: _dt.date = None
    psr_process: str = None
    standstill_ended: _dt.date = None
    effective_date: _dt.date = None

    def specification(self, service: str):
        """The specification of one of ``services`` (None when the terms give none)."""
        return next((s for s in (self.specifications or ()) if s.service == service), None)

    @property
    def essential_services(self) -> tuple:
        """The services the specifications mark as essential, in the order of ``services``."""
        return tuple(s for s in self.services if getattr(self.specification(s), "essential", None) is True)


@dataclass(frozen=True)
class Aco:
    holder_id: str
    title_style: str = "accountable_care_organisation"
    coordinating_commissioner_id: str = None
    service_commencement: _dt.date = None
    contract_value_pa: Decimal = None
    longstop_date: _dt.date = None
    payment_day: int = None
    withholding_pct: Decimal = None
    local_quality_requirements: tuple[str, ...] = None
    local_access_standards: tuple[str, ...] = None

    @property
    def title(self) -> str:
        if self.title_style == "integrated_care_provider":
            return "Integrated Care Provider Contract"
        return "Accountable Care Organisation Contract"

    @property
    def provider_term(self) -> str:
        """The defined term for the provider: never the ambiguous "ICP"."""
        if self.title_style == "integrated_care_provider":
            return "Integrated Care Provider"
        return "Accountable Care Organisation"


@dataclass(frozen=True)
class IntegrationAgreement:
    id: str
    type: str
    counterparty_ids: tuple = ()
    counterparty_description: str = None
    gms_pms_suspended: bool = False
    psr_process: str = None


@dataclass(frozen=True)
class Contracting:
    model: str
    alliances: tuple[Alliance, ...] = ()
    service_contracts: tuple[ServiceContract, ...] = ()
    head_contract_id: str = None
    subcontracts: tuple[Subcontract, ...] = ()
    aco: Aco = None
    integration_level: str = None
    integration_agreements: tuple[IntegrationAgreement, ...] = ()
    collaboration_arrangements: str = None
    procurement_route: str = None
    procurement_date: _dt.date = None
    standstill_ended: _dt.date = None


@dataclass(frozen=True)
class DataSharing:
    personal_data_shared: bool = False
    dsa_in_place: bool = False
    controller_model: str = None
    dspt_required: bool = False
    lawful_basis: str = None


@dataclass(frozen=True)
class ItEnabler:
    shared_care_record: bool = False
    systems: tuple = ()
    lead_partner_id: str = None


@dataclass(frozen=True)
class StaffMove:
    from_id: str
    to_id: str
    headcount: int = None
    date: _dt.date = None
    description: str = None


@dataclass(frozen=True)
class Workforce:
    secondments: tuple[StaffMove, ...] = ()
    tupe_transfers: tuple[StaffMove, ...] = ()
    pension_route: str = None
    no_poaching: bool = False
    lgps_risk: str = None


@dataclass(frozen=True)
class Estate:
    property: str
    owner_id: str = None
    occupier_id: str = None
    arrangement: str = None


@dataclass(frozen=True)
class Enablers:
    data: DataSharing = None
    it: ItEnabler = None
    workforce: Workforce = None
    estates: tuple[Estate, ...] = ()


@dataclass(frozen=True)
class Scope:
    services: tuple = ()
    exclusions: tuple = ()
    primary_medical: bool = False
    la_services: tuple = ()
    population_description: str = None


@dataclass(frozen=True)
class Milestone:
    milestone: str
    date: _dt.date = None
    owner_id: str = None
    alliance_id: str = None


@dataclass(frozen=True)
class Risk:
    risk: str
    owner_id: str = None
    rating: str = None
    mitigation: str = None
    alliance_id: str = None


@dataclass(frozen=True)
class Outcomes:
    objectives: tuple = ()


@dataclass(frozen=True)
class Assurance:
    isap_complete: bool = False
    date: _dt.date = None


@dataclass(frozen=True)
class Guarantor:
    legal_name: str
    company_no: str = None
    address: str = None


@dataclass(frozen=True)
class FinancialSafeguards:
    min_net_assets: Decimal = None
    parent_guarantee: bool = False
    reporting_frequency: str = None
    guarantor: Guarantor = None


@dataclass(frozen=True)
class Term:
    start: _dt.date = None
    end: _dt.date = None
    extension_years: int = None
    extension_notice_months: int = None
    break_points: tuple[_dt.date, ...] = ()
    review_dates: tuple[_dt.date, ...] = ()

    @property
    def years(self):
        if isinstance(self.start, _dt.date) and isinstance(self.end, _dt.date):
            return round((self.end - self.start).days / 365.25)
        return None


@dataclass(frozen=True)
class Exit:
    withdrawal_notice_months: int = None
    plan_required: bool = False
    termination_triggers: tuple = ()


@dataclass(frozen=True)
class DisputeStage:
    name: str
    days: int = None


@dataclass(frozen=True)
class Disputes:
    stages: tuple[DisputeStage, ...] = ()
    mediator: str = None
    final: str = None


@dataclass(frozen=True)
class Insurance:
    type: str
    amount: Decimal = None


@dataclass(frozen=True)
class Liability:
    cap_basis: str = None
    cap_amount: Decimal = None
    cap_pct: Decimal = None
    excluded_heads: tuple = ()
    insurance: tuple[Insurance, ...] = ()


# --------------------------------------------------------------------------- the deal


@dataclass(frozen=True)
class DealTerms:
    deal: Deal
    partners: tuple[Partner, ...]
    contracting: Contracting
    phases: tuple[Phase, ...] = ()
    governance: Governance = None
    funding: Funding = None
    enablers: Enablers = None
    scope: Scope = None
    principles: tuple = ()
    timetable: tuple[Milestone, ...] = ()
    risk_register: tuple[Risk, ...] = ()
    outcomes: Outcomes = None
    assurance: Assurance = None
    financial_safeguards: FinancialSafeguards = None
    term: Term = None
    exit: Exit = None
    disputes: Disputes = None
    liability: Liability = None
    _index: dict = field(default=None, repr=False, compare=False)

    def partner(self, partner_id: str) -> Partner:
        return self._index[partner_id]

    def partners_with(self, role: str) -> tuple[Partner, ...]:
        return tuple(p for p in self.partners if role in p.roles)

    @property
    def all_health_service_bodies(self) -> bool:
        return all(p.is_health_service_body for p in self.partners)

    @property
    def per_capita(self):
        budget = self.funding.budget if self.funding else None
        amount = getattr(budget, "annual_amount", None)
        if isinstance(amount, Decimal) and isinstance(self.deal.population, int) and self.deal.population:
            return (amount / self.deal.population).quantize(Decimal("0.01"))
        return None

    def alliance(self, alliance_id: str) -> Alliance:
        return next(a for a in self.contracting.alliances if a.id == alliance_id)

    def for_agreement(self, items, alliance) -> tuple:
        """The milestones or risks that an alliance's agreement lists: with one alliance, all of them; otherwise
        those that name it (alliance_id) and those that name none and are owned by one of its members."""
        if len(self.contracting.alliances) < 2:
            return tuple(items)
        members = set(alliance.member_ids)
        return tuple(i for i in items if (i.alliance_id == alliance.id if i.alliance_id else i.owner_id in members))

    def left_out_of(self, items, alliance) -> tuple:
        """Items naming no agreement that a deal with several alliances leaves out of this one (owner not a member)."""
        if len(self.contracting.alliances) < 2:
            return ()
        members = set(alliance.member_ids)
        return tuple(i for i in items if not i.alliance_id and i.owner_id not in members)

    def subcontract(self, subcontract_id: str) -> Subcontract:
        return next(s for s in self.contracting.subcontracts if s.id == subcontract_id)

    def effective_governance(self, alliance: Alliance) -> Governance:
        return alliance.governance or self.governance

    def pooled_fund(self, fund_id: str) -> PooledFund:
        return next(f for f in self.funding.pooled_funds if f.id == fund_id)


# --------------------------------------------------------------------------- building

_HINTS: dict = {}


def _hints(cls) -> dict:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _convert(tp, value, path: str):
    if value is None:
        return Missing(path)
    origin = typing.get_origin(tp)
    if origin is tuple:
        (item_tp, *_rest) = typing.get_args(tp) or (str,)
        return tuple(_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    if isinstance(tp, type) and hasattr(tp, "__dataclass_fields__"):
        return _build(tp, value, path)
    if tp is _dt.date:
        return _dt.date.fromisoformat(value)
    if tp is Decimal:
        return Decimal(value)
    if tp is int and not isinstance(value, bool):
        return int(value)
    return value


def _build(cls, data: dict, path: str):
    hints = _hints(cls)
    values = {}
    for f in fields(cls):
        if f.name.startswith("_"):
            continue
        sub = f"{path}.{f.name}" if path else f.name
        if f.name in data:
            values[f.name] = _convert(hints[f.name], data[f.name], sub)
        elif f.default is None:
            values[f.name] = Missing(sub)
        # otherwise the dataclass default applies (tuples, False, enums with a default)
    return cls(**values)


def build_model(data: dict) -> DealTerms:
    terms = _build(DealTerms, data, "")
    object.__setattr__(terms, "_index", {p.id: p for p in terms.partners})
    return terms
