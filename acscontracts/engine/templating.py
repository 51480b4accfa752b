"""The clause library: clause files, manifests and definitions, and the sandbox that renders them.

Like Jinja's own split: ``load_library`` reads files (the loader), ``Renderer`` holds the
sandboxed Environment and compiled templates (compiled once per Renderer, reused for every
document), and rendering returns text for ``markup.parse_body``.
"""
from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import (BytecodeCache, StrictUndefined, TemplateError, TemplateNotFound,
                    TemplateSyntaxError, Undefined, UndefinedError)
from jinja2.utils import missing
from jinja2.compiler import CodeGenerator
from jinja2.loaders import BaseLoader
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.environment import Environment
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.sandbox import safe_range as _safe_range
from markupsafe import Markup

from acscontracts import __version__, formatting
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location, did_you_mean
from acscontracts.engine import library_cache
from acscontracts.engine.markup import _NOT_XML, escape_value

KINDS = ("clause", "schedule", "preamble")
DOC_TYPES = ("alliance_agreement", "subcontract", "aco_contract", "heads_of_terms")
MAX_OUTPUT_CHARS = 2_000_000  # per clause: a runaway loop is an error, not a 2 GB document
RENDER_SECONDS = 5.0  # per clause (or title, definition, condition): a real clause takes milliseconds
MAX_POWER_BITS = 100_000  # `a ** b` on whole numbers: results up to ~30,000 digits
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class ClauseTemplate:
    id: str
    title: str
    kind: str
    documents: tuple
    when: str
    path: str
    source: str  # Jinja source; front matter replaced by blank lines so line numbers match the file


@dataclass(frozen=True)
class Manifest:
    doc_type: str
    title: str  # Jinja expression
    subtitle: str  # Jinja expression
    preamble: tuple
    body: tuple
    schedules: tuple
    path: str
    operative_words: str = "IT IS AGREED as follows:"
    status_label: str = "DRAFT — SUBJECT TO CONTRACT"


@dataclass(frozen=True)
class Definition:
    term: str
    text: str  # Jinja body markup (inline)
    documents: tuple  # empty = every document
    when: str
    path: str
    line: int


@dataclass(frozen=True)
class ClauseLibrary:
    clauses: dict
    manifests: dict
    definitions: tuple
    roots: tuple = field(default=())
    fingerprint: str = ""  # SHA-256 over every file read: a template change makes every output stale


def load_library(*roots: Path, cache: Path | None = None) -> ClauseLibrary:
    """Read clause templates, manifests and definitions; later roots override earlier ones by id.

    With a ``cache`` folder (config.usable_cache_dir), a library read before with the same files (paths and bytes) is taken from
    it rather than parsed again (engine.library_cache)."""
    problems: list[Diagnostic] = []
    digest = hashlib.sha256()  # the fingerprint: every library file's path and bytes
    listings = []
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            problems.append(Diagnostic(ERROR, "ACS-TEMPLATES", "template folder not found",
                                       "name a folder holding clauses/, manifests/ or definitions/", Location(str(root))))
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".j2", ".yaml")):
            try:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
            except OSError as exc:
                problems.append(Diagnostic(ERROR, "ACS-TEMPLATES", f"cannot be read ({exc.strerror})",
                                           "check the file's permissions", Location(str(path))))
        listings.append((root, library_files(root, problems)))
    if problems:
        raise AcsError(problems)
    fingerprint = digest.hexdigest()
    cached = cache and _cached_library_path(cache / "templates", fingerprint, listings)
    library = cached and library_cache.read_library(cached)
    if isinstance(library, ClauseLibrary):
        return library
    library = _parse_library(listings, fingerprint)
    if cached:
        library_cache.write_library(cached, library)
    return library


def _cached_library_path(cache: Path, fingerprint: str, listings) -> Path:
    """The cache file of a library: named by its fingerprint, its folders and files (a file the loader would
    refuse is an error before this), the package version and the sandbox policy."""
    shape = [f"{cls.__name__}{tuple(cls.__dataclass_fields__)}" for cls in (ClauseLibrary, ClauseTemplate, Manifest,
                                                                           Definition)]  # a class changed in a checkout
    key = hashlib.sha256("\0".join([fingerprint, __version__, sandbox_policy()] + shape + [
        f"{root}:{path}:{role}" for root, files in listings for path, role in files]).encode()).hexdigest()
    return cache / f"library-{key[:32]}.pickle"


