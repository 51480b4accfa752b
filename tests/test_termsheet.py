"""Excel term sheet: `export` then `import` gives the same terms (every sample, generated deals), the
workbook is laid out for people (sheets, titles, drop-downs, number formats), and hostile workbooks
get located errors without anything in them being evaluated."""
from __future__ import annotations

import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from openpyxl import Workbook, load_workbook

from acscontracts import api
from acscontracts.cli import main
from acscontracts.compare.termsdiff import diff_terms
from acscontracts.diagnostics import AcsError
from acscontracts.terms import xlsx
from acscontracts.terms.dump import dump_terms
from acscontracts.terms.loader import parse
from acscontracts.terms.schema import load_schema
from fuzz_support import SAMPLE_FILES, fuzz_settings, text_mutated_deal

SCHEMA = load_schema()


def _round_trip(data, tmp_path: Path, name: str = "deal.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx.export_workbook(data, SCHEMA))
    loaded, warnings = xlsx.read_workbook(path, SCHEMA)
    assert not warnings
    return loaded


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_every_sample_round_trips_exactly(sample, tmp_path):
    original = api.load(sample)
    back = _round_trip(original.data, tmp_path)
    assert diff_terms(original.loaded, back) == []
    again, _ = parse(dump_terms(back.data, SCHEMA))  # and through the YAML that `import` writes
    assert diff_terms(original.loaded, again) == []
    assert api.diff(original, api.load(tmp_path / "deal.xlsx")).changes == ()


@given(text_mutated_deal())
@fuzz_settings(10)
def test_generated_deals_round_trip_exactly(tmp_path_factory, case):
    loaded, _ = case
    back = _round_trip(loaded.data, tmp_path_factory.mktemp("x"))
    assert diff_terms(loaded.data, back.data) == []


def test_grown_deal_round_trips(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import scaled  # the benchmark's synthetic deal, four times the sample

    grown = scaled(api.load(SAMPLE_FILES[1]).loaded, 4)
    assert diff_terms(grown.data, _round_trip(grown.data, tmp_path).data) == []


def test_export_is_deterministic():
    data = api.load(SAMPLE_FILES[0]).data
    assert xlsx.export_workbook(data, SCHEMA) == xlsx.export_workbook(data, SCHEMA)


def test_layout_for_people(tmp_path):
    path = tmp_path / "deal.xlsx"
    path.write_bytes(api.term_sheet(api.load("samples/northvale-alliance.yaml")))
    book = load_workbook(path)
    for sheet in ("Deal", "Partners", "Corridors", "Shares", "Contributions", "Measures", "Governance"):
        assert sheet in book.sheetnames
    partners = book["Partners"]
    headers = [c.value for c in partners[1]]
    assert headers[:4] == ["List", "Partner identifier", "Legal name", "Short name"]
    assert "Signatory: Signatory name" in headers
    assert partners.row_dimensions[2].hidden
    assert partners.max_row == 2 + 8  # one row per partner
    org_type = headers.index("Organisation type") + 1
    letter = partners.cell(1, org_type).column_letter
    lists = [v for v in partners.data_validations.dataValidation if f"{letter}3" in v.sqref]
    assert lists and "nhs_ft" in lists[0].formula1
    shares = book["Shares"]
    assert shares["A3"].value == "funding.risk_share.corridors[0].shares"
    assert shares["C3"].number_format == '0.00"%"'
    money = [row for row in book["Funding"].iter_rows(min_row=3) if row[2].value == "funding.budget.annual_amount"]
    assert money[0][1].number_format.startswith('"£"') and money[0][1].value == 1320000000
    dates = [row for row in book["Deal"].iter_rows(min_row=3) if row[2].value == "deal.effective_date"]
    assert dates[0][1].is_date and dates[0][1].number_format == "yyyy-mm-dd"


# --------------------------------------------------------------------------- editing and diagnostics


def _exported(tmp_path: Path) -> Path:
    path = tmp_path / "deal.xlsx"
    path.write_bytes(api.term_sheet(api.load("samples/northvale-alliance.yaml")))
    return path


def _edit(path: Path, edit) -> None:
    book = load_workbook(path)
    edit(book)
    book.save(path)


def _cell(sheet, path: str):
    return next(row[1] for row in sheet.iter_rows(min_row=3) if row[2].value == path)


def _import(path: Path, out: Path):
    return CliRunner().invoke(main, ["import", str(path), "-o", str(out)])


def test_an_edited_sheet_imports_and_diff_names_the_change(tmp_path):
    path = _exported(tmp_path)

    def edit(book):
        _cell(book["Governance"], "governance.board.quorum").value = 7
        book["Partners"].append(("partners",))  # a new row: a new partner (incomplete)

    _edit(path, edit)
    result = _import(path, tmp_path / "deal.yaml")
    assert result.exit_code == 1
    assert "deal.xlsx:Partners!A11: error" in result.output  # the new row lacks its required fields

    def complete(book):
        sheet = book["Partners"]
        sheet.delete_rows(11)
    _edit(path, complete)
    result = _import(path, tmp_path / "deal.yaml")
    assert result.exit_code == 0, result.output
    changes = api.diff("samples/northvale-alliance.yaml", tmp_path / "deal.yaml").changes
    assert [c.words() for c in changes] == ["governance.board.quorum: 6 → 7"]


def test_wrong_types_are_located_at_their_cells(tmp_path):
    path = _exported(tmp_path)

    def edit(book):
        _cell(book["Governance"], "governance.board.quorum").value = "six"
        book["Shares"]["C4"].value = "a lot"
        book["Partners"]["G3"].value = "hospital"  # not an organisation type

    _edit(path, edit)
    result = _import(path, tmp_path / "deal.yaml")
    assert result.exit_code == 1
    out = result.output
    quorum = _row_of(path, "Governance", "governance.board.quorum")
    assert f"deal.xlsx:Governance!B{quorum}: error" in out and "governance.board.quorum" in out
    assert "deal.xlsx:Shares!C4: error" in out
    assert "deal.xlsx:Partners!G3: error" in out
    assert not (tmp_path / "deal.yaml").exists()


def _row_of(path: Path, sheet: str, json_path: str) -> int:
    book = load_workbook(path)
    return next(row[2].row for row in book[sheet].iter_rows(min_row=3) if row[2].value == json_path)


def test_a_formula_is_an_error_and_never_evaluated(tmp_path):
    path = _exported(tmp_path)
    _edit(path, lambda book: setattr(_cell(book["Governance"], "governance.board.quorum"), "value", "=2+4"))
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(path, SCHEMA)
    (problem,) = caught.value.diagnostics
    assert problem.code == "ACS-XLSX-FORMULA" and "never evaluated" in problem.message
    assert str(problem.location).startswith(f"{path}:Governance!B")


def test_text_starting_with_equals_is_text(tmp_path):
    data = api.load("samples/northvale-alliance.yaml").data
    data["deal"]["place"] = "=HYPERLINK(\"http://example.invalid\")"
    assert _round_trip(data, tmp_path).data["deal"]["place"] == data["deal"]["place"]


def test_merged_cells_are_refused(tmp_path):
    path = _exported(tmp_path)
    _edit(path, lambda book: book["Partners"].merge_cells("C3:D3"))
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(path, SCHEMA)
    assert any(d.code == "ACS-XLSX-MERGED" and str(d.location).endswith("Partners!C3")
               for d in caught.value.diagnostics)


def test_macros_are_refused(tmp_path):
    macro = tmp_path / "deal.xlsm"
    shutil.copy(_exported(tmp_path), macro)
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(macro, SCHEMA)
    assert caught.value.diagnostics[0].code == "ACS-XLSX-MACROS"
    hidden = tmp_path / "hidden.xlsx"  # a macro project inside a file named .xlsx
    with zipfile.ZipFile(macro) as source, zipfile.ZipFile(hidden, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(hidden, SCHEMA)
    assert caught.value.diagnostics[0].code == "ACS-XLSX-MACROS"


def test_size_bounds(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"  # small on disk, huge unpacked
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (xlsx.MAX_UNPACKED_BYTES + 1))
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(bomb, SCHEMA)
    assert caught.value.diagnostics[0].code == "ACS-XLSX-SIZE" and bomb.stat().st_size < 200_000

    path = _exported(tmp_path)
    _edit(path, lambda book: [book["Measures"].append(("funding.incentives.measures", f"m{i}")) for i in range(40)])
    monkeypatch.setattr(xlsx, "MAX_ROWS", 30)
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(path, SCHEMA)
    assert any(d.code == "ACS-XLSX-SIZE" and "Measures!A33" in str(d.location) for d in caught.value.diagnostics)


def test_not_a_workbook(tmp_path):
    junk = tmp_path / "deal.xlsx"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(AcsError) as caught:
        xlsx.read_workbook(junk, SCHEMA)
    assert caught.value.diagnostics[0].code == "ACS-XLSX-FORMAT"
    result = CliRunner().invoke(main, ["import", str(junk), "-o", str(tmp_path / "d.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output and "ACS-XLSX-FORMAT" in result.output


def test_a_foreign_sheet_is_a_warning(tmp_path):
    path = _exported(tmp_path)
    _edit(path, lambda book: book.create_sheet("Notes").append(("anything",)))
    _, warnings = xlsx.read_workbook(path, SCHEMA)
    assert [w.code for w in warnings] == ["ACS-XLSX-LAYOUT"] and "Notes!A2" in str(warnings[0].location)


def test_export_command(tmp_path):
    out = tmp_path / "deal.xlsx"
    result = CliRunner().invoke(main, ["export", "samples/westmoor-lead-provider.yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Subcontracts" in load_workbook(out).sheetnames
    assert CliRunner().invoke(main, ["export", "samples/westmoor-lead-provider.yaml", "-o",
                                     str(tmp_path / "deal.csv")]).exit_code == 2


def test_paths():
    assert xlsx.parse_path("funding.risk_share.corridors[0].shares") == ("funding", "risk_share", "corridors", 0,
                                                                          "shares")
    for bad in ("", "a..b", ".a", "a[x]", "[0]x", "a.", "a]"):
        assert xlsx.parse_path(bad) is None, bad
    assert xlsx.format_path(("a", 0, "b")) == "a[0].b"
    assert xlsx._number(0.1) == Decimal("0.1") and xlsx._number(3.0) == 3


def test_true_and_false_as_libreoffice_saves_them(tmp_path):
    """LibreOffice has no boolean cells: it saves TRUE as the formula =TRUE(). That constant is read as
    a yes/no; any other formula stays an error."""
    path = _exported(tmp_path)
    _edit(path, lambda book: setattr(_cell(book["Funding"], "funding.open_book"), "value", "=TRUE()"))
    loaded, _ = xlsx.read_workbook(path, SCHEMA)
    assert loaded.data["funding"]["open_book"] is True
    _edit(path, lambda book: setattr(_cell(book["Funding"], "funding.open_book"), "value", "=NOT(FALSE())"))
    with pytest.raises(AcsError):
        xlsx.read_workbook(path, SCHEMA)
