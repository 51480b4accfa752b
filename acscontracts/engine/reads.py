"""Which terms each part of a document reads: a proxy over the typed model that records access as JSON paths.

``ReadLog(terms)`` wraps a template context (``log.context(spec.context)``). Every model object a
template reaches is wrapped in a ``Tracked`` proxy that knows the object's JSON path in the terms
(``partners[2]``, ``funding.risk_share``), found by identity however the template reached it
(``partner(id)``, ``alliance.members``, a property). Reading a value (a string, number, date, a list,
a blank) records its path (``partners[2].signatory.name``) in the set of the part being rendered:
``with log.part("aa-risk-share"): ...``. Scalars are returned as they are, so filters and tests see
real values; lists come back as tuples of proxies.

A read path covers everything below it: a clause that reads ``scope.services`` depends on every
service. ``overlaps(reads, path)`` tells whether a change at ``path`` can have moved a part.
"""
from __future__ import annotations

import contextlib
import datetime
import functools
import re
from dataclasses import fields, is_dataclass
from decimal import Decimal

from acscontracts.formatting import Missing

_SCALARS = frozenset({str, int, Decimal, bool, float, datetime.date, type(None)})
PRESENT = "?"  # suffix of a read that asked only whether a section is there (`{% if terms.funding %}`)
FRONT = "front"  # title page, parties and document properties
EXECUTION = "execution"  # signature blocks


def canonical_paths(terms) -> dict:
    """id(model object) -> its JSON path in the terms, for every dataclass object of the model."""
    paths: dict = {}

    def walk(value, path: str) -> None:
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif is_dataclass(value) and not isinstance(value, type):
            paths[id(value)] = path
            for f in fields(value):
                if not f.name.startswith("_"):
                    walk(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)

    walk(terms, "")
    return paths


def join(path: str | None, name: str) -> str | None:
    if path is None:
        return None
    return f"{path}.{name}" if path else name


class ReadLog:
    """The reads of one document, part by part (part = clause, schedule or definition id)."""

    def __init__(self, terms, enabled: bool = True):
        self.reads: dict[str, set] = {}
        self.current: set = set()  # reads outside any part are not kept
        self.enabled = enabled  # off: the context is left as it is (nothing but a diff needs the reads)
        self._paths = canonical_paths(terms) if terms is not None and enabled else {}
        self._proxies: dict = {}

    @contextlib.contextmanager
    def part(self, name: str):
        outer = self.current
        self.current = self.reads.setdefault(name, set())
        try:
            yield
        finally:
            self.current = outer

    def record(self, *paths: str) -> None:
        for path in paths:
            self.add(FRONT, path)
            self.add(EXECUTION, path)

    def add(self, part: str, path: str) -> None:
        self.reads.setdefault(part, set()).add(path)

    def context(self, context: dict) -> dict:
        if not self.enabled:
            return dict(context)
        return {name: self.wrap(value, None) for name, value in context.items()}

    def wrap(self, value, path: str | None):
        """``value`` as a template should see it; ``path`` is where it was read, if known."""
        if type(value) in _SCALARS:
            if path is not None:
                self.current.add(path)
            return value
        if isinstance(value, Missing):
            self.current.add(value.path)
            return value
        if isinstance(value, tuple):
            if path is not None:
                self.current.add(path)
            if not value:
                return value
            return tuple(self.wrap(item, None if path is None else f"{path}[{i}]") for i, item in enumerate(value))
        if is_dataclass(value) and not isinstance(value, type):
            key = id(value)
            proxy = self._proxies.get(key)
            if proxy is None:
                proxy = self._proxies[key] = Tracked(value, self._paths.get(key, path), self)
            return proxy
        if callable(value) and not isinstance(value, type):
            return _Returns(value, self)
        if path is not None:
            self.current.add(path)
        return value

    def document_reads(self) -> dict:
        """part -> frozenset of the paths it read."""
        return {part: frozenset(paths) for part, paths in self.reads.items()}


class _Returns:
    """A function from the context (``partner``) whose results are tracked like any other value."""

    __slots__ = ("_function", "_log")  # private: the sandbox lets no template reach them

    def __init__(self, function, log: ReadLog):
        self._function, self._log = function, log

    def __call__(self, *args, **kwargs):
        return self._log.wrap(self._function(*args, **kwargs), None)


