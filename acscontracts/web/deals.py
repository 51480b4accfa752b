"""The deals folder: each deal is one YAML (or JSON) terms file in it, named by its file name.

A deal name can only ever name a file directly inside the folder: no separators, no `..`, no hidden
files, no symbolic link that leads out of it.
"""
from __future__ import annotations

import re
from pathlib import Path

from acscontracts.files import atomic_write
from acscontracts.web.roundtrip import updated_text

SUFFIXES = (".yaml", ".yml", ".json")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")
MAX_NAME = 80


class BadDealName(ValueError):
    """A deal name that is not a terms file directly in the deals folder."""


class DealFolder:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def names(self) -> list[str]:
        """Every deal in the folder, by name."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.suffix in SUFFIXES and not p.name.startswith(".") and self._inside(p) and p.is_file())

    def path(self, name: str) -> Path:
        """The file of deal ``name``; BadDealName unless it is a terms file directly inside the folder."""
        if (not isinstance(name, str) or len(name) > MAX_NAME or not _NAME.fullmatch(name)
                or not name.endswith(SUFFIXES)):
            raise BadDealName("a deal name is a file name such as `my-deal.yaml`: letters, digits, `-` and `_`, "
                              "ending .yaml, .yml or .json, with no folders")
        path = self.root / name
        if not self._inside(path):
            raise BadDealName("that deal is outside the deals folder")
        return path

    def _inside(self, path: Path) -> bool:
        try:
            return path.resolve().parent == self.root
        except (OSError, RuntimeError):
            return False

    @staticmethod
    def name_for(title: str) -> str:
        """A deal name for what a person typed as its name: `Northvale 2027` -> `northvale-2027.yaml`."""
        stem = re.sub(r"[^a-z0-9_]+", "-", title.strip().lower()).strip("-_")[:MAX_NAME - 5]
        if stem.endswith(SUFFIXES):
            return stem
        return f"{stem}.yaml" if stem else ""

    def read(self, name: str) -> str:
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        return path.read_text(encoding="utf-8")

    def create(self, name: str, text: str) -> None:
        """A new deal; FileExistsError if the name is taken."""
        path = self.path(name)
        if path.exists():
            raise FileExistsError(name)
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))

    def save(self, name: str, data: dict) -> None:
        """Write ``data`` into the deal's file, keeping the person's comments, order and layout."""
        path = self.path(name)
        original = path.read_text(encoding="utf-8") if path.is_file() else None
        atomic_write(path, updated_text(original, data, json_file=path.suffix == ".json").encode("utf-8"))
