"""The safe .docx reader (docx_package) under hostile reference and issued documents: FIFOs and devices,
zip bombs (honest, lying directory, in the theme), parts with the wrong root or namespace, DTD entity
bombs, broken numbering ids, parts we do not use. Each case: the exit code (3 for --reference-doc, 1 for
an issued document), a message naming the part, no output written, and bounded peak memory measured in
a fresh process. Also: unused parts never reach the output, and the reference is read once per process.
"""
from __future__ import annotations

import os
import threading
import zipfile

import pytest
from lxml import etree

import hostile_docx as hd
from acscontracts import api, docx_package
from acscontracts.docx_package import DocxPackage, PackageError, reference_from_bytes

SAMPLE = hd.ROOT / "samples" / "northvale-alliance.yaml"
MAX_MB = 300
GIB = 1 << 30


def _render_with_reference(reference, out):
    return hd.run_measured("render", SAMPLE, "--doc", "heads_of_terms", "--reference-doc", reference, "-o", out)


def _redline_against(issued, out):
    return hd.run_measured("redline", "--against", issued, SAMPLE, "--doc", "alliance_agreement", "--format", "text",
                           "-o", out)


def _refused(run, code: int, *needles: str) -> None:
    assert run.code == code, run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in run.one_line, run.one_line
    assert run.peak_mb <= MAX_MB, f"peak {run.peak_mb:.0f} MB"


# --------------------------------------------------------------------------- not regular files


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.docx"
    os.mkfifo(path)
    return path


def test_fifo_as_reference_and_as_issued_document_is_refused_without_waiting(fifo, tmp_path):
    out = tmp_path / "o.docx"
    _refused(_render_with_reference(fifo, out), 3, "ACS-REFERENCE-DOC", "the file is a pipe, not a regular file")
    _refused(_redline_against(fifo, tmp_path / "r.txt"), 1, "ACS-ISSUED-DOCX",
             "the file is a pipe, not a regular file")
    assert not out.exists() and not (tmp_path / "r.txt").exists()


def test_device_and_folder_are_refused(tmp_path):
    _refused(_render_with_reference("/dev/zero", tmp_path / "o.docx"), 3, "/dev/zero: error ACS-REFERENCE-DOC",
             "the file is a device or socket, not a regular file")
    _refused(_redline_against("/dev/zero", tmp_path / "r.txt"), 1, "ACS-ISSUED-DOCX", "a device or socket")
    with pytest.raises(PackageError, match="is a folder"):
        docx_package.read_regular_file(tmp_path)


def test_file_size_limit(tmp_path, monkeypatch):
    big = tmp_path / "big.docx"
    big.write_bytes(bytes(2048))
    with pytest.raises(PackageError, match="larger than"):
        docx_package.read_regular_file(big, limit=1024)


# --------------------------------------------------------------------------- zip bombs


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """2 GiB of zeros in word/styles.xml, in the theme, and with a zip directory that says 1,000 bytes."""
    folder = tmp_path_factory.mktemp("bombs")
    made = {}
    for label, bomb in (("styles", hd.zero_bomb("word/styles.xml", 2 * GIB)),
                        ("theme", hd.zero_bomb("word/theme/theme1.xml", 2 * GIB)),
                        ("lying", hd.zero_bomb("word/styles.xml", 2 * GIB, declared=1000))):
        made[label] = folder / f"{label}.docx"
        made[label].write_bytes(hd.reference_with(bombs=(bomb,)))
    made["document"] = folder / "document.docx"
    made["document"].write_bytes(hd.reference_with(bombs=(hd.zero_bomb("word/document.xml", 2 * GIB),)))
    return made


def test_bombs_are_small_files(bombs):
    assert all(path.stat().st_size < 3 * 1024 * 1024 for path in bombs.values())


def test_styles_bomb_as_reference(bombs, tmp_path):
    out = tmp_path / "o.docx"
    _refused(_render_with_reference(bombs["styles"], out), 3, "ACS-REFERENCE-DOC", "part word/styles.xml",
             "2,147,483,648 bytes uncompressed, over the 8,388,608-byte limit")
    assert not out.exists()


def test_theme_bomb_is_refused_not_copied(bombs, tmp_path):
    _refused(_render_with_reference(bombs["theme"], tmp_path / "o.docx"), 3, "part word/theme/theme1.xml",
             "over the 1,048,576-byte limit")


