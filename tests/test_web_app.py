"""The web app's pages: the schema-generated form round-trips every sample, saving keeps a person's file,
en-GB inputs store schema values, diagnostics find their field, rows are added and removed, state changes
need a CSRF token, and nothing typed is executed or rendered as HTML."""
from __future__ import annotations

import difflib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask")

from docx import Document as WordDocument  # noqa: E402

from acscontracts.terms.loader import parse  # noqa: E402
from acscontracts.web import create_app  # noqa: E402
from web_forms import csrf, form_fields  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
CORPUS = ROOT / "tests" / "invalid"


@pytest.fixture()
def folder(tmp_path):
    for sample in SAMPLES:
        shutil.copy(sample, tmp_path / sample.name)
    shutil.copytree(ROOT / "samples" / "registers", tmp_path / "registers")
    return tmp_path


@pytest.fixture()
def client(folder):
    return create_app(folder).test_client()


def plus(fields, **more):
    """The form's fields (every value of a repeated name kept) with ``more`` set."""
    out = fields.copy()
    for key, value in more.items():
        out[key] = value
    return out


def open_deal(client, name):
    page = client.get(f"/deals/{name}").get_data(as_text=True)
    return page, form_fields(page), {"X-CSRF-Token": csrf(page)}


def check(client, name, fields, headers):
    response = client.post(f"/deals/{name}/check", data=fields, headers=headers)
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_form_shows_every_term_and_saving_it_unchanged_keeps_the_file_byte_for_byte(sample, client, folder):
    page, fields, headers = open_deal(client, sample.name)
    app = client.application
    data, problems = app.extensions["acscontracts"].form.read(fields)
    assert problems == []
    assert data == parse(sample.read_text(encoding="utf-8"), "x")[0]
    response = client.post(f"/deals/{sample.name}", data=plus(fields, _action="save"), headers=headers)
    assert response.status_code == 303
    assert (folder / sample.name).read_bytes() == sample.read_bytes()


def test_saving_a_change_rewrites_only_that_line_and_keeps_comments(client, folder):
    name = "northvale-alliance.yaml"
    _, fields, headers = open_deal(client, name)
    assert fields["deal.population"] == "800,000"
    fields["deal.population"] = "812,500"
    fields["funding.budget.annual_amount"] = "£1,400,000,000.50"
    fields["term.start"] = "1 May 2026"
    client.post(f"/deals/{name}", data=plus(fields, _action="save"), headers=headers)
    before = (ROOT / "samples" / name).read_text().splitlines()
    after = (folder / name).read_text().splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(changed) == sorted(["-  population: 800000", "+  population: 812500",
                                      "-    annual_amount: 1320000000", "+    annual_amount: 1400000000.50",
                                      "-  start: 2026-04-01", "+  start: 2026-05-01"])
    assert sum(line.lstrip().startswith("#") for line in after) == sum(line.lstrip().startswith("#") for line in before)


def test_registers_stay_registers_when_saved(client, folder):
    name = "riverbend-system.yaml"
    _, fields, headers = open_deal(client, name)
    assert fields.get("partners[0]._use") == "1" and fields["partners[0].use"] == "riverbend-icb"
    client.post(f"/deals/{name}", data=plus(fields, _action="save"), headers=headers)
    assert (folder / name).read_bytes() == (ROOT / "samples" / name).read_bytes()