def _parse_library(listings, fingerprint: str) -> ClauseLibrary:
    clauses: dict = {}
    manifests: dict = {}
    definitions: dict = {}
    problems: list[Diagnostic] = []
    for _root, files in listings:
        for path, role in files:
            if role == "clause":
                tpl = _read_clause(path, problems)
                if tpl:
                    clauses[tpl.id] = tpl
            elif role == "manifest":
                manifest = _read_manifest(path, problems)
                if manifest:
                    manifests[manifest.doc_type] = manifest
            elif role == "definitions":
                for definition in _read_definitions(path, problems):
                    definitions[(definition.term, definition.documents)] = definition
    if problems:
        raise AcsError(problems)
    return ClauseLibrary(clauses, manifests, tuple(definitions.values()), tuple(str(root) for root, _ in listings),
                         fingerprint)


# Where a library folder's files go. A clause template (`*.j2`) may stand anywhere in the folder except
# manifests/ and definitions/ (the built-in library keeps them under clauses/<document>/); manifests and
# definitions are YAML files in their own sub-folders. A file that looks like part of a library but
# matches none of these is an error, never silently ignored.
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".yaml", ".yml")
IGNORED_LIBRARY_FILES = ("unused-fields.yaml",)  # read by the library tests, not by the loader


def library_files(root: Path, problems: list) -> list[tuple[Path, str]]:
    """(path, role) for every file of a library folder the loader uses: role is clause, manifest,
    definitions or ignored. Template-like files the loader would not use are reported in ``problems``."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        parts = path.relative_to(root).parts
        folder = parts[0] if len(parts) > 1 else ""
        if path.suffix == ".j2" and folder not in ("manifests", "definitions"):
            found.append((path, "clause"))
        elif path.suffix == ".yaml" and folder in ("manifests", "definitions") and len(parts) == 2:
            found.append((path, "manifest" if folder == "manifests" else "definitions"))
        elif len(parts) == 1 and path.name in IGNORED_LIBRARY_FILES:
            found.append((path, "ignored"))
        elif path.suffix in TEMPLATE_SUFFIXES:
            problems.append(Diagnostic(
                ERROR, "ACS-TEMPLATES-UNUSED", "this file is not part of the clause library, so it would be ignored",
                "clause templates end in .j2 (anywhere but manifests/ and definitions/); manifests are "
                "manifests/<document type>.yaml; definitions are definitions/<name>.yaml", Location(str(path))))
    return found


def scaffold_override(clause_id: str, folder: Path) -> Path:
    """Copy the built-in clause ``clause_id`` into ``folder`` at the same place, as an override to edit."""
    from acscontracts import resources

    builtin = load_library(resources.templates_dir())
    clause = builtin.clauses.get(clause_id)
    if clause is None:
        raise AcsError([Diagnostic(ERROR, "ACS-NO-CLAUSE", f"the built-in library has no clause `{clause_id}`",
                                   did_you_mean(clause_id, builtin.clauses) or "`templates check` lists the ids")])
    source = Path(clause.path)
    target = Path(folder) / source.relative_to(resources.templates_dir())
    if target.exists():
        raise AcsError([Diagnostic(ERROR, "ACS-WRITE-EXISTS", "an override of this clause exists already",
                                   "edit it, or delete it first", Location(str(target)))])
    from acscontracts.files import atomic_write

    atomic_write(target, source.read_bytes())
    return target


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, text: str, problems: list, line_offset: int = 0):
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATE-YAML", f"cannot be read: {getattr(exc, 'problem', exc)}",
                                   "fix the YAML", Location(str(path), (mark.line + 1 + line_offset) if mark else 0,
                                                            (mark.column + 1) if mark else 0)))
        return None


def _read_text(path: Path, problems: list) -> str | None:
    """A library file's text, or None with a problem (unreadable, not UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None  # already reported while fingerprinting the folder
    except UnicodeDecodeError as exc:
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATES", f"is not valid UTF-8 (byte {exc.start + 1})",
                                   "save the file as UTF-8", Location(str(path))))
        return None
    bad = _NOT_XML.search(text)
    if bad:  # a control character a Word document cannot hold (front matter, titles and bodies alike)
        line = text.count("\n", 0, bad.start()) + 1
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATES", f"contains the character U+{ord(bad.group()):04X}, "
                                   "which a Word document cannot hold", "remove it",
                                   Location(str(path), line, bad.start() - text.rfind("\n", 0, bad.start()))))
        return None
    return text


