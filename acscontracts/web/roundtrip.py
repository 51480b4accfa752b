"""Saving a deal edited in the form back to its file, keeping what a person wrote: comments, key order,
quoting, flow style and indentation (ruamel.yaml's round-trip mode), changing only the values that changed.

List items are matched by their ``id`` (or ``use``), so deleting a row in the middle of a list keeps the
comments of the rows after it. A JSON deal is written back as JSON in its own key order.
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import re
from decimal import Decimal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def updated_text(original: str | None, data: dict, *, json_file: bool = False) -> str:
    """The text of a terms file holding ``data``: ``original`` (the file as it was) with only what changed
    changed, or a fresh file when there is no original."""
    if json_file:
        old = json.loads(original) if original and original.strip() else {}
        merged = _merge(old if isinstance(old, dict) else {}, data, dict, list)
        return json.dumps(merged, indent=2, ensure_ascii=False, default=_json_number) + "\n"
    yaml, old = _yaml(original)
    merged = _merge(old, data, CommentedMap, CommentedSeq) if isinstance(old, CommentedMap) else _fresh(data)
    out = io.StringIO()
    yaml.dump(merged, out)
    return out.getvalue()


def json_text(data) -> str:
    """Terms as JSON text (numbers exact enough for the loader, which reads them back as Decimals)."""
    return json.dumps(data, ensure_ascii=False, default=_json_number)


def _yaml(original: str | None):
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long lines
    yaml.representer.add_representer(Decimal, _represent_decimal)
    mapping, offset = _indentation(original or "")
    yaml.indent(mapping=mapping, sequence=mapping + offset, offset=offset)
    if not original or not original.strip():
        return yaml, None
    try:
        return yaml, yaml.load(original)
    except Exception:  # noqa: BLE001 - a file that no longer parses: the form's data replaces it
        return yaml, None


def _indentation(text: str) -> tuple[int, int]:
    """(mapping indent, offset of `- ` under its key) as the file writes them; (2, 2) by default."""
    mapping = offset = None
    parent = None
    for line in text.splitlines():
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if parent is not None and (indent > parent or (indent == parent and body.startswith("- "))):
            if body.startswith("- ") and offset is None:
                offset = indent - parent
            elif not body.startswith("- ") and mapping is None:
                mapping = indent - parent
        parent = indent if re.match(r"[^#'\"]*:\s*(#.*)?$", body) and not body.startswith("- ") else None
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _represent_decimal(representer, value: Decimal):
    if value == value.to_integral_value():
        return representer.represent_int(int(value))
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write a {type(value).__name__}")


def _fresh(value):
    """Plain data as ruamel nodes: block mappings, lists of scalars in flow style, ISO dates unquoted."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _fresh(item)
        return node
    if isinstance(value, list):
        node = CommentedSeq(_fresh(item) for item in value)
        if value and not any(isinstance(item, (dict, list)) for item in value):
            node.fa.set_flow_style()
        return node
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _merge(old, new, map_type, seq_type):
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        previous = None
        for key, value in new.items():
            if key in old:
                old[key] = _merge(old[key], value, map_type, seq_type)
            elif map_type is CommentedMap:
                position = list(old).index(previous) + 1 if previous in old else 0
                old.insert(position, key, _fresh(value))
            else:
                old[key] = value
            previous = key
        return old
    if isinstance(old, list) and isinstance(new, list):
        matched = _matched(old, new)
        kept = {id(o) for o in matched if o is not None}
        for index in reversed(range(len(old))):  # item by item, so the comments of the others stay with them
            if id(old[index]) not in kept:
                del old[index]
        for index, (match, item) in enumerate(zip(matched, new)):
            if match is None:
                old.insert(index, _fresh(item) if map_type is CommentedMap else item)
                continue
            merged = _merge(match, item, map_type, seq_type)
            if index >= len(old) or old[index] is not match or merged is not match:
                old[index] = merged
        return old
    if _same(old, new):
        return old
    return _fresh(new) if map_type is CommentedMap else new


def _key(item):
    return item.get("id", item.get("use")) if isinstance(item, dict) else None


def _matched(old: list, new: list) -> list:
    """For each new item, the old item it continues: the one with its id, else the one at its place."""
    by_id = {_key(o): o for o in old if _key(o) is not None}
    claimed = set()
    out = []
    for index, item in enumerate(new):
        match = by_id.get(_key(item)) if _key(item) is not None else None
        if match is None and index < len(old) and (_key(old[index]) is None or _key(old[index]) not in
                                                   {_key(n) for n in new}):
            match = old[index]
        if match is not None and id(match) in claimed:
            match = None
        if match is not None:
            claimed.add(id(match))
        out.append(match)
    return out


def _same(old, new) -> bool:
    return _plain(old) == _plain(new) and type(_plain(old)) is type(_plain(new))


def _plain(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str):
        return str(value)
    return value
