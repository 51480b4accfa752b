"""A firm's settings from a file, so that house style and clause folders are not typed on every command.

``acscontracts.toml`` in the working folder or the nearest parent that has one, or else the
``[tool.acscontracts]`` table of the nearest ``pyproject.toml`` that has it::

    reference_doc = "house-style/firm.docx"    # paths are relative to the file that names them
    templates = ["clauses/firm", "clauses/client"]
    clean = false
    jobs = 2

Command-line options and API keyword arguments override it. ``acscontracts config`` prints the
settings in force and where each came from.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from acscontracts.api import Settings
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location, did_you_mean

CONFIG_NAME = "acscontracts.toml"
CACHE_ENV = "ACSCONTRACTS_CACHE_DIR"
_KEYS = {f.name for f in fields(Settings)}


@dataclass(frozen=True)
class Configured:
    """Settings and, for each setting a file gave, that file (a setting not listed is the default)."""

    settings: Settings
    sources: dict  # setting name -> path of the file that set it
    file: Path | None = None


def find_config(start: Path | None = None) -> tuple[Path, dict] | None:
    """(file, table) of the nearest config: acscontracts.toml, else pyproject.toml's [tool.acscontracts]."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return own, _read(own)
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("acscontracts")
            if isinstance(table, dict):
                return project, table
    return None


def _read(path: Path) -> dict:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-CONFIG", f"cannot be read ({exc.strerror})", "check permissions",
                                   Location(str(path)))])
    except tomllib.TOMLDecodeError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-CONFIG", f"is not valid TOML: {exc}", "fix the file",
                                   Location(str(path)))])


def discover(start: Path | None = None) -> Configured:
    """The settings of the nearest config file (defaults where there is none)."""
    found = find_config(start)
    if found is None:
        return Configured(Settings(), {})
    path, table = found
    return Configured(settings_from(table, path), {key: path for key in table}, path)


_SWITCHES = {"clean": "clean = true leaves drafting notes out",
             "paginate": "paginate = true caches page numbers from LibreOffice"}


def settings_from(table: dict, path: Path) -> Settings:
    """Settings from one config table; every problem reported at once, naming the file and key."""
    problems, values = [], {}

    def problem(key, message, hint):
        problems.append(Diagnostic(ERROR, "ACS-CONFIG", message, hint, Location(str(path)), key))

    base = path.parent
    for key, value in table.items():
        if key not in _KEYS:
            problem(key, f"unknown setting `{key}`", did_you_mean(key, _KEYS) or "settings: " + ", ".join(sorted(_KEYS)))
        elif key == "reference_doc":
            if isinstance(value, str) and value:
                values[key] = str(base / value)
            else:
                problem(key, "must be the path of a .docx file", 'e.g. reference_doc = "house-style.docx"')
        elif key == "templates":
            folders = [value] if isinstance(value, str) else value
            if isinstance(folders, list) and folders and all(isinstance(f, str) and f for f in folders):
                values[key] = tuple(str(base / f) for f in folders)
            else:
                problem(key, "must be a folder or a list of folders", 'e.g. templates = ["clauses/firm"]')
        elif key in _SWITCHES:
            if isinstance(value, bool):
                values[key] = value
            else:
                problem(key, "must be true or false", _SWITCHES[key])
        elif key == "notes":
            if value in ("comments", "inline"):
                values[key] = value
            else:
                problem(key, 'must be "comments" or "inline"', 'notes = "inline" prints drafting notes in the text')
        elif key == "jobs":
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64:
                values[key] = value
            else:
                problem(key, "must be a whole number from 1 to 64", "jobs = 2")
        else:
            values[key] = value
    if problems:
        raise AcsError(problems)
    return Settings(**values)


def usable_cache_dir() -> Path | None:
    """The cache folder, made (readable by this user only) if need be; None when it cannot be made. What is
    kept there (the parsed and compiled clause library, validation results) only saves time: output never
    depends on it."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder


def cache_dir() -> Path:
    """Where compiled templates and validation results are cached: $ACSCONTRACTS_CACHE_DIR, else the user's
    cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("acscontracts", appauthor=False))
