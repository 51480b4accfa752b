"""Deal terms as an Excel term sheet, and back, for programme offices that live in spreadsheets.

``export_workbook(data) -> bytes`` writes, with openpyxl:

* a sheet per section (``Deal``, ``Governance``, ``Funding`` ...): one row per value, ``Term | Value |
  Path``, where Path is the value's JSON path (``governance.board.quorum``; ``scope.services[2]``);
* a sheet per kind of list of records (``Partners``, ``Corridors``, ``Shares``, ``Contributions``,
  ``Subcontracts``, ``Measures`` ...): row 1 the schema's titles, row 2 (hidden) the field keys, then
  one row per item; column A names the list the item belongs to
  (``funding.risk_share.corridors[0].shares``), so a new row is a new item of that list.

Enumerations get drop-down lists, money, percentages and dates number formats. A list of values
inside a record (a partner's roles) is one cell, one value a line.

``read_workbook(path) -> LoadedTerms`` reads it back with every value's cell as its location
(``deal.xlsx:Partners!C7``), so validation reports problems at cells. Nothing in the workbook is
evaluated: a formula is an error, not a value; macros, oversized files and sheets, and merged
cells are refused with a located error.
"""
from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from acscontracts.diagnostics import ERROR, WARNING, AcsError, Diagnostic, Location
from acscontracts.terms.schema_walk import SchemaWalk

MAX_FILE_BYTES = 10 * 1024 * 1024  # a term sheet is tens of KB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all parts of the zip, uncompressed (a zip bomb is refused unread)
MAX_PARTS = 500
MAX_SHEETS = 100
MAX_ROWS = 10_000  # per sheet
MAX_COLUMNS = 200
MAX_VALUES = 200_000  # as the YAML loader's limit
VALIDATION_ROWS = 2_000  # drop-down lists cover this many rows of a list sheet

SECTION, LIST, LISTS = "@section", "@list", "@lists"  # row 2, column A: what a sheet is
SECTION_HEADER = ("Term", "Value", "Path")
EMPTY_LIST, EMPTY_OBJECT = "[]", "{}"
FILE_SHEET = "Terms file"  # top-level values that are not sections ($schema, schema_version ...)
FORMATS = {"money": '"£"#,##0.00', "percent": '0.00"%"', "date": "yyyy-mm-dd", "integer": "0"}
_BOOLEAN_FORMULAS = {"=TRUE()", "=FALSE()", "=TRUE", "=FALSE"}
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# --------------------------------------------------------------------------- paths


def format_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_path(text: str) -> tuple | None:
    """``a.b[2].c`` -> ("a", "b", 2, "c"); None when it is not a path."""
    parts, end = [], 0
    for match in _PATH_PART.finditer(text):
        gap = text[end:match.start()]
        if gap not in ("", ".") or (gap == "." and not parts) or (gap == "" and parts and match.group(1)):
            return None
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        end = match.end()
    return tuple(parts) if parts and end == len(text) else None


# --------------------------------------------------------------------------- export