def test_bomb_with_a_lying_zip_directory_is_stopped_while_inflating(bombs, tmp_path):
    _refused(_render_with_reference(bombs["lying"], tmp_path / "o.docx"), 3, "ACS-REFERENCE-DOC",
             "part word/styles.xml")
    with pytest.raises(PackageError, match="part word/styles.xml: (inflates past|cannot be unpacked)"):
        DocxPackage.open(bombs["lying"]).read("word/styles.xml", "styles")


def test_bomb_as_issued_document(bombs, tmp_path):
    _refused(_redline_against(bombs["document"], tmp_path / "r.txt"), 1, "ACS-ISSUED-DOCX",
             "part word/document.xml", "over the 33,554,432-byte limit")


def test_compression_ratio_cap():
    bomb = hd.zero_bomb("word/document.xml", 16 * 1024 * 1024)  # under the 32 MB size limit
    package = DocxPackage(hd.reference_with(bombs=(bomb,)))
    with pytest.raises(PackageError, match=r"part word/document.xml: compresses [\d,]+ to 1, over the 100 to 1"):
        package.read("word/document.xml", "document")


def test_zip_directory_with_too_many_entries():
    entries = [hd.entry(f"customXml/item{i}.xml", b"") for i in range(30000)]
    with pytest.raises(PackageError, match="zip directory of [\\d,]+ bytes"):
        DocxPackage(hd.zip_bytes(entries))


# --------------------------------------------------------------------------- XML parts


STYLES = "word/styles.xml"


