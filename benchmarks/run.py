"""acscontracts benchmark: per-stage times, words, peak memory, whole-process builds.

    python benchmarks/run.py            # full table (a minute or two)
    python benchmarks/run.py --quick    # small repeat counts: CI runs this so it cannot rot

Figures are medians of in-process runs. The same document is also written through plain
python-docx, paragraph by paragraph, as an in-run reference; "vs python-docx" is our docx
time as a fraction of that, so figures from different machines can be compared.
"""
from __future__ import annotations

import argparse
import copy
import gc
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acscontracts.engine.assemble import assemble  # noqa: E402
from acscontracts.terms.loader import LoadedTerms, load_terms  # noqa: E402
from acscontracts.pack import Engine  # noqa: E402
from acscontracts.engine.plan import plan  # noqa: E402
from acscontracts.engine.resolve import resolve  # noqa: E402
from acscontracts.terms.validation import check_loaded  # noqa: E402
from acscontracts.writers.docx import write_docx  # noqa: E402
from acscontracts.writers.text import block_text, inline_text, write_text  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --------------------------------------------------------------------------- synthetic scaling


def scaled(loaded: LoadedTerms, factor: int) -> LoadedTerms:
    """The deal grown ``factor`` times: extra partner organisations joining as alliance members and
    board members, with their own service contracts, and more services, objectives, principles,
    measures, risks and milestones. Sums that must stay exactly 100 are kept exact."""
    data = copy.deepcopy(loaded.data)
    if factor == 1:
        return LoadedTerms(data, loaded.positions, loaded.path, loaded.files)

    def grow(items, make):
        return [make(item, k) for k in range(factor) for item in items]

    def text(value, k):
        return value if k == 0 else f"{value} (part {k + 1})"

    partners = data["partners"]
    contracting = data["contracting"]
    alliance = contracting["alliances"][0]
    board = data["governance"]["board"]
    providers = [p for p in partners if "provider" in p.get("roles", ())]
    contracts = list(contracting.get("service_contracts", []))
    commissioner = contracts[0]["commissioner_ids"] if contracts else []
    for k in range(1, factor):
        for base in providers:
            new_id = f"{base['id'][:30]}-x{k}"
            partners.append({**base, "id": new_id, "legal_name": f"{base['legal_name']} {k + 1}",
                             "short_name": f"{base['short_name']} {k + 1}"})
            alliance["member_ids"].append(new_id)
            board["members"].append({"partner_id": new_id, "seats": 1, "votes": 1})
            if contracts:
                contracts.append({**contracts[0], "id": f"sc-{new_id}"[:40], "provider_id": new_id,
                                  "commissioner_ids": commissioner,
                                  "title": f"Community services contract {new_id}"})
    contracting["service_contracts"] = contracts
    scope = data.get("scope", {})
    for key in ("services", "exclusions"):
        scope[key] = grow(scope.get(key, []), text)
    data["principles"] = grow(data.get("principles", []), text)
    if data.get("outcomes", {}).get("objectives"):
        data["outcomes"]["objectives"] = grow(data["outcomes"]["objectives"], text)
    data["risk_register"] = grow(data.get("risk_register", []), lambda r, k: {**r, "risk": text(r["risk"], k)})
    data["timetable"] = grow(data.get("timetable", []), lambda m, k: {**m, "milestone": text(m["milestone"], k)})
    incentives = data.get("funding", {}).get("incentives")
    if incentives and incentives.get("measures"):
        measures = grow(incentives["measures"], lambda m, k: {**m, "id": m["id"] if k == 0 else f"{m['id'][:30]}-x{k}",
                                                               "name": text(m["name"], k)})
        share = (Decimal(100) / len(measures)).quantize(Decimal("0.01"))
        for m in measures:
            m["weight_pct"] = share
        measures[0]["weight_pct"] = Decimal(100) - share * (len(measures) - 1)
        incentives["measures"] = measures
    return LoadedTerms(data, loaded.positions, loaded.path, loaded.files)


# --------------------------------------------------------------------------- measurements


def words_of(document) -> int:
    return sum(len(block_text(b).split()) for part in document.clauses + document.schedules for b in part.blocks)


def python_docx_reference(document) -> float:
    """Plain python-docx, paragraph by paragraph: the in-run yardstick."""
    import docx

    def build():
        out = docx.Document()
        for part in document.clauses + document.schedules:
            out.add_heading(f"{part.number} {part.title}", level=1)
            for block in part.blocks:
                if hasattr(block, "inlines"):
                    out.add_paragraph(f"{block.number} {inline_text(block.inlines)}")
                else:
                    rows = (block.header,) + block.rows
                    table = out.add_table(rows=len(rows), cols=len(block.header))
                    for r, row in enumerate(rows):
                        for c, cell in enumerate(row):
                            table.cell(r, c).text = inline_text(cell)
        import io
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    seconds, _ = median_time(build, 3)
    return seconds


