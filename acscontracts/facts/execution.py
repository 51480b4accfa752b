"""How each document is executed: deed or simple contract, and each party's execution form.

The wording of a signature block follows from two facts: whether the document is a deed, and what
kind of body the party is. Writers only lay the block out.
"""
from __future__ import annotations

from dataclasses import dataclass

from acscontracts.engine.tree import SignatureBlock

NHS_BODIES = frozenset({"icb", "ccg_legacy", "nhs_england", "nhs_trust", "nhs_ft"})
COUNCILS = frozenset({"local_authority", "combined_authority"})
COMPANY_TYPES = frozenset({"company", "gp_federation", "independent_sector", "cic"})

# Why each document type is (or is not) a deed.
DEED_REASONS = {
    "alliance_agreement": "it contains the power of attorney under which new partners are admitted by accession deed, "
                          "and binds partners who give no consideration to one another",
    "subcontract": "",
    "aco_contract": "",
    "heads_of_terms": "",
}

_SIGN = (("Signature", "sign"), ("Name", "name"), ("Title", "title"), ("Date", "date"))
_WITNESS = (("Signature of witness", "sign"), ("Name of witness", "blank"), ("Address of witness", "blank"))


@dataclass(frozen=True)
class DocumentExecution:
    deed: bool
    binding: bool  # False: heads of terms (binding only in the paragraphs that say so)
    blocks: tuple  # tuple[SignatureBlock, ...], one a party
    deed_reason: str = ""  # why the document is a deed ("" for a simple contract)


def kind(partner) -> str:
    """The execution kind of a party: nhs_body, council, company, llp, charity, partnership, pcn, other."""
    org = partner.org_type
    if org in NHS_BODIES:
        return "nhs_body"
    if org in COUNCILS:
        return "council"
    if org in COMPANY_TYPES or (org in ("vcse", "gp_practice") and isinstance(partner.company_no, str)):
        return "company"
    if org == "llp":
        return "llp"
    if org == "vcse" and isinstance(partner.charity_no, str):
        return "charity"
    if org == "gp_practice":
        return "partnership"
    if org == "pcn":
        return "pcn"
    return "other"


def _company_words(partner) -> str:
    if partner.org_type == "cic":
        return ", a community interest company,"
    if isinstance(partner.charity_no, str):
        return ", a charitable company,"
    return ""


def block_wording(partner, deed: bool, sealed_if_required: bool = True) -> tuple[str, str, tuple]:
    """(form name, opening words with {party}, lines) for one party. ``sealed_if_required`` is False for a
    document that is not binding (heads of terms): it is never sealed."""
    k = kind(partner)
    if k == "nhs_body":
        if not deed:
            return "nhs_body", "Signed for and on behalf of {party} by its authorised signatory:", _SIGN
        # a statutory corporation that is not a company executes a deed under its seal (Law of Property Act 1925
        # s74), the sealing authenticated as its standing orders or constitution require
        return ("nhs_body_deed", "Executed as a deed by {party} by affixing its seal, authenticated by two authorised "
                "signatories in accordance with its standing orders or constitution:",
                (("Signature of authorised signatory", "sign"), ("Name", "name"), ("Title", "title"),
                 ("Signature of second authorised signatory", "sign"), ("Name", "blank"), ("Title", "blank"),
                 ("Date", "date")))
    if k == "council":
        if not deed and sealed_if_required and partner.seal_required is True:
            return ("local_authority_seal", "The common seal of {party} was affixed in the presence of:",
                    (("Authorised signatory", "sign"), ("Name", "name"), ("Title", "title"),
                     ("Seal register number", "blank"), ("Date", "date")))
        if not deed:
            return ("council_hand", "Signed for and on behalf of {party} by its authorised officer under its "
                    "constitution and scheme of delegation:", _SIGN)
        # the sealing is attested as the council's constitution requires: commonly two officers
        return ("local_authority_seal", "Executed as a deed by affixing the common seal of {party} in the presence of "
                "the officers authorised to attest it under its constitution:",
                (("Authorised officer", "sign"), ("Name", "name"), ("Title", "title"),
                 ("Second authorised officer (if its constitution requires one)", "sign"), ("Name", "blank"),
                 ("Title", "blank"), ("Seal register number", "blank"), ("Date", "date")))
    if k == "company":
        words = _company_words(partner)
        if not deed:
            return "company", "Signed for and on behalf of {party}" + words + " by its duly authorised signatory:", _SIGN
        return ("company_deed", "Executed as a deed by {party}" + words + " acting by a director, in the presence of "
                "a witness (section 44(2)(b) of the Companies Act 2006):",
                (("Signature of director", "sign"), ("Name", "name"), ("Title", "title")) + _WITNESS + (("Date", "date"),))
    if k == "llp":
        if not deed:
            return "llp", "Signed for and on behalf of {party} by a designated member:", (
                ("Signature of designated member", "sign"), ("Name", "name"), ("Date", "date"))
        return ("llp_deed", "Executed as a deed by {party} acting by a designated member, in the presence of a witness "
                "(section 44 of the Companies Act 2006 as applied to limited liability partnerships):",
                (("Signature of designated member", "sign"), ("Name", "name")) + _WITNESS + (("Date", "date"),))
    if k == "charity":
        if not deed:
            return "charity", "Signed for and on behalf of {party}, a registered charity, by its authorised signatory:", _SIGN
        return ("charity_deed", "Executed as a deed by {party}, a registered charity, acting by two of its charity "
                "trustees authorised to execute deeds on its behalf:",
                (("Signature of charity trustee", "sign"), ("Name", "name"),
                 ("Signature of charity trustee", "sign"), ("Name", "blank"), ("Date", "date")))
    if k == "partnership":
        if not deed:
            return ("partnership", "Signed by a partner for and on behalf of the partnership carrying on business as "
                    "{party}:", (("Signature of partner", "sign"), ("Name", "name"), ("Date", "date")))
        return ("partnership_deed", "Signed as a deed by a partner, for and on behalf of the partnership carrying on "
                "business as {party} under the authority of all its partners, in the presence of a witness:",
                (("Signature of partner", "sign"), ("Name", "name")) + _WITNESS + (("Date", "date"),))
    if k == "pcn":
        return ("other", "Signed for and on behalf of each member practice of {party} (a primary care network, which "
                "is not a legal person) by its authorised signatory:", _SIGN)
    if deed:
        return ("other_deed", "Executed as a deed by {party} in accordance with its constitution, in the presence of a "
                "witness:", (("Signature", "sign"), ("Name", "name"), ("Title", "title")) + _WITNESS + (("Date", "date"),))
    return "other", "Signed for and on behalf of {party}:", _SIGN


def signature_block(partner, deed: bool, binding: bool = True) -> SignatureBlock:
    sig = partner.signatory
    name = sig.name if sig and isinstance(sig.name, str) else ""
    title = sig.title if sig and isinstance(sig.title, str) else ""
    form, opening, lines = block_wording(partner, deed, binding)
    return SignatureBlock(partner.legal_name, form, name, title, opening, lines)


def document_execution(doc_type: str, parties: tuple) -> DocumentExecution:
    deed = bool(DEED_REASONS.get(doc_type))
    binding = doc_type != "heads_of_terms"
    return DocumentExecution(deed, binding, tuple(signature_block(p, deed, binding) for p in parties),
                             DEED_REASONS.get(doc_type, ""))
