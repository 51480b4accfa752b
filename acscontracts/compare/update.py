"""Update an issued document to new terms without losing the lawyers' edits (a three-way merge).

Base: the document generated from the old terms (the tree the build recorded, ``base_record``; else
rebuilt from the old terms with today's templates). Ours: the issued .docx as the lawyers left it.
Theirs: the document generated from the new terms. The base -> theirs changes are computed on the trees
(``redline``: amounts, dates, defined terms and references change whole) and written as a redline .docx;
``merge`` carries them into the issued file's XML as tracked changes by "acscontracts", dated with the
new terms' version. Everything else in the issued file (their wording, paragraphs, comments, pending
changes, formatting, parts) is left as it was. Conflicts get a Word comment naming the term that changed.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from acscontracts.compare.merge import Conflict, Merger, NumberingMap
from acscontracts.compare.tracked import IdSource, Revision
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.writers import ooxml as ox
from acscontracts.writers.ooxml import w

MIN_MATCH = 0.6  # share of the base text found in the issued file (recorded base)
MIN_MATCH_LOOSE = 0.5  # ... when the base had to be rebuilt with today's templates
MAX_PARTS, MAX_UNPACKED = 2000, 256 * 1024 * 1024
COMMENTS_TYPE = ox.REL_DOC + "comments"
COMMENTS_CT = ox.CT_WML + "comments+xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


@dataclass(frozen=True)
class TermChange:
    path: str
    words: str  # "funding...pct: 15.00% → 20.00%"


@dataclass(frozen=True)
class UpdateConflict:
    where: str  # "clause 18 (Risk share)"
    what: str
    terms: tuple  # tuple[TermChange, ...]

    def line(self) -> str:
        terms = "; ".join(t.words for t in self.terms) or "no single term (a template or layout change)"
        return f"conflict: {self.where}: {terms}: {self.what}"


@dataclass(frozen=True)
class UpdateResult:
    data: bytes
    conflicts: tuple  # tuple[UpdateConflict, ...]
    match: float  # share of the base document's text found in the issued one
    loose: bool  # the base was rebuilt from the old terms with today's templates


# --------------------------------------------------------------------------- the package


def read_package(data: bytes, source: str) -> dict:
    """{part name: bytes} of a .docx, refusing what is not a reasonable Word package."""
    def bad(what: str, hint: str = "name the .docx file as saved by Word"):
        return AcsError([Diagnostic(ERROR, "ACS-ISSUED-DOCX", what, hint, Location(source))])

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise bad("too large to be an ordinary Word document once unpacked")
            parts = {i.filename: zf.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise bad(f"cannot be read as a Word document ({exc})") from None
    if "word/document.xml" not in parts:
        raise bad("has no word/document.xml: not a Word document")
    return parts


def parse(data: bytes, source: str, part: str):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-ISSUED-DOCX", f"{part} is not well-formed XML ({exc})",
                                   "open and save the file in Word, then try again", Location(source))]) from None


def _related(parts: dict, kind: str) -> str | None:
    """Part name of the main document's relationship of this kind (``numbering``, ``comments``)."""
    rels = parts.get("word/_rels/document.xml.rels")
    if rels is None:
        return None
    for rel in etree.fromstring(rels, _PARSER):
        if rel.get("Type", "").endswith("/" + kind) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
    return None


# --------------------------------------------------------------------------- comments


def _add_comments_part(parts: dict) -> str:
    """A comments part, its relationship and content type, for a file that has none; returns its name."""
    name = "word/comments.xml"
    root = etree.Element(w("comments"), nsmap=ox.NSMAP)
    parts[name] = ox.to_bytes(root)
    rels_name = "word/_rels/document.xml.rels"
    rels = etree.fromstring(parts[rels_name], _PARSER) if rels_name in parts else \
        etree.Element(f"{{{ox.PKG_REL_NS}}}Relationships", nsmap={None: ox.PKG_REL_NS})
    used = {r.get("Id") for r in rels}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    etree.SubElement(rels, f"{{{ox.PKG_REL_NS}}}Relationship", Id=f"rId{n}", Type=COMMENTS_TYPE,
                     Target="comments.xml")
    parts[rels_name] = ox.to_bytes(rels)
    types = etree.fromstring(parts["[Content_Types].xml"], _PARSER)
    etree.SubElement(types, f"{{{ox.CT_NS}}}Override", PartName="/" + name, ContentType=COMMENTS_CT)
    parts["[Content_Types].xml"] = ox.to_bytes(types)
    return name


