"""The one place that knows where the shipped templates, schema and data files live.

Installed (``pip install .``): package data in ``acscontracts._templates`` and
``acscontracts._schemas``. From a source checkout: the top-level ``templates/`` and
``schemas/`` folders beside the package.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _folder(package: str, checkout_name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    checkout = _PACKAGE_DIR.parent / checkout_name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"acscontracts is installed without its {checkout_name}/ folder")


def templates_dir() -> Path:
    return _folder("acscontracts._templates", "templates")


def schemas_dir() -> Path:
    return _folder("acscontracts._schemas", "schemas")


def schema_path() -> Path:
    return schemas_dir() / "deal-terms.schema.json"


def data_file(name: str) -> Path:
    return _PACKAGE_DIR / "data" / name


def starter_file(model: str) -> Path:
    return _PACKAGE_DIR / "starters" / f"{model}.yaml"
