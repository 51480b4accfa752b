"""Safe reading of the .docx files the tool is given: a firm's reference document and issued drafts.

Every .docx from outside goes through ``DocxPackage``: a regular file only (never a FIFO or a
device), at most ``MAX_FILE`` bytes; a zip whose central directory is bounded before it is parsed;
only the parts that are asked for are read, each within its size limit as declared in the zip
directory *and* as counted while inflating, and within a compression-ratio cap; every XML part is
parsed without DTDs, entities or network access and must have the expected root element and
namespace before anything uses it. Everything else in the package (images, macros, custom XML,
embedded fonts) is never read.

``read_reference`` returns the parts of a reference document that the Word writer uses, already
checked; the built-in house style is read once per process (``builtin_reference``).
"""
from __future__ import annotations

import copy
import functools
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
REL_PREFIXES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                "http://purl.oclc.org/ooxml/officeDocument/relationships/")

MAX_FILE = 32 * 1024 * 1024  # the whole .docx
MAX_DIRECTORY = 1024 * 1024  # the zip's central directory (about 20,000 entries)
MAX_PART = {"document": 32 * 1024 * 1024, "theme": 1024 * 1024}  # uncompressed, by part kind
MAX_OTHER_PART = 8 * 1024 * 1024  # styles, numbering, settings, fontTable, relationships
MAX_RATIO = 100  # uncompressed / compressed size, for parts over RATIO_FLOOR bytes
RATIO_FLOOR = 256 * 1024
MAX_LIST_ID = 32767  # numId / abstractNumId kept well inside Word's range (we add ours above)
_CHUNK = 64 * 1024

# The root element each part kind must have.
ROOTS = {
    "rels": f"{{{PKG_REL_NS}}}Relationships",
    "document": f"{{{W_NS}}}document",
    "styles": f"{{{W_NS}}}styles",
    "numbering": f"{{{W_NS}}}numbering",
    "settings": f"{{{W_NS}}}settings",
    "fontTable": f"{{{W_NS}}}fonts",
    "theme": f"{{{A_NS}}}theme",
    "comments": f"{{{W_NS}}}comments",
}


class PackageError(ValueError):
    """A .docx that cannot be used; ``str()`` says what is wrong, naming the part ("part word/styles.xml: ...")."""


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True, collect_ids=False)


def read_regular_file(path: Path, limit: int = MAX_FILE) -> bytes:
    """The bytes of ``path``: refused unless it is a regular file of at most ``limit`` bytes. Opening
    does not block (a FIFO is refused, not waited on) and a device is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PackageError(f"the file cannot be read ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise PackageError(f"the file is {kind}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackageError(f"the file is larger than {limit // (1024 * 1024)} MB")
    return data


class DocxPackage:
    """A .docx held in memory, whose parts are read one by one, each within its limits."""

    def __init__(self, data: bytes):
        self._check_directory(data)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise PackageError(f"the file is not a .docx (zip) package ({exc})") from None
        self._infos = {info.filename: info for info in self._zip.infolist()}

    @classmethod
    def open(cls, path: Path) -> "DocxPackage":
        return cls(read_regular_file(Path(path)))

    @staticmethod
    def _check_directory(data: bytes) -> None:
        """Bound the zip's central directory from its end record, before zipfile builds an object per entry."""
        tail = data[-(22 + 65535):]
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise PackageError("the file is not a .docx (zip) package (no zip directory)")
        directory_size = struct.unpack_from("<L", tail, at + 12)[0]
        if directory_size > MAX_DIRECTORY:
            raise PackageError(f"the file has a zip directory of {directory_size:,} bytes (too many parts)")

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str, kind: str) -> bytes:
        """The uncompressed bytes of part ``name``, within the limits for its ``kind``."""
        info = self._infos.get(name)
        if info is None:
            raise PackageError(f"part {name}: missing")
        limit = MAX_PART.get(kind, MAX_OTHER_PART)
        if info.file_size > limit:
            raise PackageError(f"part {name}: is {info.file_size:,} bytes uncompressed, over the "
                               f"{limit:,}-byte limit")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(f"part {name}: compresses {info.file_size // max(info.compress_size, 1):,} to 1, "
                               f"over the {MAX_RATIO} to 1 limit (a zip bomb?)")
        chunks, total = [], 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:  # the directory lied about the size
                        raise PackageError(f"part {name}: inflates past the {limit:,}-byte limit")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError,
                OSError, EOFError) as exc:
            if isinstance(exc, PackageError):
                raise
            raise PackageError(f"part {name}: cannot be unpacked ({exc})") from None
        return b"".join(chunks)

    def xml(self, name: str, kind: str):
        """Part ``name`` parsed (no DTD, no entities, no network) with its root checked against ``kind``."""
        data = self.read(name, kind)
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"part {name}: not well-formed XML ({exc})") from None
        tree = root.getroottree()
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise PackageError(f"part {name}: has a DOCTYPE, which Word files never have")
        expected = ROOTS[kind]
        if root.tag != expected:
            if root.tag.startswith(f"{{{STRICT_W_NS}}}"):
                raise PackageError(f"part {name}: is Strict Open XML; save the file as a Word Document (.docx)")
            raise PackageError(f"part {name}: root element is {_clark_to_text(root.tag)}, expected "
                               f"{_clark_to_text(expected)}")
        return root

    def relationships(self, source: str) -> dict:
        """{relationship type (last URI segment): part name} for part ``source`` ("" for the package)."""
        folder = source.rpartition("/")[0]
        rels_name = self.relationships_part(source)
        if not self.has(rels_name):
            return {}
        out: dict = {}
        for rel in self.xml(rels_name, "rels"):
            if rel.get("TargetMode") == "External" or not isinstance(rel.tag, str):
                continue
            rtype, target = rel.get("Type", ""), rel.get("Target", "")
            if not rtype.startswith(REL_PREFIXES) and "/package/2006/relationships/" not in rtype:
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            part = posixpath.normpath(part)
            if part.startswith(("../", "/")) or part == "..":
                continue
            out.setdefault(rtype.rsplit("/", 1)[-1], part)
        return out

    @staticmethod
    def relationships_part(source: str) -> str:
        """The name of the .rels part holding ``source``'s relationships ("" for the package's own)."""
        folder, _, file = source.rpartition("/")
        return f"{folder}/_rels/{file}.rels" if source else "_rels/.rels"

    def main_part(self) -> str:
        main = self.relationships("").get("officeDocument")
        if not main:
            raise PackageError("part _rels/.rels: no main document part (not a Word document)")
        return main


