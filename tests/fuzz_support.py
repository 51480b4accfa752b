"""Shared helpers for the hardening tests: hostile strings, structural mutations of the sample
deals (hypothesis strategies), a YAML round trip, the diagnostics invariant, a small clause
library that prints every kind of deal value, and the OOXML checks of a written .docx.

Settings (environment):

* ``ACS_FUZZ_EXAMPLES``: examples of the main property (mutated deals into the validator, default 1500);
  every other property's budget is scaled in proportion. The CI defaults put about 2,500 generated deals
  through load + validate and about 100 documents through the whole .docx pipeline in under a minute.
* ``ACS_FUZZ_NIGHTLY=1``: every budget x 20, and hypothesis draws fresh random cases on each run
  (CI runs are derandomized, so they are repeatable).
"""
from __future__ import annotations

import functools
import importlib.util
import io
import os
import re
import sys
import textwrap
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from acscontracts.cli.common import printable as _printable

with warnings.catch_warnings():  # hypothesis' pytest plugin imports this to report a failure; under our
    warnings.simplefilter("ignore")  # `filterwarnings = error` its DeprecationWarnings would hide the report
    try:
        import hypothesis.extra._patching  # noqa: F401
    except Exception:  # pragma: no cover - optional dependency (libcst)
        pass
from acscontracts.terms.loader import LoadedTerms, load_terms

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
SAMPLE_FILES = tuple(sorted(SAMPLES_DIR.glob("*.yaml")))
SHARED_TOOLS = Path(os.environ.get("ACS_SHARED_TOOLS", "/work/shared/tools"))

NIGHTLY = os.environ.get("ACS_FUZZ_NIGHTLY") == "1"
MAIN_EXAMPLES = 1500  # the main property's default budget; ACS_FUZZ_EXAMPLES replaces it
BASE_EXAMPLES = int(os.environ.get("ACS_FUZZ_EXAMPLES", "0") or 0)


def budget(default: int) -> int:
    """Examples for a property whose CI default is ``default``: scaled by ACS_FUZZ_EXAMPLES, x 20 at night."""
    n = default if not BASE_EXAMPLES else max(1, BASE_EXAMPLES * default // MAIN_EXAMPLES)
    return n * 20 if NIGHTLY else n


def fuzz_settings(default_examples: int):
    # no "explain" phase: it imports libcst & co., whose DeprecationWarnings turn a failure report into an
    # INTERNALERROR under our `filterwarnings = error`
    return settings(max_examples=budget(default_examples), deadline=None, derandomize=not NIGHTLY,
                    database=None, print_blob=True, phases=[p for p in Phase if p is not Phase.explain],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


# --------------------------------------------------------------------------- hostile text

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

HOSTILE_STRINGS = (
    # control characters (XML 1.0 cannot hold most of them), and the ones it can
    "Alpha\x00Beta", "\x01", "line\x0bbreak pasted from Word", "page\x0cbreak", "\x1f\x1e", "del\x7f", "nel\x85",
    "\ufffe", "\uffff", "lone \ud800 high", "lone \udfff low", "\udbff\udc00 reversed pair ok?",
    "tab\tinside", "new\nline", "cr\rreturn", "crlf\r\nline", "\u2028line sep\u2029para sep",
    "inject\u2028- [#evil] a new numbered paragraph", "nel\x85# a heading", "ps\u2029| a | table |",
    # XML and markup specials
    "<w:b/>bold?", "A & B <c> \"d\" 'e'", "]]>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    "&amp; &lt; &#0; &#xD800;", "<ref to=\"clause-1\"/>", "<term>Board</term>", "<blank/>", "<note>n</note>",
    "- [#anchor] an item", "  - indented", "| a | b |", "# heading", ">party Evil Ltd", ">recital x",
    # Jinja syntax
    "{{ 7*7 }}", "{% for x in range(10**9) %}x{% endfor %}", "{# comment #}", "{{ ''.__class__.__mro__ }}",
    "{% raw %}", "{{", "}}", "{%", "{{ cycler.__init__.__globals__.os }}",
    # Word field syntax
    "{ PAGE }", " MERGEFIELD name ", "{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe }", "\x13 HYPERLINK x \x14y\x15",
    # bidi, combining, zero-width, emoji, other scripts
    "\u202eevil\u202c.docx", "\u200fمرحبا بالعالم", "שלום עולם", "e\u0301\u0301\u0301\u0301", "Z̴̡̛a̶l̷g̸o̵",
    "zero\u200bwidth\u200d", "\ufeffBOM", "👩‍⚕️🏥 NHS", "\U0001F600" * 50, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "日本語の名前",
    # sizes and blanks
    "", " ", "   padded   ", "A" * 10_000, "é" * 10_000, "word " * 2_000, "x" * 25_000,
    "[●]", "%s %d {0} %(x)s", "\\", "None", "null", "true", "2027-02-30", "NaN", "-0",
)

_ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
_TEXTY_CHAR = st.one_of(st.sampled_from("<>&\"'{}%#|-[]\n\r\t \\"), _ANY_CHAR, st.characters(codec="utf-8"))

def pick(seq):
    """sampled_from without its repr (hypothesis warns about reprs of big element lists)."""
    seq = tuple(seq)
    return st.integers(0, len(seq) - 1).map(seq.__getitem__)


hostile_text = st.one_of(
    pick(HOSTILE_STRINGS),
    st.text(_TEXTY_CHAR, max_size=40),
    st.builds(lambda a, b: a + b, pick(HOSTILE_STRINGS), st.text(_TEXTY_CHAR, max_size=10)),
)
# text a valid deal can hold (no XML-invalid characters), for the full-pipeline property
safe_text = hostile_text.map(lambda s: XML_INVALID.sub("", s)).filter(lambda s: s.strip() != "")

extreme_numbers = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63), 10**15, 10**15 + 1, 10**30, 10**400, -(10**30)]),
    st.sampled_from([Decimal("0.001"), Decimal("-0.01"), Decimal("1E+30"), Decimal("1E+999999"),
                     Decimal("1E-999999"), Decimal("123456789.123456789123456789"), Decimal("99.999"),
                     Decimal("100.01"), Decimal("0E-1000"), Decimal("1E+6"), Decimal("-1E+400")]),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
)


