"""Redlines: the new document with tracked changes against the old one.

For every pair of term versions (tests/_pairs.py): accepting every change gives exactly the new
document's text and rejecting every change gives exactly the old one, both in the tree and in the
.docx (accept/reject implemented over document.xml below, compared with what the normal Word
writer produces for each version). Plus atoms (amounts, dates, terms) changing as one unit, the
single-percentage redline, the text redline, `--against` an issued .docx, and the pack commands
(rebuilds write nothing new; `build --check` catches term edits and hand edits).
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from _pairs import PAIRS, ROOT, versions
from _tracked import settle
from acscontracts.compare.redline import (TOKEN, accept_all, count_changes, diff_inlines, redline, reject_all)
from acscontracts.compare.termsdiff import render_pack
from acscontracts.engine.tree import Deleted, Inserted, Para, Placeholder, Ref, Revision, TermUse, Text
from acscontracts.writers.text import inline_text, write_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DOCX_CHECK = Path("/work/shared/tools/docx-check")
REVISION = Revision("acscontracts", "2026-02-13")


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --------------------------------------------------------------------------- atoms


@pytest.mark.parametrize("text", ["£1,320,000,000", "15.00%", "1 April 2027", "800,000", "£6.6 million", "2.5",
                                  "six (6)", "Twenty-one (21)", "(two hundred and ten million pounds)"])
def test_amounts_dates_and_numbers_are_one_token(text):
    assert [m.group() for m in TOKEN.finditer(text)] == [text]


def test_changed_values_change_whole():
    old = (Text("shared 15.00% by "), TermUse("Partner", "the Partner"), Text(" from 1 April 2027 (£6,600,000)."))
    new = (Text("shared 20.00% by "), TermUse("Partner", "the Partners"), Text(" from 1 July 2027 (£6,650,000)."))
    out = diff_inlines(old, new)
    assert inline_text(out) == ("shared [-15.00%-]{+20.00%+} by [-the Partner-]{+the Partners+} from "
                                "[-1 April 2027-]{+1 July 2027+} ([-£6,600,000-]{+£6,650,000+}).")
    assert [type(x).__name__ for x in out if isinstance(x, (Inserted, Deleted))] == ["Deleted", "Inserted"] * 4


def test_refs_and_blanks_are_atoms():
    old = (Text("see clause "), Ref("board", "12.3"), Text(" and "), Placeholder("date"))
    new = (Text("see clause "), Ref("board", "13.3"), Text(" and 1 May 2026"))
    out = diff_inlines(old, new)
    assert out[1] == Deleted((Ref("board", "12.3"),)) and out[2] == Inserted((Ref("board", "13.3"),))
    assert inline_text(out) == "see clause [-12.3-]{+13.3+} and [-[● date]-]{+1 May 2026+}"


def test_plain_text_old_version_matches_references_and_terms_before_punctuation():
    """An issued .docx reads "clause 19, but" and "the Partner's" as one run of text; the new tree has a
    cross-reference or a defined term, then ", but" or "'s". Unchanged, they must compare equal."""
    old = (Text("under clause 19, but the Partner's Cap of £3,840,000, not more"),)
    new = (Text("under clause "), Ref("aa-risk-share", "19"), Text(", but the "), TermUse("Partner", "Partner"),
           Text("'s Cap of £3,840,000, not more"))
    assert diff_inlines(old, new, by_text=True) == new
    changed = diff_inlines(old, new[:-1] + (Text("'s Cap of £5,160,000, not more"),), by_text=True)
    assert inline_text(changed) == "under clause 19, but the Partner's Cap of [-£3,840,000-]{+£5,160,000+}, not more"


def test_plain_text_old_version_keeps_terms_whole():
    old = (Text("The Board Member has 15.00% of the votes"),)
    new = (Text("The "), TermUse("Board Member", "Board Members"), Text(" have 15.00% of the votes"))
    out = diff_inlines(old, new, by_text=True)
    assert inline_text(out) == "The [-Board Member has-]{+Board Members have+} 15.00% of the votes"
    assert TermUse("Board Member", "Board Members") in out[1].inlines + out[2].inlines


# --------------------------------------------------------------------------- tree redlines


def _texts(document) -> list:
    """Every paragraph's text (no numbers: Word numbers them), clause titles and table rows, in order."""
    out = [inline_text(b.inlines) if isinstance(b, Para) else "table" for b in document.preamble]
    for part in document.clauses + document.schedules:
        out.append("# " + part.title)
        for b in part.blocks:
            if isinstance(b, Para):
                out.append(inline_text(b.inlines))
            else:
                out += [" | ".join(inline_text(c) for c in row) for row in (b.header,) + tuple(b.rows)]
    return out