class Tracked:
    """A model object seen by a template: attribute reads are recorded as paths (see the module docstring)."""

    __slots__ = ("_obj", "_path", "_log", "_fields")

    def __init__(self, obj, path: str | None, log: ReadLog):
        self._obj, self._path, self._log = obj, path, log
        self._fields: dict = {}  # name -> (value as templates see it, paths reading it records)

    def __getattr__(self, name: str):
        obj, log = self._obj, self._log
        known = self._fields.get(name)
        if known is not None:  # the model is immutable: a field read twice reads the same
            log.current.update(known[1])
            return known[0]
        if name.startswith("_"):  # model internals (DealTerms._index): templates cannot reach them
            return getattr(obj, name)
        if name in obj.__dataclass_fields__:
            outer, log.current = log.current, set()
            try:
                if self._path is None:  # a derived view (plan.AllianceView): record what the field came from
                    for source, field_name in getattr(obj, "read_sources", _none)(name):
                        path = log._paths.get(id(source))
                        if path is not None:
                            log.current.add(join(path, field_name))
                value = log.wrap(getattr(obj, name), join(self._path, name))
                self._fields[name] = (value, tuple(log.current))
            finally:
                outer.update(log.current)
                log.current = outer
            return value
        attribute = getattr(type(obj), name, None)
        if isinstance(attribute, property):  # derived values read their inputs through the proxy
            return log.wrap(attribute.fget(self), None)
        if isinstance(attribute, functools.cached_property):
            return log.wrap(attribute.func(self), None)
        if callable(attribute):
            return _Returns(functools.partial(attribute, self), log)
        through = getattr(obj, "read_through", None)
        if through is not None:
            return getattr(log.wrap(through, None), name)
        raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r}")

    def __bool__(self) -> bool:
        if self._path is not None:
            self._log.current.add(self._path + PRESENT)
        return bool(self._obj)

    def __eq__(self, other) -> bool:
        return self._obj == (other._obj if isinstance(other, Tracked) else other)

    def __hash__(self) -> int:
        return hash(self._obj)

    def __str__(self) -> str:
        if self._path is not None:
            self._log.current.add(self._path)
        return str(self._obj)

    def __repr__(self) -> str:
        return f"Tracked({self._obj!r})"


def unwrap(value):
    """The model object behind a proxy (anything else as it is)."""
    return value._obj if isinstance(value, Tracked) else value


def _none(name):
    return ()


# --------------------------------------------------------------------------- using recorded reads


_BOUNDARY = re.compile(r"[.\[]")


def _prefixes(path: str):
    """The paths above ``path``: ``a.b[0].c`` -> ``a``, ``a.b``, ``a.b[0]``."""
    return (path[:m.start()] for m in _BOUNDARY.finditer(path) if m.start())


def _under(path: str, prefix: str) -> bool:
    """``path`` is ``prefix`` or lies below it (``a.b`` is under ``a``; ``ab`` is not)."""
    return path == prefix or (path.startswith(prefix) and path[len(prefix)] in ".[")


def overlaps(reads, path: str) -> bool:
    """A change at ``path`` (added, removed or changed) can move a part that read ``reads``: the read
    lies under the change, or the change under a read of a value. A presence read (``x?``) is moved
    only by a change at ``x`` or above it."""
    for read in reads:
        if read.endswith(PRESENT):
            if _under(read[:-1], path):
                return True
        elif _under(read, path) or _under(path, read):
            return True
    return False


def prune(paths) -> list[str]:
    """Sorted paths without those another path of the set covers (a presence read ``x?`` is covered by
    any read at or under ``x``)."""
    paths = set(paths)
    values = {p for p in paths if not p.endswith(PRESENT)}
    below = {q for p in values for q in _prefixes(p)} | values  # every path at or above a value read
    kept = []
    for path in paths:
        if path.endswith(PRESENT):
            if path[:-1] not in below:
                kept.append(path)
        elif not any(q in values for q in _prefixes(path)):
            kept.append(path)
    return sorted(kept)


def document_inputs(reads: dict) -> list[str]:
    """Every path a document read (any part), for ``manifest.json`` and no-op rebuilds."""
    return prune(path for paths in reads.values() for path in paths)


def value_at(data, path: str):
    """The value of plain terms data at a read path; for a presence read ``x?``, whether ``x`` is there.
    A path that leads nowhere gives None."""
    present = path.endswith(PRESENT)
    value = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path[:-1] if present else path):
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            break
    return value is not None if present else value
