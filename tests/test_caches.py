"""What is kept between processes only saves time: the parsed clause library, the compiled templates and
validation results. Each test checks that a result taken from the cache equals the one computed without it,
and that a change to what decides the result (a template, a value, a line, a stray file) is a miss."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acscontracts import resources
from acscontracts.diagnostics import AcsError
from acscontracts.engine import library_cache
from acscontracts.engine.templating import Renderer, bytecode_cache, load_library
from acscontracts.pack import Engine, render
from acscontracts.engine.plan import plan, select
from acscontracts.terms import validation_cache
from acscontracts.terms.loader import load_terms, load_terms_text
from acscontracts.terms.schema import SchemaValidator
from acscontracts.terms.validation import check_loaded

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def loads_terms(text: str, name: str):
    return load_terms_text(text, name, SAMPLES)


@pytest.fixture
def library_copy(tmp_path):
    root = tmp_path / "templates"
    shutil.copytree(resources.templates_dir(), root)
    return root


# --------------------------------------------------------------------------- the parsed library


def test_a_library_read_again_comes_from_the_cache_and_equals_a_fresh_read(tmp_path, library_copy):
    cache = tmp_path / "cache"
    fresh = load_library(library_copy)
    first = load_library(library_copy, cache=cache)
    [kept] = (cache / "templates").glob("library-*.pickle")
    second = load_library(library_copy, cache=cache)
    assert first == fresh and second == fresh
    assert second.clauses is not first.clauses  # unpickled, not the same objects
    assert library_cache.read_library(kept) == fresh


def test_an_edited_clause_is_read_again_not_taken_from_the_cache(tmp_path, library_copy):
    cache = tmp_path / "cache"
    before = load_library(library_copy, cache=cache)
    clause = next(iter(before.clauses.values()))
    Path(clause.path).write_text(Path(clause.path).read_text(encoding="utf-8") + "Added by the test.\n",
                                 encoding="utf-8")
    after = load_library(library_copy, cache=cache)
    assert after.fingerprint != before.fingerprint
    assert after.clauses[clause.id].source.endswith("Added by the test.\n")
    assert len(list((cache / "templates").glob("library-*.pickle"))) == 2


def test_a_file_the_loader_would_not_use_is_an_error_even_with_a_cached_library(tmp_path, library_copy):
    cache = tmp_path / "cache"
    load_library(library_copy, cache=cache)
    (library_copy / "clauses" / "stray.jinja").write_text("---\nid: stray\n---\n", encoding="utf-8")
    with pytest.raises(AcsError) as raised:
        load_library(library_copy, cache=cache)
    assert [d.code for d in raised.value.diagnostics] == ["ACS-TEMPLATES-UNUSED"]


def test_a_damaged_library_cache_is_a_miss(tmp_path, library_copy):
    cache = tmp_path / "cache"
    fresh = load_library(library_copy, cache=cache)
    [kept] = (cache / "templates").glob("library-*.pickle")
    kept.write_bytes(b"not a pickle")
    assert load_library(library_copy, cache=cache) == fresh


# --------------------------------------------------------------------------- compiled templates


def _render(engine: Engine, sample: str, doc_type: str) -> bytes:
    checked = check_loaded(load_terms(SAMPLES / sample), engine.validator())
    return render(select(plan(checked.model), doc_type, None), engine, "text")


def test_compiled_templates_are_kept_in_one_file_and_render_the_same_bytes(tmp_path):
    cache = tmp_path / "cache"
    library = load_library(resources.templates_dir())
    without = Engine(library, Renderer(library, None))
    first = Engine(library, Renderer(library, bytecode_cache(library, cache)))
    expected = _render(without, "westmoor-lead-provider.yaml", "heads_of_terms")
    assert _render(first, "westmoor-lead-provider.yaml", "heads_of_terms") == expected
    [packed] = (cache / "templates").glob("compiled-*.marshal")
    kept = library_cache.PackedBytecodeCache(packed)._entries
    assert len(kept) > 20  # clauses, conditions and definitions, in one file

    second = Engine(library, Renderer(library, bytecode_cache(library, cache)))
    compiled = []
    original = second.renderer.env.compile
    second.renderer.env.compile = lambda *a, **k: compiled.append(a) or original(*a, **k)
    assert _render(second, "westmoor-lead-provider.yaml", "heads_of_terms") == expected
    assert compiled == []  # every template came from the file


def test_a_damaged_compiled_cache_is_a_miss(tmp_path):
    cache = tmp_path / "cache"
    library = load_library(resources.templates_dir())
    engine = Engine(library, Renderer(library, bytecode_cache(library, cache)))
    expected = _render(engine, "eastmoor-icp.yaml", "heads_of_terms")
    [packed] = (cache / "templates").glob("compiled-*.marshal")
    packed.write_bytes(b"\x00damaged")
    again = Engine(library, Renderer(library, bytecode_cache(library, cache)))
    assert _render(again, "eastmoor-icp.yaml", "heads_of_terms") == expected


# --------------------------------------------------------------------------- validation results


def _checked(loaded, cache, final=False):
    return check_loaded(loaded, SchemaValidator(final=final), cache=cache)


@pytest.mark.parametrize("final", [False, True])
def test_a_cached_validation_result_equals_a_fresh_one(tmp_path, final):
    loaded = load_terms(SAMPLES / "riverbend-system.yaml")
    fresh = check_loaded(loaded, SchemaValidator(final=final))
    first = _checked(loaded, tmp_path, final)
    assert len(list((tmp_path / "validation").iterdir())) == 1
    second = _checked(loaded, tmp_path, final)
    assert fresh.diagnostics == first.diagnostics == second.diagnostics
    assert fresh.model == first.model == second.model
    assert fresh.loaded.data == second.loaded.data  # derived ids and short names filled in on a hit too


def test_warnings_with_their_lines_come_back_from_the_cache(tmp_path):
    text = (SAMPLES / "westmoor-lead-provider.yaml").read_text(encoding="utf-8")
    text = text.replace("pool_pct_of_budget: 10", "pool_pct_of_budget: 25", 1)  # X11 warning, above 20%
    loaded = loads_terms(text, "westmoor-x11.yaml")
    first = _checked(loaded, tmp_path)
    assert "X11" in {d.code for d in first.diagnostics}
    assert _checked(loaded, tmp_path).diagnostics == first.diagnostics
    moved = loads_terms("\n\n" + text, "westmoor-x11.yaml")  # same data, two lines down: a new key
    assert validation_cache.key(moved, False) != validation_cache.key(loaded, False)
    lines = {d.code: d.location.line for d in _checked(moved, tmp_path).diagnostics}
    assert lines["X11"] == {d.code: d.location.line for d in first.diagnostics}["X11"] + 2


def test_errors_are_cached_and_a_changed_value_is_a_miss(tmp_path):
    text = (SAMPLES / "westmoor-lead-provider.yaml").read_text(encoding="utf-8")
    bad = loads_terms(text.replace("  id: westmoor-lead-provider", "  id: 7", 1), "westmoor.yaml")
    first = _checked(bad, tmp_path)
    assert first.model is None and any(d.is_error for d in first.diagnostics)
    assert _checked(bad, tmp_path).diagnostics == first.diagnostics
    good = loads_terms(text, "westmoor.yaml")
    assert validation_cache.key(good, False) != validation_cache.key(bad, False)
    assert validation_cache.key(good, True) != validation_cache.key(good, False)
    assert _checked(good, tmp_path).model is not None


def test_a_damaged_validation_entry_is_a_miss(tmp_path):
    loaded = load_terms(SAMPLES / "eastmoor-icp.yaml")
    first = _checked(loaded, tmp_path)
    [entry] = (tmp_path / "validation").iterdir()
    entry.write_bytes(b"damaged")
    assert _checked(loaded, tmp_path).diagnostics == first.diagnostics


# --------------------------------------------------------------------------- a render process


def test_a_render_with_cached_results_imports_neither_the_validator_nor_the_rules(tmp_path):
    """The second render of the same terms takes the validation result from the cache: jsonschema and the rules
    are not imported (nor tomllib, with no config file to read)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ACSCONTRACTS_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "acscontracts", "render", str(SAMPLES / "northvale-alliance.yaml"),
               "--doc", "heads_of_terms", "-o", str(tmp_path / "hot.docx")]
    imported = []
    for _ in range(2):
        run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
        imported.append({line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "import time" in line})
    first, second = imported
    assert {"jsonschema", "acscontracts.terms.rules"} <= first
    assert "acscontracts.engine.templating" in second
    assert not {"jsonschema", "acscontracts.terms.rules", "tomllib"} & second


def test_a_command_collects_garbage_less_while_it_runs_and_restores_the_collector(tmp_path, monkeypatch):
    import gc

    from click.testing import CliRunner

    from acscontracts.cli import ONE_SHOT_GC_THRESHOLD, main
    from acscontracts import api

    seen = []
    real = api.validate

    def validate(*args, **kwargs):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "validate", validate)
    before = gc.get_threshold()
    result = CliRunner().invoke(main, ["validate", str(SAMPLES / "northvale-alliance.yaml")])
    assert result.exit_code == 0, result.output
    assert seen == [(ONE_SHOT_GC_THRESHOLD, True)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_command_leaves_objects_its_caller_froze_frozen():
    import gc

    from click.testing import CliRunner

    from acscontracts.cli import main

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        result = CliRunner().invoke(main, ["validate", str(SAMPLES / "northvale-alliance.yaml")])
        assert result.exit_code == 0, result.output
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()
