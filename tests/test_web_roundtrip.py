"""Saving from the web form: only changed values change; comments, order, quoting and layout stay."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

pytest.importorskip("ruamel.yaml")

from acscontracts.terms.loader import parse  # noqa: E402
from acscontracts.web.roundtrip import updated_text  # noqa: E402

PERSON = """\
# A deal written by a person
schema_version: "1"
deal:
  id: example   # the id
  title: 'Quoted title'
  population: 500000
partners:
- id: a-trust     # sequences not indented under their key
  roles: [provider, alliance_member]
- id: b-council
  roles: [commissioner]
- id: c-icb
  roles: [commissioner]
"""


def test_an_unchanged_deal_is_written_back_byte_for_byte():
    data, _ = parse(PERSON, "x")
    assert updated_text(PERSON, data) == PERSON


def test_changes_keep_comments_quoting_and_the_files_own_indentation():
    data, _ = parse(PERSON, "x")
    data["deal"]["population"] = Decimal("512000.50")
    data["deal"]["effective_date"] = "2027-04-01"
    del data["partners"][1]
    data["partners"].append({"id": "d-vcse", "roles": ["provider"]})
    text = updated_text(PERSON, data)
    assert parse(text, "x")[0] == data
    assert "  id: example   # the id\n  title: 'Quoted title'\n  population: 512000.50\n  effective_date: 2027-04-01\n" in text
    assert "- id: a-trust     # sequences not indented under their key\n" in text
    assert "b-council" not in text and "- id: c-icb\n  roles: [commissioner]\n" in text
    assert text.endswith("- id: d-vcse\n  roles: [provider]\n")


def test_a_new_deal_is_plain_block_yaml_and_a_json_deal_stays_json_in_its_order():
    data = {"schema_version": "1", "deal": {"id": "x", "population": 5}, "partners": [{"id": "p", "roles": ["provider"]}]}
    text = updated_text(None, data)
    assert text == 'schema_version: \'1\'\ndeal:\n  id: x\n  population: 5\npartners:\n  - id: p\n    roles: [provider]\n'
    original = json.dumps({"deal": {"population": 1, "id": "x"}, "schema_version": "1"}, indent=2)
    written = updated_text(original, {"schema_version": "1", "deal": {"id": "y", "population": Decimal("2.5")}},
                           json_file=True)
    assert list(json.loads(written)) == ["deal", "schema_version"]
    assert list(json.loads(written)["deal"]) == ["population", "id"]
    assert json.loads(written)["deal"] == {"population": 2.5, "id": "y"}