@pytest.mark.parametrize("part, content, message", [
    (STYLES, b"<foo/>", "part word/styles.xml: root element is <foo> without a namespace, expected <styles>"),
    (STYLES, b'<styles xmlns="urn:other"/>', "root element is <styles> in namespace urn:other"),
    (STYLES, b"<w:styles xmlns:w='http://purl.oclc.org/ooxml/wordprocessingml/main'/>", "Strict Open XML"),
    (STYLES, b"not xml at all", "part word/styles.xml: not well-formed XML"),
    (STYLES, hd.ENTITY_BOMB, "part word/styles.xml:"),
    ("word/theme/theme1.xml", b"\x00\x01garbage", "part word/theme/theme1.xml: not well-formed XML"),
    ("word/theme/theme1.xml", f'<w:styles xmlns:w="{hd.W_NS}"/>'.encode(), "expected <theme>"),
    ("word/settings.xml", f'<w:document xmlns:w="{hd.W_NS}"/>'.encode(), "expected <settings>"),
    ("word/numbering.xml", hd.numbering_with('<w:num><w:abstractNumId w:val="0"/></w:num>'),
     "part word/numbering.xml: w:num with w:numId missing"),
    ("word/numbering.xml", hd.numbering_with('<w:num w:numId="100000000000000000000000">'
                                             '<w:abstractNumId w:val="0"/></w:num>'),
     "w:num with w:numId '10000000000000000000'; list ids must be whole numbers from 0 to 32767"),
    ("word/numbering.xml", hd.numbering_with('<w:num w:numId="3"/>'), "w:num w:numId=3 has no w:abstractNumId"),
    ("word/numbering.xml", hd.numbering_with('<w:num w:numId="-1"><w:abstractNumId w:val="0"/></w:num>'),
     "w:numId '-1'"),
    ("_rels/.rels", b"<Relationships/>", "part _rels/.rels: root element is <Relationships> without a namespace"),
])
def test_bad_part_in_reference_exits_3_naming_the_part(tmp_path, part, content, message):
    reference = tmp_path / "firm.docx"
    reference.write_bytes(hd.reference_with({part: content}))
    with pytest.raises(PackageError) as caught:
        docx_package.read_reference(reference)
    assert message in str(caught.value)
    out = tmp_path / "o.docx"
    result = api_cli(["render", str(SAMPLE), "--doc", "heads_of_terms", "--reference-doc", str(reference),
                      "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "firm.docx: error ACS-REFERENCE-DOC: cannot use the reference document: part " in result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()


def test_entity_bomb_is_refused_with_bounded_memory(tmp_path):
    reference = tmp_path / "firm.docx"
    reference.write_bytes(hd.reference_with({STYLES: hd.ENTITY_BOMB}))
    _refused(_render_with_reference(reference, tmp_path / "o.docx"), 3, "part word/styles.xml")


def test_bad_issued_document_exits_1_naming_the_part(tmp_path):
    issued = tmp_path / "issued.docx"
    parts = hd.reference_parts()
    parts["word/document.xml"] = f'<w:styles xmlns:w="{hd.W_NS}"/>'.encode()
    issued.write_bytes(hd.zip_bytes([hd.entry(n, d) for n, d in parts.items()]))
    result = api_cli(["redline", "--against", str(issued), str(SAMPLE), "--doc", "alliance_agreement",
                      "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1
    assert ("issued.docx: error ACS-ISSUED-DOCX: cannot use the issued document: part word/document.xml: root "
            "element is <styles>") in " ".join(result.output.split())
    not_zip = tmp_path / "notzip.docx"
    not_zip.write_bytes(b"PK\x03\x04 truncated")
    result = api_cli(["redline", "--against", str(not_zip), str(SAMPLE), "--doc", "alliance_agreement",
                      "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1 and "the file is not a .docx (zip) package" in result.output


def api_cli(args):
    from click.testing import CliRunner

    from acscontracts.cli import main

    return CliRunner().invoke(main, args)


# --------------------------------------------------------------------------- what is kept


def test_unused_parts_never_reach_the_output(tmp_path):
    """A macro, custom XML, an image and a theme with relationships of its own are all left behind."""
    extra = {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro",
             "customXml/item1.xml": b"<secret>do not copy</secret>",
             "word/media/image1.png": b"\x89PNG fake",
             "word/theme/_rels/theme1.xml.rels": (
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="r1" Type="x/image" Target="../media/image1.png"/></Relationships>')}
    reference = tmp_path / "firm.docx"
    reference.write_bytes(hd.reference_with(extra))
    out = tmp_path / "o.docx"
    result = api_cli(["render", str(SAMPLE), "--doc", "heads_of_terms", "--reference-doc", str(reference),
                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        blob = b"".join(zf.read(n) for n in names)
    assert not names & set(extra) and "word/theme/theme1.xml" not in names
    assert b"do not copy" not in blob and b"macro" not in blob


def test_a_checked_theme_is_copied_as_written():
    theme = (b'<?xml version="1.0" encoding="UTF-8"?>\n<a:theme xmlns:a="http://schemas.openxmlformats.org/'
             b'drawingml/2006/main" name="Firm"/>')
    reference = reference_from_bytes(hd.reference_with({"word/theme/theme1.xml": theme}))
    assert reference["theme"] == theme and etree.fromstring(reference["theme"]).get("name") == "Firm"


def test_relationship_targets_cannot_leave_the_package():
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'styles" Target="../../../etc/passwd"/></Relationships>')
    with pytest.raises(PackageError, match="part word/styles.xml: missing"):
        reference_from_bytes(hd.reference_with({"word/_rels/document.xml.rels": rels}))


def test_reference_is_read_once_per_process(tmp_path, monkeypatch):
    reference = tmp_path / "firm.docx"
    reference.write_bytes(hd.OWN_REFERENCE.read_bytes())
    reads = []
    real = docx_package.read_regular_file
    lock = threading.Lock()

    def counting(path, *args, **kwargs):
        with lock:
            reads.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(docx_package, "read_regular_file", counting)
    reports = api.build([hd.ROOT / "samples" / "westmoor-lead-provider.yaml"], tmp_path / "out",
                        reference_doc=reference)
    docx_written = [p for r in reports for p in r.written if str(p).endswith(".docx")]
    assert len(docx_written) >= 4
    assert reads.count(str(reference)) == 1


def test_own_output_reads_back_through_the_reader():
    out = api.render(api.load(SAMPLE), "heads_of_terms")
    reference = reference_from_bytes(out)
    assert reference["styles"].tag.endswith("}styles") and reference["sectPr"] is not None
    package = DocxPackage(out)
    assert package.main_part() == "word/document.xml"
    assert not package.has("word/vbaProject.bin")
    with pytest.raises(PackageError, match="part word/nothing.xml: missing"):
        package.read("word/nothing.xml", "styles")
