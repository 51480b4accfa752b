"""`acscontracts templates check`: static checks of a clause library, each with file:line.

* every variable a template reads is a known context name, and every attribute chain rooted at one
  (``terms.governance.board.quorum``) exists on the typed model, which mirrors the schema;
* every ``<ref to="...">`` names a clause, schedule or paragraph anchor somewhere in the library;
* every ``<term>`` is defined (definitions files or an inline ``<define>``);
* every manifest entry exists, has the right kind and lists that document type.
"""
from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from acscontracts import resources
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location, did_you_mean
from acscontracts.terms.model import Aco, Alliance, Deal, DealTerms, Partner, ServiceContract, Subcontract
from acscontracts.engine.plan import AllianceView
from acscontracts.facts import DocumentFacts
from acscontracts.engine.templating import DOC_TYPES, ClauseLibrary, Renderer, load_library

# The names plan.py gives templates, and the type of each (None: not checked further).
CONTEXT_TYPES = {
    "terms": DealTerms, "deal": Deal, "parties": None, "partner": None, "doc": None,
    "alliance": AllianceView, "subcontract": Subcontract, "head_contract": ServiceContract,
    "head_provider": Partner, "subcontractor": Partner, "aco": Aco, "holder": Partner, "commissioners": None,
    "facts": DocumentFacts,
    "blank": None, "note": None, "loop": None, "range": None, "dict": None, "lipsum": None, "cycler": None,
    "joiner": None, "namespace": None,
}
_REF = re.compile(r'<ref\s+to="([^"{}]+)"')
_TERM = re.compile(r'<term(?:\s+of="([^"{}]+)")?>([^<{}]*)</term>')
_DEFINE = re.compile(r"<define>([^<{}]*)</define>")
# an item's anchor, also when a tag chooses between anchors: "- {% if x %}[#a]{% else %}[#b]{% endif %}"
_ANCHOR = re.compile(r"(?:^\s*- |%\})\[#([a-z0-9][a-z0-9-]*)\]", re.M)


def _attributes(cls) -> dict:
    """Attribute name -> type for a model class (fields and properties)."""
    out = {}
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        out.update({f.name: hints.get(f.name) for f in dataclasses.fields(cls)})
    for name in dir(cls):  # properties, methods and (on builtins such as date) data descriptors
        if not name.startswith("_") and name not in out:
            out[name] = None
    if cls is AllianceView:  # the view reads the alliance's own fields through
        out.update(_attributes(Alliance))
    return out


def _chain(node) -> tuple[str, list[str]] | None:
    names = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return node.name, list(reversed(names))
    return None


def _check_chain(root: str, attrs: list[str], path: str, line: int, problems: list) -> None:
    cls = CONTEXT_TYPES.get(root)
    for attr in attrs:
        if cls is None or not isinstance(cls, type):
            return
        known = _attributes(cls)
        if attr not in known:
            problems.append(Diagnostic(ERROR, "ACS-LINT-ATTRIBUTE", f"`{root}.{'.'.join(attrs)}`: {cls.__name__} has no `{attr}`",
                                       did_you_mean(attr, known) or "see the schema and acscontracts/terms/model.py",
                                       Location(path, line, 1)))
            return
        cls = known[attr]
        if typing.get_origin(cls) is not None:  # tuple[...] etc.: stop here
            return


def _lint_template(env, source: str, path: str, local_names: set, problems: list) -> None:
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        problems.append(Diagnostic(ERROR, "ACS-LINT-SYNTAX", exc.message, "fix the template", Location(path, exc.lineno, 1)))
        return
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    assigned |= {n.target for n in ast.find_all(nodes.Import)} | {m.name for m in ast.find_all(nodes.Macro)}
    assigned |= {name if isinstance(name, str) else name[-1] for n in ast.find_all(nodes.FromImport) for name in n.names}
    assigned |= {"caller", "varargs", "kwargs"}
    for name in ast.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in CONTEXT_TYPES and name.name not in assigned | local_names:
            problems.append(Diagnostic(ERROR, "ACS-LINT-VARIABLE", f"unknown variable `{name.name}`",
                                       did_you_mean(name.name, CONTEXT_TYPES) or "templates can use: " + ", ".join(
                                           sorted(k for k, v in CONTEXT_TYPES.items() if v or k in ("parties", "doc"))),
                                       Location(path, name.lineno, 1)))
    aliases = _aliases(ast)
    getattrs = list(ast.find_all(nodes.Getattr))
    inner = {id(n.node) for n in getattrs if isinstance(n.node, nodes.Getattr)}
    for getattr_node in getattrs:
        if id(getattr_node) in inner:  # check each chain once, from its outermost attribute
            continue
        chain = _chain(getattr_node)
        if chain and chain[0] in aliases:  # `{% set ex = terms.exit %}` ... `ex.notice_months`
            root, attrs = aliases[chain[0]]
            _check_chain(root, attrs + chain[1], path, getattr_node.lineno, problems)
        elif chain and chain[0] not in assigned and chain[0] in CONTEXT_TYPES:
            _check_chain(chain[0], chain[1], path, getattr_node.lineno, problems)


