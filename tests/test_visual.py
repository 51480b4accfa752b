"""Visual regression: sample documents laid out by LibreOffice, checked page by page in the PDF.

One document of each type (four renders with ``paginate``, then one LibreOffice run for the
PDFs, shared by every assertion). Skipped when LibreOffice or poppler is missing; CI has them.
Page images of one document go to tests/.artifacts/visual/ (git-ignored) for a person to look at.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import acscontracts
from acscontracts.engine import tree
from acscontracts.writers import layout

pytestmark = pytest.mark.skipif(
    layout.tools() is None or not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="needs LibreOffice (soffice) and poppler (pdfinfo, pdftotext, pdftoppm)")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / ".artifacts" / "visual"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# (sample, document type, id, pages band): the band allows for clause drafting to grow or shrink
DOCUMENTS = {
    "alliance_agreement": ("northvale-alliance.yaml", "alliance_agreement", None, (40, 90)),
    "heads_of_terms": ("northvale-alliance.yaml", "heads_of_terms", None, (5, 20)),
    "aco_contract": ("eastmoor-icp.yaml", "aco_contract", None, (35, 90)),
    "subcontract": ("westmoor-lead-provider.yaml", "subcontract", "sub-st-annes", (25, 70)),
}
PICTURED = "alliance_agreement"

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
AMOUNT = re.compile(r"£\d{1,3}(?:,\d{3})*(?:\.\d\d)?")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DATE = re.compile(rf"\d{{1,2}} (?:{_MONTHS}) \d{{4}}")


class Rendered:
    def __init__(self, name: str, docx: bytes, document: tree.Document, pdf: Path):
        self.name, self.docx, self.document, self.pdf = name, docx, document, pdf
        self.layout = layout.pdf_layout(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        self.pages = text.split("\f")[:self.layout.pages]  # page n is self.pages[n - 1]
        raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        self.raw_lines = [" ".join(line.replace("\u200b", "").split()) for line in raw.splitlines()]

    def xml(self, part: str = "word/document.xml"):
        with zipfile.ZipFile(io.BytesIO(self.docx)) as zf:
            return etree.fromstring(zf.read(part))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    tmp = tmp_path_factory.mktemp("visual")
    pipe = acscontracts.pipeline(acscontracts.Settings(paginate=True))
    made = {}
    for name, (sample, doc_type, doc_id, _) in DOCUMENTS.items():
        terms = acscontracts.load(ROOT / "samples" / sample)
        data = pipe.render(terms, doc_type, doc_id)
        (tmp / f"{name}.docx").write_bytes(data)
        made[name] = (data, pipe.document(terms, doc_type, doc_id))
    pdfs = layout.to_pdf([tmp / f"{name}.docx" for name in made], tmp)
    return {name: Rendered(name, data, document, pdf)
            for (name, (data, document)), pdf in zip(made.items(), pdfs)}


def _body_lines(page: str) -> list[str]:
    """The lines of a page between its running header and footer."""
    lines = [line.rstrip() for line in page.splitlines() if line.strip()]
    if lines and "SUBJECT TO CONTRACT" in lines[0]:
        lines = lines[1:]
    if lines and re.search(r"Page \d+ of \d+\s*$", lines[-1]):
        lines = lines[:-1]
    return lines


def _contents_pages(doc: Rendered) -> set[int]:
    """The pages of the contents: dotted leaders, before the first clause."""
    first_clause = min(doc.layout.bookmark_pages.values())
    return {n for n, page in enumerate(doc.pages, 1)
            if n < first_clause and len(re.findall(r"\.{8,}", page)) >= 3}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_count_within_band(rendered, name):
    low, high = DOCUMENTS[name][3]
    doc = rendered[name]
    assert low <= doc.layout.pages <= high
    app = doc.xml("docProps/app.xml")
    assert app.findtext("{*}Pages") == str(doc.layout.pages)  # the cached count is the layout's


@pytest.mark.parametrize("name", DOCUMENTS)
def test_contents_page_numbers_are_the_headings_pages(rendered, name):
    doc = rendered[name]
    body = doc.xml()
    settings = doc.xml("word/settings.xml")
    assert settings.find(f"{{{W}}}updateFields").get(f"{{{W}}}val") == "true"
    entries = {}
    for p in body.iter(f"{{{W}}}p"):
        style = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        if style is None or style.get(f"{{{W}}}val") != "TOC1":
            continue
        link = p.find(f"{{{W}}}hyperlink")
        texts = [t.text for t in link.iter(f"{{{W}}}t")]
        entries[link.get(f"{{{W}}}anchor")] = (texts[0], texts[1], int(texts[-1]))
    assert len(entries) == len(doc.document.clauses) + len(doc.document.schedules)
    for bookmark, (number, title, page) in entries.items():
        assert doc.layout.bookmark_pages[bookmark] == page, (number, title)
        words = " ".join(doc.pages[page - 1].split()).casefold()
        heading = " ".join(title.split()).casefold()
        assert heading in words, f"{number} {title} is not on page {page}"


def _tokens(doc: Rendered) -> tuple[set, set]:
    """(amounts and emails anywhere, dates inside table cells) of the document."""
    body = doc.xml()
    everywhere, in_tables = set(), set()
    for p in body.iter(f"{{{W}}}p"):
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t")).replace("\u200b", "")
        everywhere.update(AMOUNT.findall(text) + EMAIL.findall(text))
    for tc in body.iter(f"{{{W}}}tc"):
        text = "".join(t.text or "" for t in tc.iter(f"{{{W}}}t")).replace("\u200b", "")
        in_tables.update(DATE.findall(text) + AMOUNT.findall(text) + EMAIL.findall(text))
    return everywhere, in_tables


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_amount_date_or_email_is_broken_across_lines(rendered, name):
    doc = rendered[name]
    everywhere, in_tables = _tokens(doc)
    assert everywhere  # every sample document states amounts or emails
    text = "\n".join(doc.raw_lines)

    def whole(token: str) -> bool:  # an email address may break after its "@" or a dot
        if not EMAIL.fullmatch(token):
            return token in text
        return re.search("".join(re.escape(c) + ("\n?" if c in "@." else "") for c in token), text) is not None
    broken = sorted(t for t in everywhere | in_tables if not whole(t))
    assert not broken


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_heading_or_lead_in_is_last_on_a_page(rendered, name):
    doc = rendered[name]
    contents = _contents_pages(doc)
    execution = min((n for n, page in enumerate(doc.pages, 1) if re.search(r"^\s*EXECUTION\s*$", page, re.M)),
                    default=len(doc.pages) + 1)
    stranded = []
    for n, page in enumerate(doc.pages, 1):
        if n == 1 or n in contents or n >= execution or n == len(doc.pages):
            continue
        lines = _body_lines(page)
        if not lines:
            continue
        last = lines[-1].strip()
        if re.fullmatch(r"(\d{1,3}|Schedule \d+)\s+[A-Z0-9][A-Z0-9 ,;:'’&()/–-]+", last) or last.endswith(":"):
            stranded.append((n, last))
    assert not stranded


def test_execution_pages_have_no_lone_block(rendered):
    for name in ("alliance_agreement", "aco_contract", "subcontract"):
        doc = rendered[name]
        pages = [p for p in doc.pages if "Signature:" in p or "Authorised signatory" in p
                 or "Authorised officer" in p or "Signature of authorised signatory" in p
                 or "Signature of director" in p]
        blocks = [len(re.findall(r"(Signed for and on behalf of|The common seal of|Executed (?:as a deed )?by)", p))
                  for p in pages]
        assert blocks and all(blocks), name
        if len(blocks) > 1:
            assert blocks[-1] >= 2 or max(blocks) == 1, (name, blocks)


def test_page_images_for_review(rendered):
    """Cover, contents, a definitions page, a schedule table and the execution pages as PNGs."""
    doc = rendered[PICTURED]
    pages = doc.layout.bookmark_pages
    first_table = next(s for s in doc.document.schedules if any(isinstance(b, tree.Table) for b in s.blocks))
    schedule_page = next(v for k, v in pages.items() if k == "_Ref_" + re.sub(r"[^A-Za-z0-9]", "_", first_table.id))
    definitions = next(v for k, v in pages.items() if k.startswith("_Ref_definitions"))
    execution = [n for n, page in enumerate(doc.pages, 1) if n > schedule_page and (
        re.search(r"^\s*EXECUTION\s*$", page, re.M) or "Signature:" in page
        or "Authorised signatory" in page)]
    wanted = {"cover": [1], "contents": sorted(_contents_pages(doc)), "definitions": [definitions + 1],
              "schedule-table": [schedule_page], "execution": execution}
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    for label, numbers in wanted.items():
        for n in numbers:
            stem = ARTIFACTS / f"{PICTURED}-{label}-p{n:02d}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(n), "-l", str(n), "-singlefile",
                            str(doc.pdf), str(stem)], check=True)
            assert stem.with_suffix(".png").stat().st_size > 1000
    assert len(list(ARTIFACTS.glob("*.png"))) == sum(len(v) for v in wanted.values())