def _clark_to_text(tag: str) -> str:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return f"<{local}> in namespace {namespace}" if namespace else f"<{local}> without a namespace"


# --------------------------------------------------------------------------- reference documents


def read_reference(path: Path) -> dict:
    """The parts of a reference .docx that the Word writer uses, each checked (PackageError names the
    part otherwise): styles, numbering, settings, fontTable (parsed, when present), theme (bytes,
    checked and copied as written, when it has no relationships of its own) and sectPr (the body's
    last section properties, or None)."""
    return reference_from_bytes(read_regular_file(Path(path)))


def reference_from_bytes(data: bytes) -> dict:
    package = DocxPackage(data)
    main = package.main_part()
    targets = package.relationships(main)
    out: dict = {}
    for kind in ("styles", "numbering", "settings", "fontTable"):
        if kind in targets and package.has(targets[kind]):
            out[kind] = package.xml(targets[kind], kind)
    if "styles" not in out:
        raise PackageError("part word/styles.xml: missing (a reference document needs its styles)")
    if "numbering" in out:
        _check_numbering(out["numbering"], targets["numbering"])
    theme = targets.get("theme")
    if theme and package.has(theme) and not package.has(package.relationships_part(theme)):
        package.xml(theme, "theme")  # checked (size, no DTD, root a:theme), then copied as it was written:
        out["theme"] = package.read(theme, "theme")  # as written: LibreOffice rejected a re-serialised one
    body = package.xml(main, "document").find(f"{{{W_NS}}}body")
    sect = body.find(f"{{{W_NS}}}sectPr") if body is not None else None
    out["sectPr"] = copy.deepcopy(sect) if sect is not None else None
    return out


def _check_numbering(root, name: str) -> None:
    """Every list id an integer in 0..MAX_LIST_ID and every w:num naming an abstractNum."""
    def list_id(element, attr: str, what: str) -> int:
        value = element.get(f"{{{W_NS}}}{attr}")
        if value is None or not re.fullmatch(r"[0-9]{1,5}", value.strip()) or int(value) > MAX_LIST_ID:
            shown = "missing" if value is None else repr(value[:20])
            raise PackageError(f"part {name}: {what} {shown}; list ids must be whole numbers from 0 to {MAX_LIST_ID}")
        return int(value)

    for abstract in root.findall(f"{{{W_NS}}}abstractNum"):
        list_id(abstract, "abstractNumId", "w:abstractNum with w:abstractNumId")
    for num in root.findall(f"{{{W_NS}}}num"):
        list_id(num, "numId", "w:num with w:numId")
        target = num.find(f"{{{W_NS}}}abstractNumId")
        if target is None:
            raise PackageError(f"part {name}: w:num w:numId={num.get(f'{{{W_NS}}}numId')} has no w:abstractNumId")
        list_id(target, "val", "w:abstractNumId with w:val")


@functools.cache
def builtin_reference() -> dict:
    """Our own house style (``data/reference.docx``), read once per process. Callers copy what they change."""
    return read_reference(Path(__file__).resolve().parent / "data" / "reference.docx")