@pytest.fixture(scope="module")
def rendered(engine):
    """pair name -> (old document, new document, redline), for the pair's document."""
    out = {}
    for pair in PAIRS:
        old, new = versions(pair)
        old_doc = render_pack(old.model, engine)[pair.doc]
        new_doc = render_pack(new.model, engine)[pair.doc]
        out[pair.name] = (old_doc, new_doc, redline(old_doc, new_doc, REVISION))
    return out


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_tree_accept_gives_new_and_reject_gives_old(pair, rendered):
    old_doc, new_doc, red = rendered[pair.name]
    counts = count_changes(red)
    assert counts["inserted"] + counts["deleted"] > 0
    assert _texts(accept_all(red)) == _texts(new_doc)
    assert _texts(reject_all(red)) == _texts(old_doc)
    assert red.revision == REVISION


def test_text_redline_marks_words_and_paragraphs(rendered):
    text = write_text(rendered["share-changed"][2])
    assert "[-40.00%-]{+35.00%+}" in text and "[-15.00%-]{+20.00%+}" in text
    text = write_text(rendered["corridor-added"][2])
    assert any(line.lstrip().startswith("{+(b)") and line.endswith("+}") for line in text.splitlines())


def _wrappers(document):
    found = []

    def walk(inlines):
        for x in inlines:
            if isinstance(x, (Inserted, Deleted)):
                found.append(x)

    for part in (document.preamble,) + tuple(p.blocks for p in document.clauses + document.schedules):
        for b in part:
            if isinstance(b, Para):
                walk(b.inlines)
            else:
                for row in (b.header,) + tuple(b.rows):
                    for cell in row:
                        walk(cell)
    return found


def test_single_percentage_tree_redline_is_that_change_only(rendered):
    """The figure is stated twice in the agreement (clause 11 and Schedule 5): two changes, each 75% -> 70%."""
    old_doc, new_doc, red = rendered["pct-only"]
    stated = write_text(old_doc).count("75.00%")
    assert stated >= 1
    assert count_changes(red) == {"inserted": stated, "deleted": stated}
    for wrapper in _wrappers(red):
        assert inline_text(wrapper.inlines) == ("75.00%" if isinstance(wrapper, Deleted) else "70.00%")


# --------------------------------------------------------------------------- Word: accept / reject over XML