def _is_records(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _exact_float(value: Decimal) -> bool:
    return Decimal(repr(float(value))) == value


def _cell_value(value, kind: str):
    """What to put in a cell: Excel numbers and dates where that is exact, text otherwise."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        if isinstance(value, int) and abs(value) < 2 ** 53:
            return value
        return float(value) if _exact_float(Decimal(value)) else str(value)
    if isinstance(value, str) and kind == "date":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return _list_cell(value)
    if isinstance(value, dict):
        return EMPTY_OBJECT
    return value


def _list_cell(values: list) -> str:
    """A list of values in one cell: one a line, or JSON when a line could not tell them apart."""
    if values and all(isinstance(v, str) and v and "\n" not in v and v.strip() == v for v in values) \
            and not values[0].startswith("["):
        return "\n".join(values)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) if not isinstance(v, Decimal) else str(v)
                           for v in values) + "]"


class _Sheets:
    """Sheet names: unique, at most 31 characters, none of Excel's forbidden characters."""

    def __init__(self):
        self.names: set = set()

    def name(self, title: str) -> str:
        base = _BAD_SHEET_CHARS.sub(" ", title)[:31].strip() or "Sheet"
        name, n = base, 2
        while name.lower() in self.names:
            name = f"{base[:27]} ({n})"
            n += 1
        self.names.add(name.lower())
        return name


class _Export:
    def __init__(self, walk: SchemaWalk):
        self.walk = walk
        self.sections: dict = {}  # section key -> [(parts, value)]
        self.lists: dict = {}  # list key -> {"title", "node" (item schema), "rows": [(list parts, flat item)]}
        self.order: list = []  # ("section" | "list", key) in order of first appearance

    def collect(self, value, parts: tuple, section: str) -> None:
        if _is_records(value):
            self._records(value, parts)
        elif isinstance(value, dict) and value:
            for key, item in value.items():
                self.collect(item, parts + (key,), section)
        elif isinstance(value, list) and value:
            for index, item in enumerate(value):
                self.collect(item, parts + (index,), section)
        else:
            self._section(section).append((parts, value))

    def _section(self, key: str) -> list:
        if key not in self.sections:
            self.sections[key] = []
            self.order.append(("section", key))
        return self.sections[key]

    def _records(self, items: list, parts: tuple) -> None:
        key = next(p for p in reversed(parts) if isinstance(p, str))
        node = self.walk.at(parts)
        if key not in self.lists:
            self.lists[key] = {"title": self.walk.title(node, key), "nodes": [], "rows": []}
            self.order.append(("list", key))
        sheet = self.lists[key]
        item_node = self.walk.child(node, 0)
        if all(n is not item_node for n in sheet["nodes"]):
            sheet["nodes"].append(item_node)
        for index, item in enumerate(items):
            flat: dict = {}
            self._flatten(item, (), parts + (index,), flat)
            sheet["rows"].append((parts, flat))

    def _flatten(self, item: dict, rel: tuple, at: tuple, flat: dict) -> None:
        for key, value in item.items():
            if _is_records(value):
                self._records(value, at + rel + (key,))
            elif isinstance(value, dict) and value:
                self._flatten(value, rel + (key,), at, flat)
            else:
                flat[rel + (key,)] = value

    def columns(self, sheet: dict) -> list:
        """Field keys of a list sheet: the schema's leaf fields in order, then any others the data has."""
        columns: list = []

        def leaves(node, rel):
            for key, child in self.walk.properties(node).items():
                kind = self.walk.kind(child)
                if kind == "object":
                    leaves(child, rel + (key,))
                elif not (kind == "array" and self.walk.kind(self.walk.child(child, 0)) == "object"):
                    if rel + (key,) not in columns:
                        columns.append(rel + (key,))

        for node in sheet["nodes"]:
            leaves(node, ())
        for _, flat in sheet["rows"]:
            columns.extend(k for k in flat if k not in columns)
        return columns


def export_workbook(data: dict, schema: dict) -> bytes:
    """The term sheet for plain terms data (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    walk = SchemaWalk(schema)
    export = _Export(walk)
    for key, value in data.items():
        section = key if isinstance(value, dict) else FILE_SHEET
        export.collect(value, (key,), section)

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "acscontracts"
    names = _Sheets()
    bold, grey = Font(bold=True), Font(color="808080", italic=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    lists_sheet = _EnumLists(book, names)
    for what, key in export.order:
        if what == "section":
            title = FILE_SHEET if key == FILE_SHEET else walk.title(walk.child(schema, key), key)
            sheet = book.create_sheet(names.name(title))
            sheet.append(SECTION_HEADER)
            sheet.append((SECTION, "@value", "@path"))
            for parts, value in export.sections[key]:
                node = walk.at(parts)
                kind = walk.kind(node)
                sheet.append((_term_title(walk, parts), None, format_path(parts)))
                cell = sheet.cell(row=sheet.max_row, column=2)
                _put(cell, value, kind)
                lists_sheet.validate(sheet, walk, node, kind, cell.coordinate)
            widths = (48, 40, 44)
        else:
            spec = export.lists[key]
            columns = export.columns(spec)
            sheet = book.create_sheet(names.name(spec["title"]))
            item_nodes = spec["nodes"]
            column_nodes = [_column_node(walk, item_nodes, c) for c in columns]
            sheet.append(("List",) + tuple(_column_title(walk, item_nodes, c) for c in columns))
            sheet.append((LIST,) + tuple(".".join(c) for c in columns))
            for list_parts, flat in spec["rows"]:
                sheet.append((format_path(list_parts),))
                row = sheet.max_row
                for number, (column, node) in enumerate(zip(columns, column_nodes), 2):
                    if column in flat:
                        _put(sheet.cell(row=row, column=number), flat[column], walk.kind(node))
            for number, node in enumerate(column_nodes, 2):
                letter = sheet.cell(row=1, column=number).column_letter
                lists_sheet.validate(sheet, walk, node, walk.kind(node), f"{letter}3:{letter}{VALIDATION_ROWS}")
            widths = (34,) + tuple(14 if walk.kind(n) in FORMATS else 24 for n in column_nodes)
        for number, width in enumerate(widths, 1):
            sheet.column_dimensions[sheet.cell(row=1, column=number).column_letter].width = width
        for cell in sheet[1]:
            cell.font, cell.fill = bold, header_fill
        for cell in sheet[2]:
            cell.font = grey
        sheet.row_dimensions[2].hidden = True
        sheet.freeze_panes = "B3"
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists_sheet.finish()
    out = io.BytesIO()
    book.save(out)
    return _deterministic(out.getvalue())


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _deterministic(data: bytes) -> bytes:
    """Same terms, same bytes: openpyxl stamps the time into the zip and docProps/core.xml."""
    from acscontracts.writers.ooxml import write_zip

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return write_zip([(name, _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", body) if name == "docProps/core.xml"
                       else body) for name, body in parts])


def _put(cell, value, kind: str) -> None:
    cell.value = _cell_value(value, kind)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    elif kind in FORMATS and not isinstance(cell.value, bool):
        cell.number_format = FORMATS[kind]


def _term_title(walk: SchemaWalk, parts: tuple) -> str:
    words, node = [], walk.schema
    for part in parts:
        node = walk.child(node, part)
        if isinstance(part, int):
            words[-1] = f"{words[-1]} {part + 1}" if words else str(part + 1)
        else:
            words.append(walk.title(node, part))
    return " › ".join(words)


def _column_node(walk: SchemaWalk, item_nodes: list, column: tuple) -> dict:
    for node in item_nodes:
        for part in column:
            node = walk.child(node, part)
        if node:
            return node
    return {}


def _column_title(walk: SchemaWalk, item_nodes: list, column: tuple) -> str:
    words = []
    for depth in range(1, len(column) + 1):
        words.append(walk.title(_column_node(walk, item_nodes, column[:depth]), column[depth - 1]))
    return ": ".join(words)


class _EnumLists:
    """Drop-down lists: short ones inline, long ones from a hidden sheet of lists."""

    def __init__(self, book, names: _Sheets):
        self.book, self.names = book, names
        self.validations: dict = {}  # (sheet title, formula) -> DataValidation
        self.sheet = None

    def validate(self, sheet, walk: SchemaWalk, node, kind: str, cells: str) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        values = ("TRUE", "FALSE") if kind == "boolean" else walk.enum(node)
        if not values:
            return
        formula = '"' + ",".join(str(v) for v in values) + '"'
        if len(formula) > 250:
            formula = self._range(values)
        key = (sheet.title, formula)
        if key not in self.validations:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                        errorTitle="Not one of the choices", error="Pick a value from the list.")
            sheet.add_data_validation(validation)
            self.validations[key] = validation
        self.validations[key].add(cells)

    def _range(self, values) -> str:
        if self.sheet is None:
            self.sheet = self.book.create_sheet(self.names.name("Lists"))
            self.sheet.append(("Choices for drop-down lists",))
            self.sheet.append((LISTS,))
        column = self.sheet.max_column + (1 if self.sheet.max_row > 2 or self.sheet.cell(3, 1).value else 0)
        for row, value in enumerate(values, 3):
            self.sheet.cell(row=row, column=column, value=str(value)).data_type = "s"
        letter = self.sheet.cell(row=1, column=column).column_letter
        return f"'{self.sheet.title}'!${letter}$3:${letter}${len(values) + 2}"

    def finish(self) -> None:
        if self.sheet is not None:
            self.sheet.sheet_state = "hidden"


# --------------------------------------------------------------------------- import


def _problem(where: str, message: str, hint: str, code: str = "ACS-XLSX", path: str = "",
             severity: str = ERROR) -> Diagnostic:
    return Diagnostic(severity, code, message, hint, Location(where), path)


def _check_container(path: Path, name: str) -> list[Diagnostic]:
    """Refuse, before openpyxl reads anything, what is not a plain bounded .xlsx."""
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam"):
        return [_problem(name, "is a macro-enabled workbook", "save it as an Excel Workbook (.xlsx): macros are "
                         "never run", "ACS-XLSX-MACROS")]
    try:
        size = path.stat().st_size
        if not path.is_file():
            return [_problem(name, "is not a regular file", "name an .xlsx file", "ACS-IO")]
    except OSError:
        return [_problem(name, "file not found", "check the path", "ACS-IO")]
    if size > MAX_FILE_BYTES:
        return [_problem(name, f"is more than {MAX_FILE_BYTES:,} bytes, the limit", "a term sheet is a few tens "
                         "of KB: remove pictures and unused sheets", "ACS-XLSX-SIZE")]
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return [_problem(name, "is not an Excel workbook (.xlsx)", "save it from Excel as .xlsx", "ACS-XLSX-FORMAT")]
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        return [_problem(name, f"unpacks to more than {MAX_UNPACKED_BYTES:,} bytes or {MAX_PARTS} parts",
                         "a term sheet is small: remove pictures and unused sheets", "ACS-XLSX-SIZE")]
    names = {p.filename.lower() for p in parts}
    if any(n.endswith("vbaproject.bin") for n in names):
        return [_problem(name, "contains macros", "save it as an Excel Workbook (.xlsx): macros are never run",
                         "ACS-XLSX-MACROS")]
    if "xl/workbook.xml" not in names:
        return [_problem(name, "is not an Excel workbook (.xlsx)", "save it from Excel as .xlsx", "ACS-XLSX-FORMAT")]
    return []


def _merged_ranges(book, sheet) -> list[str]:
    """Merged cells of a read-only sheet, from its XML (openpyxl's read-only mode does not list them)."""
    source = getattr(sheet, "_worksheet_path", None)
    if not source:
        return []
    with book._archive.open(source) as handle:  # bounded by MAX_UNPACKED_BYTES
        text = handle.read()
    return re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', text)


class _Reader:
    def __init__(self, name: str, walk: SchemaWalk):
        self.name, self.walk = name, walk
        self.problems: list[Diagnostic] = []
        self.values: list = []  # (parts, value, location)
        self.count = 0

    def where(self, sheet: str, coordinate: str = "") -> str:
        title = f"'{sheet}'" if re.search(r"[^A-Za-z0-9_]", sheet) else sheet
        return f"{self.name}:{title}!{coordinate}" if coordinate else f"{self.name}:{title}"

    def read(self, book) -> None:
        sheets = book.worksheets
        if len(sheets) > MAX_SHEETS:
            self.problems.append(_problem(self.name, f"has more than {MAX_SHEETS} sheets", "remove unused sheets",
                                          "ACS-XLSX-SIZE"))
            return
        for sheet in sheets:
            for merged in _merged_ranges(book, sheet):
                self.problems.append(_problem(self.where(sheet.title, merged.decode().split(":")[0]),
                                              f"cells {merged.decode()} are merged",
                                              "unmerge them: each value needs its own cell", "ACS-XLSX-MERGED"))
            self._sheet(sheet)

    def _rows(self, sheet):
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), 1):
            if number > MAX_ROWS + 2:
                self.problems.append(_problem(self.where(sheet.title, f"A{number}"),
                                              f"has more than {MAX_ROWS:,} rows", "split the list or remove empty "
                                              "formatted rows", "ACS-XLSX-SIZE"))
                return
            cells = [c for c in row if getattr(c, "value", None) is not None]
            if any(getattr(c, "column", 0) > MAX_COLUMNS for c in cells):
                self.problems.append(_problem(self.where(sheet.title, f"A{number}"),
                                              f"has more than {MAX_COLUMNS} columns", "remove unused columns",
                                              "ACS-XLSX-SIZE"))
                return
            yield number, {c.column: c for c in cells}

    def _sheet(self, sheet) -> None:
        rows = self._rows(sheet)
        first = next(rows, None)
        second = next(rows, None)
        marker = second[1].get(1).value if second and second[1].get(1) is not None else None
        if marker == LISTS:
            return
        if marker == SECTION:
            for number, cells in rows:
                self._section_row(sheet.title, number, cells)
        elif marker == LIST:
            keys = {col: cell.value for col, cell in second[1].items() if col > 1}
            previous = None
            for number, cells in rows:
                previous = self._list_row(sheet.title, number, cells, keys, previous)
        elif first is not None or second is not None:
            self.problems.append(_problem(self.where(sheet.title, "A2"), "is not a sheet of the term sheet (row 2 "
                                          "holds no field keys)", "keep the layout `acscontracts export` writes; "
                                          "put notes in cell comments", "ACS-XLSX-LAYOUT", severity=WARNING))

    def _section_row(self, sheet: str, number: int, cells: dict) -> None:
        value_cell, path_cell = cells.get(2), cells.get(3)
        if value_cell is None:
            return
        if path_cell is None or not isinstance(path_cell.value, str) or parse_path(path_cell.value) is None:
            self.problems.append(_problem(self.where(sheet, f"C{number}"), "needs the JSON path of the value in "
                                          "column C (e.g. governance.board.quorum)", "copy the path from a row "
                                          "above and adapt it", "ACS-XLSX-PATH"))
            return
        parts = parse_path(path_cell.value)
        self._value(parts, value_cell, self.where(sheet, value_cell.coordinate), self.walk.at(parts))

    def _list_row(self, sheet: str, number: int, cells: dict, keys: dict, previous):
        filled = {col: cell for col, cell in cells.items() if col > 1}
        if not filled and 1 not in cells:
            return previous
        list_cell = cells.get(1)
        if list_cell is None:
            list_parts = previous
        else:
            list_parts = parse_path(list_cell.value) if isinstance(list_cell.value, str) else None
        if list_parts is None:
            self.problems.append(_problem(self.where(sheet, f"A{number}"), "needs the list this row belongs to in "
                                          "column A (e.g. partners)", "copy column A from a row above",
                                          "ACS-XLSX-PATH"))
            return previous
        index = self.next_index(list_parts)
        item_parts = list_parts + (index,)
        location = self.where(sheet, f"A{number}")
        self.values.append((item_parts, {}, location))
        item_node = self.walk.at(item_parts)
        for col, cell in filled.items():
            key = keys.get(col)
            rel = tuple(key.split(".")) if isinstance(key, str) and key else None
            if rel is None:
                self.problems.append(_problem(self.where(sheet, cell.coordinate), "is in a column without a field "
                                              "key in row 2", "move the value to its column", "ACS-XLSX-LAYOUT"))
                continue
            node = item_node
            for part in rel:
                node = self.walk.child(node, part)
            self._value(item_parts + rel, cell, self.where(sheet, cell.coordinate), node)
        return list_parts

    def next_index(self, list_parts: tuple) -> int:
        counts = self.__dict__.setdefault("_counts", {})
        counts[list_parts] = counts.get(list_parts, -1) + 1
        return counts[list_parts]

    def _value(self, parts: tuple, cell, where: str, node) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            if self.count == MAX_VALUES + 1:
                self.problems.append(_problem(where, f"the workbook holds more than {MAX_VALUES:,} values",
                                              "a deal's terms are far smaller", "ACS-XLSX-SIZE"))
            return
        path = format_path(parts)
        kind = self.walk.kind(node)
        value, problem = _from_cell(cell, kind, self.walk, node)
        if problem:
            message, hint, *code = problem
            self.problems.append(_problem(where, message, hint, code[0] if code else "ACS-XLSX-VALUE", path))
            return
        self.values.append((parts, value, where))