def _aliases(ast) -> dict:
    """Names set once to an attribute chain of a context variable: name -> (root, attributes)."""
    targets: dict = {}
    for assign in ast.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            targets.setdefault(assign.target.name, []).append(assign.node)
    aliases = {}
    for name, values in targets.items():
        chain = _chain(values[0]) if len(values) == 1 and isinstance(values[0], (nodes.Getattr, nodes.Name)) else None
        if chain and chain[0] in CONTEXT_TYPES and chain[0] not in targets:
            aliases[name] = chain
    return aliases


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def lint_library(*overlays: Path) -> list[Diagnostic]:
    """Lint the built-in library with a firm's overlay folders merged over it, as documents would use it."""
    roots = [resources.templates_dir(), *(Path(folder) for folder in overlays)]
    try:
        library = load_library(*roots)
    except AcsError as exc:
        return list(exc.diagnostics)
    return lint(library)


def lint(library: ClauseLibrary) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    env = Renderer(library).env
    ids = set(library.clauses)
    anchors = set(ids)
    defined = {d.term for d in library.definitions}
    sources = {tpl.path: tpl.source for tpl in library.clauses.values()}
    for text in sources.values():
        anchors.update(_ANCHOR.findall(text))
        defined.update(m.strip() for m in _DEFINE.findall(text))
    for tpl in library.clauses.values():
        _lint_template(env, tpl.source, tpl.path, set(), problems)
        if tpl.when:
            _lint_template(env, "{{ %s }}" % tpl.when, tpl.path, set(), problems)
        for doc_type in tpl.documents:
            if doc_type not in DOC_TYPES:
                problems.append(Diagnostic(ERROR, "ACS-LINT-DOCUMENTS", f"unknown document type `{doc_type}` in front matter",
                                           did_you_mean(doc_type, DOC_TYPES), Location(tpl.path, 2, 1)))
        _lint_markup(tpl.source, tpl.path, anchors, defined, problems)
    for definition in library.definitions:
        _lint_template(env, definition.text, definition.path, set(), problems)
        _lint_markup(definition.text, definition.path, anchors, defined, problems, definition.line)
    for manifest in library.manifests.values():
        for group, kind in (("preamble", "preamble"), ("body", "clause"), ("schedules", "schedule")):
            for clause_id in getattr(manifest, group):
                tpl = library.clauses.get(clause_id)
                if tpl is None:
                    problems.append(Diagnostic(ERROR, "ACS-LINT-MANIFEST", f"{group} lists unknown clause `{clause_id}`",
                                               did_you_mean(clause_id, ids) or "add the clause file",
                                               Location(manifest.path, _manifest_line(manifest.path, clause_id), 1)))
                elif tpl.kind != kind or manifest.doc_type not in tpl.documents:
                    problems.append(Diagnostic(
                        ERROR, "ACS-LINT-MANIFEST", f"`{clause_id}` is a {tpl.kind} for {', '.join(tpl.documents)}, "
                        f"listed as a {kind} of {manifest.doc_type}", "fix the front matter or the manifest",
                        Location(manifest.path, _manifest_line(manifest.path, clause_id), 1)))
    return problems


def _manifest_line(path: str, clause_id: str) -> int:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return 0
    index = text.find(clause_id)
    return _line_of(text, index) if index >= 0 else 0


def _lint_markup(text: str, path: str, anchors: set, defined: set, problems: list, first_line: int = 0) -> None:
    offset = first_line - 1 if first_line else 0
    for match in _REF.finditer(text):
        if match.group(1) not in anchors:
            problems.append(Diagnostic(ERROR, "ACS-LINT-REF", f"reference to unknown id `{match.group(1)}`",
                                       did_you_mean(match.group(1), anchors) or "use a clause, schedule or [#anchor] id",
                                       Location(path, _line_of(text, match.start()) + offset, 1)))
    for match in _TERM.finditer(text):
        term = (match.group(1) or match.group(2)).strip()
        if term and term not in defined:
            problems.append(Diagnostic(ERROR, "ACS-LINT-TERM", f"the term `{term}` is used but never defined",
                                       did_you_mean(term, defined) or "add it to templates/definitions/",
                                       Location(path, _line_of(text, match.start()) + offset, 1)))
