"""Which documents a deal calls for, and for each one its parties, signatures and template context.

One alliance agreement per alliance, one subcontract per subcontract, one ACO contract when
the deal has an ACO, and heads of terms for every deal. ``plan`` returns DocumentSpecs; it
decides nothing about wording.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acscontracts import facts as legal_facts
from acscontracts import formatting
from acscontracts.engine.assemble import DocumentSpec
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, did_you_mean
from acscontracts.terms.model import Alliance, DealTerms, Governance, Incentives, Outcomes, Partner, RiskShare, Scope
from acscontracts.engine.tree import DocumentProperties, Party

DOC_TYPES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")
SHORT_NAMES = {"alliance_agreement": "Agreement", "subcontract": "Sub-Contract", "aco_contract": "Contract",
               "heads_of_terms": "Heads of Terms"}
PARTY_TERMS = {"alliance_agreement": ("Partner", "Partners")}  # everything else: Party / Parties


@dataclass(frozen=True)
class AllianceView:
    """An alliance with its effective governance and money (its own overrides, else the deal's)."""

    alliance: Alliance
    members: tuple  # tuple[Partner, ...], in the order the terms give
    observers: tuple
    governance: Governance
    risk_share: RiskShare  # or Missing
    incentives: Incentives  # or Missing
    pooled_funds: tuple
    scope: Scope  # its own, else the deal's (or Missing)
    outcomes: Outcomes  # its own, else the deal's (or Missing)

    def __getattr__(self, name):  # alliance fields read through: view.title, view.kind ...
        return getattr(self.alliance, name)

    @property
    def own_scope(self) -> bool:
        """The alliance gives its own scope rather than the deal's."""
        return bool(self.alliance.scope)

    @property
    def own_outcomes(self) -> bool:
        return bool(self.alliance.outcomes)

    @property
    def read_through(self) -> Alliance:
        """For engine.reads: other attributes are the alliance's own."""
        return self.alliance

    def read_sources(self, name: str) -> tuple:
        """For engine.reads: the (model object, field) each derived attribute comes from."""
        sources = {"members": "member_ids", "observers": "observer_ids", "governance": "governance",
                   "risk_share": "funding", "incentives": "funding", "pooled_funds": "funding",
                   "scope": "scope", "outcomes": "outcomes"}
        return ((self.alliance, sources[name]),) if name in sources else ()


def alliance_view(terms: DealTerms, alliance: Alliance) -> AllianceView:
    funding = alliance.funding if alliance.funding else None
    deal_funding = terms.funding
    risk_share = (funding.risk_share if funding and funding.risk_share else None) or \
        (deal_funding.risk_share if deal_funding else None)
    incentives = (funding.incentives if funding and funding.incentives else None) or \
        (deal_funding.incentives if deal_funding else None)
    if funding and funding.pooled_fund_ids:
        pools = tuple(terms.pooled_fund(i) for i in funding.pooled_fund_ids)
    elif len(terms.contracting.alliances) == 1 and deal_funding:
        pools = tuple(deal_funding.pooled_funds)
    else:
        pools = ()
    return AllianceView(alliance, tuple(terms.partner(i) for i in alliance.member_ids),
                        tuple(terms.partner(i) for i in alliance.observer_ids),
                        terms.effective_governance(alliance), risk_share or formatting.Missing("funding.risk_share"),
                        incentives or formatting.Missing("funding.incentives"), pools,
                        alliance.scope or terms.scope or formatting.Missing("scope"),
                        alliance.outcomes or terms.outcomes or formatting.Missing("outcomes"))


def _party(p: Partner) -> Party:
    return Party(p.id, p.legal_name, p.short_name, p.description)


def _inputs(terms: DealTerms, parties: tuple, subject_paths: tuple) -> tuple:
    """JSON paths the front page, parties and execution blocks are made from (engine.reads records the rest)."""
    index = {id(p): i for i, p in enumerate(terms.partners)}
    if len(parties) == len(terms.partners):
        party_paths: tuple = ("partners",)
    else:
        party_paths = tuple(f"partners[{index[id(p)]}]" for p in parties if id(p) in index)
    return ("deal",) + party_paths + subject_paths


def _spec(terms: DealTerms, deal_facts, doc_type: str, name: str, parties: tuple, extra: dict, subject: str,
          subject_paths: tuple = ()) -> DocumentSpec:
    deal = terms.deal
    year = deal.effective_date.year if isinstance(deal.effective_date, date) else ""
    facts = deal_facts.document(doc_type, parties, extra.get("subcontract") or extra.get("alliance"))
    context = {"terms": terms, "deal": deal, "parties": parties, "partner": terms.partner, "facts": facts,
               "doc": {"type": doc_type, "short": SHORT_NAMES[doc_type], "name": name,
                       "party_term": PARTY_TERMS.get(doc_type, ("Party", "Parties"))[0],
                       "parties_term": PARTY_TERMS.get(doc_type, ("Party", "Parties"))[1],
                       # "the other Party" in a two-party document, "the other Parties" otherwise
                       "others": PARTY_TERMS.get(doc_type, ("Party", "Parties"))[len(parties) != 2]}, **extra}
    properties = DocumentProperties(title="", subject=subject, keywords=f"acscontracts; {doc_type}; {deal.id}",
                                    version=deal.version_label, created=deal.settled_on)
    return DocumentSpec(doc_type, name, context, tuple(_party(p) for p in parties),
                        facts.execution.blocks, properties, f"[●] {year}".strip(),
                        _inputs(terms, parties, subject_paths))


def plan(terms: DealTerms, doc_types=DOC_TYPES) -> list[DocumentSpec]:
    """Every document the deal calls for, in a fixed order."""
    specs = []
    deal_facts = legal_facts.compute(terms)
    alliances = terms.contracting.alliances
    if "alliance_agreement" in doc_types:
        for number, alliance in enumerate(alliances):
            name = "alliance_agreement" if len(alliances) == 1 else f"alliance_agreement-{alliance.id}"
            view = alliance_view(terms, alliance)
            specs.append(_spec(terms, deal_facts, "alliance_agreement", name, view.members, {"alliance": view},
                               alliance.title, (f"contracting.alliances[{number}]",)))
    if "subcontract" in doc_types:
        for number, sub in enumerate(terms.contracting.subcontracts):
            parties = (terms.partner(sub.head_provider_id), terms.partner(sub.subcontractor_id))
            head = next((c for c in terms.contracting.service_contracts if c.id == terms.contracting.head_contract_id),
                        None)
            specs.append(_spec(terms, deal_facts, "subcontract", f"subcontract-{sub.id}", parties,
                               {"subcontract": sub, "head_contract": head or formatting.Missing("contracting.head_contract_id"),
                                "head_provider": parties[0], "subcontractor": parties[1]},
                               f"Sub-contract: {parties[1].legal_name}",
                               (f"contracting.subcontracts[{number}]", "contracting.head_contract_id",
                                "contracting.service_contracts")))
    aco = terms.contracting.aco
    if "aco_contract" in doc_types and aco:
        commissioners = tuple(p for p in terms.partners if p.is_commissioner and p.id != aco.holder_id)
        parties = commissioners + (terms.partner(aco.holder_id),)
        specs.append(_spec(terms, deal_facts, "aco_contract", "aco_contract", parties,
                           {"aco": aco, "holder": terms.partner(aco.holder_id), "commissioners": commissioners},
                           aco.title, ("contracting.aco", "partners")))
    if "heads_of_terms" in doc_types:
        specs.append(_spec(terms, deal_facts, "heads_of_terms", "heads_of_terms", tuple(terms.partners), {}, terms.deal.title))
    return specs


def select(specs: list[DocumentSpec], doc_type: str, doc_id: str | None) -> DocumentSpec:
    """The one document `render --doc TYPE [--id ID]` asks for."""
    of_type = [s for s in specs if s.doc_type == doc_type]
    if not of_type:
        raise AcsError([Diagnostic(ERROR, "ACS-NO-DOCUMENT", f"these terms call for no {doc_type}",
                                   "documents available: " + ", ".join(s.name for s in specs))])
    if doc_id is None:
        if len(of_type) > 1:
            raise AcsError([Diagnostic(ERROR, "ACS-AMBIGUOUS-DOCUMENT", f"these terms call for {len(of_type)} {doc_type} documents",
                                       "pick one with --id: " + ", ".join(s.name.split("-", 1)[-1] for s in of_type))])
        return of_type[0]
    for spec in of_type:
        if spec.name in (doc_id, f"{doc_type}-{doc_id}") or (len(of_type) == 1 and doc_id == subject_id(spec)):
            return spec
    names = [s.name.split("-", 1)[-1] for s in of_type]
    raise AcsError([Diagnostic(ERROR, "ACS-NO-DOCUMENT", f"no {doc_type} with id `{doc_id}`",
                               did_you_mean(doc_id, names) or "choose from: " + ", ".join(names))])


def subject_id(spec: DocumentSpec) -> str | None:
    """The id of the alliance or subcontract a document is about (None for the others)."""
    subject = spec.context.get("alliance") or spec.context.get("subcontract")
    return subject.id if subject is not None else None
