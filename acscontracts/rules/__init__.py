"""Domain rules over deal terms: what JSON Schema cannot say.

``check(loaded, final=..., strict=...)`` runs every rule in ``RULES`` over ``loaded.data`` (plain
dicts and lists, Decimal/int numbers, ISO date strings) and returns Diagnostics.

Codes: ``V1``..``V28`` are the validation rules of the domain brief, section (d); ``X1``..``X13``
are the cross-field rules of section (c) that (d) does not number:

  X1  a pooled fund's host partner is not one of its partner_ids
  X2  duplicate ids (or duplicate partner references) within one list
  X3  weighted_supermajority without a supermajority_pct above 50
  X4  a board member or chair who is not a member of the partnership, or a chair not on the board
  X5  a subcontract's head provider lacks the lead_provider/icp_holder role or does not hold the head contract
  X6  a pooled fund's contributions do not add up to its total
  X7  the roles and parts each contracting model needs
  X8  percentage contributions that do not add up to 100%, or a contribution with both/neither amount and pct
  X9  a role the organisation type cannot hold (commissioner, s75 host partner)
  X10 la_tier on an organisation that is not a local authority
  X11 pool_pct_of_budget above the 20% sanity bound (warning)
  X12 a partner named in a place that needs a role it does not have (warning)
  X13 an end date before its start date (term, service contract, subcontract)

When ``strict`` is False the schema already found errors, so every rule reads the data
defensively: anything of the wrong shape is skipped, and no rule raises.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from .context import Ctx
from .structure import (
    ccg_after_abolition,
    commissioner_as_provider,
    icp_holder_type,
    risk_share_arithmetic,
    partner_references,
    phase_dates,
    s75_pool_partners,
    s75_pool_contents,
    subcontract_head_contract,
)
from .policy import (
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
from .integrity import (
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
)

RULES = (
    ccg_after_abolition,
    commissioner_as_provider,
    icp_holder_type,
    risk_share_arithmetic,
    partner_references,
    phase_dates,
    s75_pool_partners,
    s75_pool_contents,
    subcontract_head_contract,
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
)


def check(loaded, *, final: bool = False, strict: bool = True) -> list[Diagnostic]:
    """Run every rule; with ``strict`` False (schema errors found) a rule that trips on bad shapes is skipped."""
    if not isinstance(loaded.data, dict):
        return []
    ctx = Ctx(loaded, final, strict)
    found: list[Diagnostic] = []
    for rule in RULES:
        try:
            found.extend(rule(ctx))
        except Exception:  # noqa: BLE001 - a rule must never take validation down with it
            if strict:
                raise
    return found
