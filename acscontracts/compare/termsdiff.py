"""Terms diff: what changed between two versions of a deal's terms, in plain words.

``diff_terms(old, new) -> [Change]`` compares the plain data (``LoadedTerms.data``), matching
list items by id (``id``, ``partner_id`` or another id-like key) so that a partner inserted
first is one addition, not a change to every partner after it. Lists of scalars are compared
as sets; lists of records with no id-like key are aligned with difflib.

``affected_clauses(old_docs, new_docs)`` compares two renderings of the pack part by part (the
words of every clause and schedule, with cross-references by target so that renumbering alone
does not count; the front page; the execution blocks), and ``attribute(changes, impacts)`` tells,
for each change, which of those parts it moved: a changed part is attributed to a change when the
part read the changed term while it was rendered (``engine.reads`` records the terms paths each
part reads). The recorded reads narrow the search; the comparison of wording decides. Parts no
change explains stay listed under their document.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from acscontracts import formatting
from acscontracts.engine.reads import EXECUTION, FRONT, overlaps
from acscontracts.engine.resolve import DEFINITIONS_CLAUSE
from acscontracts.engine.tree import Para, Ref

# Keys that identify a record in a list, in order of preference.
ID_KEYS = ("id", "partner_id", "use", "milestone", "risk", "property", "level", "name", "type", "metric")
MONEY_KEYS = {"amount", "value_pa", "baseline", "cap_amount", "max_amount", "total", "cost_pa", "annual_amount",
              "amount_pa", "pool_amount", "contract_value_pa", "min_net_assets"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class ClauseRef:
    """One clause or schedule of one document, as it reads in the new version (or the old, if removed)."""

    document: str  # document name ("alliance_agreement", "subcontract-physiofirst")
    clause_id: str
    label: str  # "clause 18 (Risk share)" / "Schedule 6 (Financial framework)"
    status: str = CHANGED  # changed | added | removed


@dataclass(frozen=True)
class Change:
    """One changed term."""

    kind: str  # added | removed | changed
    parts: tuple  # JSON path with list items named by their id: ("partners", "eastport-trust")
    old: object = None  # plain data (None when added)
    new: object = None  # plain data (None when removed)
    affects: tuple = ()  # tuple[ClauseRef, ...]
    label: str = ""  # the path in plain words ("Funding, risk share, corridor 1, share (NHFT), percentage")
    # Where the change sits in each version, list items by index (as engine.reads records reads); None
    # in the version that lacks it.
    at_old: str | None = field(default=None, compare=False)
    at_new: str | None = field(default=None, compare=False)

    @property
    def path(self) -> str:
        return format_path(self.parts)

    @property
    def old_text(self) -> str:
        return "" if self.kind == ADDED else format_value(self.parts, self.old)

    @property
    def new_text(self) -> str:
        return "" if self.kind == REMOVED else format_value(self.parts, self.new)

    def words(self) -> str:
        """`funding.risk_share.corridors[0].shares[northvale-hospitals].pct: 15.00% → 20.00%`"""
        if self.kind == ADDED:
            return f"{self.path}: added {self.new_text}"
        if self.kind == REMOVED:
            return f"{self.path}: removed {self.old_text}"
        return f"{self.path}: {self.old_text} → {self.new_text}"

    def as_record(self) -> dict:
        return {"kind": self.kind, "path": self.path, "label": self.label or plain_words(self.parts),
                "old": self.old_text or None, "new": self.new_text or None, "summary": self.words(),
                "affects": [{"document": c.document, "clause": c.clause_id, "label": c.label, "status": c.status}
                            for c in self.affects]}


class Key(str):
    """A list item named by its id in a path: shown as ``[id]``."""


def format_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, Key):
            out += f"[{part}]"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "$"


# --------------------------------------------------------------------------- values for people


def field_name(parts) -> str:
    for part in reversed(parts):
        if isinstance(part, str) and not isinstance(part, Key):
            return part
    return ""


def format_value(parts, value) -> str:
    """A value as a person reads it: £1,320,000,000, 15.00%, 1 April 2027, yes/no."""
    name = field_name(parts)
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, Decimal)):
        if "pct" in name.split("_"):  # pct, weight_pct, pool_pct_of_budget
            return formatting.pct(value)
        if name in MONEY_KEYS:
            return formatting.money(value)
        return formatting.number(value)
    if isinstance(value, str):
        if _DATE.match(value):
            try:
                return formatting.date(value)
            except ValueError:
                return value
        value = value.replace("\r", "\\r").replace("\n", "\\n")  # one change, one line
        return f"“{value}”" if " " in value or not value else value
    if isinstance(value, dict):
        return _describe_record(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(parts, v) for v in value) + "]"
    return str(value)


def _describe_record(record: dict) -> str:
    if set(record) <= {"name", "title"} and record:  # a signatory: "Jane Smith, Chief Executive"
        return ", ".join(str(record[k]) for k in ("name", "title") if k in record)
    if "from_pct" in record and "to_pct" in record:
        return (f"corridor {formatting.pct(record['from_pct'])} to {formatting.pct(record['to_pct'])}"
                f" ({record.get('direction', 'both')})")
    if "from_id" in record and "to_id" in record:
        count = f", {record['headcount']} staff" if "headcount" in record else ""
        return f"from {record['from_id']} to {record['to_id']}{count}"
    for key in ("legal_name", "title", "name", "milestone", "risk", "property", "type", "forum"):
        if isinstance(record.get(key), str):
            return f"“{record[key]}”"
    if "partner_id" in record:
        extra = [f"{k} {format_value((k,), v)}" for k, v in record.items()
                 if k != "partner_id" and not isinstance(v, (dict, list))]
        return f"for {record['partner_id']}" + (f" ({', '.join(extra)})" if extra else "")
    if "id" in record:
        return f"`{record['id']}`"
    return "an entry"


WORDS = {"pct": "percentage", "funding": "funding", "risk_share": "risk share", "corridors": "corridor",
         "shares": "share", "partners": "partner", "phases": "phase", "members": "member", "caps": "cap",
         "subcontracts": "subcontract", "alliances": "alliance", "approvals": "approval",
         "contributions": "contribution", "pooled_funds": "pooled fund", "measures": "measure",
         "service_contracts": "service contract", "value_pa": "annual value", "cost_pa": "annual cost",
         "max_amount": "maximum", "member_ids": "members", "partner_ids": "partners",
         "supermajority_pct": "supermajority", "tupe_transfers": "TUPE transfer", "secondments": "secondment"}


def plain_words(parts, names: dict | None = None) -> str:
    """`funding.risk_share.corridors[0].shares[northvale-hospitals].pct` ->
    `funding, risk share, corridor 1, share (NHFT), percentage`."""
    names = names or {}
    words: list[str] = []
    for part in parts:
        if isinstance(part, Key):
            shown = names.get(part, part)
            words[-1] += f" ({shown})" if words else shown
        elif isinstance(part, int):
            words[-1] += f" {part + 1}" if words else str(part + 1)
        else:
            words.append(WORDS.get(part, part.replace("_", " ")))
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- the diff


def diff_terms(old, new) -> list[Change]:
    """Every changed term between two LoadedTerms (or two plain data trees), in document order."""
    old_data = getattr(old, "data", old)
    new_data = getattr(new, "data", new)
    changes: list[Change] = []
    _diff(old_data, new_data, (), changes, "", "")
    return changes


def _at(path: str, part) -> str:
    """A JSON path one step down: ``a`` + ``b`` -> ``a.b``; ``a`` + 3 -> ``a[3]``."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _diff(a, b, parts: tuple, out: list, at_a: str, at_b: str) -> None:
    """``at_a`` / ``at_b``: where the values sit in each version (list indices, as engine.reads records)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(b) + [k for k in a if k not in b]:
            if key not in a:
                out.append(Change(ADDED, parts + (key,), None, b[key], at_new=_at(at_b, key)))
            elif key not in b:
                out.append(Change(REMOVED, parts + (key,), a[key], None, at_old=_at(at_a, key)))
            else:
                _diff(a[key], b[key], parts + (key,), out, _at(at_a, key), _at(at_b, key))
        return
    if isinstance(a, list) and isinstance(b, list):
        _diff_list(a, b, parts, out, at_a, at_b)
        return
    if _same(a, b):
        return
    out.append(Change(CHANGED, parts, a, b, at_old=at_a, at_new=at_b))


def _same(a, b) -> bool:
    if type(a) is bool or type(b) is bool:
        return a is b
    return a == b


def _id_key(a: list, b: list) -> str | None:
    items = a + b
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in ID_KEYS:
        values_a = [i.get(key) for i in a]
        values_b = [i.get(key) for i in b]
        if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values_a + values_b) \
                and len(set(values_a)) == len(a) and len(set(values_b)) == len(b):
            return key
    if all({"from_id", "to_id"} <= set(i) for i in items):  # secondments, TUPE transfers
        pairs_a = [(i["from_id"], i["to_id"]) for i in a]
        pairs_b = [(i["from_id"], i["to_id"]) for i in b]
        if len(set(pairs_a)) == len(a) and len(set(pairs_b)) == len(b):
            return "from_id>to_id"
    return None


def _key_of(item: dict, key: str) -> str:
    if key == "from_id>to_id":
        return f"{item['from_id']}>{item['to_id']}"
    return str(item[key])


def _diff_list(a: list, b: list, parts: tuple, out: list, at_a: str, at_b: str) -> None:
    key = _id_key(a, b)
    if key is not None:
        old_by = {_key_of(item, key): (index, item) for index, item in enumerate(a)}
        new_by = {_key_of(item, key): (index, item) for index, item in enumerate(b)}
        for k, (j, item) in new_by.items():
            if k not in old_by:
                out.append(Change(ADDED, parts + (Key(k),), None, item, at_new=_at(at_b, j)))
            else:
                i, was = old_by[k]
                _diff(was, item, parts + (Key(k),), out, _at(at_a, i), _at(at_b, j))
        for k, (i, item) in old_by.items():
            if k not in new_by:
                out.append(Change(REMOVED, parts + (Key(k),), item, None, at_old=_at(at_a, i)))
        return
    if all(not isinstance(i, (dict, list)) for i in a + b):  # scalars: a set
        for item in b:
            if not any(_same(item, x) for x in a):
                out.append(Change(ADDED, parts, None, item, at_old=at_a, at_new=at_b))
        for item in a:
            if not any(_same(item, x) for x in b):
                out.append(Change(REMOVED, parts, item, None, at_old=at_a, at_new=at_b))
        return
    # Records without an id (corridors): align equal items, pair the rest by position.
    matcher = difflib.SequenceMatcher(None, [_freeze(i) for i in a], [_freeze(i) for i in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            _diff(a[i1 + k], b[j1 + k], parts + (j1 + k,), out, _at(at_a, i1 + k), _at(at_b, j1 + k))
        for k in range(j1 + paired, j2):
            out.append(Change(ADDED, parts + (k,), None, b[k], at_new=_at(at_b, k)))
        for k in range(i1 + paired, i2):
            out.append(Change(REMOVED, parts + (k,), a[k], None, at_old=_at(at_a, k)))


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return (type(value).__name__ == "bool", value)


# --------------------------------------------------------------------------- clauses affected


@dataclass(frozen=True)
class ClauseDiff:
    ref: ClauseRef
    old_text: str
    new_text: str
    old_reads: frozenset = frozenset()  # terms paths the part read in each version (engine.reads)
    new_reads: frozenset = frozenset()


@dataclass(frozen=True)
class DocumentImpact:
    """What moved in one document: its changed clauses (and whether the document is new or gone)."""

    document: str
    status: str  # changed | added | removed | unchanged
    clauses: tuple = ()  # tuple[ClauseDiff, ...]
    other_changes: bool = False  # front page, parties or signatures differ too


def _stable_inlines(inlines) -> tuple:
    """Cross-references shown by target, not number: a clause that is only renumbered reads the same."""
    return tuple(Ref(i.target, f"<{i.target}>") if isinstance(i, Ref) else i for i in inlines)


def _stable_text(blocks) -> str:
    from acscontracts.writers.text import inline_text

    lines = []
    for block in blocks:
        if isinstance(block, Para):
            lines.append(inline_text(_stable_inlines(block.inlines)))
        else:
            lines.extend(" | ".join(inline_text(_stable_inlines(c)) for c in row)
                         for row in (block.header,) + tuple(block.rows))
    return "\n".join(lines)


FRONT_LABEL = "the front page and parties"
EXECUTION_LABEL = "the execution blocks"


def _part_texts(document) -> dict:
    """part id -> (label, text) for the front page, preamble, every clause and schedule, and the
    execution blocks; the ids are those engine.reads records reads under."""
    parts = {FRONT: (FRONT_LABEL, "\n".join([document.title, document.subtitle, document.date_text]
                                             + [repr(p) for p in document.parties])),
             "preamble": ("the parties and recitals", _stable_text(document.preamble))}
    for clause in document.clauses:
        parts[clause.id] = (f"clause {clause.number} ({clause.title})", clause.title + "\n" + _stable_text(clause.blocks))
    for schedule in document.schedules:
        parts[schedule.id] = (f"Schedule {schedule.number} ({schedule.title})",
                              schedule.title + "\n" + _stable_text(schedule.blocks))
    parts[EXECUTION] = (EXECUTION_LABEL, "\n".join(repr(s) for s in document.signatures))
    return parts


def _part_reads(document, part: str) -> frozenset:
    """What a part read. The definitions clause lists the terms the whole document uses, so it reads
    what every part reads."""
    if part == DEFINITIONS_CLAUSE:
        return frozenset().union(*document.reads.values())
    return document.reads.get(part, frozenset())


def affected_clauses(old_docs: dict, new_docs: dict) -> list[DocumentImpact]:
    """Compare two renderings ({document name: resolved tree.Document}) part by part: the words of each
    clause and schedule (a cross-reference that is only renumbered does not count), the front page and
    the execution blocks."""
    impacts = []
    for name in list(new_docs) + [n for n in old_docs if n not in new_docs]:
        old, new = old_docs.get(name), new_docs.get(name)
        if old is None or new is None:
            status = ADDED if old is None else REMOVED
            impacts.append(DocumentImpact(name, status))
            continue
        old_parts, new_parts = _part_texts(old), _part_texts(new)
        diffs = []
        for cid, (label, text) in new_parts.items():
            reads = (_part_reads(old, cid), _part_reads(new, cid))
            if cid not in old_parts:
                diffs.append(ClauseDiff(ClauseRef(name, cid, label, ADDED), "", text, *reads))
            elif old_parts[cid][1] != text:
                diffs.append(ClauseDiff(ClauseRef(name, cid, label, CHANGED), old_parts[cid][1], text, *reads))
        for cid, (label, text) in old_parts.items():
            if cid not in new_parts:
                diffs.append(ClauseDiff(ClauseRef(name, cid, label, REMOVED), text, "",
                                        _part_reads(old, cid), _part_reads(new, cid)))
        other = any(d.ref.clause_id in (FRONT, EXECUTION) for d in diffs)
        status = CHANGED if diffs else "unchanged"
        impacts.append(DocumentImpact(name, status, tuple(diffs), other))
    return impacts


def moved_by(change: Change, diff: ClauseDiff) -> bool:
    """The change can explain the part's new wording: the part read (in the old or the new version)
    a term at, under or above the change's path."""
    return (change.at_old is not None and overlaps(diff.old_reads, change.at_old)) or \
        (change.at_new is not None and overlaps(diff.new_reads, change.at_new))