def _read_clause(path: Path, problems: list) -> ClauseTemplate | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    match = _FRONT.match(text)
    if not match:
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATE-FRONT", "has no front matter",
                                   "start the file with ---, id:, title:, documents:, then ---", Location(str(path), 1, 1)))
        return None
    meta = _read_yaml(path, match.group(1), problems, 1)
    if not isinstance(meta, dict):
        if meta is not None or not problems:
            problems.append(Diagnostic(ERROR, "ACS-TEMPLATE-FRONT", "front matter must be `key: value` lines",
                                       "give id:, title: and documents:", Location(str(path), 2, 1)))
        return None
    missing = [k for k in ("id", "title", "documents") if k not in meta]
    kind = meta.get("kind", "clause")
    documents = meta.get("documents")
    if not missing and not (isinstance(documents, list) and all(isinstance(d, str) for d in documents)):
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATE-FRONT", "`documents` must be a list of document types",
                                   f"e.g. documents: [{DOC_TYPES[0]}]", Location(str(path), 2, 1)))
        return None
    if missing or kind not in KINDS:
        problems.append(Diagnostic(ERROR, "ACS-TEMPLATE-FRONT",
                                   f"front matter lacks {', '.join(missing)}" if missing else f"unknown kind {kind!r}",
                                   f"kinds: {', '.join(KINDS)}", Location(str(path), 2, 1)))
        return None
    header_lines = match.group(0).count("\n")
    source = "\n" * header_lines + text[match.end():]
    return ClauseTemplate(str(meta["id"]), str(meta["title"]), kind, tuple(meta["documents"]),
                          str(meta.get("when") or ""), str(path), source)


def _read_manifest(path: Path, problems: list) -> Manifest | None:
    text = _read_text(path, problems)
    meta = _read_yaml(path, text, problems) if text is not None else None
    if text is not None and isinstance(meta, dict) and not all(
            isinstance(meta.get(k, []), list) and all(isinstance(i, str) for i in meta.get(k, []))
            for k in ("preamble", "body", "schedules")):
        meta = None  # a list that is not a list of clause ids
    if not isinstance(meta, dict) or "doc_type" not in meta:
        problems.append(Diagnostic(ERROR, "ACS-MANIFEST", "a manifest needs doc_type, title and body",
                                   "see templates/manifests/", Location(str(path), 1, 1)))
        return None
    return Manifest(meta["doc_type"], meta.get("title", "''"), meta.get("subtitle", "''"),
                    tuple(meta.get("preamble", ())), tuple(meta.get("body", ())), tuple(meta.get("schedules", ())),
                    str(path), meta.get("operative_words", Manifest.operative_words),
                    meta.get("status_label", Manifest.status_label))


def _read_definitions(path: Path, problems: list):
    text = _read_text(path, problems)
    if text is None:
        return []
    meta = _read_yaml(path, text, problems)
    if not isinstance(meta, dict):
        return []
    lines = text.splitlines()
    out = []
    # definitions/<doc_type>.yaml applies to that document type unless an entry says otherwise
    default_documents = [path.stem] if path.stem in DOC_TYPES else []
    for term, spec in meta.items():
        spec = spec if isinstance(spec, dict) else {"text": spec}
        spec.setdefault("documents", default_documents)
        line = next((i for i, l in enumerate(lines, 1) if l.startswith(f"{term}:") or l.startswith(f'"{term}":')), 0)
        out.append(Definition(str(term), str(spec.get("text", "")), tuple(spec.get("documents", ())),
                              str(spec.get("when") or ""), str(path), line))
    return out


