"""The clause library cached between processes, keyed on its contents.

Two files per library in the cache folder (config.cache_dir), both named by a SHA-256 of every
library file's path and bytes, the package version and the sandbox policy:

- ``library-<key>.pickle``: the parsed library (clauses, manifests, definitions), so that a process
  does not parse 150 files of front matter and YAML again;
- ``compiled-<key>.marshal``: every template the library has compiled so far (clauses, conditions,
  definitions, titles), read in one go rather than a file per template.

A miss (no file, a file from another version, a damaged file, a folder that cannot be written) reads
and compiles as if there were no cache: output never depends on it.
"""
from __future__ import annotations

import marshal
import pickle
from pathlib import Path

from jinja2 import BytecodeCache

from acscontracts.diagnostics import AcsError


def read_library(path: Path):
    """The library pickled at ``path``, or None."""
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a missing, old or damaged cache file is a miss, whatever the error
        return None


def write_library(path: Path, library) -> None:
    _write(path, pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL))


def _write(path: Path, data: bytes) -> None:
    from acscontracts.files import atomic_write

    try:
        atomic_write(path, data)
    except AcsError:  # a read-only or full cache folder: the next process reads and compiles again
        pass


class PackedBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in one file: every entry read at start, new entries written by ``flush``.

    Jinja checks each entry's source checksum itself, so an entry for other source is ignored."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._entries = self._read()
        self._added: dict[str, bytes] = {}

    def _read(self) -> dict:
        try:
            entries = marshal.loads(self.path.read_bytes())
        except Exception:  # noqa: BLE001 - missing or damaged: start empty
            return {}
        return entries if isinstance(entries, dict) else {}

    def load_bytecode(self, bucket) -> None:
        data = self._added.get(bucket.key) or self._entries.get(bucket.key)
        if isinstance(data, bytes):
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self._added[bucket.key] = bucket.bytecode_to_string()

    def flush(self) -> None:
        """Write the entries compiled since the last flush, merged with what another process wrote."""
        if not self._added:
            return
        entries = self._read()
        entries.update(self._added)
        _write(self.path, marshal.dumps(entries))
        self._entries, self._added = entries, {}

    def clear(self) -> None:
        self._entries, self._added = {}, {}
        try:
            self.path.unlink()
        except OSError:
            pass
