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
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acscontracts import formatting  # noqa: E402
from acscontracts.engine.assemble import assemble  # noqa: E402
from acscontracts.terms.loader import LoadedTerms, load_terms  # noqa: E402
from acscontracts.pack import Engine  # noqa: E402
from acscontracts.engine.plan import plan  # noqa: E402
from acscontracts.engine.resolve import resolve  # noqa: E402
from acscontracts.terms.validation import check_loaded  # noqa: E402
from acscontracts.writers import ooxml, table_layout  # noqa: E402
from acscontracts.writers.docx import write_docx  # noqa: E402
from acscontracts.writers.text import block_text, inline_text, write_text  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def cli_env(cache: str | None = None) -> dict:
    """The environment of a whole-process run: bytecode written (to a prefix folder outside the tree) and read
    back, as an installed package has it; ACSCONTRACTS_CACHE_DIR set when ``cache`` is given."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "acscontracts-bench-pycache")
    if cache:
        env["ACSCONTRACTS_CACHE_DIR"] = cache
    return env


def run_cli(args: list, cache: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "acscontracts", *map(str, args)], check=True, capture_output=True, cwd=ROOT,
                   env=cli_env(cache))


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --------------------------------------------------------------------------- synthetic scaling


TEXT_GROWTH = 11  # copies of each list item (services, principles, risks...) per unit of the factor
FILLER = ("the Partners will deliver this through joint plans agreed by the Alliance Leadership Board, "
          "reviewed each quarter against the outcome measures and reported to each Partner's own board")


def scaled(loaded: LoadedTerms, factor: int) -> LoadedTerms:
    """The deal grown ``factor`` times: extra partner organisations joining as alliance members and
    board members, with their own service contracts, and more services, objectives, principles,
    measures, risks and milestones. Sums that must stay exactly 100 are kept exact."""
    data = copy.deepcopy(loaded.data)
    if factor == 1:
        return LoadedTerms(data, loaded.positions, loaded.path, loaded.files)

    def grow(items, make):  # text lists grow faster than partners, so that the words grow with the factor
        return [make(item, k) for k in range(factor * TEXT_GROWTH) for item in items]

    def text(value, k):
        return value if k == 0 else f"{value} (part {k + 1}): {FILLER}"

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
        share = (Decimal(100) / len(measures)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for m in measures:
            m["weight_pct"] = share
        measures[0]["weight_pct"] = Decimal(100) - share * (len(measures) - 1)
        incentives["measures"] = measures
    return LoadedTerms(data, loaded.positions, loaded.path, loaded.files)


# --------------------------------------------------------------------------- measurements


def words_of(document) -> int:
    return sum(len(block_text(b).split()) for part in document.clauses + document.schedules for b in part.blocks)


def python_docx_reference(document) -> float:
    """Plain python-docx, paragraph by paragraph: the in-run yardstick. Table cells are reached row by row
    (``Table.cell`` rebuilds the whole grid on every call, which would make the yardstick quadratic)."""
    import docx
    from docx.table import _Cell

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
                    for tr, row in zip(table._tbl.tr_lst, rows):
                        for tc, cell in zip(tr.tc_lst, row):
                            _Cell(tc, table).text = inline_text(cell)
        import io
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    seconds, _ = median_time(build, 3)
    return seconds


def cold(spec):
    """``spec`` with the answers its deal's facts keep between clauses, the money figures already formatted and the
    writer's cached text widths and run and paragraph formats forgotten: a repeat then costs what the first
    assembly in a process costs."""
    spec.context["facts"].deal._asked.clear()
    formatting._pounds.cache_clear()
    formatting._format_decimal.cache_clear()
    table_layout.text_width.cache_clear()
    ooxml.p_open.cache_clear()
    ooxml._rpr.cache_clear()
    return spec


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
    # as `render` assembles: without recording the reads only a diff needs (reads_overhead measures them), and with
    # the facts and money figures a process has not yet worked out (each run starts as one render process does)
    t_assemble, assembled = median_time(lambda: assemble(cold(spec), engine.renderer, track_reads=False), repeat)
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
    return {"label": f"{label} {spec.name} x{factor}", "doc_type": spec.doc_type, "words": words_of(document), "load": t_load,
            "validate": t_validate, "assemble": t_assemble, "resolve": t_resolve, "docx": t_docx, "text": t_text,
            "model→docx": to_bytes, "peak MB": peak / 2 ** 20, "python-docx": reference,
            "ratio": t_docx / reference if reference else 0.0, "bytes": len(data)}


def reads_overhead(engine: Engine, repeat: int) -> list[tuple[str, float, float]]:
    """Assemble time of each sample's largest document with and without recording the terms each part reads."""
    rows = []
    for sample in SAMPLES:
        specs = [s for s in plan(engine.check(sample).model) if s.doc_type in engine.library.manifests]
        spec = max(specs, key=lambda s: len(write_text(resolve(assemble(s, engine.renderer))[0])))
        tracked, plain = [], []
        for _ in range(repeat):  # interleaved, so that load from elsewhere falls on both alike
            tracked.append(median_time(lambda: assemble(cold(spec), engine.renderer), 1)[0])
            plain.append(median_time(lambda: assemble(cold(spec), engine.renderer, track_reads=False), 1)[0])
        rows.append((f"{sample.stem} {spec.name}", statistics.median(tracked), statistics.median(plain)))
    return rows


