"""The clause library as a whole: golden texts, schema coverage, option combinations, docx checks."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from acscontracts import resources
from acscontracts.diagnostics import AcsError, has_errors
from acscontracts.engine.lint import lint
from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.pack import render
from acscontracts.engine.plan import plan
from acscontracts.terms.validation import check_loaded

from conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden"
DOCX_CHECK = ROOT.parent / "shared" / "tools" / "docx-check"


def _documents(engine, sample: Path):
    checked = engine.check(sample, final=True)
    assert checked.model is not None, [d.format() for d in checked.diagnostics if d.is_error]
    return [s for s in plan(checked.model) if s.doc_type in engine.library.manifests]


def test_library_lints_clean(engine):
    assert [p.format() for p in lint(engine.library)] == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_golden_text(engine, sample, update_golden):
    """Every document of every sample, as text, equals its reviewed golden file."""
    folder = GOLDEN / sample.stem
    expected_names = set()
    for spec in _documents(engine, sample):
        text = render(spec, engine, "text").decode("utf-8")
        golden = folder / f"{spec.name}.txt"
        expected_names.add(golden.name)
        if update_golden:
            folder.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"no golden file {golden}; run pytest --update-golden and review it"
        assert text == golden.read_text(encoding="utf-8"), f"{golden} differs: review, then --update-golden"
        assert "Missing(" not in text and "Decimal(" not in text and "datetime." not in text
    if update_golden:
        for stale in folder.glob("*.txt"):
            if stale.name not in expected_names:
                stale.unlink()
    assert {p.name for p in folder.glob("*.txt")} == expected_names


def _schema_leaves(schema: dict) -> set[str]:
    """Dotted property paths of the schema (array items folded), e.g. funding.risk_share.caps.max_amount."""
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def walk(node, path, seen):
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref and ref.startswith("#/$defs/") and ref not in seen:
            walk(defs[ref.split("/")[-1]], path, seen | {ref})
        for key in ("items", "then", "else"):
            walk(node.get(key), path, seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        for name, sub in node.get("properties", {}).items():
            child = f"{path}.{name}" if path else name
            out.add(child)
            walk(sub, child, seen)

    walk(schema, "", frozenset())
    return out


def test_every_schema_field_is_drafted_or_waived(engine):
    """A field is used when a template reads an attribute of that name; waivers name a reason."""
    schema = json.loads(resources.schema_path().read_text(encoding="utf-8"))
    waivers = yaml.safe_load((resources.templates_dir() / "unused-fields.yaml").read_text(encoding="utf-8"))
    sources = "\n".join(t.source for t in engine.library.clauses.values())
    sources += "\n".join(d.text for d in engine.library.definitions)
    sources += (ROOT / "acscontracts" / "engine" / "plan.py").read_text() + (ROOT / "acscontracts" / "terms" / "model.py").read_text()
    unused = []
    for path in sorted(_schema_leaves(schema)):
        leaf = path.split(".")[-1]
        if path in waivers or leaf.startswith("$"):
            continue
        if f".{leaf}" not in sources and f"'{leaf}'" not in sources:
            unused.append(path)
    assert unused == [], "fields neither used by a template nor waived in templates/unused-fields.yaml"
    for path, reason in waivers.items():
        assert isinstance(reason, str) and len(reason) > 10, f"waiver {path} needs a reason"


# --------------------------------------------------------------------------- combinations


def _enum_paths(data, schema_validator, path=()):
    """(path, value) for every enum field present in the sample data, with each alternative value."""
    from jsonschema import Draft202012Validator

    found = []
    validator = Draft202012Validator(schema_validator.schema)

    def alternatives(p):
        # find the schema node for p by letting the validator complain about an impossible value
        probe = copy.deepcopy(data)
        node = probe
        for key in p[:-1]:
            node = node[key]
        node[p[-1]] = "\x00not-a-value"
        for error in validator.iter_errors(probe):
            if list(error.absolute_path) == list(p) and error.validator == "enum":
                return [v for v in error.validator_value if isinstance(v, str)]
        return []

    def walk(node, p):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, p + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node[:1]):
                walk(v, p + (i,))
        elif isinstance(node, str) and p and not str(p[-1]).endswith(("id", "ids", "_date", "name", "title")):
            for value in alternatives(p):
                if value != node:
                    found.append((p, value))

    walk(data, path)
    return found


def _set(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _variants(engine, sample: Path):
    loaded = load_terms(sample)
    validator = engine.validator(False)
    for path, value in _enum_paths(loaded.data, validator):
        yield f"{'.'.join(map(str, path))}={value}", path, value
    for key in ("phases", "principles", "timetable", "risk_register", "outcomes", "assurance", "financial_safeguards"):
        if key in loaded.data:
            yield f"without {key}", (key,), None
    for section, key in (("funding", "risk_share"), ("funding", "incentives"), ("funding", "pooled_funds"),
                         ("funding", "running_costs"), ("governance", "deadlock"), ("governance", "alliance_manager"),
                         ("enablers", "estates"), ("liability", "cap_amount"), ("term", "break_points")):
        if key in loaded.data.get(section, {}):
            yield f"without {section}.{key}", (section, key), None


def test_every_option_builds_every_document(engine):
    """Each enum value and each optional section present/absent: every document renders without a
    template error, broken reference or undefined term (variants the rules reject are skipped)."""
    built = 0
    failures = []
    seen = set()  # each field/value once across the samples (list indexes folded)
    for sample in SAMPLES:
        loaded = load_terms(sample)
        for label, path, value in _variants(engine, sample):
            key = (tuple(p for p in path if not isinstance(p, int)), value)
            if key in seen:
                continue
            seen.add(key)
            data = copy.deepcopy(loaded.data)
            _set(data, path, value)
            checked = check_loaded(LoadedTerms(data, loaded.positions, loaded.path, loaded.files), engine.validator())
            if checked.model is None:
                continue
            for spec in plan(checked.model):
                if spec.doc_type not in engine.library.manifests:
                    continue
                try:
                    render(spec, engine, "text")
                    built += 1
                except AcsError as exc:
                    failures.append(f"{sample.stem} [{label}] {spec.name}: {exc.diagnostics[0].format()}")
    assert failures == []
    assert built > 200


@pytest.mark.skipif(not DOCX_CHECK.exists(), reason="shared docx-check tool not present")
def test_every_sample_document_passes_docx_check(engine, tmp_path):
    """Every .docx of every sample pack passes the strict OOXML check and opens in LibreOffice."""
    files = []
    for sample in SAMPLES:
        for spec in _documents(engine, sample):
            path = tmp_path / f"{sample.stem}--{spec.name}.docx"
            path.write_bytes(render(spec, engine, "docx"))
            files.append(str(path))
    skip = [] if shutil.which("soffice") else ["--skip", "render"]
    result = subprocess.run([str(DOCX_CHECK), *files, *skip], capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "FAIL" not in result.stdout
