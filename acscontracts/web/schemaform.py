"""The deal form, generated from the JSON Schema: schema + data -> a tree of form fields to render, and
the submitted form -> data again.

Every input is named by its JSON path (``funding.risk_share.corridors[0].from_pct``), the same path the
CLI's diagnostics carry, so a diagnostic finds its field by name. Rows of a list carry a hidden
``PATH[i]._row`` marker, so an empty new row survives a round trip; a partner row taken from the
partner register carries ``PATH[i]._use``; a list or object the data has, even empty, carries ``PATH._list``
or ``PATH._obj``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from acscontracts.diagnostics import ERROR, Diagnostic
from acscontracts.web import inputs

# Values a partner picker offers beyond the partners, by field name (the schema's description says so).
EXTRA_CHOICES = {"chair": (("independent", "Independent chair", "A chair who is not from any partner"),)}

# Scalar kinds: how each is read from the form and shown in it.
_READERS = {"money": inputs.read_money, "percent": inputs.read_percent, "date": inputs.read_date,
            "integer": inputs.read_integer, "number": inputs.read_number, "boolean": inputs.read_boolean}
_SHOWERS = {"money": inputs.show_money, "percent": inputs.show_percent, "date": inputs.show_date,
            "integer": inputs.show_number, "number": inputs.show_number}


@dataclass
class Field:
    """One field of the form, with the value it shows.

    kind: object | list (rows of objects) | lines (list of text, one a line) | dates (list of dates, one a
    line) | choices (list of enum values) | partners (list of partner ids) | enum | partner | boolean |
    money | percent | date | integer | number | text | const.
    """

    kind: str
    path: str
    name: str
    title: str
    help: str = ""
    required: bool = False  # a draft needs it
    final: bool = False  # a final document needs it
    value: object = ""  # scalars: the text shown; choices/partners: the chosen values
    options: tuple = ()  # (value, label, explanation) for enum, partner, choices, partners
    children: list = field(default_factory=list)  # object: its fields; list: its rows (objects)
    present: bool = True  # an optional object or a list: whether the data has it
    variant: str = ""  # a partner row taken from the register: "use"
    item_title: str = ""  # list: what one row is called


class SchemaForm:
    """The form for one schema (the deal-terms schema), built once per process."""

    def __init__(self, schema: dict):
        self.schema = schema

    # ------------------------------------------------------------------ schema nodes

    def _resolve(self, node: dict) -> tuple[dict, str]:
        """(node with its $ref followed, name of the $defs entry it refers to or "")."""
        ref_name = ""
        while "$ref" in node:
            ref_name = node["$ref"].rsplit("/", 1)[-1]
            target = self.schema["$defs"][ref_name]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node, ref_name

    def kind(self, node: dict) -> str:
        node, ref = self._resolve(node)
        if ref in ("money", "percent", "date"):
            return ref
        if ref == "partner_ref":
            return "partner"
        if "const" in node:
            return "const"
        if "enum" in node:
            return "enum"
        kind = node.get("type")
        if kind == "array":
            items, item_ref = self._resolve(node.get("items", {}))
            if _variants(items) or items.get("type") == "object":
                return "list"
            if item_ref == "partner_ref":
                return "partners"
            if "enum" in items:
                return "choices"
            if item_ref == "date":
                return "dates"
            return "lines"
        if kind in ("object", "boolean", "integer", "number"):
            return kind
        return "text"

    def _item_schema(self, node: dict, value) -> tuple[dict, str]:
        """The schema of one row of a list, and its variant (a partner row from the register is "use")."""
        items, _ = self._resolve(self._resolve(node)[0]["items"])
        if _variants(items):
            use = isinstance(value, dict) and "use" in value
            return self._resolve(items["then"] if use else items["else"])[0], "use" if use else ""
        return items, ""

    # ------------------------------------------------------------------ data -> fields

    def fields(self, data: dict) -> list[Field]:
        """The top-level sections of the form, filled in from ``data`` (plain terms, as the loader reads them)."""
        root = self.build(self.schema, "", "", data if isinstance(data, dict) else {}, self.partner_options(data))
        return root.children

    @staticmethod
    def partner_options(data) -> tuple:
        """(id, label, "") for every partner the data lists: what partner pickers offer."""
        partners = data.get("partners") if isinstance(data, dict) else None
        options = []
        for partner in partners if isinstance(partners, list) else ():
            if isinstance(partner, dict):
                pid = partner.get("id", partner.get("use"))
                if isinstance(pid, str) and pid:
                    name = partner.get("short_name") or partner.get("legal_name") or pid
                    options.append((pid, f"{name} ({pid})" if name != pid else pid, ""))
        return tuple(options)

    def build(self, node: dict, path: str, name: str, value, partners: tuple, required=False, final=False) -> Field:
        kind = self.kind(node)
        resolved, _ = self._resolve(node)
        f = Field(kind, path, name, resolved.get("title", name), resolved.get("description", ""), required, final)
        if kind in ("list", "choices", "partners", "lines", "dates"):
            f.present = isinstance(value, list)
        if kind == "object":
            self._fill_object(f, resolved, value, partners)
        elif kind == "list":
            f.item_title = self._resolve(resolved.get("items", {}))[0].get("title") or "row"
            if _variants(self._resolve(resolved["items"])[0]):
                f.item_title = "partner"
            for index, item in enumerate(value if isinstance(value, list) else ()):
                schema, variant = self._item_schema(resolved, item)
                row = self.build(schema, f"{path}[{index}]", str(index), item, partners)
                row.variant = variant
                f.children.append(row)
        elif kind in ("choices", "partners"):
            f.value = [str(v) for v in value] if isinstance(value, list) else []
            options = (self._enum_options(self._resolve(resolved["items"])[0]) if kind == "choices"
                       else self._with_current(partners, f.value))
            f.options = _chosen_first(options, f.value)
        elif kind in ("lines", "dates"):
            shown = [inputs.show_date(v) if kind == "dates" else str(v) for v in value] if isinstance(value, list) else []
            f.value = "\n".join(shown)
        elif kind == "enum":
            f.options = self._enum_options(resolved)
            f.value = "" if value is None else str(value)
        elif kind == "partner":
            f.options = self._with_current(partners + EXTRA_CHOICES.get(name, ()), [value] if value else [])
            f.value = "" if value is None else str(value)
        elif kind == "boolean":
            f.value = {True: "yes", False: "no"}.get(value, "" if value is None else str(value))
        elif kind == "const":
            f.value = str(resolved["const"])
        else:
            f.value = _SHOWERS.get(kind, inputs.show_number if kind == "number" else _text)(value)
        return f

    def _fill_object(self, f: Field, node: dict, value, partners: tuple) -> None:
        f.present = isinstance(value, dict)
        value = value if isinstance(value, dict) else {}
        required, final = set(node.get("required", ())), set(node.get("x-required-final", ()))
        for key, sub in node.get("properties", {}).items():
            child = f"{f.path}.{key}" if f.path else key
            f.children.append(self.build(sub, child, key, value.get(key), partners, key in required, key in final))

    @staticmethod
    def _enum_options(node: dict) -> tuple:
        explained = node.get("x-enum-descriptions", {})
        return tuple((v, str(v).replace("_", " ").capitalize(), explained.get(v, "")) for v in node["enum"])

    @staticmethod
    def _with_current(options: tuple, current) -> tuple:
        """The options, plus any value the data already has that is not among them (kept, and flagged)."""
        known = {o[0] for o in options}
        extra = tuple((str(v), f"{v} (not a partner)", "") for v in current if v and str(v) not in known)
        return tuple(options) + extra

    # ------------------------------------------------------------------ form -> data

    def read(self, form) -> tuple[dict, list[Diagnostic]]:
        """The terms a submitted form holds (a MultiDict: ``get`` and ``getlist``), and a diagnostic for every
        input that cannot be read (such a value is left out)."""
        reader = _FormReader(self, form)
        data = reader.value(self.schema, "")
        return (data if isinstance(data, dict) else {}), reader.problems


_MISSING = object()


class _FormReader:
    def __init__(self, form: SchemaForm, submitted):
        self.form = form
        self.submitted = submitted
        self.problems: list[Diagnostic] = []
        self._rows: dict[str, list[int]] = {}
        for key in submitted.keys():
            match = re.fullmatch(r"(.*)\[(\d+)\]\._row", key)
            if match:
                self._rows.setdefault(match.group(1), []).append(int(match.group(2)))

    def value(self, node: dict, path: str):
        kind = self.form.kind(node)
        resolved, _ = self.form._resolve(node)
        if kind == "object":
            out = {}
            for key, sub in resolved.get("properties", {}).items():
                child = self.value(sub, f"{path}.{key}" if path else key)
                if child is not _MISSING:
                    out[key] = child
            return out if out or not path or self.submitted.get(f"{path}._obj") else _MISSING
        if kind == "list":
            rows = []
            for index in sorted(set(self._rows.get(path, ()))):
                row_path = f"{path}[{index}]"
                marker = {"use": "x"} if self.submitted.get(f"{row_path}._use") else {}
                schema, _ = self.form._item_schema(resolved, marker)
                row = self.value(schema, row_path)
                rows.append({} if row is _MISSING else row)
            return self._list(rows, path)
        if kind in ("choices", "partners"):
            return self._list([v for v in self.submitted.getlist(path) if v], path)
        text = self.submitted.get(path, "")
        if kind in ("lines", "dates"):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if kind == "dates":
                lines = [v for v in (self._read(inputs.read_date, line, path) for line in lines) if v is not _MISSING]
            return self._list(lines, path)
        text = text.strip()
        if not text:
            return _MISSING
        if kind == "const":
            return resolved["const"]
        reader = _READERS.get(kind)
        return self._read(reader, text, path) if reader else text

    def _list(self, items: list, path: str):
        """The items; an empty list only when the form says the data had one (``PATH._list``)."""
        return items if items or self.submitted.get(f"{path}._list") else _MISSING

    def _read(self, reader, text: str, path: str):
        try:
            return reader(text)
        except inputs.InputError as exc:
            self.problems.append(Diagnostic(ERROR, "ACS-WEB-INPUT", str(exc), "", None, path))
            return _MISSING


def _chosen_first(options: tuple, chosen: list) -> tuple:
    """The chosen options first, in the data's order (which the documents follow), then the others."""
    by_value = {o[0]: o for o in options}
    first = tuple(by_value[v] for v in dict.fromkeys(chosen) if v in by_value)
    return first + tuple(o for o in options if o[0] not in chosen)


def _text(value) -> str:
    return "" if value is None else str(value)


def _variants(items: dict) -> bool:
    """A list whose rows take one of two shapes (`if` a partner row names a register entry, `then` that shape,
    `else` a partner written out); an `if`/`then` alone only adds what a final document needs."""
    return "if" in items and "then" in items and "else" in items
