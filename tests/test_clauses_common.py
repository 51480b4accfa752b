"""Common clauses (definitions, boilerplate, disputes, data protection, notices) and the heads of terms.

The common clauses are rendered through a small test manifest (in a temporary template folder)
that lists only them, so these tests do not depend on the other documents' manifests.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from acscontracts.terms.loader import load_terms
from acscontracts.terms.model import build_model
from acscontracts.pack import Engine, render
from acscontracts.engine.plan import plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ALL_SAMPLES = ["northvale-alliance", "riverbend-system", "westmoor-lead-provider", "eastmoor-icp"]
COMMON = ["definitions", "common-confidentiality", "common-foi", "common-data-protection",
          "common-conflicts-of-interest", "common-anti-bribery", "common-intellectual-property",
          "common-force-majeure", "common-dispute-resolution", "common-notices", "common-variation",
          "common-assignment", "common-entire-agreement", "common-severability", "common-waiver",
          "common-third-party-rights", "common-counterparts", "common-costs", "common-governing-law"]
PREAMBLE = """---
id: test-common-parties
title: Parties
kind: preamble
documents: [alliance_agreement, subcontract, aco_contract]
---
{% for p in parties %}
>party {{ p.legal_name }}, {{ p.description }} (<define>{{ p.short_name }}</define>)
{% endfor %}
{% if doc.type == 'aco_contract' %}
>recital The provider is the <define>{{ aco.provider_term }}</define>.
{% endif %}
"""
BAD = ("Missing(", "Decimal(", "None", "Undefined", "{{", "{%")


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("common-templates")
    (root / "clauses").mkdir()
    (root / "manifests").mkdir()
    (root / "clauses" / "test-common-parties.j2").write_text(PREAMBLE, encoding="utf-8")
    # the ACO contract's precedence paragraph, to which the common definitions clause refers
    (root / "clauses" / "test-aco-precedence.j2").write_text(
        "---\nid: test-aco-precedence\ntitle: Precedence\ndocuments: [aco_contract]\n---\n"
        "- [#precedence] The general conditions prevail.\n", encoding="utf-8")
    # the paragraphs of other clauses to which the common clauses refer: the alliance agreement's Settlement
    # Variations (precedence) and the exit indemnities a Successor Provider may enforce (third-party rights)
    stubs = {"alliance_agreement": ("test-aa-settlement", "- [#aa-sc-settlement-variation] The Service Contracts are "
                                    "varied (each a <define>Settlement Variation</define>).\n"),
             "subcontract": ("sc-schedule-staff-transfer", "- [#sc-st-exit] The exit indemnity given to a "
                             "<define>Successor Provider</define>.\n"),
             "aco_contract": ("aco-schedule-staff-transfer", "- [#st-exit-indemnity] The exit indemnity given to a "
                              "<define>Successor Provider</define>.\n")}
    for doc_type, (cid, text_) in stubs.items():
        (root / "clauses" / f"{cid}.j2").write_text(
            f"---\nid: {cid}\ntitle: Stub\ndocuments: [{doc_type}]\n---\n{text_}", encoding="utf-8")
    for doc_type in ("alliance_agreement", "subcontract", "aco_contract"):
        body = "".join(f"  - {c}\n" for c in COMMON + (["test-aco-precedence"] if doc_type == "aco_contract" else [])
                       + [stubs[doc_type][0]])
        (root / "manifests" / f"{doc_type}.yaml").write_text(
            f"doc_type: {doc_type}\ntitle: \"'Test'\"\nsubtitle: \"''\"\npreamble: [test-common-parties]\n"
            f"body:\n{body}schedules: []\n", encoding="utf-8")
    return {"common": Engine.create(template_dirs=[root]), "shipped": Engine.create()}


def sample_data(name: str) -> dict:
    return copy.deepcopy(load_terms(SAMPLES / f"{name}.yaml").data)


def render_doc(engine, data: dict, doc_type: str, index: int = 0) -> str:
    specs = [s for s in plan(build_model(data)) if s.doc_type == doc_type]
    text = render(specs[index], engine, "text").decode("utf-8")
    for bad in BAD:
        assert bad not in text, f"{bad!r} in {doc_type}"
    return text


def clause(text: str, title: str) -> str:
    """The text of one clause, from its heading to the next numbered heading."""
    start = text.index(title.upper())
    rest = text[start + len(title):]
    import re
    nxt = re.search(r"\n\d+  [A-Z]", rest)
    return rest[: nxt.start()] if nxt else rest


# --------------------------------------------------------------------------- heads of terms


@pytest.mark.parametrize("sample", ALL_SAMPLES)
def test_heads_of_terms_every_sample(engines, sample):
    data = sample_data(sample)
    terms = build_model(data)
    text = render_doc(engines["shipped"], data, "heads_of_terms")
    assert "HEADS OF TERMS" in text
    assert "not legally binding" in text
    assert "CONFIDENTIALITY (BINDING)" in text and "COSTS (BINDING)" in text and "GOVERNING LAW (BINDING)" in text
    for p in terms.partners:
        assert p.legal_name in text
    budget = terms.funding.budget.annual_amount
    from acscontracts.formatting import money_short
    assert money_short(budget) in text
    if terms.per_capita:
        assert "per head" in text
    for phase in terms.phases:
        assert (phase.label or phase.name) in text
    # the documents table lists what the deal calls for
    for a in terms.contracting.alliances:
        assert a.title in text
    if terms.contracting.aco:
        assert terms.contracting.aco.title in text
    assert text.count("Sub-contract |") == len(terms.contracting.subcontracts)
    for approval in terms.governance.approvals:
        assert approval.body in text


def test_heads_of_terms_contracting_model_wording(engines):
    assert "an alliance: the Partners will sign four agreements (three alliance agreements and one collaboration agreement)" in \
        render_doc(engines["shipped"], sample_data("riverbend-system"), "heads_of_terms")
    assert "lead provider model" in render_doc(engines["shipped"], sample_data("westmoor-lead-provider"), "heads_of_terms")
    assert "single integrated contract" in render_doc(engines["shipped"], sample_data("eastmoor-icp"), "heads_of_terms")


def test_heads_of_terms_all_health_service_bodies(engines):
    data = sample_data("westmoor-lead-provider")
    for p in data["partners"]:
        p["org_type"] = "nhs_trust"
    text = render_doc(engines["shipped"], data, "heads_of_terms")
    assert "The documents will be NHS contracts between the Lead Provider and each of" in text
    assert "(under the sub-contract)" in text
    assert "the dispute may be referred to the Secretary of State under section 9" in text
    assert "These Heads of Terms are not an NHS contract." in text


def test_heads_of_terms_draft_with_gaps(engines):
    data = sample_data("northvale-alliance")
    del data["funding"]["budget"]["annual_amount"]
    del data["term"]["end"]
    del data["governance"]["board"]["quorum"]
    text = render_doc(engines["shipped"], data, "heads_of_terms")
    assert "The annual budget is [●]" in text
    assert "its quorum is [●]" in text


# --------------------------------------------------------------------------- disputes and s9


def test_disputes_mixed_parties_go_to_expert_and_courts(engines):
    text = clause(render_doc(engines["common"], sample_data("northvale-alliance"), "alliance_agreement"),
                  "Dispute resolution")
    assert "final and binding" in text and "enforced between them in the courts of England and Wales" in text
    assert "NHS contract for the purposes" not in text
    assert "urgent interim or injunctive relief" in text
    assert "the Centre for Effective Dispute Resolution (CEDR)" in text
    assert "within ten (10) Business Days of the Dispute Notice" in text
    # stages in the order the terms give them
    assert text.index("negotiation:") < text.index("board:") < text.index("chief executives:") < text.index("mediation:")


def test_disputes_switch_to_secretary_of_state_when_all_health_service_bodies(engines):
    data = sample_data("westmoor-lead-provider")  # final: courts
    for p in data["partners"]:
        p["org_type"] = "nhs_trust"
    full = render_doc(engines["common"], data, "subcontract")
    text = clause(full, "Dispute resolution")
    assert "Because this Sub-Contract is an NHS contract between every two Parties" in text
    assert "refer it to the Secretary of State for determination under section 9 of the NHS Act" in text
    assert "start proceedings in the courts" not in text
    assert "injunctive relief" not in text
    assert "Drafting note: The terms make the courts the final route" in text
    law = clause(full, "Governing law and jurisdiction")
    assert "determined by the Secretary of State" in law and "exclusive jurisdiction" not in law
    # the same terms with a non-NHS party: the courts
    text = clause(render_doc(engines["common"], sample_data("westmoor-lead-provider"), "subcontract"),
                  "Dispute resolution")
    assert "start proceedings in the courts of England and Wales" in text
    assert "NHS contract for the purposes" not in text


def test_disputes_s9_final_with_a_council_party_splits_routes(engines):
    data = sample_data("northvale-alliance")
    data["disputes"]["final"] = "s9_referral"
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Dispute resolution")
    # section 9 reaches only the ICB-trust pairs; every other dispute goes to the courts
    assert "as between the two members of any NHS Contract Pair that are both Partners to the Dispute" in text
    assert "as between any other two Partners to the Dispute (two that are not an NHS Contract Pair), either of " \
           "them may start proceedings against the other in the courts" in text
    assert "solely between" not in text


def test_disputes_missing_terms_render_blanks(engines):
    data = sample_data("northvale-alliance")
    del data["disputes"]
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Dispute resolution")
    assert "[● final route]" in text and "Drafting note: The terms set out no dispute stages" in text


# --------------------------------------------------------------------------- data protection


@pytest.mark.parametrize("model, phrase", [
    ("independent", "separate and independent Controller"),
    ("joint", "joint controllers under Article 26 of the UK GDPR"),
    ("processor", "documented instructions of the Controller"),
])
def test_controller_model_changes_wording(engines, model, phrase):
    data = sample_data("northvale-alliance")
    data["enablers"]["data"]["controller_model"] = model
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Data protection and information governance")
    assert phrase in text
    for other in {"independent", "joint", "processor"} - {model}:
        other_phrase = dict([("independent", "separate and independent Controller"),
                             ("joint", "joint controllers under Article 26"),
                             ("processor", "documented instructions")])[other]
        assert other_phrase not in text


def test_processor_model_in_subcontract_names_the_controller(engines):
    data = sample_data("westmoor-lead-provider")
    data["enablers"]["data"]["controller_model"] = "processor"
    text = clause(render_doc(engines["common"], data, "subcontract"), "Data protection and information governance")
    assert "the Lead Provider is the Controller and the Federation is its Processor" in text


def test_data_sharing_agreement_and_no_sharing(engines):
    data = sample_data("northvale-alliance")
    data["enablers"]["data"]["dsa_in_place"] = False
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Data protection and information governance")
    assert "must agree and sign the Data Sharing Agreement before any Personal Data is shared" in text
    data["enablers"]["data"]["personal_data_shared"] = False
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Data protection and information governance")
    assert "do not intend to share Personal Data" in text
    assert "Article 26" not in text


def test_missing_controller_model_is_a_blank(engines):
    data = sample_data("northvale-alliance")
    del data["enablers"]["data"]["controller_model"]
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Data protection and information governance")
    assert "is to be confirmed: [●]" in text and "controller model" in text


# --------------------------------------------------------------------------- notices, FOI, definitions


@pytest.mark.parametrize("sample, doc_type", [("northvale-alliance", "alliance_agreement"),
                                              ("westmoor-lead-provider", "subcontract"),
                                              ("eastmoor-icp", "aco_contract")])
def test_notices_table_lists_every_party(engines, sample, doc_type):
    data = sample_data(sample)
    spec = [s for s in plan(build_model(data)) if s.doc_type == doc_type][0]
    text = clause(render_doc(engines["common"], data, doc_type), "Notices")
    rows = [line for line in text.splitlines() if " | " in line]
    assert len(rows) == len(spec.context["parties"]) + 1  # header + one row a party
    for p in spec.context["parties"]:
        assert any(p.legal_name in r and str(p.notice_email) in r and str(p.notice_address) in r for r in rows)


def test_notices_missing_address_is_a_blank(engines):
    data = sample_data("northvale-alliance")
    del data["partners"][0]["notice_address"]
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Notices")
    assert "NHS Northvale Integrated Care Board (the ICB) | [●] |" in text


def test_foi_names_public_authorities(engines):
    text = clause(render_doc(engines["common"], sample_data("westmoor-lead-provider"), "subcontract"),
                  "Freedom of information")
    assert "the Lead Provider is a public authority" in text
    assert "A Party that is not a public authority (the Federation)" in text


def test_definitions_follow_the_document(engines):
    aa = render_doc(engines["common"], sample_data("northvale-alliance"), "alliance_agreement")
    sc = render_doc(engines["common"], sample_data("westmoor-lead-provider"), "subcontract")
    aco = render_doc(engines["common"], sample_data("eastmoor-icp"), "aco_contract")
    assert "“Agreement” means" in aa and "“Partner” means" in aa and "Service Contracts prevail" not in aa
    assert "the Service Contract prevails" in aa
    assert "“Sub-Contract” means" in sc and "“Party” means" in sc and "“Partner”" not in sc
    assert "the higher or more onerous standard applies" in sc
    assert "“Contract” means" in aco and "“Party” means" in aco
    for text in (aa, sc, aco):
        assert "“Business Day” means" in text and "“NHS Act” means" in text


def test_open_book_changes_confidentiality(engines):
    data = sample_data("northvale-alliance")
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Confidentiality")
    assert "competition law" in text
    data["funding"]["open_book"] = True
    text = clause(render_doc(engines["common"], data, "alliance_agreement"), "Confidentiality")
    assert "open-book basis" in text and "competition law" not in text
