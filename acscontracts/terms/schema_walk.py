"""Reading the deal-terms JSON Schema by data path: each field's title, kind and allowed values.

``SchemaWalk(schema)`` follows ``$ref``s and merges the alternatives of ``if/then/else``,
``allOf``, ``anyOf`` and ``oneOf``, so that ``child(node, key)`` gives the schema of any value
in the terms (``partners[3].signatory.name``), whatever branch it is in.
"""
from __future__ import annotations

KINDS = ("money", "percent", "date", "integer", "number", "boolean", "string", "array", "object")
_NAMED = {"money": "money", "percent": "percent", "date": "date"}  # $defs whose name is the kind


class SchemaWalk:
    def __init__(self, schema: dict):
        self.schema = schema
        self._resolved: dict = {}

    def _ref(self, ref: str) -> dict:
        node = self.schema
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node

    def resolve(self, node: dict | None) -> dict:
        """One schema node with its $ref followed and its alternatives merged (properties, items, enum)."""
        if not isinstance(node, dict):
            return {}
        key = id(node)
        if key not in self._resolved:
            merged: dict = {}
            self._merge(node, merged, 0)
            self._resolved[key] = merged
        return self._resolved[key]

    def _merge(self, node: dict, into: dict, depth: int) -> None:
        if depth > 20 or not isinstance(node, dict):
            return
        if "$ref" in node:
            self._merge(self._ref(node["$ref"]), into, depth + 1)
        for key, value in node.items():
            if key == "properties":
                properties = into.setdefault("properties", {})
                for name, child in value.items():
                    properties.setdefault(name, child)  # the first shape's field wins
            elif key not in ("$ref", "if", "then", "else", "allOf", "anyOf", "oneOf"):
                into.setdefault(key, value)
        for key in ("else", "then"):  # the usual shape first (a partner before a register entry)
            if key in node:
                self._merge(node[key], into, depth + 1)
        for key in ("allOf", "anyOf", "oneOf"):
            for branch in node.get(key, ()):
                self._merge(branch, into, depth + 1)

    def properties(self, node) -> dict:
        return self.resolve(node).get("properties", {})

    def child(self, node, part) -> dict:
        """The schema of ``value[part]`` where ``node`` is the schema of ``value``."""
        resolved = self.resolve(node)
        if isinstance(part, int):
            return resolved.get("items", {})
        return resolved.get("properties", {}).get(part, {})

    def at(self, parts) -> dict:
        node = self.schema
        for part in parts:
            node = self.child(node, part)
        return node

    def kind(self, node) -> str:
        """money, percent, date, integer, number, boolean, string, array, object (or "" when unknown)."""
        ref = node.get("$ref", "") if isinstance(node, dict) else ""
        named = _NAMED.get(ref.rsplit("/", 1)[-1])
        if named:
            return named
        resolved = self.resolve(node)
        kind = resolved.get("type", "")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "")
        if kind == "string" and resolved.get("format") == "date":
            return "date"
        if not kind and "properties" in resolved:
            return "object"
        return kind if kind in KINDS else ""

    def enum(self, node) -> tuple:
        values = self.resolve(node).get("enum")
        return tuple(values) if isinstance(values, list) else ()

    def title(self, node, fallback: str) -> str:
        title = node.get("title") if isinstance(node, dict) else None
        return title or self.resolve(node).get("title") or fallback.replace("_", " ").capitalize()