def attribute(changes: list[Change], impacts: list[DocumentImpact]) -> list[Change]:
    """Each change with the parts whose wording differs and that read the changed term."""
    return [replace(change, affects=tuple(d.ref for impact in impacts for d in impact.clauses if moved_by(change, d)))
            for change in changes]


def unexplained(changes: list[Change], impacts: list[DocumentImpact]) -> list[ClauseRef]:
    """Changed clauses that no change was attributed to (listed under their document)."""
    seen = {(c.document, c.clause_id) for ch in changes for c in ch.affects}
    return [d.ref for i in impacts for d in i.clauses if (d.ref.document, d.ref.clause_id) not in seen]


def short_names(*datas) -> dict:
    """partner id -> short name (the later version wins)."""
    return {p["id"]: p["short_name"] for data in datas for p in (data.get("partners") or [])
            if isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("short_name"), str)}


# --------------------------------------------------------------------------- whole comparison


@dataclass(frozen=True)
class Comparison:
    changes: tuple  # tuple[Change, ...] with .affects filled in
    documents: tuple  # tuple[DocumentImpact, ...]
    old_docs: dict = field(default_factory=dict, compare=False)  # name -> resolved Document
    new_docs: dict = field(default_factory=dict, compare=False)

    @property
    def unexplained(self) -> list[ClauseRef]:
        return unexplained(list(self.changes), list(self.documents))

    def as_record(self) -> dict:
        return {"changes": [c.as_record() for c in self.changes],
                "documents": [{"document": d.document, "status": d.status,
                               "clauses": [{"clause": c.ref.clause_id, "label": c.ref.label, "status": c.ref.status}
                                           for c in d.clauses]} for d in self.documents]}