def partner_deal(loaded: LoadedTerms, partners: int, renamed: bool) -> LoadedTerms:
    """The deal grown to ``partners`` partners: copies of its providers join as alliance members and board
    members (same addresses and emails as the provider copied). ``renamed``: every added partner's names
    differ by one word, the change that made the old redline quadratic."""
    data = copy.deepcopy(loaded.data)
    providers = [p for p in data["partners"] if "provider" in p.get("roles", ())]
    alliance = data["contracting"]["alliances"][0]
    board = data["governance"]["board"]
    k = 0
    while len(data["partners"]) < partners:
        base = providers[k % len(providers)]
        k += 1
        word = "South" if renamed else "North"
        new_id = f"{base['id'][:24]}-p{k}"
        data["partners"].append({**base, "id": new_id, "legal_name": f"{base['legal_name']} {word} {k}",
                                 "short_name": f"{base['short_name']} {word} {k}"})
        alliance["member_ids"].append(new_id)
        board["members"].append({"partner_id": new_id, "seats": 1, "votes": 1})
    return LoadedTerms(data, loaded.positions, loaded.path, loaded.files)


def redline_rows(engine: Engine, sizes: tuple) -> list[dict]:
    """Redline of the alliance agreement, every added partner renamed, against deal size."""
    from acscontracts.compare.redline import count_changes, redline
    from acscontracts.engine.tree import Revision
    from acscontracts.pack import resolved_document

    loaded = load_terms(ROOT / "samples" / "northvale-alliance.yaml")
    rows = []
    for partners in sizes:
        old, new = (resolved_document(next(s for s in plan(check_loaded(partner_deal(loaded, partners, renamed),
                                                                        engine.validator()).model)
                                           if s.doc_type == "alliance_agreement"), engine)
                    for renamed in (False, True))
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        red = redline(old, new, Revision("benchmark", "2026-01-01"))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        changes = count_changes(red)
        rows.append({"partners": partners, "words": words_of(new), "wall": wall, "cpu": cpu,
                     "changes": changes["inserted"] + changes["deleted"]})
    return rows


def whole_process(repeat: int) -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sample in SAMPLES:
            fresh = itertools.count()
            seconds, _ = median_time(lambda: run_cli(["build", sample, "-o", f"{tmp}/{sample.stem}-{next(fresh)}"]),
                                     repeat)
            rows.append((f"build {sample.name}", seconds))
            seconds, _ = median_time(lambda: run_cli(["build", sample, "-o", f"{tmp}/{sample.stem}-0"]), repeat)
            rows.append((f"rebuild {sample.name}, nothing changed", seconds))
        seconds, _ = median_time(lambda: run_cli(["validate", SAMPLES[0]]), repeat)
        rows.append((f"validate {SAMPLES[0].name}", seconds))
        seconds, _ = median_time(lambda: run_cli(["--help"]), repeat)
        rows.append(("--help", seconds))
    return rows


