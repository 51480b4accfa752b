"""Validation results kept between processes, keyed on the terms and on the code that judges them.

Validating a deal (schema, then some eighty rules over its legal facts) costs more than rendering a short
document. A programme office re-renders the same terms many times, so ``check_loaded`` keeps each result in
the cache folder (config.usable_cache_dir), under a SHA-256 of:

- the terms as loaded: data, the line and column of every value, the files read, the register's ids,
  and whether the check was final;
- the code and schema that judge them: every module of the package and the schema file, by content.

A changed value, a moved line, a new release or an edited rule is a different key. A missing or damaged
entry is a miss: the terms are validated as if there were no cache.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

from acscontracts.diagnostics import AcsError

MAX_ENTRIES = 500  # beyond this many results, the oldest 100 are removed when one is added


@functools.cache
def _judge() -> bytes:
    """The package's modules and the schema, by content: what decides the result besides the terms."""
    from acscontracts import resources

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + [Path(resources.schema_path())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def key(loaded, final: bool) -> str:
    terms = pickle.dumps((loaded.data, list(loaded.positions.items()), str(loaded.path), tuple(map(str, loaded.files)),
                          loaded.register_ids, final), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(_judge() + terms).hexdigest()


def read(folder: Path, entry: str):
    """(schema_ok, diagnostics) kept for ``entry``, or None."""
    try:
        value = pickle.loads((folder / "validation" / f"{entry}.pickle").read_bytes())
    except Exception:  # noqa: BLE001 - a missing, old or damaged entry is a miss, whatever the error
        return None
    return value if isinstance(value, tuple) and len(value) == 2 else None


def write(folder: Path, entry: str, schema_ok: bool, diagnostics: tuple) -> None:
    from acscontracts.files import atomic_write

    target = folder / "validation"
    try:
        atomic_write(target / f"{entry}.pickle", pickle.dumps((schema_ok, diagnostics), protocol=pickle.HIGHEST_PROTOCOL))
        entries = list(os.scandir(target))
        if len(entries) > MAX_ENTRIES:
            for old in sorted(entries, key=lambda e: e.stat().st_mtime)[:100]:
                os.unlink(old.path)
    except (AcsError, OSError):  # a read-only or full cache folder (or another process pruning): no harm done
        pass