def test_en_gb_inputs_show_formatted_values_and_read_back_schema_values(client):
    page, fields, headers = open_deal(client, "northvale-alliance.yaml")
    assert fields["funding.budget.annual_amount"] == "£1,320,000,000"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", fields["deal.effective_date"])
    assert fields["funding.risk_share.corridors[0].shares[0].pct"].endswith("%")
    fields["funding.budget.annual_amount"] = "£12x"
    fields["deal.effective_date"] = "31 February 2027"
    fields["funding.risk_share.deadband_pct"] = "2.5 %"
    result = check(client, "northvale-alliance.yaml", fields, headers)
    web = {(d["code"], d["path"]) for d in result["diagnostics"]}
    assert ("ACS-WEB-INPUT", "funding.budget.annual_amount") in web
    assert ("ACS-WEB-INPUT", "deal.effective_date") in web
    assert ("ACS-WEB-INPUT", "funding.risk_share.deadband_pct") not in web  # "2.5 %" reads as 2.5
    message = next(d["message"] for d in result["diagnostics"] if d["path"] == "funding.budget.annual_amount")
    assert "£1,320,000" in message  # says how to write it


def test_enum_pickers_explain_every_value_and_partner_pickers_list_the_partners(client):
    page, _, _ = open_deal(client, "northvale-alliance.yaml")
    select = re.search(r'<select id="f-governance.voting_rule".*?</select>', page, re.S).group(0)
    assert 'value="consensus_then_unanimous" data-explain="The board first seeks consensus' in select
    chair = re.search(r'<select id="f-governance.board.chair".*?</select>', page, re.S).group(0)
    assert 'value="northvale-icb"' in chair and 'value="independent"' in chair
    assert 'name="contracting.alliances[0].member_ids" value="eastport-trust"' in page


@pytest.mark.parametrize("path", sorted(p for p in CORPUS.glob("*.yaml") if not p.name.startswith(("_", "load-"))),
                         ids=lambda p: p.name)
def test_every_diagnostic_finds_a_field_on_the_page(path, tmp_path):
    """Each invalid-corpus deal opened in the app: every diagnostic's path is a field, or sits inside one."""
    shutil.copy(path, tmp_path / path.name)
    if (CORPUS / "registers").is_dir():
        shutil.copytree(CORPUS / "registers", tmp_path / "registers")
    client = create_app(tmp_path).test_client()
    page = client.get(f"/deals/{path.name}").get_data(as_text=True)
    if client.get(f"/deals/{path.name}").status_code != 200:
        pytest.skip("the file does not parse; the deal page says so")
    paths = set(re.findall(r'data-path="([^"]*)"', page))
    result = check(client, path.name, form_fields(page), {"X-CSRF-Token": csrf(page)})
    # (a few corpus mistakes cannot survive the form: it reads 01/04/2026 and "1,000,000" as the person meant,
    # fixes schema_version and has no place for an unknown section, so those files check clean)
    for d in result["diagnostics"]:
        p = d["path"]
        while p and p not in paths:
            p = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", p) if re.search(r"(\.[^.\[\]]+|\[\d+\])$", p) else ""
        assert p, d


def test_rows_are_added_and_removed(client):
    _, fields, headers = open_deal(client, "northvale-alliance.yaml")
    count = len([k for k in fields if re.fullmatch(r"partners\[\d+\]\._row", k)])
    headers = {**headers, "X-Fragment": "1"}
    added = client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="add:partners"), headers=headers)
    html = added.get_data(as_text=True)
    assert f'name="partners[{count}]._row"' in html and f'name="partners[{count + 1}]._row"' not in html
    fields = form_fields(f'<form id="deal-form">{html}</form>')
    corridors = len([k for k in fields if re.fullmatch(r"funding\.risk_share\.corridors\[\d+\]\._row", k)])
    added = client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="add:funding.risk_share.corridors"),
                        headers=headers).get_data(as_text=True)
    assert f'name="funding.risk_share.corridors[{corridors}]._row"' in added
    removed = client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="remove:partners[1]"),
                          headers=headers).get_data(as_text=True)
    rows = re.findall(r'name="(partners\[\d+\])\.id" value="([^"]*)"', removed)
    assert len(rows) == count and "northvale-hospitals" not in {v for _, v in rows}
    bad = client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="remove:partners[99]"), headers=headers)
    assert bad.status_code == 400