# --------------------------------------------------------------------------- rendering


class _LibraryLoader(BaseLoader):
    """Templates are addressed by clause id only: no file system paths, no includes of anything else."""

    def __init__(self, library: ClauseLibrary):
        self.library = library
        self.inline: dict = {}  # "inline:<sha>" -> source of a definition or title

    def get_source(self, environment, template):
        tpl = self.library.clauses.get(template)
        if tpl is not None:
            return tpl.source, tpl.path, lambda: True
        if template in self.inline:
            return self.inline[template], None, lambda: True
        raise TemplateNotFound(template)


class TemplateLimitError(Exception):
    """A template went over a render limit (time, output size, a huge string or number)."""


_state = threading.local()  # the deadline of the render in progress on this thread
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(\d{7,}|\*)|%[-#0 +]*\d*\.\d{7,}|\{[^{}]*:[^{}]*\d{7,}")


def _check_time() -> None:
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise TemplateLimitError(f"took more than {RENDER_SECONDS:g} seconds (a loop that does not end?)")


class _time_limit:
    """Context manager: a deadline for the render in progress (nested renders share the outer one)."""

    def __enter__(self):
        self.outer = getattr(_state, "deadline", None)
        if self.outer is None:
            _state.deadline = time.monotonic() + RENDER_SECONDS

    def __exit__(self, *exc):
        _state.deadline = self.outer


def _check_size(value, count) -> None:
    if isinstance(value, (str, list, tuple)) and isinstance(count, int) and len(value) * count > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(f"would build a value of more than {MAX_OUTPUT_CHARS:,} items or characters")


def _check_ints(name: str, args) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(f"`{name}` was given {arg:,}; the limit is {MAX_OUTPUT_CHARS:,}")


class _LimitedRange:
    """`range()` for templates: Jinja's size cap, plus the render deadline checked as it is iterated."""

    def __init__(self, *args):
        self.range = args[0] if len(args) == 1 and isinstance(args[0], range) else _safe_range(*args)

    def __iter__(self):
        for count, item in enumerate(self.range):
            if not count % 1000:
                _check_time()
            yield item

    def __len__(self):
        return len(self.range)

    def __getitem__(self, index):
        return self.range[index]

    def __contains__(self, item):
        return item in self.range

    def __reversed__(self):
        return iter(_LimitedRange(self.range[::-1]))


def _text_size(value, limit: int = MAX_OUTPUT_CHARS, inner: int = 1) -> int:
    """An upper estimate of the length of ``value`` as text (str(), repr() or JSON), walking
    containers and stopping as soon as it passes ``limit``; ``inner``: characters per character of
    a string inside a container (escapes)."""
    total, stack = 0, [(value, 1)]
    while stack and total <= limit:
        item, factor = stack.pop()
        if isinstance(item, str):
            total += len(item) * factor
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            total += 2 + 4 * len(item)
            if total <= limit:
                if isinstance(item, dict):
                    stack.extend((k, inner) for k in item)
                    stack.extend((v, inner) for v in item.values())
                else:
                    stack.extend((x, inner) for x in item)
        else:
            total += 32  # a number (bounded by the loader and by MAX_POWER_BITS), a model object, None
    return total


def _check_built(size: int, what: str) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(f"{what} would build a value of more than {MAX_OUTPUT_CHARS:,} characters")


def _timed(iterable):
    """Items of a lazy sequence (map, select, ...), with the render deadline checked as they come."""
    for count, item in enumerate(iterable):
        if not count % 256:
            _check_time()
        yield item


def _format_size(template: str, values) -> int:
    """A format string with its arguments: every placeholder taken as the largest argument."""
    values = list(values)
    widest = max((_text_size(v) for v in values), default=0)
    return len(template) + (template.count("%") + template.count("{")) * widest


def _replace_size(text: str, old: str, new: str, count=None) -> int:
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(0, len(new) - len(old))


def _join_size(items: list, separator: str) -> int:
    return sum(_text_size(x) for x in items) + len(separator) * max(0, len(items) - 1)


def _filter_estimate(name: str, args: list, kwargs: dict) -> int:
    """An upper estimate of what built-in filter ``name`` will build from these arguments (0: small)."""
    value = args[0] if args else None
    rest = args[1:]
    text = value if isinstance(value, str) else ""
    if name == "join" and isinstance(value, list):
        return _join_size(value, str(rest[0] if rest else kwargs.get("d", "")))
    if name == "replace" and len(rest) >= 2 and all(isinstance(x, str) for x in rest[:2]):
        return _replace_size(str(value), rest[0], rest[1], rest[2] if len(rest) > 2 else kwargs.get("count"))
    if name == "indent":
        width = rest[0] if rest else kwargs.get("width", 4)
        return len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))
    if name == "wordwrap":
        width = rest[0] if rest else kwargs.get("width", 79)
        wrap = rest[2] if len(rest) > 2 else kwargs.get("wrapstring") or "\n"
        breaks = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count(" ") + 1
        return len(text) + breaks * len(str(wrap))
    if name == "format" and isinstance(value, str):
        return _format_size(value, list(rest) + list(kwargs.values()))
    if name == "tojson":
        return _text_size(value, inner=6)
    if name in ("pprint", "string"):
        return _text_size(value, inner=4)
    return 0


