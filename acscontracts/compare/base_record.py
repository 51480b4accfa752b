"""What a build keeps of each document it writes, so that ``update`` can later merge against exactly it.

Beside ``manifest.json``, ``.acscontracts/<document name>.json.gz`` holds the resolved document tree (as
JSON, gzip'd deterministically) and the hash of the terms it came from. Templates and code change between
versions; with the tree kept, the base of a three-way merge is the document as it was issued, not as
today's templates would draft it. Reading builds only ``engine.tree`` classes, so the file is data, never code.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

from acscontracts.engine import tree
from acscontracts.files import atomic_write, sha256

FOLDER = ".acscontracts"
UPDATED = ".updated.docx"  # `build --update-from` writes <name>.updated.docx beside a hand-edited document
FORMAT = 1
_CLASSES = {cls.__name__: cls for cls in (
    tree.Source, tree.Text, tree.TermUse, tree.TermDef, tree.Ref, tree.Placeholder, tree.Note, tree.Inserted,
    tree.Deleted, tree.Para, tree.Table, tree.Clause, tree.Schedule, tree.Party, tree.SignatureBlock,
    tree.DocumentProperties, tree.Document, tree.Revision, tree.Definition)}


def _plain(value):
    if dataclasses.is_dataclass(value):
        record = {"@": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.name in ("previous", "glossary", "reads"):  # reads: what rendering read, not the text
                continue
            record[f.name] = _plain(getattr(value, f.name))
        return record
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {"@dict": [[k, _plain(v)] for k, v in sorted(value.items())]}
    return value


def _built(value):
    if isinstance(value, list):
        return tuple(_built(v) for v in value)
    if isinstance(value, dict):
        if "@dict" in value:
            return {k: _built(v) for k, v in value["@dict"]}
        cls = _CLASSES.get(value.get("@"))
        if cls is None:
            raise ValueError(f"not a document node: {value.get('@')!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: _built(v) for k, v in value.items() if k != "@" and k in names})
    return value


def encode(document: tree.Document, terms_sha256: str) -> bytes:
    text = json.dumps({"format": FORMAT, "terms_sha256": terms_sha256, "document": _plain(document)},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(data: bytes) -> tuple[tree.Document, str]:
    """(document, terms hash); ValueError when the record is not one of ours."""
    try:
        record = json.loads(gzip.decompress(data).decode("utf-8"))
        if record.get("format") != FORMAT:
            raise ValueError(f"unknown record format {record.get('format')!r}")
        document = _built(record["document"])
    except (OSError, EOFError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"unreadable record ({exc})") from None
    if not isinstance(document, tree.Document):
        raise ValueError("the record holds no document")
    return document, str(record.get("terms_sha256", ""))


def record_path(folder: Path, name: str) -> Path:
    return Path(folder) / FOLDER / f"{name}.json.gz"


def keep(folder: Path, name: str, record: bytes) -> None:
    """Keep ``record`` (``encode`` of the tree written as document ``name``) in the pack ``folder``."""
    path = record_path(folder, name)
    path.parent.mkdir(exist_ok=True)
    atomic_write(path, record)


def find(folder: Path, name: str, terms_sha256: str) -> tree.Document | None:
    """The recorded tree of document ``name`` if it was built from terms with this hash, else None."""
    try:
        document, recorded = decode(record_path(folder, name).read_bytes())
    except (OSError, ValueError):
        return None
    return document if recorded == terms_sha256 else None


def terms_hash(path: Path) -> str:
    return sha256(Path(path).read_bytes())