def _from_cell(cell, kind: str, walk: SchemaWalk, node):
    """(value, None) or (None, (what is wrong, how to fix)). Values the schema will refuse are passed on
    as they are, so that validation reports them at the cell."""
    value, data_type = cell.value, getattr(cell, "data_type", "s")
    if data_type == "f" and isinstance(value, str) and value.upper() in _BOOLEAN_FORMULAS:
        value, data_type = value.upper().startswith("=TRUE"), "b"  # how LibreOffice saves TRUE: a constant
    if data_type == "f" or (isinstance(value, str) and data_type != "s" and value.startswith("=")):
        return None, ("is a formula; formulas are never evaluated", "type the value itself", "ACS-XLSX-FORMULA")
    if data_type == "e":
        return None, (f"holds the Excel error {value}", "type the value itself")
    if isinstance(value, str) and value == EMPTY_LIST and kind in ("array", ""):
        return [], None
    if isinstance(value, str) and value == EMPTY_OBJECT and kind in ("object", ""):
        return {}, None
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            return None, ("is a date and time", "give a date only")
        value = value.date()
    if isinstance(value, datetime.time):
        return None, ("is a time", "give the value itself")
    if isinstance(value, datetime.date):
        if kind == "date":
            return value.isoformat(), None
        return None, ("is a date, where the terms expect " + (kind or "text"),
                      "format the cell as text and type the value again")
    if kind in ("money", "percent", "number", "integer"):
        return _number(value), None
    if kind == "boolean" and isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes"), None
    if kind == "array":
        return _list_from_cell(value, walk, walk.child(node, 0))
    if kind in ("string", "date") and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and float(value).is_integer():
        return str(int(value)), None  # a code typed as a number (a charity number)
    if isinstance(value, float):
        return _number(value), None
    return value, None