def add_comment(comments, p, revision: Revision, text: str) -> str:
    """A comment by ``revision.author`` on the whole of paragraph ``p``; returns its id."""
    cid = str(revision.ids.next())
    comment = etree.SubElement(comments, w("comment"), {w("id"): cid, w("author"): revision.author,
                                                        w("date"): f"{revision.date}T00:00:00Z",
                                                        w("initials"): "ACS"})
    for line in text.split("\n"):
        para = etree.SubElement(comment, w("p"))
        t = etree.SubElement(etree.SubElement(para, w("r")), w("t"))
        t.text = ox.checked(line) if line else ""
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    start = etree.Element(w("commentRangeStart"), {w("id"): cid})
    ppr = p.find(w("pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(etree.Element(w("commentRangeEnd"), {w("id"): cid}))
    run = etree.SubElement(p, w("r"))
    etree.SubElement(run, w("commentReference"), {w("id"): cid})
    return cid


# --------------------------------------------------------------------------- describing conflicts


def _where(heading: str, new_doc, base_doc) -> tuple[str, str]:
    """(label, clause id) of the clause or schedule a heading text names."""
    title = heading.strip()
    for document in (new_doc, base_doc):
        for clause in document.clauses:
            if clause.title.strip() == title:
                return f"clause {clause.number} ({clause.title})", clause.id
        for schedule in document.schedules:
            if schedule.title.strip() == title:
                return f"Schedule {schedule.number} ({schedule.title})", schedule.id
    return ("the front page or the parties" if not title else title), "preamble"


def _terms_for(clause_id: str, document: str, changes) -> tuple:
    hits = [c for c in changes if any(r.document == document and r.clause_id == clause_id for r in c.affects)]
    return tuple(TermChange(c.path, c.words()) for c in (hits or changes))


def _describe(conflict: Conflict, new_doc, base_doc, changes) -> UpdateConflict:
    where, clause_id = _where(conflict.heading, new_doc, base_doc)
    return UpdateConflict(where, conflict.what, _terms_for(clause_id, new_doc.name, changes))


def _comment_text(conflict: UpdateConflict, new_text: str) -> str:
    lines = [f"acscontracts: {conflict.what}."]
    if conflict.terms:
        lines.append("The new terms change " + "; ".join(t.words for t in conflict.terms) + ".")
    if new_text:
        lines.append(f"New generated wording: {new_text}")
    lines.append("Your text is kept: accept or reject acscontracts' tracked changes here to settle it.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the update


def _check_origin(match: float, loose: bool, root, base_doc, name: str, source: str) -> None:
    """Refuse to merge into a file that was not generated from the old terms: too little of the base text is
    found in it, or it does not name most of the base document's parties (boilerplate alone matches well)."""
    shown = "".join(root.itertext())
    missing = [p.name for p in base_doc.parties if p.name not in shown]
    why = ""
    if match < (MIN_MATCH_LOOSE if loose else MIN_MATCH):
        why = f"only {match:.0%} of that document's text is found in it"
    elif base_doc.parties and len(missing) * 2 > len(base_doc.parties):
        why = f"it does not name {len(missing)} of its {len(base_doc.parties)} parties ({', '.join(missing[:3])})"
    if why:
        raise AcsError([Diagnostic(
            ERROR, "ACS-UPDATE-MISMATCH", f"this file was not generated from the old terms' {name}: {why}",
            "name the issued file and the terms it was generated from; to compare with new terms anyway, use "
            "`redline --against`", Location(source))])



def update_docx(issued: bytes, base_doc, new_doc, revision, changes=(), *, reference: bytes | None = None,
                clean: bool = False, loose: bool = False, source: str = "ISSUED") -> UpdateResult:
    """The issued .docx with the base -> new changes as tracked changes (see the module docstring).

    ``revision``: engine.tree.Revision (author, date). ``changes``: termsdiff.Change with ``affects`` set,
    named in conflict comments. Raises AcsError (ACS-UPDATE-MISMATCH) when the issued file does not look
    like the base document, and ACS-ISSUED-DOCX when it is not a readable Word file.
    """
    from acscontracts.compare.redline import redline
    from acscontracts.writers.docx import write_docx

    parts = read_package(issued, source)
    marked = write_docx(redline(base_doc, new_doc, revision), reference=reference, clean=clean)
    with zipfile.ZipFile(io.BytesIO(marked)) as zf:
        r_root = etree.fromstring(zf.read("word/document.xml"), _PARSER)
        r_numbering = etree.fromstring(zf.read("word/numbering.xml"), _PARSER)
    root = parse(parts["word/document.xml"], source, "word/document.xml")
    numbering_name = _related(parts, "numbering")
    numbering = parse(parts[numbering_name], source, numbering_name) if numbering_name in parts else None
    comments_name = _related(parts, "comments")
    comments = parse(parts[comments_name], source, comments_name) if comments_name in parts else None
    body, r_body = root.find(w("body")), r_root.find(w("body"))
    if body is None:
        raise AcsError([Diagnostic(ERROR, "ACS-ISSUED-DOCX", "word/document.xml has no body",
                                   "name a Word document", Location(source))])
    tracked = Revision(revision.author, revision.date, IdSource(root, comments))
    merger = Merger(tracked, NumberingMap(r_numbering, numbering))
    merger.body(body, r_body)
    match = merger.matched_chars / merger.base_chars if merger.base_chars else 0.0
    _check_origin(match, loose, root, base_doc, new_doc.name, source)
    conflicts = []
    if merger.conflicts:
        if comments is None:
            comments_name = _add_comments_part(parts)
            comments = etree.fromstring(parts[comments_name], _PARSER)
        for conflict in merger.conflicts:
            described = _describe(conflict, new_doc, base_doc, changes)
            conflicts.append(described)
            if conflict.anchor is not None:
                add_comment(comments, conflict.anchor, tracked, _comment_text(described, conflict.new_text))
        parts[comments_name] = ox.to_bytes(comments)
    parts["word/document.xml"] = ox.to_bytes(root)
    if numbering is not None and merger.numbering.changed:
        parts[numbering_name] = ox.to_bytes(numbering)
    return UpdateResult(ox.write_zip(list(parts.items())), tuple(conflicts), match, loose)


# --------------------------------------------------------------------------- from terms files


def term_changes(old_loaded, new_loaded, base_doc, new_doc) -> list:
    """The terms diff, each change with the clauses of this document it moves."""
    from acscontracts.compare.termsdiff import affected_clauses, attribute, diff_terms, plain_words, short_names

    impacts = affected_clauses({new_doc.name: base_doc}, {new_doc.name: new_doc})
    short = short_names(old_loaded.data, new_loaded.data)
    changes = attribute(diff_terms(old_loaded, new_loaded), impacts)  # by the terms each clause read
    return [replace(c, label=plain_words(c.parts, short)) for c in changes]


def update_issued(pipe, issued: Path, old_terms, new_terms, doc_type: str, doc_id: str | None = None,
                  base_folder: Path | None = None) -> UpdateResult:
    """``update`` for an API pipeline: the base is the tree a build recorded beside ``issued`` (or in
    ``base_folder``) from exactly these old terms, else the old terms rendered with today's templates."""
    from acscontracts.api import revision_for
    from acscontracts.compare import base_record

    new_doc = pipe.document(new_terms, doc_type, doc_id)
    base_doc = None
    if old_terms.path is not None:
        base_doc = base_record.find(base_folder or Path(issued).parent, new_doc.name,
                                    base_record.terms_hash(old_terms.path))
    loose = base_doc is None
    if loose:
        base_doc = pipe.document(old_terms, doc_type, doc_id)
    try:
        data = Path(issued).read_bytes()
    except OSError as exc:
        raise AcsError([Diagnostic(ERROR, "ACS-IO", f"cannot read the issued document ({exc.strerror})",
                                   "check the path", Location(str(issued)))]) from None
    changes = term_changes(old_terms.loaded, new_terms.loaded, base_doc, new_doc)
    return update_docx(data, base_doc, new_doc, revision_for(pipe.model(new_terms)), changes,
                       reference=pipe.engine.reference, clean=pipe.settings.clean, loose=loose, source=str(issued))
