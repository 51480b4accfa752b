"""Load deal terms from YAML or JSON, keeping the file, line and column of every value.

YAML is read with JSON semantics: mappings with string keys, sequences, strings, exact
``Decimal`` numbers (read from the source text, never through float), booleans and null.
Dates stay ISO strings (the schema checks them). PyYAML's composer gives us the node
marks; we construct values ourselves so that we can refuse what YAML would silently
accept (duplicate keys, alias bombs, deep nesting).
"""
from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location

MAX_FILE_BYTES = 5 * 1024 * 1024  # a deal-terms file is a few tens of KB
MAX_NODES = 200_000  # values after alias expansion
MAX_DEPTH = 40
MAX_NUMBER_DIGITS = 30  # significant digits and exponent of a number: checked before converting it

try:  # the C composer is ~10x faster; both give the same nodes and marks
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.?[0-9]+([eE][-+]?[0-9]+)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"null", "Null", "NULL", "~", ""}
_BOOL_LIKE = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"}

Path_ = tuple  # a JSON path as a tuple of str keys and int indexes


@dataclass(frozen=True)
class LoadedTerms:
    """Plain data plus where each value came from."""

    data: object
    positions: dict = field(repr=False)  # Path_ -> Location
    path: Path | None = None
    files: tuple = ()  # every file read (terms file, register)
    register_ids: tuple = ()  # organisation ids the partner register offers
    derived: frozenset = frozenset()  # JSON paths of values filled in by terms.derive, not written in the file

    def locate(self, path: Path_) -> Location | None:
        """The location of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]


def _problem(file: str, message: str, hint: str = "", line: int = 0, col: int = 0, code="ACS-LOAD"):
    return Diagnostic(ERROR, code, message, hint, Location(file, line, col))


def read_text(path: Path) -> str:
    """Read a UTF-8 file within the size limit; AcsError (with location) otherwise."""
    name = str(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():  # /dev/zero, a FIFO: never read
            raise AcsError([_problem(name, "is not a regular file", "name a .yaml or .json file", code="ACS-IO")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more than the limit, whatever the file claims
    except FileNotFoundError:
        raise AcsError([_problem(name, "file not found", "check the path", code="ACS-IO")])
    except IsADirectoryError:
        raise AcsError([_problem(name, "is a folder, not a terms file", "name a .yaml or .json file", code="ACS-IO")])
    except OSError as exc:
        raise AcsError([_problem(name, f"cannot be read ({exc.strerror})", "check permissions", code="ACS-IO")])
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """The text of a terms file's bytes (a file, or a request body) within the size limit; AcsError otherwise."""
    if len(raw) > MAX_FILE_BYTES:
        raise AcsError([_problem(name, f"is more than {MAX_FILE_BYTES:,} bytes, the limit",
                                 "split the terms or remove pasted material", code="ACS-LOAD-SIZE")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise AcsError([_problem(name, f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                                 "save the file as UTF-8", line, col, code="ACS-LOAD-ENCODING")])


def load_terms(path: str | Path) -> LoadedTerms:
    """Load a terms file and, if it names one, its partner register (merged into partners)."""
    path = Path(path)
    return _with_register(*parse(read_text(path), str(path)), path.parent, path)


def load_terms_text(text: str, name: str, base: Path) -> LoadedTerms:
    """Terms from text (named ``name`` in diagnostics) whose partner register path is relative to ``base``."""
    return _with_register(*parse(text, name), Path(base), None)


def _with_register(data, positions: dict, base: Path, path: Path | None) -> LoadedTerms:
    files = [path] if path is not None else []
    register_ids: tuple = ()
    if isinstance(data, dict) and isinstance(data.get("partner_register"), str):
        data, positions, register_path, register_ids = _merge_register(data, positions, base)
        files.append(register_path)
    return LoadedTerms(data, positions, path, tuple(files), register_ids)


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a reader position (the C reader counts UTF-8 bytes)."""
    if _YamlLoader is not yaml.SafeLoader:
        prefix = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "replace")
    else:
        prefix = text[:position]
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


_CONTENT_START = re.compile(r"[ ]*(?:-[ ]+)*")


def _indentation_change(text: str, error_line: int) -> tuple[int, str, str] | None:
    """(line, what, hint) when a YAML error sits where the indentation changes unexpectedly, in plain words."""
    lines = text.split("\n")
    meaningful = [i for i in range(min(error_line, len(lines) - 1), -1, -1)
                  if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if len(meaningful) < 2:
        return None
    here, above = meaningful[0], meaningful[1]
    indent = len(lines[here]) - len(lines[here].lstrip(" "))
    field_column = _CONTENT_START.match(lines[above]).end()  # after the spaces and any "- " of a list item
    opens_block = lines[above].split(" #")[0].rstrip().endswith(":")
    if indent == field_column or (opens_block and indent > field_column) or lines[here].lstrip().startswith("-"):
        return None
    if indent > field_column:
        what = (f"the indentation changes at line {here + 1}: it is indented further (column {indent + 1}) than "
                f"the field on line {above + 1} (column {field_column + 1}), which already has its value")
    else:
        what = (f"the indentation changes at line {here + 1}: it starts in column {indent + 1}, but the field "
                f"on line {above + 1} above it starts in column {field_column + 1}")
    hint = ("in YAML the spaces at the start of a line show what the line belongs to: the fields of one item "
            "start in the same column, and only the contents of a field ending in `:` are indented further; "
            f"move line {here + 1} so that it starts in the same column as the field it sits beside")
    return here + 1, what, hint


def parse(text: str, name: str = "<string>") -> tuple[object, dict]:
    """Parse YAML (or JSON, which is YAML) text into (data, positions)."""
    if "\t" in text:
        for lineno, line in enumerate(text.splitlines(), 1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                raise AcsError([_problem(name, "a tab is used for indentation", "indent with spaces only",
                                         lineno, line.index("\t") + 1, code="ACS-LOAD-TAB")])
    try:
        node = yaml.compose(text, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "cannot be parsed").strip()
        if "nesting depth" in message:  # PyYAML >= 6.0.4 limits nesting itself, before our own check
            raise AcsError([_problem(name, "is nested too deeply", f"keep nesting under {MAX_DEPTH} levels",
                                     mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                     code="ACS-LOAD-DEPTH")])
        explained = _indentation_change(text, mark.line) if mark else None
        if explained:
            line, what, hint = explained
            raise AcsError([_problem(name, f"not valid YAML/JSON: {what}", hint, line, 1, code="ACS-LOAD-SYNTAX")])
        raise AcsError([_problem(name, f"not valid YAML/JSON: {message}",
                                 "check quoting, colons and indentation near this point",
                                 mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                                 code="ACS-LOAD-SYNTAX")])
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (no mark: locate it ourselves)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        line, col = _line_col(text, exc.position)
        raise AcsError([_problem(name, f"contains the character U+{char:04X}, which YAML does not allow",
                                 "remove it; it often comes from text pasted from Word or PDF", line, col,
                                 code="ACS-LOAD-CHARACTER")])
    except UnicodeEncodeError as exc:  # a lone surrogate in text handed to us as str
        prefix = text[:exc.start]
        raise AcsError([_problem(name, f"contains the character U+{ord(text[exc.start]):04X}, which YAML does not "
                                 "allow", "remove it", prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1,
                                 code="ACS-LOAD-CHARACTER")])
    except yaml.YAMLError as exc:
        raise AcsError([_problem(name, f"not valid YAML/JSON: {' '.join(str(exc).split())}", line=1, col=1,
                                 code="ACS-LOAD-SYNTAX")])
    except RecursionError:
        raise AcsError([_problem(name, "is nested too deeply", f"keep nesting under {MAX_DEPTH} levels",
                                 1, 1, code="ACS-LOAD-DEPTH")])
    if node is None:
        raise AcsError([_problem(name, "is empty", "start from `acscontracts init`", 1, 1, code="ACS-LOAD-EMPTY")])
    builder = _Builder(name)
    data = builder.build(node, (), 0)
    if builder.problems:
        raise AcsError(builder.problems)
    return data, builder.positions


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.positions: dict = {}
        self.count = 0
        self.problems: list = []  # numbers out of bounds: every one is reported, after the whole file

    def _loc(self, node) -> Location:
        return Location(self.name, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node, message, hint, code):
        loc = self._loc(node)
        raise AcsError([Diagnostic(ERROR, code, message, hint, loc)])

    def build(self, node, path: tuple, depth: int):
        self.count += 1
        if self.count > MAX_NODES:
            self._fail(node, f"expands to more than {MAX_NODES:,} values (YAML aliases?)",
                       "remove anchors/aliases that repeat large blocks", "ACS-LOAD-ALIAS")
        if depth > MAX_DEPTH:
            self._fail(node, f"is nested more than {MAX_DEPTH} levels deep", "flatten the structure",
                       "ACS-LOAD-DEPTH")
        self.positions[path] = self._loc(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (
                "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            self._fail(node, f"unsupported YAML tag {node.tag}", "remove the tag", "ACS-LOAD-TAG")
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._fail(key_node, "YAML merge keys (<<) are not supported",
                               "write the values out in full", "ACS-LOAD-MERGE")
                if not isinstance(key_node, yaml.ScalarNode):
                    self._fail(key_node, "a key must be plain text", "use a simple name as the key",
                               "ACS-LOAD-KEY")
                key = key_node.value
                if key in result:
                    first = self.positions[path + (key,)]
                    self._fail(key_node, f"duplicate key `{key}` (first at line {first.line})",
                               "keep one of them: YAML would silently use the last", "ACS-LOAD-DUPLICATE")
                self.positions[path + (key,)] = self._loc(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
                self.positions[path + (key,)] = self._loc(value_node)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node):
        value = node.value
        if node.style and node.tag == "tag:yaml.org,2002:str":  # quoted: always a string
            return value
        if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                            "tag:yaml.org,2002:timestamp"):
            self._fail(node, f"unsupported YAML tag {node.tag}", "remove the tag", "ACS-LOAD-TAG")
        if node.style:  # quoted with an explicit standard tag, e.g. !!str "x": still text
            return value
        if value in _NULL:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _LEADING_ZERO.match(value):  # 09456123: a company number or code, not a number
            return value
        if _INT.match(value) or _FLOAT.match(value):
            too_long = _number_too_long(value)
            if too_long:  # never converted: 800,000 digits or 1e99999999 would take minutes or overflow
                self.problems.append(Diagnostic(
                    ERROR, "ACS-LIMIT-NUMBER", f"the number {value[:12]}{'…' if len(value) > 12 else ''} "
                    f"{too_long}; numbers are at most 10^15 with 10 decimal places",
                    "check for extra digits; write amounts in pounds", self._loc(node)))
                return 0
            try:
                number = Decimal(value.replace("_", ""))
            except InvalidOperation:  # pragma: no cover - regex and Decimal agree
                return value
            return int(number) if _INT.match(value) else number
        return value  # dates, "yes"/"no" and everything else stay text


def _number_too_long(value: str) -> str:
    """Why a number's text is too long to convert ("" when it is not): too many significant digits, or
    an exponent too large either way."""
    mantissa, _, exponent = value.lower().partition("e")
    digits = len(mantissa.lstrip("+-").replace("_", "").replace(".", "").lstrip("0"))
    if digits > MAX_NUMBER_DIGITS:
        return f"has {digits:,} digits"
    power = exponent.lstrip("+-").lstrip("0")
    if len(power) > 6 or int(power or 0) > MAX_NUMBER_DIGITS:
        return f"has an exponent of {exponent[:12]}{'…' if len(exponent) > 12 else ''}"
    return ""


def _merge_register(data: dict, positions: dict, base: Path):
    """Replace `{use: id}` partner entries by the register's organisation, keeping locations."""
    register_path = (base / data["partner_register"]).resolve()
    where = positions.get(("partner_register",))
    try:
        reg_text = read_text(register_path)
    except AcsError as exc:
        d = exc.diagnostics[0]
        raise AcsError([Diagnostic(ERROR, "ACS-REGISTER", f"partner register {data['partner_register']!r}: {d.message}",
                                   "the path is relative to the terms file", where, "partner_register")])
    register, reg_positions = parse(reg_text, str(register_path))
    organisations = register.get("organisations") if isinstance(register, dict) else None
    if not isinstance(organisations, list):
        raise AcsError([Diagnostic(ERROR, "ACS-REGISTER", "a partner register needs a list `organisations`",
                                   "see samples/registers/ for the shape", Location(str(register_path), 1, 1))])
    by_id = {org.get("id"): (i, org) for i, org in enumerate(organisations) if isinstance(org, dict)}
    partners = data.get("partners")
    register_ids = tuple(sorted(k for k in by_id if isinstance(k, str)))
    if not isinstance(partners, list):
        return data, positions, register_path, register_ids
    merged = []
    new_positions = dict(positions)
    for index, entry in enumerate(partners):
        if not (isinstance(entry, dict) and "use" in entry):
            merged.append(entry)
            continue
        found = by_id.get(entry["use"])
        if found is None:
            merged.append(entry)  # left for the validator to report, with a suggestion
            continue
        reg_index, org = found
        partner = dict(org)
        partner.update({k: v for k, v in entry.items() if k != "use"})
        merged.append(partner)
        for key in org:
            reg_loc = reg_positions.get(("organisations", reg_index, key))
            if reg_loc:
                new_positions[("partners", index, key)] = reg_loc
            for sub_path, loc in reg_positions.items():
                if sub_path[:3] == ("organisations", reg_index, key) and len(sub_path) > 3:
                    new_positions[("partners", index) + sub_path[2:]] = loc
    out = dict(data)
    out["partners"] = merged
    return out, new_positions, register_path, register_ids