def _nested(depth: int, kind: str):
    value: object = "deep"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


other_values = st.one_of(
    # fresh containers every time (st.just would share one object between examples)
    st.none(), st.booleans(), st.builds(list), st.builds(dict), st.builds(lambda: ["x"]),
    st.builds(lambda: {"unknown": 1}),
    st.builds(_nested, st.integers(1, 60), st.sampled_from(["list", "dict"])),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=4),
)

any_value = st.one_of(hostile_text, extreme_numbers, other_values)


# --------------------------------------------------------------------------- samples and mutations


@functools.lru_cache(maxsize=None)
def _sample(path: Path) -> LoadedTerms:
    return load_terms(path)


def sample(index: int) -> LoadedTerms:
    """A fresh deep copy of sample ``index`` (data may be mutated; positions are shared)."""
    loaded = _sample(SAMPLE_FILES[index % len(SAMPLE_FILES)])
    return LoadedTerms(clone(loaded.data), loaded.positions, loaded.path, loaded.files, loaded.register_ids)


def walk(data) -> list:
    """Every (JSON path, value) in ``data``, containers and leaves, root first."""
    out = []
    append = out.append

    def visit(path, value):
        append((path, value))
        if type(value) is dict:
            for key, item in value.items():
                visit(path + (key,), item)
        elif type(value) is list:
            for index, item in enumerate(value):
                visit(path + (index,), item)

    visit((), data)
    return out


@functools.lru_cache(maxsize=None)
def _sample_candidates(index: int) -> dict:
    """Mutation targets of sample ``index`` by operation (computed once: walking is the slow part)."""
    data = _sample(SAMPLE_FILES[index]).data
    items = walk(data)
    paths = tuple(p for p, _ in items)
    return {
        "string": tuple(free_text_paths(data)) or paths,
        "empty": tuple(p for p, v in items if isinstance(v, list)) or paths,
        "number": tuple(p for p, v in items if isinstance(v, (int, Decimal)) and not isinstance(v, bool)) or paths,
        "any": paths,
    }


def all_paths(data) -> list:
    return [path for path, _ in walk(data)]


def clone(data):
    """A deep copy of plain JSON-like data (much faster than copy.deepcopy)."""
    if isinstance(data, dict):
        return {k: clone(v) for k, v in data.items()}
    if isinstance(data, list):
        return [clone(v) for v in data]
    return data


def _own_path(root, path, owned: set) -> None:
    """Replace every container on ``path`` (the target included) by a private shallow copy."""
    node = root
    for part in path:
        child = node[part]
        if isinstance(child, (dict, list)) and id(child) not in owned:
            child = dict(child) if isinstance(child, dict) else list(child)
            node[part] = child
            owned.add(id(child))
        node = child