def _joined_lists(plain: list, kwargs: dict):
    """``lists|sum(start=[])`` in linear time and within the size limit (Python's sum copies the running
    list at every step: quadratic); None when the sum is not of lists."""
    items = plain[0]
    attribute = kwargs.get("attribute", plain[1] if len(plain) > 1 else None)
    start = kwargs.get("start", plain[2] if len(plain) > 2 else 0)
    if attribute is not None or not isinstance(start, (list, tuple)) or \
            not all(type(item) is type(start) for item in items):
        return None
    _check_built(len(start) + sum(len(item) for item in items), "`sum`")
    out = list(start)
    for count, item in enumerate(items):
        if not count % 256:
            _check_time()
        out.extend(item)
    return out if isinstance(start, list) else tuple(out)


def _guard_filter(func, name: str):
    """A built-in filter under the render limits: the deadline checked before, during (lazy sequences
    it is given are timed) and after; numbers that set a size (center, indent, batch) bounded; what it
    will build (join, replace, indent, wordwrap, format, tojson, pprint, string) estimated before it
    is built; ``sum`` of lists joined in linear time."""

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_time()
        args = [_timed(a) if isinstance(a, Iterator) else a for a in args]
        plain = [a for a in args if not isinstance(a, (EvalContext, Context, Environment))]
        if name in ("join", "sum") and plain and isinstance(plain[0], Iterator):
            materialised = list(plain[0])
            args[args.index(plain[0])] = plain[0] = materialised
        _check_ints(name, plain + list(kwargs.values()))
        if name == "format" and plain and isinstance(plain[0], str) and _WIDE_FORMAT.search(plain[0]):
            raise TemplateLimitError("a format width of more than 999,999 characters")
        if name == "sum" and plain:
            joined = _joined_lists(plain, kwargs)
            if joined is not None:
                return joined
        _check_built(_filter_estimate(name, plain, kwargs), f"`{name}`")
        result = func(*args, **kwargs)
        _check_time()
        return result

    return guarded


