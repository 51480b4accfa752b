"""Section 9 NHS-contract status, decided per pair of parties to a document.

Section 9 of the National Health Service Act 2006 asks, arrangement by arrangement, whether one
health service body arranges for another to provide it with goods or services. It does not depend
on who else signs the document, and the parties cannot contract out of it. So a document can be an
NHS contract between some of its parties and an ordinary contract between the rest; a pure
collaboration (nobody arranging services for anybody) is not one even if every party is a health
service body.

A host's recharge of shared running costs is decided here too: the host employs the programme staff, who do
work that the other parties need for their own functions, incurs the costs and charges each of them a share
(and, where the agreement says so, a share of its liabilities as employer). In substance each paying health
service body arranges for the host to provide it with services, for which it pays: that is an arrangement
within section 9(1), and a label in the agreement cannot take it outside section 9(5). So each health service
body host and each health service body that pays it are an NHS-contract pair for the recharge (the payer the
arranger, the host the provider), even where nothing else in the document makes them one.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

PROVIDER_ROLES = frozenset({"provider", "lead_provider", "icp_holder", "subcontractor"})


@dataclass(frozen=True)
class PairStatus:
    """How two parties to one document stand in law."""

    first: object  # model.Partner
    second: object
    arranger: object = None  # the health service body that arranges the services (None: no s9 arrangement)
    provider: object = None  # the health service body that provides them
    recharge: bool = False  # one recharges the other a share of running costs (an s9 arrangement in itself)
    recharge_only: bool = False  # the recharge is the only arrangement that makes the pair an NHS contract

    @property
    def nhs_contract(self) -> bool:
        return self.arranger is not None

    @property
    def forum(self) -> str:
        """Where an unresolved dispute between these two goes: the Secretary of State or the courts."""
        return "secretary_of_state" if self.nhs_contract else "courts"


@dataclass(frozen=True)
class Status:
    """The s9 status of one document: every pair of its parties."""

    parties: tuple
    pairs: tuple  # tuple[PairStatus, ...]
    binding: bool = True  # False for heads of terms (not a contract except the binding paragraphs)
    recharge_host: object = None  # the health service body that recharges running costs to other ones, or None
    accession: bool = False  # new parties may join (an alliance agreement), so new NHS-contract pairs may arise

    @property
    def recharged(self) -> tuple:
        """Health service bodies the recharge host recharges a share of running costs, in party order."""
        ids = {x.id for pair in self.pairs if pair.recharge for x in (pair.first, pair.second)}
        return tuple(p for p in self.parties if p.id in ids and p.id != getattr(self.recharge_host, "id", None))

    @property
    def pairwise(self) -> bool:
        """Disputes are routed pair by pair (an NHS-contract pair to the Secretary of State, any other pair to
        the courts): when some pair is an NHS contract, or when two or more health service bodies are parties to
        a binding agreement that is not one today but under which a pair can become one (a new partner joining,
        or one of them arranging services from another under it)."""
        return self.mixed or (self.binding and self.accession and not self.all_nhs
                              and len(self.health_service_bodies) > 1)

    @property
    def service_pairs(self) -> tuple:
        """NHS-contract pairs made by an arrangement for services other than the recharge alone."""
        return tuple(p for p in self.nhs_pairs if not p.recharge_only)

    @property
    def recharge_pairs(self) -> tuple:
        """NHS-contract pairs made by the recharge alone."""
        return tuple(p for p in self.nhs_pairs if p.recharge_only)

    @property
    def nhs_pairs(self) -> tuple:
        return tuple(p for p in self.pairs if p.nhs_contract)

    @property
    def any_nhs(self) -> bool:
        return bool(self.nhs_pairs)

    @property
    def all_nhs(self) -> bool:
        """True when the document is an NHS contract between every pair of its parties."""
        return bool(self.pairs) and all(p.nhs_contract for p in self.pairs)

    @property
    def mixed(self) -> bool:
        return self.any_nhs and not self.all_nhs

    @property
    def health_service_bodies(self) -> tuple:
        return tuple(p for p in self.parties if p.is_health_service_body)

    @property
    def others(self) -> tuple:
        """Parties that are not health service bodies."""
        return tuple(p for p in self.parties if not p.is_health_service_body)

    @property
    def nhs_parties(self) -> tuple:
        """Parties in at least one NHS-contract pair, in party order."""
        ids = {x.id for pair in self.nhs_pairs for x in (pair.first, pair.second)}
        return tuple(p for p in self.parties if p.id in ids)

    @property
    def arrangers(self) -> tuple:
        ids = {pair.arranger.id for pair in self.nhs_pairs}
        return tuple(p for p in self.parties if p.id in ids)

    @property
    def nhs_providers(self) -> tuple:
        ids = {pair.provider.id for pair in self.nhs_pairs}
        return tuple(p for p in self.parties if p.id in ids)

    @property
    def hsb_without_arrangement(self) -> bool:
        """Two or more health service bodies are parties but none arranges services for another."""
        return len(self.health_service_bodies) > 1 and not self.any_nhs

    def pair(self, a, b) -> PairStatus | None:
        ids = {a.id, b.id}
        return next((p for p in self.pairs if {p.first.id, p.second.id} == ids), None)


def arrangements(terms, doc_type: str, parties: tuple, subject=None) -> set[tuple[str, str]]:
    """(arranger id, provider id) for each arrangement under which one party arranges for another
    to provide services under (or as part of) this document."""
    ids = {p.id for p in parties}
    found: set[tuple[str, str]] = set()
    if doc_type == "aco_contract" and terms.contracting.aco:
        holder = terms.contracting.aco.holder_id
        found |= {(p.id, holder) for p in parties if p.is_commissioner and p.id != holder}
    elif doc_type == "subcontract" and subject is not None:
        found.add((subject.head_provider_id, subject.subcontractor_id))
    elif doc_type == "gain_loss_agreement" and terms.contracting.aco:
        # The Gain/Loss Share Agreement moves money only because of, and as part of, the arrangements for services
        # between its parties: the commissioner whose spend is shared arranges the Services from the contract
        # holder (the ACO/ICP contract) and the shared services from the out-of-scope provider (its own contract).
        # The agreement is ancillary to each of those arrangements, so it is an NHS contract between the same
        # pairs. Between the holder and the out-of-scope provider it moves no money (each settles its share with
        # the commissioner), and a sub-contract between them may end long before it, so it is not ancillary to
        # that sub-contract: between those two it is an ordinary contract.
        holder = terms.contracting.aco.holder_id
        rs = terms.funding.risk_share if terms.funding else None
        oosp = getattr(rs, "counterparty_id", None)
        for p in parties:
            if p.is_commissioner and p.id not in (holder, oosp):
                found |= {(p.id, holder), (p.id, oosp)} if oosp else {(p.id, holder)}
    elif doc_type == "alliance_agreement":
        # The agreement sits on the Service Contracts and moves money under them (risk share,
        # incentives): it is part of the arrangements between a commissioner member and a provider
        # member that have a Service Contract with each other. Providers only collaborate.
        for contract in terms.contracting.service_contracts:
            for commissioner in contract.commissioner_ids:
                if commissioner in ids and contract.provider_id in ids:
                    found.add((commissioner, contract.provider_id))
    return found


def recharges(host, payers, parties) -> set:
    """{host id, payer id} pairs of health service bodies between which the document moves a share of running
    costs. Each is an NHS-contract pair (see the module's docstring)."""
    ids = {p.id for p in parties}
    if host is None or not host.is_health_service_body or host.id not in ids:
        return set()
    return {frozenset((host.id, p.id)) for p in payers if p.is_health_service_body and p.id in ids and p.id != host.id}


def document_status(terms, doc_type: str, parties: tuple, subject=None, recharge=None) -> Status:
    """``recharge``: (host, payers) of the running costs the document charges, or None."""
    if doc_type == "heads_of_terms":
        return Status(tuple(parties), (), binding=False)
    made = arrangements(terms, doc_type, parties, subject)
    host, payers = recharge if recharge else (None, ())
    shared = recharges(host, payers, parties)
    pairs = []
    for a, b in combinations(parties, 2):
        both = a.is_health_service_body and b.is_health_service_body
        flag = frozenset((a.id, b.id)) in shared
        if both and (a.id, b.id) in made:
            pairs.append(PairStatus(a, b, a, b, flag))
        elif both and (b.id, a.id) in made:
            pairs.append(PairStatus(a, b, b, a, flag))
        elif both and flag:  # the payer arranges for the host to provide it with the recharged services
            payer, hosting = (b, a) if a.id == host.id else (a, b)
            pairs.append(PairStatus(a, b, payer, hosting, True, True))
        else:
            pairs.append(PairStatus(a, b, recharge=flag))
    return Status(tuple(parties), tuple(pairs), recharge_host=host if shared else None,
                  accession=doc_type == "alliance_agreement")