def test_state_changes_need_the_csrf_token(client, folder):
    _, fields, _ = open_deal(client, "northvale-alliance.yaml")
    fields["deal.population"] = "1"
    token = fields.pop("_csrf")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="save"), headers=headers)
        assert response.status_code == 400 and b"reload the page" in response.data
    other = create_app(folder).test_client()  # another browser: its own session, its own token
    response = other.post("/deals", data={"name": "x", "model": "alliance", "_csrf": token})
    assert response.status_code == 400
    assert (folder / "northvale-alliance.yaml").read_bytes() == (ROOT / "samples/northvale-alliance.yaml").read_bytes()


def test_typed_text_is_never_executed_or_rendered_as_html(client, folder):
    _, fields, headers = open_deal(client, "northvale-alliance.yaml")
    fields["partners[1].legal_name"] = "{{ 7*7 }} Trust"
    fields["partners[1].short_name"] = "<script>alert(1)</script>"
    result = check(client, "northvale-alliance.yaml", fields, headers)
    assert result["preview"] and "<script>" not in result["preview"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result["preview"] and "{{ 7*7 }} Trust" in result["preview"]
    assert "49 Trust" not in result["preview"]
    client.post("/deals/northvale-alliance.yaml", data=plus(fields, _action="save"), headers=headers)
    page = client.get("/deals/northvale-alliance.yaml")
    html = page.get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_check_lists_open_blanks_and_what_final_still_needs(client, folder):
    (folder / "draft.yaml").write_bytes((ROOT / "acscontracts/starters/alliance.yaml").read_bytes())
    _, fields, headers = open_deal(client, "draft.yaml")
    result = check(client, "draft.yaml", fields, headers)
    assert [d for d in result["diagnostics"] if d["severity"] == "error"] == []
    assert result["preview"] and result["documents"]
    codes = {d["code"] for d in result["final_needs"]}  # the gaps: fields, and what the final-only rules want
    assert "ACS-SCHEMA-FINAL" in codes and codes <= {"ACS-SCHEMA-FINAL", "X19", "X20", "X21", "X22", "X23", "X24", "X26"}
    assert any(d["code"] == "X21" and d["path"].endswith(".representatives") for d in result["final_needs"])
    assert any(d["path"] == "deal.population" for d in result["final_needs"])
    assert result["blanks"] and '<mark class="blank"' in result["preview"]


def test_downloads_redline_and_diff_follow_the_draft(client, folder):
    name = "westmoor-lead-provider.yaml"
    _, fields, headers = open_deal(client, name)
    pack = client.post(f"/deals/{name}/pack", data=fields, headers=headers)
    assert pack.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(pack.data)).namelist()
    assert "heads_of_terms.docx" in names and sum(n.startswith("subcontract-") for n in names) == 3
    fields["_doc"] = "subcontract-sub-physiofirst"
    one = client.post(f"/deals/{name}/document", data=fields, headers=headers)
    assert one.headers["Content-Disposition"] == 'attachment; filename="subcontract-sub-physiofirst.docx"'
    assert any("PhysioFirst" in p.text for p in WordDocument(io.BytesIO(one.data)).paragraphs)
    old_value = fields["contracting.subcontracts[2].value_pa"]
    fields["contracting.subcontracts[2].value_pa"] = "£2,345,678"
    fields["contracting.subcontracts[2].specifications[0].annual_value"] = "£1,385,678"  # the services still add up
    redline = client.post(f"/deals/{name}/redline", data=fields, headers=headers)
    assert redline.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(redline.data)).read("word/document.xml").decode()
    assert "<w:ins " in xml and "2,345,678" in xml
    diff = client.post(f"/deals/{name}/diff", data=fields, headers=headers).get_data(as_text=True)
    assert "contracting.subcontracts[" in diff and "£2,345,678" in diff and old_value in diff
    fields["deal.id"] = "Not An Id"
    refused = client.post(f"/deals/{name}/pack", data=fields, headers=headers)
    assert refused.status_code == 422 and b"fix those shown beside the fields" in refused.data
