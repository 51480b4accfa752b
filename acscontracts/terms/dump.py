"""Plain terms data -> YAML text that the loader reads back to the same data.

Numbers are written exactly (a ``Decimal`` as its own digits), keys in the schema's order, text that
YAML would read as something else (``yes``, ``2027-04-01``, ``09876543``) quoted.
"""
from __future__ import annotations

from decimal import Decimal

import yaml


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """YAML for terms data: Decimals exactly, text quoted wherever the loader would read it otherwise."""


def _represent_decimal(dumper, value: Decimal):
    text = format(value)
    if "E" in text or "e" in text or not value.is_finite():
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:float", text if "." in text else text + ".0")


def _represent_str(dumper, value: str):
    from acscontracts.terms import loader

    plain_would_change = (value in loader._NULL or value in loader._TRUE or value in loader._FALSE
                          or loader._INT.match(value) or loader._FLOAT.match(value))
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if plain_would_change else None)


Dumper.add_representer(Decimal, _represent_decimal)
Dumper.add_representer(str, _represent_str)


def ordered(data, schema: dict, node: dict | None = None):
    """``data`` with the keys of every object in the order the schema lists them (others after)."""
    from acscontracts.terms.schema_walk import SchemaWalk

    walk = SchemaWalk(schema)

    def visit(value, at):
        if isinstance(value, dict):
            order = list(walk.properties(at))
            keys = sorted(value, key=lambda k: (order.index(k) if k in order else len(order), ""))
            return {k: visit(value[k], walk.child(at, k)) for k in keys}
        if isinstance(value, list):
            return [visit(v, walk.child(at, 0)) for v in value]
        return value

    return visit(data, node if node is not None else schema)


def dump_terms(data, schema: dict | None = None) -> str:
    """YAML text for terms data (keys in schema order when ``schema`` is given)."""
    if schema is not None:
        data = ordered(data, schema)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