def _number(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return value  # the schema says it is not a number, at this cell
        if not value.is_finite():
            return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value() and "." not in str(value) \
            and "E" not in str(value):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value() and abs(value) < 10 ** 16:
        return int(value)
    return value


def _list_from_cell(value, walk: SchemaWalk, item_node):
    item_kind = walk.kind(item_node)
    if isinstance(value, str) and value.startswith("["):
        try:
            items = json.loads(value, parse_float=Decimal)
        except ValueError:
            return None, ("is not a list", "give one value a line, or a JSON list such as [\"a\", \"b\"]")
        if not isinstance(items, list):
            return None, ("is not a list", "give one value a line")
    elif isinstance(value, str):
        items = value.split("\n")
    else:
        items = [value]
    if item_kind in ("money", "percent", "number", "integer"):
        items = [_number(i) for i in items]
    elif item_kind in ("string", "date"):
        items = [str(int(i)) if isinstance(i, (int, float)) and not isinstance(i, bool) and float(i).is_integer()
                 else i for i in items]
    return items, None


def _assemble(values: list) -> tuple[dict, dict]:
    """Plain data and positions from (path, value, location) triples; list items by index, in order."""
    root: dict = {}
    positions: dict = {}
    for parts, value, where in values:
        node = root
        for depth, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # a value and a record at one path: the later row loses
                break
        else:
            last = parts[-1]
            if isinstance(value, dict) and isinstance(node.get(last), dict):
                pass  # a record whose fields are set one by one
            elif isinstance(value, dict) and not value:
                node.setdefault(last, {})
            else:
                node[last] = value
        positions.setdefault(tuple(parts), Location(where))
    return _lists(root), positions


def _lists(value):
    """Containers keyed by list indices become lists, in index order."""
    if isinstance(value, dict):
        if value and all(isinstance(k, int) for k in value):
            return [_lists(value[k]) for k in sorted(value)]
        return {k: _lists(v) for k, v in value.items()}
    return value


def read_workbook(path: str | Path, schema: dict):
    """Terms from a term sheet: terms.loader.LoadedTerms whose positions are cells. Raises AcsError with
    every problem found (a formula, a merged cell, a value of the wrong kind, a sheet too large)."""
    from acscontracts.terms.loader import LoadedTerms

    path = Path(path)
    name = str(path)
    problems = _check_container(path, name)
    if problems:
        raise AcsError(problems)
    import warnings

    from openpyxl import load_workbook

    reader = _Reader(name, SchemaWalk(schema))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes about unsupported extensions
            book = load_workbook(path, read_only=True, data_only=False, keep_vba=False, keep_links=False)
        try:
            reader.read(book)
        finally:
            book.close()
    except AcsError:
        raise
    except Exception as exc:  # openpyxl on a damaged or hostile file: located, never a traceback
        raise AcsError([_problem(name, f"cannot be read as a workbook ({type(exc).__name__})",
                                 "open it in Excel and save it again as .xlsx", "ACS-XLSX-FORMAT")]) from None
    errors = [p for p in reader.problems if p.is_error]
    if errors:
        raise AcsError(reader.problems)
    data, positions = _assemble(reader.values)
    loaded = LoadedTerms(data, positions, path, (path,))
    return loaded, reader.problems
