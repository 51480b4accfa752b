"""The engine on a small, self-contained clause library: assemble -> resolve -> text."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from acscontracts.engine.assemble import DocumentSpec, assemble
from acscontracts.diagnostics import AcsError
from acscontracts.formatting import Missing
from acscontracts.engine.lint import lint
from acscontracts.engine.markup import parse_body
from acscontracts.engine.resolve import alpha, resolve, roman
from acscontracts.engine.templating import Renderer, load_library
from acscontracts.engine.tree import DocumentProperties, Para, Source, Table, TermDef
from acscontracts.writers.text import write_text

HOSTILE = '{{ 7*7 }} <w:b/> & "Co" | - [#x] {% raw %}'


def _library(tmp_path: Path, files: dict) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


BASE = {
    "manifests/alliance_agreement.yaml": """
        doc_type: alliance_agreement
        title: "'Alliance Agreement'"
        subtitle: "'relating to ' ~ name"
        preamble: [parties]
        body: [definitions, optional, main]
        schedules: [sched]
    """,
    "clauses/parties.j2": """
        ---
        id: parties
        title: Parties
        kind: preamble
        documents: [alliance_agreement]
        ---
        {% for p in partners %}
        >party {{ p }} (the <define>{{ p }}</define>)
        {% endfor %}
        >recital The parties wish to collaborate.
    """,
    "clauses/definitions.j2": """
        ---
        id: definitions
        title: Definitions
        documents: [alliance_agreement]
        ---
        - [#definitions-list] In this Agreement:
        - Headings do not affect interpretation.
    """,
    "clauses/optional.j2": """
        ---
        id: optional
        title: Pooled fund
        documents: [alliance_agreement]
        when: pooled
        ---
        - [#pool] The <term>Pooled Fund</term> is hosted by {{ name }}.
    """,
    "clauses/main.j2": """
        ---
        id: main
        title: Main
        documents: [alliance_agreement]
        ---
        - [#one] First level, see clause <ref to="deep"/>{% if pooled %} and clause <ref to="pool"/>{% endif %}.
          - second level
            - [#deep] third level {{ missing }}
            - another third
          - second again
        - The <term>Board</term> meets. Amount {{ amount | money }}.
        <note>Check the amount.</note>
    """,
    "clauses/sched.j2": """
        ---
        id: sched
        title: Partners
        kind: schedule
        documents: [alliance_agreement]
        ---
        - [#s-one] schedule para
          - schedule sub
            - schedule deep
        | Partner | Note |
        {% for p in partners %}
        | {{ p }} | x |
        {% endfor %}
    """,
    "definitions/common.yaml": """
        Board: "means the board; see Schedule <ref to=\\"sched\\"/>"
        Pooled Fund: "means the fund set up under clause <ref to=\\"pool\\"/>"
        Unused: "means nothing at all"
    """,
}


def _render(root: Path, **context):
    renderer = Renderer(load_library(root))
    ctx = {"partners": ["Alpha NHS Trust", HOSTILE], "name": "Northvale", "pooled": True,
           "missing": Missing("deal.population"), "amount": 1320000000, **context}
    spec = DocumentSpec("alliance_agreement", "alliance_agreement", ctx, (), (),
                        DocumentProperties("t", "s", "k", "0.1", "2026-01-01"), "[●] 2026")
    return resolve(assemble(spec, renderer))


def test_numbering_to_four_levels_and_references(tmp_path):
    document, problems = _render(_library(tmp_path, BASE))
    assert problems == []
    assert [c.number for c in document.clauses] == ["1", "2", "3"]
    main = document.clauses[2]
    numbered = [(b.level, b.number) for b in main.blocks if isinstance(b, Para) and b.level]
    assert numbered == [(1, "3.1"), (2, "(a)"), (3, "(i)"), (3, "(ii)"), (2, "(b)"), (1, "3.2")]
    assert document.references["deep"] == "3.1(a)(i)"
    assert document.references["pool"] == "2.1"
    text = write_text(document)
    assert "3.1  First level, see clause 3.1(a)(i) and clause 2.1." in text
    schedule = document.schedules[0]
    assert [b.number for b in schedule.blocks if isinstance(b, Para)] == ["1", "1.1", "(a)"]
    assert document.references["s-one"] == "1"


def test_conditions_drop_clauses_and_their_definitions(tmp_path):
    document, problems = _render(_library(tmp_path, BASE), pooled=False)
    assert problems == []
    assert [c.id for c in document.clauses] == ["definitions", "main"]
    text = write_text(document)
    assert "Pooled Fund" not in text  # definition follows the condition
    assert "“Board” means the board; see Schedule 1." in text
    assert "Unused" not in text  # defined but unused: left out
    assert "3.1" not in text and "2.1  First level" in text  # renumbered


def test_reference_to_excluded_clause_is_a_located_error(tmp_path):
    files = dict(BASE)
    files["clauses/main.j2"] = BASE["clauses/main.j2"].replace("{% if pooled %} and clause <ref to=\"pool\"/>{% endif %}",
                                                               " and clause <ref to=\"pool\"/>")
    document, problems = _render(_library(tmp_path, files), pooled=False)
    assert [p.code for p in problems] == ["ACS-BROKEN-REF"]
    assert problems[0].location.file.endswith("main.j2")
    assert "`pool`" in problems[0].message


def test_undefined_term_is_an_error(tmp_path):
    files = dict(BASE)
    files["clauses/main.j2"] = BASE["clauses/main.j2"] + "        - The <term>Alliance Manager</term> reports.\n"
    _, problems = _render(_library(tmp_path, files))
    assert [p.code for p in problems] == ["ACS-UNDEFINED-TERM"]
    assert "Alliance Manager" in problems[0].message


def test_definitions_are_alphabetical_and_after_the_anchor(tmp_path):
    document, _ = _render(_library(tmp_path, BASE))
    blocks = document.clauses[0].blocks
    assert blocks[0].anchor == "definitions-list"
    terms = [b.inlines[0].term for b in blocks if isinstance(b, Para) and b.style == "definition"]
    assert terms == ["Board", "Pooled Fund"]
    assert blocks[-1].number == "1.2"


def test_data_is_never_executed_or_parsed(tmp_path):
    document, problems = _render(_library(tmp_path, BASE))
    assert problems == []
    text = write_text(document)
    assert f"(2)  {HOSTILE} (the “{HOSTILE}”)" in text
    assert "49" not in text
    table = document.schedules[0].blocks[-1]
    assert isinstance(table, Table) and len(table.rows) == 2
    assert table.rows[1][0][0].text == HOSTILE


def test_missing_terms_become_placeholders_and_notes_are_removable(tmp_path):
    document, _ = _render(_library(tmp_path, BASE))
    text = write_text(document)
    assert "third level [●]" in text
    assert "[Drafting note: Check the amount.]" in text
    assert "Drafting note" not in write_text(document, clean=True)
    assert "£1,320,000,000" in text


def test_template_errors_name_file_and_line(tmp_path):
    files = dict(BASE)
    files["clauses/main.j2"] = BASE["clauses/main.j2"] + "        - {{ nothing_here }}\n"
    with pytest.raises(AcsError) as caught:
        _render(_library(tmp_path, files))
    (problem,) = caught.value.diagnostics
    assert problem.code == "ACS-TEMPLATE"
    assert problem.location.file.endswith("main.j2") and problem.location.line == 13
    assert "nothing_here" in problem.message


@pytest.mark.parametrize("body, message", [
    ("{{ ''.__class__.__mro__ }}", "not allowed"),
    ("{% for i in range(10**9) %}x{% endfor %}", "range"),
    ("{% include '/etc/passwd' %}", "/etc/passwd"),
    ("{{ partners.append('x') }}", "not allowed"),
])
def test_hostile_templates_are_refused(tmp_path, body, message):
    files = dict(BASE)
    files["clauses/main.j2"] = BASE["clauses/main.j2"] + "        " + body + "\n"
    with pytest.raises(AcsError) as caught:
        _render(_library(tmp_path, files))
    assert message in caught.value.diagnostics[0].message
    assert caught.value.diagnostics[0].location.file.endswith("main.j2")


def test_markup_levels_continuations_and_tables():
    blocks, problems = parse_body("- one\n  continued here\n  - two\n    - three\nplain\n# Head\n| a | b |\n|---|---|\n| c | d |\n",
                                  Source("x.j2"))
    assert problems == []
    assert [(b.level, b.style) for b in blocks if isinstance(b, Para)] == [(1, "body"), (2, "body"), (3, "body"),
                                                                          (0, "body"), (0, "subheading")]
    assert blocks[0].inlines[0].text == "one continued here"
    assert isinstance(blocks[-1], Table) and len(blocks[-1].rows) == 1


def test_markup_error_is_reported():
    _, problems = parse_body("- broken <term>x\n", Source("x.j2", 3))
    assert problems and problems[0].code == "ACS-TEMPLATE-MARKUP"
    assert problems[0].location.line == 3


def test_inline_definition_is_bold_term():
    blocks, _ = parse_body("the <define>Board</define> meets", Source("x.j2"))
    assert blocks[0].inlines[1] == TermDef("Board")


def test_letter_and_roman_labels():
    assert [alpha(n) for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert [roman(n) for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]


def test_lint_finds_unknown_attributes_refs_and_terms(tmp_path):
    files = dict(BASE)
    files["clauses/bad.j2"] = """
        ---
        id: bad
        title: Bad
        documents: [alliance_agreement]
        ---
        - {{ terms.governance.bord.quorum }} <ref to="nowhere"/> <term>Nope</term>
    """
    problems = lint(load_library(_library(tmp_path, files)))
    bad = [p for p in problems if p.location.file.endswith("bad.j2")]
    assert {p.code for p in bad} == {"ACS-LINT-ATTRIBUTE", "ACS-LINT-REF", "ACS-LINT-TERM"}
    assert all(p.location.line == 6 for p in bad)
    attribute = next(p for p in bad if p.code == "ACS-LINT-ATTRIBUTE")
    assert "did you mean `board`" in attribute.hint


def test_a_line_ending_in_a_block_tag_stays_its_own_paragraph(tmp_path):
    files = dict(BASE)
    files["clauses/main.j2"] = BASE["clauses/main.j2"].rstrip(" ") + (
        "        - First{% if pooled %} with pool{% endif %}\n"
        "        - Second\n"
        "        {% for p in partners %}\n"
        "        - Partner {{ loop.index }}\n"
        "        {% endfor %}\n")
    document, problems = _render(_library(tmp_path, files))
    assert problems == []
    texts = [b.inlines[0].text for b in document.clauses[2].blocks if isinstance(b, Para) and b.level == 1]
    assert texts[-4:] == ["First with pool", "Second", "Partner 1", "Partner 2"]
