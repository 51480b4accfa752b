"""The deal-terms JSON Schema, the sample deals, the sample partner register and the starters.

Checks that the schema is well formed and documented (every property has a title and a
description, every object is closed), that the four example deals validate both as drafts and as
final terms (``x-required-final`` treated as ``required``), that the partner register validates
against ``$defs/register`` and that the ``init`` starters validate as drafts.
"""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "deal-terms.schema.json"
SAMPLES = ROOT / "samples"
SAMPLE_FILES = ["northvale-alliance.yaml", "riverbend-system.yaml", "westmoor-lead-provider.yaml", "eastmoor-icp.yaml"]
REGISTER_FILES = ["registers/riverbend-partners.yaml"]
STARTERS = ROOT / "acscontracts" / "starters"
STARTER_FILES = ["alliance.yaml", "lead_provider.yaml", "aco.yaml"]
FINAL = "x-required-final"


# --- loading ---------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader with dates kept as strings and floats read as exact Decimals."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))


def load_yaml(path: Path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


@pytest.fixture(scope="module")
def schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def final_schema(schema: dict) -> dict:
    """A copy of the schema in which every x-required-final is merged into required."""
    out = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if FINAL in node:
                node["required"] = list(dict.fromkeys(list(node.get("required", [])) + list(node[FINAL])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(out)
    return out


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors_of(schema: dict, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]


def subschemas(node, path=()):
    """Every schema object in the document with its path, skipping `if` conditions (tests, not shapes)."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("if", "enum", "const", "required", FINAL, "default", "examples"):
                continue
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in value.items():
                    yield from subschemas(sub, path + (key, name))
            elif isinstance(value, dict):
                yield from subschemas(value, path + (key,))
            elif isinstance(value, list) and key in ("allOf", "anyOf", "oneOf", "prefixItems"):
                for i, sub in enumerate(value):
                    yield from subschemas(sub, path + (key, str(i)))


# --- the schema itself -----------------------------------------------------------------------

def test_schema_is_valid_2020_12(schema):
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://acscontracts.example/schemas/deal-terms.schema.json"
    assert schema["title"] and schema["description"]


def test_defs_present(schema):
    for name in ("id", "partner_ref", "money", "percent", "date", "governance", "risk_share", "incentives",
                 "register", "partner", "partner_use"):
        assert name in schema["$defs"], name
    for name in ("money", "percent"):  # no multipleOf: binary floats (32.58) fail it in standard tools
        assert schema["$defs"][name]["x-decimal-places"] == 2 and "multipleOf" not in schema["$defs"][name]


def test_every_property_has_title_and_description(schema):
    missing = []
    for path, node in subschemas(schema):
        for name, prop in (node.get("properties") or {}).items():
            if not (isinstance(prop.get("title"), str) and prop["title"].strip()
                    and isinstance(prop.get("description"), str) and prop["description"].strip()):
                missing.append("/".join(path + ("properties", name)))
    assert not missing, missing


def test_every_object_is_closed(schema):
    open_objects = ["/".join(path) or "<root>" for path, node in subschemas(schema)
                    if (node.get("type") == "object" or "properties" in node) and node.get("additionalProperties") is not False]
    assert not open_objects, open_objects


def test_required_and_final_name_real_properties(schema):
    problems = []
    nodes = dict(subschemas(schema))
    for path, node in nodes.items():
        props = node.get("properties") or {}
        if path and path[-1] == "then" and not props:  # a conditional requirement: the object's own fields
            owner = path[:-1]
            if len(owner) >= 2 and owner[-2] == "allOf":  # one of several conditions (allOf: [{if, then}, ...])
                owner = owner[:-2]
            props = nodes[owner].get("properties") or {}
        required, final = node.get("required", []), node.get(FINAL, [])
        for name in list(required) + list(final):
            if name not in props:
                problems.append(f"{'/'.join(path)}: {name} is not a property")
        if set(required) & set(final):
            problems.append(f"{'/'.join(path)}: both required and final: {set(required) & set(final)}")
    assert not problems, problems


def test_money_and_percent_are_exact(schema):
    """Our validator enforces x-decimal-places exactly; standard tools ignore it (and accept 32.58)."""
    from acscontracts.terms.schema import validator_class

    def ours(sub, value):
        return [e.message for e in validator_class(False)(sub).iter_errors(value)]

    money = {"$ref": "#/$defs/money", "$defs": schema["$defs"]}
    percent = {"$ref": "#/$defs/percent", "$defs": schema["$defs"]}
    assert not ours(money, Decimal("1320000000.10"))
    assert not ours(money, 900000)
    assert not ours(money, Decimal("32.580"))
    assert ours(money, Decimal("0.005"))
    assert ours(money, -1)
    assert not ours(percent, Decimal("33.33"))
    assert ours(percent, Decimal("100.01"))
    assert not errors_of(percent, 32.58)  # a binary float, as other tools read it


def test_patterns_match_the_whole_value(schema):
    """JSON Schema patterns are ECMA-262: `$` is the end of the text, so "sub-x\\n" is not an id."""
    from acscontracts.terms.schema import validator_class

    ident = {"$ref": "#/$defs/id", "$defs": schema["$defs"]}
    assert not list(validator_class(False)(ident).iter_errors("sub-x"))
    assert list(validator_class(False)(ident).iter_errors("sub-x\n"))


# --- samples ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_validates_as_draft(schema, name):
    assert errors_of(schema, load_yaml(SAMPLES / name)) == []


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_validates_as_final(schema, name):
    assert errors_of(final_schema(schema), load_yaml(SAMPLES / name)) == []


@pytest.mark.parametrize("name", REGISTER_FILES)
def test_register_validates(schema, name):
    register = {"$ref": "#/$defs/register", "$defs": schema["$defs"]}
    data = load_yaml(SAMPLES / name)
    assert errors_of(register, data) == []
    assert errors_of(final_schema(register), data) == []


def test_final_mode_is_stricter(schema):
    data = load_yaml(SAMPLES / "northvale-alliance.yaml")
    del data["partners"][0]["signatory"]
    assert errors_of(schema, data) == []
    assert any("signatory" in e for e in errors_of(final_schema(schema), data))


def test_dates_stay_strings():
    data = load_yaml(SAMPLES / "northvale-alliance.yaml")
    assert isinstance(data["deal"]["effective_date"], str)


# --- starters --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", STARTER_FILES)
def test_starter_validates_as_draft(schema, name):
    assert errors_of(schema, load_yaml(STARTERS / name)) == []