def _method_estimate(name: str, owner: str, args: list, kwargs: dict) -> int:
    """An upper estimate of what string method ``name`` of ``owner`` will build (0: small)."""
    if name == "replace" and len(args) >= 2 and all(isinstance(x, str) for x in args[:2]):
        return _replace_size(owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count"))
    if name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        return len(owner) + owner.count("\t") * (size if isinstance(size, int) else 8)
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        return _join_size(list(args[0]), owner)
    if name in ("format", "format_map"):
        return _format_size(owner, list(args) + list(kwargs.values()))
    return 0


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` checked for size before the pieces are joined."""

    def visit_Concat(self, node, frame) -> None:  # as Jinja's, plus environment.concat_parts(...)
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.concat_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox plus limits: time, and the size of every value it builds (`*`, `+`, `~`,
    `**`, `%`, string methods, filters, printing) checked before it is built."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _LimitedCodeGenerator

    @staticmethod
    def concat_parts(parts: tuple) -> tuple:
        """The pieces of ``a ~ b ~ ...``, once their joined size is known to be within the limit."""
        _check_time()
        _check_built(sum(_text_size(p) for p in parts), "`~`")
        return parts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict = {}

    def is_safe_attribute(self, obj, attr, value):
        """Jinja's decision depends only on the object's type and the attribute's name (underscores,
        internal attributes of functions and frames, mutating methods of known mutable types), so it
        is made once per (type, name) rather than on every attribute read."""
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context, operator, left, right):
        _check_time()
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _check_built(len(left) + len(right), "`+`")
        elif operator == "*":
            _check_size(left, right)
            _check_size(right, left)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and \
                right * abs(left).bit_length() > MAX_POWER_BITS:
            raise TemplateLimitError(f"`{left} ** {right}` is too large a number")
        elif operator == "%" and isinstance(left, str):
            if _WIDE_FORMAT.search(left):
                raise TemplateLimitError("a format width of more than 999,999 characters")
            _check_built(_format_size(left, right if isinstance(right, (tuple, dict)) else (right,)), "`%`")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _check_time()
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # str.format comes wrapped
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "a string method")
            if name in ("format", "format_map") and _WIDE_FORMAT.search(owner):
                raise TemplateLimitError("a format width of more than 999,999 characters")
            _check_ints(name, list(args) + list(kwargs.values()))
            _check_built(_method_estimate(name, owner, list(args), kwargs), f"`{name}`")
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        _check_time()
        if isinstance(attribute, str) and attribute.startswith("_") and not isinstance(obj, Undefined):
            # refused whether or not it exists (a proxy of engine.reads has fewer attributes than its object)
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        _check_time()
        return super().getitem(obj, argument)


_RENDER_ERRORS = (TemplateError, SecurityError, TemplateLimitError, ArithmeticError, TypeError, ValueError,
                  AttributeError, KeyError, IndexError, RecursionError, MemoryError)


class _Undefined(StrictUndefined):
    """StrictUndefined that names the model's own type (`'Partner' object has no attribute 'x'`), not the
    engine.reads proxy the template saw."""

    __slots__ = ()

    def __init__(self, hint=None, obj=missing, name=None, exc=UndefinedError):
        from acscontracts.engine.reads import unwrap

        super().__init__(hint, unwrap(obj), name, exc)


def _finalize(value):
    if isinstance(value, formatting.Missing):
        return Markup(f'<blank field="{value.path}"/>')
    if value is None:
        return Markup("<blank/>")
    if not isinstance(value, str):  # a list or mapping printed whole: sized before str() builds it
        _check_built(_text_size(value, inner=4), "printing a value")
    return escape_value(value)


def sandbox_policy() -> str:
    """The sandbox's intercepted operators are compiled into the bytecode: a change of policy needs new entries."""
    return hashlib.sha256(" ".join(sorted(_Sandbox.intercepted_binops) + [_LimitedCodeGenerator.__name__, "concat-1"])
                          .encode()).hexdigest()[:8]


def bytecode_cache(library: ClauseLibrary, cache: Path | None) -> BytecodeCache | None:
    """Compiled templates of ``library`` shared between processes (in ``cache``, config.usable_cache_dir): one
    file per library and package version."""
    if cache is None:
        return None
    return library_cache.PackedBytecodeCache(cache / "templates" / f"compiled-{__version__}-{sandbox_policy()}-"
                                                      f"{library.fingerprint[:32]}.marshal")


class Renderer:
    """A sandboxed Jinja environment over one clause library; compiles each template once."""

    def __init__(self, library: ClauseLibrary, bytecode_cache: BytecodeCache | None = None):
        self.library = library
        self._loader = _LibraryLoader(library)
        env = _Sandbox(
            loader=self._loader, bytecode_cache=bytecode_cache, cache_size=5000, undefined=_Undefined, autoescape=True,
            finalize=_finalize,
            trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
        )
        for name in list(env.filters):  # Jinja's own filters; ours (formatting.FILTERS) build small text
            env.filters[name] = _guard_filter(env.filters[name], name)
        env.filters.update(formatting.FILTERS)
        env.globals["range"] = _LimitedRange
        env.globals.pop("lipsum", None)  # builds any amount of text in one call
        env.globals.update(blank=lambda hint="": Markup("<blank>{}</blank>").format(escape_value(hint)),
                           note=lambda text: Markup("<note>{}</note>").format(escape_value(text)))
        self.env = env

    def flush_cache(self) -> None:
        """Keep what this renderer compiled for the next process (a no-op without a cache)."""
        flush = getattr(self.env.bytecode_cache, "flush", None)
        if flush:
            flush()

    def render(self, template_id: str, context: dict) -> str:
        tpl = self.library.clauses[template_id]
        try:
            with _time_limit():
                pieces, size = [], 0
                for piece in self.env.get_template(template_id).generate(context):  # streamed: stop early
                    size += len(piece)
                    if size > MAX_OUTPUT_CHARS:
                        raise TemplateLimitError(f"produced more than {MAX_OUTPUT_CHARS:,} characters")
                    _check_time()
                    pieces.append(piece)
                text = "".join(pieces)
        except TemplateSyntaxError as exc:
            raise AcsError([_template_error(tpl.path, exc.lineno, f"template syntax: {exc.message}")])
        except RecursionError:
            raise AcsError([_template_error(tpl.path, 0, "template recursion is too deep")])
        except _RENDER_ERRORS as exc:
            raise AcsError([_template_error(tpl.path, _template_line(exc, tpl.path), _explain(exc))])
        if len(text) > MAX_OUTPUT_CHARS:
            raise AcsError([_template_error(tpl.path, 0, f"produced more than {MAX_OUTPUT_CHARS:,} characters")])
        return text

    def condition(self, expression: str, context: dict, where: str) -> bool:
        """Evaluate a `when:` expression (empty = always)."""
        if not expression:
            return True
        try:
            # A one-line template rather than compile_expression, so the bytecode cache applies.
            with _time_limit():
                return self._inline_template("{%% if %s %%}1{%% endif %%}" % expression).render(context) == "1"
        except TemplateSyntaxError as exc:
            raise AcsError([_template_error(where, 0, f"condition `{expression}`: {exc.message}")])
        except _RENDER_ERRORS as exc:
            raise AcsError([_template_error(where, 0, f"condition `{expression}`: {_explain(exc)}")])

    def _inline_template(self, source: str):
        """A short template compiled once: named through the loader so every cache applies."""
        name = "inline:" + hashlib.sha256(source.encode("utf-8")).hexdigest()
        self._loader.inline[name] = source
        return self.env.get_template(name)

    def render_string(self, source: str, context: dict, where: str) -> str:
        """Render a short inline template (a definition, a manifest title)."""
        try:
            with _time_limit():
                text = self._inline_template(source).render(context)
        except TemplateSyntaxError as exc:
            raise AcsError([_template_error(where, exc.lineno, f"template syntax: {exc.message}")])
        except _RENDER_ERRORS as exc:
            raise AcsError([_template_error(where, 0, _explain(exc))])
        if len(text) > MAX_OUTPUT_CHARS:
            raise AcsError([_template_error(where, 0, f"produced more than {MAX_OUTPUT_CHARS:,} characters")])
        return text


def _explain(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, TemplateNotFound):
        return (f"`{exc.name}` is not a clause id: include, import and extends can name only clauses of the "
                "library, never files")
    if isinstance(exc, TemplateLimitError):
        return f"over a render limit: {exc}"
    if isinstance(exc, RecursionError):
        return "template recursion is too deep"
    if isinstance(exc, MemoryError):
        return "ran out of memory (a runaway loop or a huge value?)"
    text = str(exc)
    if "is undefined" in text or "has no attribute" in text:
        return f"{text} (check the name against `acscontracts schema`)"
    return f"{type(exc).__name__}: {text}"


def _template_line(exc: Exception, filename: str) -> int:
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _template_error(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(ERROR, "ACS-TEMPLATE", message, "fix the template", Location(path, line or 0, 1 if line else 0))
