"""The HTML writer (web preview): same numbers and references as the text writer, everything escaped."""
import json
import re
from html import unescape

import pytest

import acscontracts
from acscontracts.writers.html import write_html
from acscontracts.writers.text import write_text
from acscontracts import resources


@pytest.fixture(scope="module")
def northvale():
    terms = acscontracts.load("samples/northvale-alliance.yaml")
    return acscontracts.document(terms, "alliance_agreement")


def test_clause_numbers_and_headings_match_the_text_writer(northvale):
    html = write_html(northvale)
    text = write_text(northvale)
    for clause in northvale.clauses:
        assert f'<section class="clause" id="doc-{clause.id}">' in html
        assert f"{clause.number}  {clause.title.upper()}" in text
        assert f'<span class="num">{clause.number}</span> {clause.title}' in unescape(html) or clause.title_inlines


def test_cross_references_link_to_an_anchor_in_the_page(northvale):
    html = write_html(northvale)
    targets = set(re.findall(r'<a class="ref" href="#([^"]+)">', html))
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert targets and targets <= ids


def test_placeholders_and_notes_are_marked_and_clean_drops_notes(northvale):
    html = write_html(northvale)
    assert '<mark class="blank">[●]</mark>' in html
    assert '<span class="note">[Drafting note:' in html
    assert "Drafting note" not in write_html(northvale, clean=True)


def test_tables_are_tables(northvale):
    html = write_html(northvale)
    assert html.count("<table>") == sum(1 for part in northvale.clauses + northvale.schedules
                                         for b in part.blocks if type(b).__name__ == "Table")


def test_data_is_escaped_never_markup():
    data = acscontracts.load("samples/northvale-alliance.yaml").data
    data["partners"][1]["short_name"] = "<script>alert(1)</script> {{ 7*7 }}"
    document = acscontracts.document(data, "alliance_agreement")
    html = write_html(document)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html


def _nodes(value):
    """Every dict and list inside a JSON value, depth first; not the condition of an `if` (an enum there selects
    deals, it is not a value a user chooses)."""
    yield value
    children = [v for k, v in value.items() if k != "if"] if isinstance(value, dict) else \
        value if isinstance(value, list) else ()
    for child in children:
        yield from _nodes(child)


def test_every_enum_value_is_explained_in_the_schema():
    schema = json.loads(resources.schema_path().read_text(encoding="utf-8"))
    enums = [node for node in _nodes(schema) if isinstance(node, dict) and "enum" in node]
    assert len(enums) > 30
    for node in enums:
        assert set(node["x-enum-descriptions"]) == set(node["enum"]), node["enum"]
        assert all(len(text) > 5 for text in node["x-enum-descriptions"].values())