def web_rows(repeat: int) -> list[tuple[str, float]]:
    """The web app on the largest sample: a live check with its preview re-rendered (form read, validation,
    document tree, HTML), and the time to first byte of the HTTP API over a real local socket."""
    import http.client
    import shutil

    sys.path.insert(0, str(ROOT / "tests"))
    from waitress.server import create_server

    from acscontracts.web import create_app
    from web_forms import csrf, form_fields

    sample = max(SAMPLES, key=lambda p: p.stat().st_size)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(sample, folder)
        shutil.copytree(ROOT / "samples" / "registers", Path(folder) / "registers")
        app = create_app(folder)
        client = app.test_client()
        page = client.get(f"/deals/{sample.name}").get_data(as_text=True)
        fields, headers = form_fields(page), {"X-CSRF-Token": csrf(page)}

        def check():
            result = client.post(f"/deals/{sample.name}/check", data=fields, headers=headers).get_json()
            assert result["preview"], result["diagnostics"]
            return result

        check()  # first render compiles the templates
        seconds, result = median_time(check, repeat)
        rows.append((f"web: live check + preview re-render, {sample.name} ({result['document']})", seconds))
        server = create_server(app, host="127.0.0.1", port=0, threads=2)
        import threading

        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        body = sample.read_bytes()
        try:
            for endpoint in ("/api/validate", "/api/build"):
                def first_byte():
                    connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=120)
                    start = time.perf_counter()
                    connection.request("POST", endpoint, body=body, headers={"Content-Type": "application/yaml"})
                    response = connection.getresponse()
                    response.read(1)
                    elapsed = time.perf_counter() - start
                    assert response.status == 200, response.status
                    response.read()
                    connection.close()
                    return elapsed
                times = [first_byte() for _ in range(repeat)]
                rows.append((f"web: POST {endpoint} {sample.name}, time to first byte", statistics.median(times)))
        finally:
            server.close()
            thread.join(timeout=5)  # a server left running would compete with what is measured next
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
    factors = (1, 2) if args.quick else (1, 2, 4, 16)
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
    print("\n| assemble | reads recorded | not recorded | overhead |\n|---|---|---|---|")
    for label, tracked, plain in reads_overhead(engine, repeat * 2):
        print(f"| {label} | {tracked * 1000:.1f} ms | {plain * 1000:.1f} ms | {100 * (tracked / plain - 1):+.0f}% |")
    sizes = (20, 80) if args.quick else (100, 400, 1500)
    redlines = redline_rows(engine, sizes)
    print("\n| redline, renamed partners | words | redline (wall) | redline (CPU) | tracked changes |\n|---|---|---|---|---|")
    for row in redlines:
        print(f"| {row['partners']:,} partners | {row['words']:,} | {row['wall']:.2f} s | {row['cpu']:.2f} s | "
              f"{row['changes']:,} |")
    first, last = redlines[0], redlines[-1]
    growth = math.log(last["cpu"] / first["cpu"]) / math.log(last["partners"] / first["partners"])
    print(f"\nredline growth exponent {first['partners']:,} -> {last['partners']:,} partners (CPU time): {growth:.2f}")
    fresh, no_op = no_op_rebuild(engine, repeat)
    print(f"\nno-op rebuild of all samples (in process, .docx and .txt): {no_op * 1000:.1f} ms against "
          f"{fresh * 1000:.1f} ms for a fresh build (ratio {no_op / fresh:.3f})")
    # the speed goals first: whole processes timed while nothing else of this benchmark is running
    speed_goals(rows, synthetic, 1 if args.quick else 5, with_peers=not args.quick)
    print("\n| whole process | median |\n|---|---|")
    for label, seconds in whole_process(1 if args.quick else 3):
        print(f"| {label} | {seconds:.2f} s |")
    try:
        web = web_rows(repeat)
    except ImportError as exc:
        print(f"\n(web app not measured: {exc.name} is missing; pip install \".[web]\")")
    else:
        print("\n| web app | median |\n|---|---|")
        for label, seconds in web:
            print(f"| {label} | {seconds * 1000:.0f} ms |")


