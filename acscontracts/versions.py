"""Kept pack versions (`build --keep-versions`): each terms version builds into its own sub-folder of the
pack, ``<pack>/v<version>/``, beside a copy of the terms it was built from (``terms.json``); ``latest``
(a one-line file, not a symbolic link, so that it works on Windows) names the newest; ``history.json``
lists every version with its date, terms hash and what changed from the version before it.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.files import atomic_write, check_name, sha256

LATEST = "latest"
HISTORY = "history.json"
TERMS = "terms.json"  # the terms of one version, register partners merged in: loads and validates on its own
FOLDER = re.compile(r"^v[0-9A-Za-z][0-9A-Za-z._-]*$")


def label(model, where: str) -> str:
    """The folder name of the terms' version: ``v`` + deal.version (``vdraft`` until the terms give one)."""
    return check_name(f"v{model.deal.version_label}", where, "give deal.version as letters, digits, dots or hyphens")


def terms_json(data) -> bytes:
    """The terms as JSON (numbers exact), without the partner register reference (its partners are merged in)."""
    from acscontracts.api import terms_text

    standalone = {k: v for k, v in data.items() if k != "partner_register"} if isinstance(data, dict) else data
    return terms_text(standalone).encode("utf-8")


def read_history(pack: Path) -> list:
    try:
        history = json.loads((pack / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [entry for entry in history if isinstance(entry, dict)] if isinstance(history, list) else []


def record(pack: Path, version: str, data, today: _dt.date | None = None) -> dict:
    """Keep ``data`` as version ``version`` of the pack: its terms copy, the history entry and the latest
    pointer (each written atomically, the pointer last). Rebuilding a version replaces its entry."""
    from acscontracts.compare.termsdiff import diff_terms

    text = terms_json(data)
    history = read_history(pack)
    earlier = [entry for entry in history if entry.get("version") != version]
    previous = earlier[-1]["version"] if earlier else None
    changes = []
    if previous is not None:
        try:
            old = json.loads((pack / previous / TERMS).read_text(encoding="utf-8"), parse_float=_decimal)
            changes = [change.words() for change in diff_terms(old, json.loads(text, parse_float=_decimal))]
        except (OSError, ValueError):
            changes = [f"(the terms of {previous} could not be read)"]
    entry = {"version": version, "date": (today or _dt.date.today()).isoformat(), "terms_sha256": sha256(text),
             "previous": previous, "changes": changes}
    atomic_write(pack / version / TERMS, text)
    atomic_write(pack / HISTORY, (json.dumps(earlier + [entry], indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    atomic_write(pack / LATEST, f"{version}\n".encode("ascii"))
    return entry


def _decimal(text: str):
    from decimal import Decimal

    return Decimal(text)


def kept_terms(pack: Path, wanted: str) -> Path:
    """The terms file of a kept version: ``wanted`` is a label (``v0.4`` or ``0.4``) or ``latest``."""
    pack = Path(pack)
    kept = [entry.get("version") for entry in read_history(pack)]
    name = wanted
    if wanted == LATEST:
        try:
            name = (pack / LATEST).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            name = ""
    elif not wanted.startswith("v"):
        name = f"v{wanted}"
    path = pack / name / TERMS
    if name not in kept or not FOLDER.match(name) or not path.is_file():
        raise AcsError([Diagnostic(ERROR, "ACS-VERSION", f"the pack keeps no version {wanted!r}",
                                   f"kept versions: {', '.join(kept) or 'none (build with --keep-versions)'}",
                                   Location(str(pack)))])
    return path
