"""Domain rules over deal terms: what JSON Schema cannot say.

``check(loaded, final=..., strict=...)`` runs every rule in ``RULES`` over ``loaded.data`` (plain
dicts and lists, Decimal/int numbers, ISO date strings) and returns Diagnostics.

Codes: ``V1``..``V28`` are the validation rules of the domain brief, section (d); ``X1``..``X13``
are the cross-field rules of section (c) that (d) does not number; ``L1``..``L16``, ``L20``..``L25`` and ``L30``..``L34``, ``L40``
are the legal-soundness rules of ``legal.py`` (money flows, dates, execution, status), which read the legal facts:

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

and X14..X18, deals that cannot work:

  X14 two partners with the same short name (the documents could not tell them apart)
  X15 a board quorum that can never be met (above the seats, or too few organisations seated)
  X16 `model: alliance` with no alliances: one alliance of all the alliance members is assumed (warning)
  X17 a placeholder such as `[●]` or `TBC` typed as a value (warning in a draft, error with --final)
  X18 excluded heads of loss that the documents say can never be limited (fraud, death, personal injury)
  X19 with --final, a subcontract passing losses to the subcontractor with no cap

and, with --final, what an alliance agreement or an ICP contract prints that only some deals need:

  X20 an alliance none of whose members provides services under a contract in contracting.service_contracts
  X21 an alliance board member whose representatives (one a seat) or lead officer are not named
  X22 running costs shared in fixed shares with no share given for the alliance's partners
  X23 an ICP contract with several commissioners that does not split the payment between them
  X26 dispute stages that are only the final route (s9_referral, courts), with no stage before it

and two more deals that cannot work:

  X24 a subcontract's service specifications that do not match its services (one each), or whose annual values
      do not add up to its value; with --final, a service without one, and the unit and price (payment for
      activity) or annual value (several services otherwise) that the sub-contract prints
  X25 an incentive pool larger than the annual budget it is paid from
  X27 risk-share baseline parts that do not add up to the baseline, or that belong to a partner with no share

The rules read the terms after ``terms.derive`` has filled in what a draft may leave implicit.

When ``strict`` is False the schema already found errors, so every rule reads the data
defensively: anything of the wrong shape is skipped, and no rule raises.
"""
from __future__ import annotations

from acscontracts.diagnostics import Diagnostic
from acscontracts.terms.rules import integrity
from acscontracts.terms.rules import legal
from acscontracts.terms.rules import policy
from acscontracts.terms.rules import structure
from acscontracts.terms.rules.context import Ctx

RULES = structure.RULES + policy.RULES + integrity.RULES + legal.RULES  # run in this order


def check(loaded, *, final: bool = False, strict: bool = True) -> list[Diagnostic]:
    """Run every rule; with ``strict`` False (schema errors found) a rule that trips on bad shapes is skipped."""
    return run(loaded, final=final, strict=strict)[0]


def run(loaded, *, final: bool = False, strict: bool = True) -> tuple[list[Diagnostic], Ctx | None]:
    """``check``'s diagnostics, and the context the rules read (its typed model, when a rule built one)."""
    if not isinstance(loaded.data, dict):
        return [], None
    ctx = Ctx(loaded, final, strict)
    found: list[Diagnostic] = []
    for rule in RULES:
        try:
            found.extend(rule(ctx))
        except Exception:  # noqa: BLE001 - a rule must never take validation down with it
            if strict:
                raise
    return found, ctx