def render_pack(model, engine) -> dict:
    """{document name: resolved Document} for every document the terms call for."""
    from acscontracts.pack import resolved_document
    from acscontracts.engine.plan import plan

    return {spec.name: resolved_document(spec, engine, track_reads=True) for spec in plan(model)
            if spec.doc_type in engine.library.manifests}


def compare(old_checked, new_checked, engine) -> Comparison:
    """Terms diff plus the clauses each change moved. Arguments are validation.Checked with a model."""
    changes = diff_terms(old_checked.loaded, new_checked.loaded)
    old_docs = render_pack(old_checked.model, engine)
    new_docs = render_pack(new_checked.model, engine)
    impacts = affected_clauses(old_docs, new_docs)
    short = short_names(old_checked.loaded.data, new_checked.loaded.data)
    changes = [replace(c, label=plain_words(c.parts, short)) for c in attribute(changes, impacts)]
    return Comparison(tuple(changes), tuple(impacts), old_docs, new_docs)


def format_text(comparison: Comparison) -> str:
    """The `acscontracts diff` report."""
    lines = []
    if not comparison.changes:
        lines.append("no changes to the terms")
    for change in comparison.changes:
        lines.append(change.words())
        for ref in change.affects:
            lines.append(f"    {ref.document}: {ref.label}" + ("" if ref.status == CHANGED else f" ({ref.status})"))
    changed_docs = [d for d in comparison.documents if d.status != "unchanged"]
    if changed_docs or comparison.changes:
        lines.append("")
    for doc in comparison.documents:
        if doc.status == "unchanged":
            lines.append(f"{doc.document}: unchanged")
            continue
        if doc.status in (ADDED, REMOVED):
            lines.append(f"{doc.document}: document {doc.status}")
            continue
        labels = [c.ref.label + ("" if c.ref.status == CHANGED else f" ({c.ref.status})") for c in doc.clauses]
        lines.append(f"{doc.document}: {len(doc.clauses)} clause(s) changed: " + "; ".join(labels))
    return "\n".join(lines) + "\n"
