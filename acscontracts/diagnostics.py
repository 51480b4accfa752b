"""Problems as values: every stage returns Diagnostics; only the CLI prints them."""
from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str  # ERROR | WARNING
    code: str  # stable, e.g. "ACS-SCHEMA-TYPE", "V5"
    message: str  # what is wrong
    hint: str = ""  # what to do about it
    location: Location | None = None
    path: str = ""  # JSON path, e.g. "funding.risk_share.corridors[0].shares[1].pct"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        path = f" {self.path}" if self.path else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.severity} {self.code}{path}: {self.message}{hint}"

    def as_record(self) -> dict:
        record = asdict(self)
        record["location"] = asdict(self.location) if self.location else None
        return record


class AcsError(Exception):
    """Raised to stop a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_key(d: Diagnostic):
    loc = d.location or Location("")
    return (loc.file, loc.line, loc.column, d.severity != ERROR, d.code, d.path)


def format_all(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> str:
    diagnostics = sorted(diagnostics, key=sort_key)
    if fmt == "json":
        return json.dumps([d.as_record() for d in diagnostics], indent=2, ensure_ascii=False)
    return "\n".join(d.format() for d in diagnostics)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean `x`?)'-style suggestion text, or '' when nothing is close."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


def json_path(parts: Sequence) -> str:
    """('funding', 'caps', 0, 'pct') -> 'funding.caps[0].pct'"""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "$"