def stage_row(label: str, loaded_file: Path, factor: int, engine: Engine, repeat: int, doc_type: str | None):
    loaded = load_terms(loaded_file)
    t_load, _ = median_time(lambda: load_terms(loaded_file), repeat)
    big = scaled(loaded, factor)
    validator = engine.validator(False)
    t_validate, checked = median_time(lambda: check_loaded(big, validator), repeat)
    if checked.model is None:
        raise SystemExit(f"{label}: scaled deal does not validate: "
                         + "; ".join(d.format() for d in checked.diagnostics if d.is_error)[:500])
    specs = [s for s in plan(checked.model) if s.doc_type in engine.library.manifests]
    spec = max((s for s in specs if doc_type in (None, s.doc_type)),
               key=lambda s: len(write_text(resolve(assemble(s, engine.renderer))[0])))
    t_assemble, assembled = median_time(lambda: assemble(spec, engine.renderer), repeat)
    t_resolve, (document, _) = median_time(lambda: resolve(assembled), repeat)
    t_docx, data = median_time(lambda: write_docx(document), repeat)
    t_text, _ = median_time(lambda: write_text(document), repeat)
    tracemalloc.start()
    resolve(assemble(spec, engine.renderer))
    write_docx(document)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    reference = python_docx_reference(document)
    to_bytes = t_assemble + t_resolve + t_docx
    return {"label": f"{label} {spec.name} x{factor}", "words": words_of(document), "load": t_load,
            "validate": t_validate, "assemble": t_assemble, "resolve": t_resolve, "docx": t_docx, "text": t_text,
            "model→docx": to_bytes, "peak MB": peak / 2 ** 20, "python-docx": reference,
            "ratio": t_docx / reference if reference else 0.0, "bytes": len(data)}


def whole_process(repeat: int) -> list[tuple[str, float]]:
    rows = []
    exe = [sys.executable, "-m", "acscontracts"]
    with tempfile.TemporaryDirectory() as tmp:
        for sample in SAMPLES:
            fresh = itertools.count()
            seconds, _ = median_time(lambda: subprocess.run(exe + ["build", str(sample), "-o",
                                                                   f"{tmp}/{sample.stem}-{next(fresh)}"],
                                                            check=True, capture_output=True, cwd=ROOT), repeat)
            rows.append((f"build {sample.name}", seconds))
            seconds, _ = median_time(lambda: subprocess.run(exe + ["build", str(sample), "-o", f"{tmp}/{sample.stem}-0"],
                                                            check=True, capture_output=True, cwd=ROOT), repeat)
            rows.append((f"rebuild {sample.name}, nothing changed", seconds))
        seconds, _ = median_time(lambda: subprocess.run(exe + ["validate", str(SAMPLES[0])], check=True,
                                                        capture_output=True, cwd=ROOT), repeat)
        rows.append((f"validate {SAMPLES[0].name}", seconds))
        seconds, _ = median_time(lambda: subprocess.run(exe + ["--help"], check=True, capture_output=True, cwd=ROOT),
                                 repeat)
        rows.append(("--help", seconds))
    return rows


def no_op_rebuild(engine: Engine, repeat: int) -> tuple[float, float]:
    """In-process seconds to build every sample (with .txt twins) into a fresh folder, and to rebuild it
    with nothing changed (the manifest's input records: no document rendered)."""
    from acscontracts.pack import build_packs

    with tempfile.TemporaryDirectory() as tmp:
        fresh = itertools.count()
        fresh_seconds, _ = median_time(lambda: build_packs(SAMPLES, Path(tmp) / str(next(fresh)), engine,
                                                           formats=("docx", "text")), repeat)
        no_op_seconds, reports = median_time(lambda: build_packs(SAMPLES, Path(tmp) / "0", engine,
                                                                 formats=("docx", "text")), repeat)
        assert all(r.rendered == 0 for r in reports)
    return fresh_seconds, no_op_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small repeat counts (CI)")
    args = parser.parse_args()
    repeat = 2 if args.quick else 7
    factors = (1, 4) if args.quick else (1, 2, 4, 16)
    engine = Engine.create()
    rows = []
    synthetic_base = ROOT / "samples" / "northvale-alliance.yaml"  # one alliance: every list shows
    for doc_type in sorted(engine.library.manifests):
        sample = next((s for s in SAMPLES if any(spec.doc_type == doc_type for spec in plan(
            engine.check(s).model))), None)
        if sample is not None:
            rows.append(stage_row(sample.stem, sample, 1, engine, repeat, doc_type))
    for factor in factors:
        rows.append(stage_row("synthetic", synthetic_base, factor, engine, repeat, "alliance_agreement"))
    columns = ["words", "load", "validate", "assemble", "resolve", "docx", "text", "model→docx", "peak MB",
               "python-docx", "ratio"]
    print("| document | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row in rows:
        cells = []
        for c in columns:
            value = row[c]
            if c in ("words",):
                cells.append(f"{value:,}")
            elif c in ("peak MB", "ratio"):
                cells.append(f"{value:.2f}")
            else:
                cells.append(f"{value * 1000:.1f} ms")
        print(f"| {row['label']} | " + " | ".join(cells) + " |")
    synthetic = [r for r in rows if r["label"].startswith("synthetic")]
    if len(synthetic) > 1:
        base, top = synthetic[0], synthetic[-1]
        print(f"\nscaling x{factors[-1]}: words x{top['words'] / base['words']:.1f}, "
              f"model→docx time x{top['model→docx'] / base['model→docx']:.1f}, "
              f"time per 1,000 words {1000 * base['model→docx'] / base['words'] * 1000:.2f} ms → "
              f"{1000 * top['model→docx'] / top['words'] * 1000:.2f} ms")
    fresh, no_op = no_op_rebuild(engine, repeat)
    print(f"\nno-op rebuild of all samples (in process, .docx and .txt): {no_op * 1000:.1f} ms against "
          f"{fresh * 1000:.1f} ms for a fresh build (ratio {no_op / fresh:.3f})")
    print("\n| whole process | median |\n|---|---|")
    for label, seconds in whole_process(1 if args.quick else 3):
        print(f"| {label} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
