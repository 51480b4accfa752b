"""The deal's dates on one timeline: signature, effective date, service commencement, longstop,
TUPE information (for the contract and for each subcontract that carries a transfer), break-point
reviews, phase gates and risk-share reconciliations."""
from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass

RECONCILIATION_MONTHS = 3  # a year's risk share is reconciled within three months after it ends
TUPE_INFORMATION_DAYS = 28  # employee liability information: at least 28 days before the transfer
PENSION_LONGSTOP_DAYS = 28  # the pension route (direction, admission, GAD certificate) is settled by then
BREAK_REVIEW_LEAD_MONTHS = 3  # a break-point review ends this long before the last day for break notice
CONDITIONS_LONGSTOP_MONTHS = 3  # an alliance agreement's conditions are met within this long after it commences


def _is_date(value) -> bool:
    return isinstance(value, _dt.date)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` later; a month-end stays a month-end (31 Dec + 3 months = 31 Mar)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return _dt.date(year, month, last if month_end else min(day.day, last))


@dataclass(frozen=True)
class Reconciliation:
    """One financial year of an active risk share and when its reconciliation is due."""

    phase: object  # model.Phase
    year_start: _dt.date
    year_end: _dt.date

    @property
    def due(self) -> _dt.date:
        return add_months(self.year_end, RECONCILIATION_MONTHS)


@dataclass(frozen=True)
class PhaseGate:
    """Entry to a phase, and the reconciliation (if any) that its entry criteria wait for."""

    phase: object
    previous: object  # the phase before it, or None
    needs_reconciliation: bool
    reconciled_to: _dt.date = None  # the period the entry reconciliation covers (ends on this date)

    @property
    def reconciliation_due(self):
        return add_months(self.reconciled_to, RECONCILIATION_MONTHS) if _is_date(self.reconciled_to) else None

    @property
    def before_reconciliation(self) -> bool:
        """True when the phase would start before the reconciliation its entry needs can be done."""
        due = self.reconciliation_due
        return bool(self.needs_reconciliation and due and _is_date(self.phase.start) and self.phase.start < due)


@dataclass(frozen=True)
class TupeInformation:
    transfer: object  # model.StaffMove
    due: _dt.date

    @property
    def pension_longstop(self) -> _dt.date:
        """The date by which the transferee's pension arrangements must be in place (a condition of the
        transfer): the same 28 days before the transfer as the employee information, so that staff are
        told of the pension arrangements as a measure before they move."""
        return self.transfer.date - _dt.timedelta(days=PENSION_LONGSTOP_DAYS)


@dataclass(frozen=True)
class BreakReview:
    """A break point, the last day on which notice to end at it may be given, and the date by which the
    review that informs that decision must be complete."""

    break_point: _dt.date
    notice_months: object  # int, or None when the terms give no notice period

    @property
    def notice_by(self):
        return add_months(self.break_point, -int(self.notice_months)) if isinstance(self.notice_months, int) else None

    @property
    def review_by(self):
        return add_months(self.notice_by, -BREAK_REVIEW_LEAD_MONTHS) if self.notice_by else None


@dataclass(frozen=True)
class Timeline:
    effective: object  # date the document takes effect (a date, or Missing in a draft)
    service_commencement: object  # date services start (ACO/ICP contract); else the term start
    expiry: object
    longstop: object  # date by which conditions precedent must be met (or Missing/None)
    longstop_agreed: bool  # the terms give the longstop; else it is service commencement (or not known)
    gates: tuple  # tuple[PhaseGate, ...]
    reconciliations: tuple  # tuple[Reconciliation, ...]
    tupe_information: tuple  # tuple[TupeInformation, ...]
    break_reviews: tuple = ()  # tuple[BreakReview, ...], in date order
    # the date the head contract was entered into: its own signed_date, or (an ICP contract the pack drafts)
    # the deal's effective date; Missing in a draft that gives neither; None where there is no head contract
    head_contract_signed: object = None
    # the date by which an alliance agreement's conditions must be met (three months after its commencement)
    conditions_longstop: object = None

    def first_settlement_by(self, settlement):
        """The date by which the first risk-share calculation is due, and so the first settlement (and incentive
        payment) can be made. The documents settle by financial year (1 April to 31 March): the first one in which
        the risk share applies is the one in which its first reconciliation year starts. Quarterly settlement: the
        end of the quarter of that financial year in which the risk share starts; otherwise three months after
        the end of that financial year. None without an active risk share."""
        first = self.first_reconciliation
        if first is None:
            return None
        start = first.year_start
        year_end = _dt.date(start.year + (start.month >= 4), 3, 31)
        if settlement == "quarterly":
            quarter_end = year_end
            while add_months(quarter_end, -3) >= start:
                quarter_end = add_months(quarter_end, -3)
            return quarter_end
        return add_months(year_end, RECONCILIATION_MONTHS)

    def subcontract_effective(self, sub):
        """The date a subcontract binds: its own effective_date (signature), else the deal's effective date."""
        own = getattr(sub, "effective_date", None)
        return own if _is_date(own) else self.effective

    def subcontract_tupe(self, sub) -> tuple:
        """Employee information for the transfers into a subcontractor (those its sub-contract papers)."""
        return tuple(t for t in self.tupe_information if t.transfer.to_id == sub.subcontractor_id)

    def break_review_after(self, day):
        """The review of the first break point after ``day`` (the break a review on that day informs)."""
        return next((b for b in self.break_reviews if _is_date(day) and b.break_point > day), None)

    def break_review_before(self, day):
        """The review of the last break point before ``day`` (the break a phase starting then follows)."""
        found = [b for b in self.break_reviews if _is_date(day) and b.break_point < day]
        return found[-1] if found else None

    @property
    def has_mobilisation(self) -> bool:
        """The document binds before services start (conditions precedent and mobilisation can bite)."""
        return (_is_date(self.effective) and _is_date(self.service_commencement)
                and self.effective < self.service_commencement)

    @property
    def first_reconciliation(self):
        return self.reconciliations[0] if self.reconciliations else None


def _needs_reconciliation(phase) -> bool:
    return any("reconcil" in c.lower() for c in phase.entry_criteria if isinstance(c, str))


def _years(phase):
    """The financial years (1 April to 31 March) of a phase, the first and last cut to the phase's own dates: the
    risk share is reconciled and settled by financial year, a part year included."""
    start, end = phase.start, phase.end
    if not (_is_date(start) and _is_date(end)):
        return
    while start <= end:
        year_end = min(_dt.date(start.year + (start.month >= 4), 3, 31), end)
        yield start, year_end
        start = year_end + _dt.timedelta(days=1)


def compute(terms) -> Timeline:
    aco = terms.contracting.aco
    term = terms.term
    term_start = term.start if term else None
    commencement = aco.service_commencement if aco and _is_date(aco.service_commencement) else term_start
    gates = []
    phases = terms.phases
    for i, phase in enumerate(phases):
        previous = phases[i - 1] if i else None
        reconciled_to = phase.reconciliation_to if _is_date(phase.reconciliation_to) else \
            (previous.end if previous is not None else None)
        gates.append(PhaseGate(phase, previous, _needs_reconciliation(phase) and previous is not None, reconciled_to))
    reconciliations = tuple(Reconciliation(p, s, e) for p in phases if p.risk_share_active for s, e in _years(p))
    workforce = terms.enablers.workforce if terms.enablers else None
    tupe = tuple(TupeInformation(t, t.date - _dt.timedelta(days=TUPE_INFORMATION_DAYS))
                 for t in (workforce.tupe_transfers if workforce else ()) if _is_date(t.date))
    # The conditions precedent of an ICP contract must be met by the longstop date the terms give or,
    # where they give none, by service commencement: services cannot start while a condition is unmet.
    agreed = bool(aco) and _is_date(aco.longstop_date)
    longstop = aco.longstop_date if agreed or not aco else (commencement if _is_date(commencement) else aco.longstop_date)
    notice = terms.exit.withdrawal_notice_months if terms.exit else None
    notice = notice if isinstance(notice, int) and not isinstance(notice, bool) and notice > 0 else None
    breaks = tuple(BreakReview(b, notice) for b in sorted(b for b in (term.break_points if term else ()) if _is_date(b)))
    return Timeline(terms.deal.effective_date, commencement, term.end if term else None,
                    longstop, agreed, tuple(gates), reconciliations, tupe, breaks, _head_contract_signed(terms),
                    add_months(term_start, CONDITIONS_LONGSTOP_MONTHS) if _is_date(term_start) else None)


def _head_contract_signed(terms):
    contracting = terms.contracting
    head = next((c for c in contracting.service_contracts if c.id == contracting.head_contract_id), None)
    if head is None:
        return None
    if _is_date(head.signed_date):
        return head.signed_date
    aco = contracting.aco
    if head.form == "icp" and aco and aco.holder_id == head.provider_id:
        return terms.deal.effective_date  # the ICP contract the pack drafts is dated its Effective Date
    return head.signed_date