def _document_xml(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _settle(root, accept: bool):
    """Accept (or reject) every tracked change in document.xml, as Word does."""
    return settle(root, None, accept)


def _paragraph_texts(root) -> list:
    """Text of every body paragraph (including table cells), contents field left out."""
    out = []
    for p in root.iter(q("p")):
        style = p.find(f"{q('pPr')}/{q('pStyle')}")
        if style is not None and style.get(q("val")) in ("TOC1", "TOC2"):
            continue
        parts = []
        for node in p.iter(q("t"), q("tab"), q("br")):
            if node.tag == q("t"):
                parts.append(node.text or "")
            elif node.tag == q("tab"):
                parts.append("\t")
            elif node.tag == q("br"):
                parts.append("\n")
        out.append("".join(parts))
    return out


@pytest.fixture(scope="module")
def word(rendered):
    from acscontracts.writers.docx import write_docx

    out = {}
    for name, (old_doc, new_doc, red) in rendered.items():
        out[name] = (write_docx(old_doc), write_docx(new_doc), write_docx(red))
    return out


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_word_accept_gives_new_and_reject_gives_old(pair, word):
    old_bytes, new_bytes, red_bytes = word[pair.name]
    red = _document_xml(red_bytes)
    assert red.find(f".//{q('ins')}") is not None or red.find(f".//{q('del')}") is not None
    accepted = _paragraph_texts(_settle(_document_xml(red_bytes), accept=True))
    rejected = _paragraph_texts(_settle(_document_xml(red_bytes), accept=False))
    assert accepted == _paragraph_texts(_document_xml(new_bytes))
    assert rejected == _paragraph_texts(_document_xml(old_bytes))


def test_word_revisions_carry_author_and_date(word):
    red = _document_xml(word["share-changed"][2])
    changes = list(red.iter(q("ins"), q("del")))
    assert changes
    assert {c.get(q("author")) for c in changes} == {"acscontracts"}
    assert {c.get(q("date")) for c in changes} == {"2026-02-13T00:00:00Z"}
    ids = [c.get(q("id")) for c in changes]
    assert len(ids) == len(set(ids))


def test_single_percentage_word_redline_is_that_change_only(word, rendered):
    """The largest document (the Northvale alliance agreement): one w:del and one w:ins where the
    figure is stated, nothing else."""
    stated = write_text(rendered["pct-only"][0]).count("75.00%")
    red = _document_xml(word["pct-only"][2])
    deleted = list(red.iter(q("del")))
    inserted = list(red.iter(q("ins")))
    assert len(deleted) == stated and len(inserted) == stated
    assert {"".join(t.text for t in d.iter(q("delText"))) for d in deleted} == {"75.00%"}
    assert {"".join(t.text for t in i.iter(q("t"))) for i in inserted} == {"70.00%"}


def test_deleted_cross_reference_keeps_a_live_field(word):
    red = _document_xml(word["partner-removed"][2])
    for d in red.iter(q("del")):
        assert d.find(f".//{q('t')}") is None and d.find(f".//{q('instrText')}") is None


@pytest.mark.skipif(not DOCX_CHECK.exists(), reason="docx-check not installed")
@pytest.mark.parametrize("name", ["partner-added", "corridor-added"])
def test_redline_passes_the_schema_check(name, word, tmp_path):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(word[name][2])
    result = subprocess.run([str(DOCX_CHECK), str(path), "--only", "package,xrefs,schema,sdk-rules"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not DOCX_CHECK.exists() or not shutil.which("soffice"), reason="LibreOffice not installed")
def test_redline_opens_in_libreoffice(word, tmp_path):
    path = tmp_path / "partner-removed.docx"
    path.write_bytes(word["partner-removed"][2])
    result = subprocess.run([str(DOCX_CHECK), str(path), "--only", "render"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- against an issued .docx


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_redline_against_an_issued_docx(pair, rendered, tmp_path):
    """Compared with the .docx of the old version (text only), the redline finds the same changes."""
    from acscontracts.compare.issued import read_issued
    from acscontracts.writers.docx import write_docx

    old_doc, new_doc, from_terms = rendered[pair.name]
    issued = tmp_path / "issued.docx"
    issued.write_bytes(write_docx(old_doc))
    red = redline(read_issued(issued, new_doc), new_doc, REVISION, by_text=True)
    assert _texts(accept_all(red)) == _texts(new_doc)
    assert _texts(reject_all(red)) == _texts(old_doc)
    # Read from Word, a renumbered cross-reference is text: "19.13 and 19.14" -> "19.14 and 19.15" aligns on the
    # common "19.14" ([-19.13 and -]19.14{+ and 19.15+}), one change where the tree, which knows each reference's
    # target, shows two. So never more changes than the tree's, and the same text either way (above).
    tree, text = count_changes(from_terms), count_changes(red)
    assert all(text[k] <= tree[k] for k in tree) and sum(text.values()) > 0, (text, tree)


# --------------------------------------------------------------------------- commands


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "acscontracts", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


def _terms_copy(tmp_path: Path, name: str = "northvale-alliance.yaml") -> Path:
    target = tmp_path / name
    target.write_text((ROOT / "samples" / name).read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_build_twice_rewrites_nothing(tmp_path):
    terms = _terms_copy(tmp_path)
    out = tmp_path / "pack"
    first = _run("build", terms, "-o", out, "--text")
    assert first.returncode == 0, first.stderr
    stamps = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()}
    second = _run("build", terms, "-o", out, "--text")
    assert second.returncode == 0, second.stderr
    assert "wrote" not in second.stdout
    docs = [n for n in stamps if n != "manifest.json"]
    for name in docs:
        assert (out / name).stat().st_mtime_ns == stamps[name][0], name
    assert _run("build", terms, "-o", out, "--text", "--check").returncode == 0


def test_build_check_catches_term_edits_and_hand_edits(tmp_path):
    terms = _terms_copy(tmp_path)
    out = tmp_path / "pack"
    assert _run("build", terms, "-o", out, "--text").returncode == 0
    original = terms.read_text(encoding="utf-8")
    terms.write_text(original.replace("supermajority_pct: 75", "supermajority_pct: 70"), encoding="utf-8")
    stale = _run("build", terms, "-o", out, "--text", "--check")
    assert stale.returncode == 1 and "stale:" in stale.stdout
    terms.write_text(original, encoding="utf-8")
    assert _run("build", terms, "-o", out, "--text", "--check").returncode == 0
    text_file = next(out.glob("alliance_agreement*.txt"))
    text_file.write_text(text_file.read_text(encoding="utf-8") + "\nA lawyer's note.\n", encoding="utf-8")
    edited_by_hand = _run("build", terms, "-o", out, "--text", "--check")
    assert edited_by_hand.returncode == 1 and "edited by hand" in edited_by_hand.stdout


def _yaml_pair(tmp_path: Path, old_text: str, new_text: str, name: str = "northvale-alliance.yaml"):
    source = (ROOT / "samples" / name).read_text(encoding="utf-8")
    assert source.count(old_text) == 1
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(source, encoding="utf-8")
    new.write_text(source.replace(old_text, new_text), encoding="utf-8")
    return old, new


def test_redline_command_terms_and_issued_docx(tmp_path):
    from click.testing import CliRunner

    from acscontracts.cli.compare import redline as redline_command

    old, new = _yaml_pair(tmp_path, "supermajority_pct: 75", "supermajority_pct: 70")
    runner = CliRunner()
    out_text = tmp_path / "red.txt"
    result = runner.invoke(redline_command, [str(old), str(new), "--doc", "alliance_agreement", "--format", "text",
                                             "-o", str(out_text)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = out_text.read_text(encoding="utf-8")
    assert text.count("[-75.00%-]{+70.00%+}") == text.count("{+") >= 1
    out_docx = tmp_path / "red.docx"
    result = runner.invoke(redline_command, [str(old), str(new), "--doc", "alliance_agreement",
                                             "-o", str(out_docx)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    xml = _document_xml(out_docx.read_bytes())
    assert len(list(xml.iter(q("ins")))) == len(list(xml.iter(q("del")))) >= 1
    # against the issued .docx of the old terms
    issued = tmp_path / "issued.docx"
    assert _run("render", old, "--doc", "alliance_agreement", "-o", issued).returncode == 0
    against = tmp_path / "against.txt"
    result = runner.invoke(redline_command, ["--against", str(issued), str(new), "--doc", "alliance_agreement",
                                             "--format", "text", "-o", str(against)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert against.read_text(encoding="utf-8").count("[-75.00%-]{+70.00%+}") == text.count("{+")
    result = runner.invoke(redline_command, [str(new), "--doc", "alliance_agreement", "-o", str(against)])
    assert result.exit_code == 2  # OLD missing


def test_build_redlines_beside_changed_documents(tmp_path, engine):
    from acscontracts.pack import build_pack

    old, new = _yaml_pair(tmp_path, "cost_pa: 900000", "cost_pa: 950000")
    report = build_pack(new, tmp_path / "pack", engine, formats=("docx", "text"), redline_against=old)
    names = sorted(report.written)
    assert "alliance_agreement.redline.docx" in names and "alliance_agreement.redline.txt" in names
    assert "summary-of-changes.docx" in names
    summary = (tmp_path / "pack" / "summary-of-changes.txt").read_text(encoding="utf-8")
    assert "£900,000" in summary and "£950,000" in summary and "Governance, alliance manager, annual cost" in summary
    red = (tmp_path / "pack" / "alliance_agreement.redline.txt").read_text(encoding="utf-8")
    assert "[-£900,000-]{+£950,000+}" in red


def test_draft_without_version_date_redlines_and_summarises(tmp_path):
    """A draft may leave out deal.version_date: redline and the change summary still work, dated by the
    fixed fallback rather than crashing (found in review: `hasattr(Missing, "isoformat")` is true)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    text = (root / "samples" / "northvale-alliance.yaml").read_text(encoding="utf-8")
    assert "  version_date: 2026-02-13\n" in text and "  supermajority_pct: 75\n" in text
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text.replace("  version_date: 2026-02-13\n", ""), encoding="utf-8")
    new.write_text(old.read_text(encoding="utf-8").replace("  supermajority_pct: 75\n", "  supermajority_pct: 70\n"),
                   encoding="utf-8")
    run = [sys.executable, "-m", "acscontracts"]
    red = subprocess.run(run + ["redline", str(old), str(new), "--doc", "alliance_agreement", "-o",
                                str(tmp_path / "r.docx")], capture_output=True, text=True, cwd=root)
    assert red.returncode == 0, red.stderr
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert body.count('w:date="2000-01-01T00:00:00Z"') >= 2  # the percentage, deleted and inserted
    summary = subprocess.run(run + ["diff", str(old), str(new), "--summary", str(tmp_path / "s.txt")],
                             capture_output=True, text=True, cwd=root)
    assert summary.returncode == 0, summary.stderr
    assert "75.00% → 70.00%" in summary.stdout
    assert "version 0.3" in (tmp_path / "s.txt").read_text(encoding="utf-8")