def whole_render(sample: Path, doc_type: str, repeat: int) -> tuple[float, float]:
    """Seconds for one `render` process: with an empty cache folder (the first run after installing or after a
    template change), and the median with the cache the first run left (compiled library, validation result)."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["render", sample, "--doc", doc_type, "-o", f"{tmp}/x.docx"]
        run_cli(["--version"])  # bytecode of our modules written once, as `pip install` does
        start = time.perf_counter()
        run_cli(args, cache=f"{tmp}/cache")
        cold = time.perf_counter() - start
        warm, _ = median_time(lambda: run_cli(args, cache=f"{tmp}/cache"), repeat)
    return cold, warm


LIBRARIES = "import click, jinja2.sandbox, yaml, babel.numbers, num2words, lxml.etree"  # what a render imports


def import_floor(repeat: int) -> float:
    """Seconds for a process that starts the interpreter and imports the libraries a render needs, and does
    nothing else: no render process of ours can take less."""
    seconds, _ = median_time(lambda: subprocess.run([sys.executable, "-c", LIBRARIES], check=True, env=cli_env()),
                             repeat)
    return seconds


def build_seconds(sample: Path, jobs: int, repeat: int) -> float:
    """A fresh build (a new folder each time: a rebuild into the same folder renders nothing)."""
    runs = itertools.count()
    with tempfile.TemporaryDirectory() as tmp:
        seconds, _ = median_time(lambda: run_cli(["build", sample, "-o", f"{tmp}/pack{next(runs)}", "-j", jobs]),
                                 repeat)
    return seconds


def speed_goals(rows: list, synthetic: list, repeat: int, with_peers: bool) -> None:
    """The four speed goals of issue 16, as ratios against docxtpl measured in this same run."""
    import peers

    largest = max((r for r in rows if not r["label"].startswith("synthetic")), key=lambda r: r["words"])
    sample_name, doc_type = largest["label"].split()[0], largest["doc_type"]
    cold, whole = whole_render(ROOT / "samples" / f"{sample_name}.yaml", doc_type, repeat)
    ours_cold, ours_whole = cold / largest["words"] * 1000, whole / largest["words"] * 1000
    ours_inproc_25k = largest["model→docx"] / largest["words"] * peers.REFERENCE_WORDS
    pack = ROOT / "samples" / "riverbend-system.yaml"  # five documents
    serial, parallel = build_seconds(pack, 1, repeat), build_seconds(pack, 2, repeat)
    print("\n| speed goal | ours | docxtpl (same run) | ratio | goal |\n|---|---|---|---|---|")
    tpl = peers.docxtpl(max(repeat, 3)) if with_peers and peers.available() else None
    if tpl:
        theirs = tpl.per_1000_words(tpl.whole_process)
        print(f"| whole-process render, per 1,000 words ({largest['label']}, {largest['words']:,} words) | "
              f"{ours_whole * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ours_whole / theirs:.2f} | ≤ 0.5 |")
        print(f"| the same, first run after installing (empty cache folder) | {ours_cold * 1000:.1f} ms | "
              f"{theirs * 1000:.1f} ms | {ours_cold / theirs:.2f} | - |")
        floor = import_floor(max(repeat, 3)) / largest["words"] * 1000
        print(f"| floor: interpreter start and the libraries' imports alone ({LIBRARIES[7:]}) | "
              f"{floor * 1000:.1f} ms | {theirs * 1000:.1f} ms | {floor / theirs:.2f} | - |")
        least = floor + largest["model→docx"] / largest["words"] * 1000
        print(f"| floor plus this document's in-process render (model→docx) | {least * 1000:.1f} ms | "
              f"{theirs * 1000:.1f} ms | {least / theirs:.2f} | - |")
        print(f"| in-process, 25,190-word contract (model→docx per word × 25,190) | {ours_inproc_25k * 1000:.0f} ms | "
              f"{tpl.in_process * 1000:.0f} ms | {ours_inproc_25k / tpl.in_process:.2f} | ≤ 80 ms here, "
              f"≤ {80 / 257:.2f} of docxtpl |")
    else:
        print(f"| whole-process render, per 1,000 words | {ours_whole * 1000:.1f} ms (first run {ours_cold * 1000:.1f} ms)"
              " | not measured (--quick, or peers not set up: benchmarks/peers.py) | - | ≤ 0.5 |")
        print(f"| in-process, 25,190-word contract | {ours_inproc_25k * 1000:.0f} ms | - | - | ≤ 80 ms |")
    print(f"| build --jobs 2 against --jobs 1, 5-document pack | {parallel:.2f} s / {serial:.2f} s | - | "
          f"{parallel / serial:.2f} | < 1 |")
    if len(synthetic) > 1:
        base, top = synthetic[0], synthetic[-1]
        print(f"| growth: words ×{top['words'] / base['words']:.1f} | time ×{top['model→docx'] / base['model→docx']:.1f} "
              f"| - | {(top['model→docx'] / base['model→docx']) / (top['words'] / base['words']):.2f} | time ≤ words × 17/16 |")


if __name__ == "__main__":
    main()