def _still_there(data, path) -> bool:
    for part in path:
        if isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) \
                and part < len(data):
            data = data[part]
        else:
            return False
    return True


def get(data, path):
    for part in path:
        data = data[part]
    return data


_SLUG_OR_ENUM = re.compile(r"[a-z0-9_\-]+\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_NOT_FREE_TEXT_KEYS = {"notice_email", "schema_version", "partner_register", "$schema", "use", "version"}


def free_text_paths(data) -> list:
    """String leaves that hold prose (names, titles, descriptions), not ids, enum values or dates."""
    out = []
    for path, value in walk(data):
        if not path or not isinstance(value, str):
            continue
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        if not _SLUG_OR_ENUM.match(value) and not _DATE.match(value) and key not in _NOT_FREE_TEXT_KEYS:
            out.append(path)
    return out


OPERATIONS = ("remove", "replace", "string", "number", "empty", "duplicate", "unknown_key", "nest")


@st.composite
def mutated_deal(draw, max_mutations: int = 5):
    """(LoadedTerms, description) for a sample after random structural mutations."""
    index = draw(st.integers(0, len(SAMPLE_FILES) - 1))
    loaded = _sample(SAMPLE_FILES[index])
    data = dict(loaded.data)  # copy on write: containers are copied only along the paths we change
    owned = {id(data)}
    done = []
    candidates = _sample_candidates(index)
    for _ in range(draw(st.integers(1, max_mutations))):
        op = draw(st.sampled_from(OPERATIONS))
        path = draw(pick(candidates.get({"duplicate": "empty"}.get(op, op), candidates["any"])))
        if not _still_there(data, path):  # an earlier mutation removed or replaced it
            continue
        done.append((op, path))
        _own_path(data, path, owned)
        if not path and op in ("remove", "replace", "string", "number"):
            data = draw(any_value)  # the whole document replaced
            continue
        parent = get(data, path[:-1]) if path else None
        key = path[-1] if path else None
        target = get(data, path)
        if op == "remove":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(any_value)
        elif op == "string":
            parent[key] = draw(hostile_text)
        elif op == "number":
            parent[key] = draw(extreme_numbers)
        elif op == "empty":
            if isinstance(target, list):
                target.clear()
            elif isinstance(target, dict):
                target.clear()
        elif op == "duplicate":
            if isinstance(target, list):
                target.extend(target * draw(st.integers(1, 3)))
            elif parent is not None:
                parent[key] = [target, target]
        elif op == "unknown_key":
            if isinstance(target, dict):
                target[draw(hostile_text)] = draw(any_value)
        elif op == "nest":
            if parent is not None:
                parent[key] = _nested(draw(st.integers(1, 50)), draw(st.sampled_from(["list", "dict"]))) \
                    if draw(st.booleans()) else {"value": target}
    return LoadedTerms(data, loaded.positions, loaded.path, loaded.files, loaded.register_ids), done


@st.composite
def text_mutated_deal(draw, max_fields: int = 8):
    """A sample whose prose fields are replaced by hostile (but storable) text: meant to stay valid."""
    index = draw(st.integers(0, len(SAMPLE_FILES) - 1))
    loaded = sample(index)
    data = loaded.data
    paths = _sample_candidates(index)["string"]
    chosen = draw(st.lists(pick(paths), min_size=1, max_size=max_fields, unique=True))
    for path in chosen:
        get(data, path[:-1])[path[-1]] = draw(safe_text)
    return LoadedTerms(data, loaded.positions, loaded.path, loaded.files, loaded.register_ids), chosen


# --------------------------------------------------------------------------- YAML round trip


from acscontracts.terms.dump import Dumper as _Dumper  # noqa: E402  (Decimals exact, risky text quoted)


def to_yaml(data) -> str:
    """YAML text of plain data (dates are already strings); Decimals written exactly."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)


# --------------------------------------------------------------------------- invariants


def assert_located(diagnostics, context="") -> None:
    """Every diagnostic can be printed and every error says where: a line, or at least a JSON path."""
    for d in diagnostics:
        assert isinstance(d.message, str) and d.message, (context, d)
        text = d.format()
        shown = _printable(text)  # what the CLI prints: one line, encodable, no terminal escapes
        shown.encode("utf-8")
        assert "\n" not in shown and "\x1b" not in shown, shown
        if d.is_error:
            has_line = d.location is not None and d.location.line > 0
            assert has_line or d.path, f"unlocated error {text!r} ({context})"


# --------------------------------------------------------------------------- a clause library for the tests

# Prints every kind of value (names, money, dates, percentages, lists, tables, definitions,
# cross-references) for all four document types, independently of the shipped library (which
# other people are still writing).
FUZZ_LIBRARY = {
    "manifests/alliance_agreement.yaml": """
        doc_type: alliance_agreement
        title: "alliance.title"
        subtitle: "'relating to ' ~ deal.system_name"
        preamble: [fz-parties]
        body: [definitions, fz-deal, fz-partners]
        schedules: [fz-schedule]
    """,
    "manifests/subcontract.yaml": """
        doc_type: subcontract
        title: "'Sub-Contract'"
        subtitle: "'for ' ~ subcontractor.legal_name"
        preamble: [fz-parties]
        body: [definitions, fz-deal, fz-sub]
        schedules: [fz-schedule]
    """,
    "manifests/aco_contract.yaml": """
        doc_type: aco_contract
        title: "aco.title"
        subtitle: "deal.title"
        preamble: [fz-parties]
        body: [definitions, fz-deal, fz-partners]
        schedules: [fz-schedule]
    """,
    "manifests/heads_of_terms.yaml": """
        doc_type: heads_of_terms
        title: "'Heads of Terms'"
        subtitle: "deal.title"
        preamble: [fz-parties]
        body: [definitions, fz-deal, fz-partners]
        schedules: [fz-schedule]
    """,
    "definitions/common.yaml": """
        Deal: "the arrangements called {{ deal.title }}"
        Partner: "each of {{ parties | map(attribute='short_name') | join(', ') }}"
    """,
    "clauses/fz-definitions.j2": """
        ---
        id: definitions
        title: Definitions
        documents: [alliance_agreement, subcontract, aco_contract, heads_of_terms]
        ---
        - [#definitions-list] In this document:
    """,
    "clauses/fz-parties.j2": """
        ---
        id: fz-parties
        title: Parties
        kind: preamble
        documents: [alliance_agreement, subcontract, aco_contract, heads_of_terms]
        ---
        {% for p in parties %}
        >party {{ p.legal_name }} ({{ p.description }}) (<define>{{ p.short_name }}</define>)
        {% endfor %}
        >recital The parties wish to work together on {{ deal.system_name }}.
    """,
    "clauses/fz-deal.j2": """
        ---
        id: fz-deal
        title: "The {{ deal.title }}"
        documents: [alliance_agreement, subcontract, aco_contract, heads_of_terms]
        ---
        - [#fz-deal-title] This <term>Deal</term> is {{ deal.title }} ({{ deal.id }}), version {{ deal.version }}.
        - It starts on {{ deal.effective_date | date }} and covers {{ deal.population }} people.
          - Budget: {{ terms.funding.budget.annual_amount | money }}.
          - Services: {{ terms.scope.services | join('; ') }}.
            - Principles: {{ terms.principles | join(' / ') }}.
        - See clause <ref to="fz-deal-title"/> and Schedule <ref to="fz-schedule"/>.
        {% for r in terms.risk_register %}
        - Risk: {{ r.risk }} (owner {{ r.owner_id }}, {{ r.rating }}).
        {% endfor %}
        {% for t in terms.exit.termination_triggers %}
        - Trigger: {{ t }}
        {% endfor %}
        <note>Drafting note: {{ deal.system_name }}</note>
    """,
    "clauses/fz-partners.j2": """
        ---
        id: fz-partners
        title: Partners
        documents: [alliance_agreement, aco_contract, heads_of_terms]
        ---
        {% for p in parties %}
        - <term>Partner</term> {{ p.legal_name }} known as {{ p.short_name }}; notices to {{ p.notice_address }} ({{ p.notice_email }}).
          - Signatory: {{ p.signatory.name if p.signatory else blank() }}, {{ p.signatory.title if p.signatory else '' }}.
        {% endfor %}
    """,
    "clauses/fz-sub.j2": """
        ---
        id: fz-sub
        title: Sub-contract
        documents: [subcontract]
        ---
        - The {{ subcontractor.legal_name }} provides {{ subcontract.services | join(', ') }} for {{ subcontract.value_pa | money }} a year.
        - Head contract: {{ head_contract.title }}.
    """,
    "clauses/fz-schedule.j2": """
        ---
        id: fz-schedule
        title: Parties and addresses
        kind: schedule
        documents: [alliance_agreement, subcontract, aco_contract, heads_of_terms]
        ---
        | Party | Short name | Address |
        {% for p in parties %}
        | {{ p.legal_name }} | {{ p.short_name }} | {{ p.notice_address }} |
        {% endfor %}
        {% for m in terms.timetable %}
        - {{ m.milestone }}: {{ m.date | date }}
        {% endfor %}
    """,
}


def write_library(root: Path, files: dict = FUZZ_LIBRARY) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def fuzz_engine(root: Path):
    """An Engine over the test library only (no built-in clauses)."""
    from acscontracts.pack import Engine
    from acscontracts.engine.templating import Renderer, load_library

    library = load_library(write_library(root))
    return Engine(library, Renderer(library))


# --------------------------------------------------------------------------- .docx checks

_XML_10_INVALID_BYTES = re.compile(rb"&#(x0*[0-8bBcCeEfF]|x0*1[0-9a-fA-F]|0*[0-8]|0*1[124-9]|0*2[0-9]|0*3[01]);")


@functools.lru_cache(maxsize=1)
def _docx_check_module():
    path = SHARED_TOOLS / "docx_check.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("acs_shared_docx_check", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=1)
def schema_set():
    """docx_check's compiled ISO/IEC 29500 schema set (None when the shared tools are absent)."""
    module = _docx_check_module()
    if module is None:
        return None
    xsd_dir = module.find_xsd_dir(None) or SHARED_TOOLS / "ooxml-xsd"
    cache = Path(os.environ.get("DOCX_CHECK_CACHE", f"/tmp/docx-check-cache-{os.getuid()}"))
    cache.mkdir(parents=True, exist_ok=True)
    return module.SchemaSet(xsd_dir, SHARED_TOOLS / "xsd-stubs", cache)


def docx_problems(data: bytes, schema: bool = True) -> list[str]:
    """Well-formedness, XML 1.0 characters and (optionally) XSD validity of every XML part."""
    from lxml import etree

    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            raw = zf.read(name)
            try:
                etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: not well-formed: {exc}")
            if _XML_10_INVALID_BYTES.search(raw):
                problems.append(f"{name}: character reference to a character XML 1.0 forbids")
            if XML_INVALID.search(raw.decode("utf-8", "surrogatepass")):
                problems.append(f"{name}: raw XML-1.0-invalid character")
    if schema and not problems:
        module, sset = _docx_check_module(), schema_set()
        if module is not None and sset is not None:
            check = module.Check("schema")
            package = module.Package(io.BytesIO(data))
            module.check_schema(package, check, sset, max_per_part=5)
            problems.extend(check.errors)
    return problems


# --------------------------------------------------------------------------- big but legitimate deals


def big_deal(partners: int = 0, subcontracts: int = 0) -> dict:
    """The lead-provider sample grown to ``partners`` extra subcontractor partners and ``subcontracts``
    subcontracts in all (spread over those partners), keeping every rule satisfied."""
    data = clone(_sample(SAMPLES_DIR / "westmoor-lead-provider.yaml").data)
    template_partner = next(p for p in data["partners"] if p["id"] == "westmoor-gp-federation")
    template_sub = data["contracting"]["subcontracts"][0]
    new_ids = []
    for i in range(partners):
        partner = clone(template_partner)
        partner.update(id=f"provider-{i:04d}", legal_name=f"Provider {i:04d} Community Services Ltd",
                       short_name=f"Provider {i:04d}", company_no=f"{10_000_000 + i:08d}")
        partner["signatory"] = {"name": f"Signatory {i}", "title": "Director"}
        data["partners"].append(partner)
        new_ids.append(partner["id"])
    subs = data["contracting"]["subcontracts"]
    for i in range(max(0, subcontracts - len(subs))):
        sub = clone(template_sub)
        sub.update(id=f"sub-extra-{i:04d}", value_pa=100_000 + i, material=False,
                   subcontractor_id=new_ids[i % len(new_ids)] if new_ids else template_sub["subcontractor_id"])
        sub.pop("pass_through_pct", None)
        for spec, value in zip(sub.get("specifications", ()), (sub["value_pa"] - 50_000, 50_000)):
            spec["annual_value"] = value  # the breakdown by service adds up to the new value (X24)
        subs.append(sub)
    return data


def write_terms(path: Path, data) -> Path:
    path.write_text(to_yaml(data), encoding="utf-8")
    return path
