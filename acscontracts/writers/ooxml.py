"""OOXML building blocks for the Word writer: element builders, numbering, package parts.

Package parts (styles, numbering, settings, header references, properties) are built and
merged with ``lxml.etree``; the body, the hot path, is written by the fragment builders below,
whose text goes through ``esc`` (ValueError for characters outside XML 1.0, then escaping). Child order follows
ISO/IEC 29500 (``pPr``, ``sectPr``, ``abstractNum``...) and, for ``rPr``, the ECMA-376
1st-edition order that Word and the Open XML SDK expect.
"""
from __future__ import annotations

import copy
import functools
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NSMAP = {"w": W_NS, "r": R_NS}

REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def w(tag: str) -> str:
    """Clark name of a ``w:`` element or attribute."""
    return f"{{{W_NS}}}{tag}"


VAL = w("val")

# Children of w:pPr (ISO/IEC 29500-1 17.3.1.26) and w:rPr (ECMA-376 1st ed. order).
PPR_ORDER = tuple(w(t) for t in (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange").split())
RPR_ORDER = tuple(w(t) for t in (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath").split())
SECTPR_ORDER = tuple(w(t) for t in (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
    "docGrid printerSettings sectPrChange").split())

# --------------------------------------------------------------------------- text

# Characters XML 1.0 does not allow: controls other than tab, LF and CR, surrogates, U+FFFE and U+FFFF. (The
# same set as "not tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD or U+10000-U+10FFFF", which takes Python's re
# twelve times as long to compile, a sixtieth of a render process.)
_NOT_XML10 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_PLAIN = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # the above, or escaped


def checked(text: str) -> str:
    """Return ``text`` unchanged, or raise ValueError if it holds a non-XML-1.0 character."""
    bad = _NOT_XML10.search(text)
    if bad:
        raise ValueError(
            f"text contains U+{ord(bad.group()):04X}, which XML 1.0 does not allow: {text[:60]!r}"
        )
    return text


# --------------------------------------------------------------------------- element builders

_sub = etree.SubElement
PPR, RPR, NUMPR, ILVL, NUMID = w("pPr"), w("rPr"), w("numPr"), w("ilvl"), w("numId")


def insert_ordered(parent, child, order: tuple) -> None:
    """Insert ``child`` into ``parent`` at its schema position, replacing a same-tag child."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(child.tag)
    for i, existing in enumerate(parent):
        if existing.tag in order and order.index(existing.tag) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def numpr(num_id: int, ilvl: int):
    n = etree.Element(NUMPR)
    _sub(n, ILVL, {VAL: str(ilvl)})
    _sub(n, NUMID, {VAL: str(num_id)})
    return n


def to_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- body fragments
#
# The document body is the hot path (a 25,000-word contract is ~10,000 runs), so it is
# written as XML text by these functions rather than element by element: every piece of
# user text goes through ``esc`` (XML 1.0 check + escaping) and every other value is a
# constant, an int or a sanitised bookmark name. Element order is fixed in the code below
# (pPr: pStyle keepNext pageBreakBefore numPr jc; rPr: b i highlight), which is legal.
# ``fragment`` parses a fragment back into an element, for tests and small parts.

DOC_OPEN = (f'<?xml version=\'1.0\' encoding=\'UTF-8\' standalone=\'yes\'?>\n'
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>')
DOC_CLOSE = "</w:body></w:document>"


def esc(text: str) -> str:
    """``text`` escaped for XML element content; ValueError if XML 1.0 cannot hold one of
    its characters. (Chained ``str.replace`` runs in C; ``str.translate`` with a dict table
    looks every character up in Python and was a tenth of writing a contract.) Most text has nothing to
    escape or refuse: one regex search, in C, finds that."""
    if _NOT_PLAIN.search(text) is None:
        return text
    return checked(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(text: str) -> str:
    """``text`` escaped for a double-quoted attribute value."""
    return esc(text).replace('"', "&quot;")


@functools.lru_cache(maxsize=256)  # a document opens paragraphs in a few dozen ways, thousands of times
def p_open(style: str | None = None, *, num: tuple[int, int] | None = None,
           keep_next: bool = False, break_before: bool = False,
           space_before: int | None = None) -> str:
    """Start of a ``w:p`` with its pPr; close it with ``P_CLOSE``. ``space_before`` in twips."""
    if not (style or num or keep_next or break_before or space_before is not None):
        return "<w:p>"
    out = ["<w:p><w:pPr>"]
    if style:
        out.append(f'<w:pStyle w:val="{esc_attr(style)}"/>')
    if keep_next:
        out.append("<w:keepNext/>")
    if break_before:
        out.append("<w:pageBreakBefore/>")
    if num:
        out.append(f'<w:numPr><w:ilvl w:val="{int(num[1])}"/><w:numId w:val="{int(num[0])}"/></w:numPr>')
    if space_before is not None:
        out.append(f'<w:spacing w:before="{int(space_before)}"/>')
    out.append("</w:pPr>")
    return "".join(out)


P_CLOSE = "</w:p>"
TAB = "<w:r><w:tab/></w:r>"


def run(text: str, *, bold: bool = False, italic: bool = False,
        highlight: str | None = None, style: str | None = None) -> str:
    """A ``w:r``; tabs and line breaks in ``text`` become ``w:tab`` / ``w:br``, and a
    non-breaking hyphen (U+2011) a ``w:noBreakHyphen``. ``style``: a character style id."""
    rpr = _rpr(bold, italic, highlight, style) if bold or italic or highlight or style else ""
    if "\t" in text or "\n" in text or "\u2011" in text:
        body = "".join("<w:tab/>" if c == "\t" else "<w:br/>" if c.endswith("\n")
                       else "<w:noBreakHyphen/>" if c == "\u2011" else _t(c)
                       for c in re.split(r"(\t|\r?\n|\u2011)", text) if c)
    else:
        body = _t(text) if text else ""
    return f"<w:r>{rpr}{body}</w:r>"


@functools.lru_cache(maxsize=64)  # a document uses a handful of run formats, over and over
def _rpr(bold: bool, italic: bool, highlight: str | None, style: str | None) -> str:
    return ("<w:rPr>" + (f'<w:rStyle w:val="{esc_attr(style)}"/>' if style else "")
            + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
            + (f'<w:highlight w:val="{esc_attr(highlight)}"/>' if highlight else "") + "</w:rPr>")


def _t(text: str) -> str:
    if text[0] == " " or text[-1] == " ":
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>'
    return f"<w:t>{esc(text)}</w:t>"


def field_begin(instr: str) -> str:
    """begin + instrText + separate runs of a complex field."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {esc(instr)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')


FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def field(instr: str, result: str) -> str:
    """A complex field with its cached result, correct when the file is opened."""
    return field_begin(instr) + (run(result) if result else "") + FIELD_END


def bookmark_start(bm_id: int, name: str) -> str:
    return f'<w:bookmarkStart w:id="{int(bm_id)}" w:name="{esc_attr(name)}"/>'


def bookmark_end(bm_id: int) -> str:
    return f'<w:bookmarkEnd w:id="{int(bm_id)}"/>'


def hyperlink(anchor: str, content: str) -> str:
    return f'<w:hyperlink w:anchor="{esc_attr(anchor)}" w:history="1">{content}</w:hyperlink>'


def fragment(xml_text: str, root: str = "body"):
    """Parse body fragments into a ``w:<root>`` element (``w``/``r`` prefixes declared)."""
    return etree.fromstring(f'<w:{root} xmlns:w="{W_NS}" xmlns:r="{R_NS}">{xml_text}</w:{root}>')


def element_xml(e) -> str:
    """An lxml element (e.g. from a reference's sectPr) as a fragment string."""
    return etree.tostring(e, encoding="unicode")


# --------------------------------------------------------------------------- numbering


@dataclass(frozen=True, slots=True)
class Level:
    fmt: str  # decimal | lowerLetter | lowerRoman | upperLetter
    text: str  # lvlText, e.g. "%1.%2"
    style: str = ""  # bound paragraph style id
    left: int = 720  # indent in twips
    hanging: int = 720
    suffix: str = "tab"  # tab | space | nothing
    jc: str = "left"


@dataclass(frozen=True, slots=True)
class ListDef:
    """One abstract numbering definition; ``name`` (acs-*) marks it as ours."""

    name: str
    nsid: str  # 8 hex digits
    levels: tuple  # tuple[Level, ...], at most 9


def _lvl(parent, ilvl: int, level: Level) -> None:
    lvl = _sub(parent, w("lvl"), {w("ilvl"): str(ilvl)})
    _sub(lvl, w("start"), {VAL: "1"})
    _sub(lvl, w("numFmt"), {VAL: level.fmt})
    if level.style:
        _sub(lvl, w("pStyle"), {VAL: level.style})
    if level.suffix != "tab":
        _sub(lvl, w("suff"), {VAL: level.suffix})
    _sub(lvl, w("lvlText"), {VAL: level.text})
    _sub(lvl, w("lvlJc"), {VAL: level.jc})
    ppr = _sub(lvl, PPR)
    if level.hanging or level.left:
        _sub(ppr, w("ind"), {w("left"): str(level.left), w("hanging"): str(level.hanging)})


def abstract_num(abstract_id: int, d: ListDef):
    an = etree.Element(w("abstractNum"), {w("abstractNumId"): str(abstract_id)})
    _sub(an, w("nsid"), {VAL: d.nsid})
    _sub(an, w("multiLevelType"), {VAL: "multilevel" if len(d.levels) > 1 else "singleLevel"})
    _sub(an, w("name"), {VAL: d.name})
    levels = list(d.levels)
    # Fill the unused levels so every abstractNum has nine, as Word writes them.
    while len(levels) < 9:
        n = len(levels) + 1
        levels.append(Level("decimal", f"%{n}.", left=720 * n, hanging=720))
    for i, level in enumerate(levels):
        _lvl(an, i, level)
    return an


def num(num_id: int, abstract_id: int, *, restart_levels: int = 0):
    """A ``w:num``; ``restart_levels`` > 0 adds startOverride 1 for levels 0..n-1."""
    n = etree.Element(w("num"), {w("numId"): str(num_id)})
    _sub(n, w("abstractNumId"), {VAL: str(abstract_id)})
    for ilvl in range(restart_levels):
        o = _sub(n, w("lvlOverride"), {w("ilvl"): str(ilvl)})
        _sub(o, w("startOverride"), {VAL: "1"})
    return n


def numbering_part(abstracts: list, nums: list):
    """``w:numbering`` with every abstractNum before every num, as the schema requires."""
    root = etree.Element(w("numbering"), nsmap=NSMAP)
    root.extend(abstracts)
    root.extend(nums)
    return root


# --------------------------------------------------------------------------- package

CT_XML = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
}


def content_types(overrides: list[tuple[str, str]]) -> bytes:
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    for ext, ct in CT_XML.items():
        _sub(root, f"{{{CT_NS}}}Default", Extension=ext, ContentType=ct)
    for part, ct in overrides:
        _sub(root, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=ct)
    return to_bytes(root)


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    """``rels`` is [(Id, type suffix or full URI, target)]."""
    root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    for rid, rtype, target in rels:
        if "://" not in rtype:
            rtype = REL_DOC + rtype
        _sub(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=rtype, Target=target)
    return to_bytes(root)


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def w3cdtf(value: str) -> str:
    """An ISO date or date-time as W3CDTF in UTC ("2026-04-01" -> "2026-04-01T00:00:00Z")."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?(Z|[+-]00:?00)?", value)
    if not m:
        raise ValueError(f"properties.created must be an ISO date (YYYY-MM-DD): {value!r}")
    clock = m.group(2) or "00:00:00"
    if len(clock) == 5:
        clock += ":00"
    return f"{m.group(1)}T{clock}Z"


def core_properties(*, title: str, subject: str, keywords: str, creator: str,
                    version: str, created: str) -> bytes:
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap={
        "cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI})

    def add(ns, tag, text, **attrs):
        e = _sub(root, f"{{{ns}}}{tag}", attrs)
        e.text = checked(text)

    stamp = w3cdtf(created) if created else "1980-01-01T00:00:00Z"
    add(_DC, "title", title)
    add(_DC, "subject", subject)
    add(_DC, "creator", creator)
    add(_CP, "keywords", keywords)
    add(_DC, "description", f"Version {version}" if version else "")
    add(_CP, "lastModifiedBy", creator)
    add(_CP, "revision", "1")
    add(_CP, "version", version)
    xsi_type = {f"{{{_XSI}}}type": "dcterms:W3CDTF"}
    add(_DCTERMS, "created", stamp, **xsi_type)
    add(_DCTERMS, "modified", stamp, **xsi_type)
    return to_bytes(root)


def app_properties(*, pages: int | None) -> bytes:
    """Extended properties; ``pages`` (None when no layout gave it) is left out rather than guessed."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns})
    for tag, text in (("Template", "acscontracts"), ("TotalTime", "0"),
                      ("Pages", None if pages is None else str(pages)),
                      ("Application", "acscontracts"), ("DocSecurity", "0")):
        if text is not None:
            _sub(root, f"{{{ns}}}{tag}").text = text
    return to_bytes(root)


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_zip(parts: list[tuple[str, bytes]]) -> bytes:
    """A deterministic zip: given entry order, fixed time, deflate level 6, fixed attributes."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data, compresslevel=1)  # a .docx is small: speed over a few KB
    return buf.getvalue()


# --------------------------------------------------------------------------- styles from a reference document

STYLE_ORDER = tuple(w(t) for t in (
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
    "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
    "tblStylePr").split())
_TRUE = ("1", "true", "on")


def merge_styles(ref_styles, our_styles, bound: dict, lang: str = "en-GB"):
    """The reference's styles, plus every style of ours whose id it lacks; each style id in
    ``bound`` ({style id: (numId, ilvl)}) gets that numPr; numPr pointing at lists the
    package will not hold are removed; the default proofing language is ``lang``."""
    styles = copy.deepcopy(ref_styles)
    have = {s.get(w("styleId")): s for s in styles.iter(w("style"))}
    defaults = {s.get(w("type")) for s in have.values() if s.get(w("default")) in _TRUE}
    for style in our_styles.iter(w("style")):
        sid = style.get(w("styleId"))
        if sid not in have:
            new = copy.deepcopy(style)
            if new.get(w("default")) is not None and new.get(w("type")) in defaults:
                del new.attrib[w("default")]
            styles.append(new)
            have[sid] = new
    known = {str(n) for n, _ in bound.values()}
    for sid, style in have.items():
        ppr = style.find(PPR)
        if sid in bound:
            if ppr is None:
                ppr = etree.Element(PPR)
                insert_ordered(style, ppr, STYLE_ORDER)
            insert_ordered(ppr, numpr(*bound[sid]), PPR_ORDER)
        elif ppr is not None and ppr.find(NUMPR) is not None:
            nid = ppr.find(f"{NUMPR}/{NUMID}")
            if nid is None or nid.get(VAL) not in known | {"0"}:
                ppr.remove(ppr.find(NUMPR))
    _set_language(styles, lang)
    return styles


def _child(parent, tag: str, index: int | None = None):
    found = parent.find(tag)
    if found is None:
        found = etree.Element(tag)
        parent.insert(len(parent) if index is None else index, found)
    return found


def _set_language(styles, lang: str) -> None:
    rpr = _child(_child(_child(styles, w("docDefaults"), 0), w("rPrDefault"), 0), RPR)
    el_lang = rpr.find(w("lang"))
    if el_lang is None:
        el_lang = etree.Element(w("lang"))
        insert_ordered(rpr, el_lang, RPR_ORDER)
    el_lang.set(VAL, lang)


@dataclass(slots=True)
class Numbering:
    root: object  # the w:numbering element
    num_ids: list  # numId of each of our ListDefs, in order
    abstract_ids: list
    next_num: int

    def add_restart(self, list_index: int, levels: int) -> int:
        """A new w:num over our list ``list_index`` restarting levels 0..levels-1."""
        nid = self.next_num
        self.next_num += 1
        self.root.append(num(nid, self.abstract_ids[list_index], restart_levels=levels))
        return nid


def merge_numbering(ref_numbering, lists: tuple) -> Numbering:
    """The reference's lists (less any earlier copy of ours, named acs-*, and picture
    bullets, which need image parts) plus ``lists`` with fresh ids above the reference's."""
    if ref_numbering is None:
        root = numbering_part([], [])
    else:
        root = copy.deepcopy(ref_numbering)
    ours = set()
    for an in root.findall(w("abstractNum")):
        name = an.find(w("name"))
        if name is not None and name.get(VAL, "").startswith("acs-"):
            ours.add(an.get(w("abstractNumId")))
            root.remove(an)
    for n in root.findall(w("num")):
        aid = n.find(w("abstractNumId"))
        if aid is None or aid.get(VAL) in ours:
            root.remove(n)
    for tag in ("numPicBullet", "numIdMacAtCleanup"):
        for e in root.findall(w(tag)):
            root.remove(e)
    for e in list(root.iter(w("lvlPicBulletId"))):
        e.getparent().remove(e)
    abstracts, nums = root.findall(w("abstractNum")), root.findall(w("num"))
    first_abstract = max((int(a.get(w("abstractNumId"))) for a in abstracts), default=-1) + 1
    first_num = max((int(n.get(w("numId"))) for n in nums), default=0) + 1
    at = root.index(abstracts[-1]) + 1 if abstracts else 0
    for i, d in enumerate(lists):
        root.insert(at + i, abstract_num(first_abstract + i, d))
        root.append(num(first_num + i, first_abstract + i))
    return Numbering(root, [first_num + i for i in range(len(lists))],
                     [first_abstract + i for i in range(len(lists))], first_num + len(lists))


_SETTINGS_DROP = tuple(w(t) for t in (
    "attachedTemplate", "mailMerge", "footnotePr", "endnotePr", "updateFields"))
# Children of w:settings that come after w:updateFields (ISO/IEC 29500-1 17.15.1.78).
_AFTER_UPDATE_FIELDS = frozenset(w(t) for t in (
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator").split())


def clean_settings(ref_settings):
    """The reference's settings less what points at parts we do not write; zoom gets a
    percent; ``w:updateFields`` asks Word to refresh the contents and references on opening."""
    if ref_settings is None:
        root = etree.Element(w("settings"), nsmap=NSMAP)
        _sub(root, w("defaultTabStop"), {VAL: "720"})
    else:
        root = copy.deepcopy(ref_settings)
        for e in list(root):
            if e.tag in _SETTINGS_DROP:
                root.remove(e)
        zoom = root.find(w("zoom"))
        if zoom is not None and zoom.get(w("percent")) is None:
            zoom.set(w("percent"), "100")
    update = etree.Element(w("updateFields"), {VAL: "true"})
    later = next((i for i, e in enumerate(root) if e.tag in _AFTER_UPDATE_FIELDS), len(root))
    root.insert(later, update)
    return root


def clean_font_table(ref_fonts):
    """The reference's font table without embedded fonts (they need parts we do not copy)."""
    root = copy.deepcopy(ref_fonts)
    for tag in ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic"):
        for e in list(root.iter(w(tag))):
            e.getparent().remove(e)
    return root


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """The text area of a page, in twips."""

    text_width: int
    text_height: int

    @classmethod
    def of(cls, page: list) -> "PageGeometry":
        """From ``page_setup``'s pgSz and pgMar (A4, 2.54 cm margins for missing values)."""
        size = next(e for e in page if e.tag == w("pgSz"))
        mar = next(e for e in page if e.tag == w("pgMar"))

        def twips(e, attr, default):
            try:
                return abs(int(e.get(w(attr), default)))
            except ValueError:
                return default
        width = (twips(size, "w", 11906) - twips(mar, "left", 1440) - twips(mar, "right", 1440)
                 - twips(mar, "gutter", 0))
        height = twips(size, "h", 16838) - twips(mar, "top", 1440) - twips(mar, "bottom", 1440)
        return cls(max(width, 1440), max(height, 1440))


def fit_tab_stops(styles, text_width: int, style_ids, *, exact: bool = True) -> None:
    """Move the right and centre tab stops of the paragraph styles ``style_ids`` to the text
    width of the page (right: the right margin; centre: the middle). With ``exact`` false a stop
    is only pulled in when it lies beyond the right margin."""
    wanted = set(style_ids)
    for style in styles.iter(w("style")):
        if style.get(w("styleId")) not in wanted:
            continue
        for tab in style.iter(w("tab")):
            kind, pos = tab.get(VAL), tab.get(w("pos"), "0")
            try:
                at = int(pos)
            except ValueError:
                continue
            if kind == "right" and (exact or at > text_width):
                tab.set(w("pos"), str(text_width))
            elif kind == "center" and exact:
                tab.set(w("pos"), str(text_width // 2))
            elif not exact and at > text_width:
                tab.set(w("pos"), str(text_width))


def set_style_indent(styles, style_id: str, *, right: int) -> None:
    """Set the right indent of the paragraph style ``style_id``, when the styles have it."""
    for style in styles.iter(w("style")):
        if style.get(w("styleId")) == style_id:
            ppr = style.find(PPR)
            if ppr is None:
                ppr = etree.Element(PPR)
                insert_ordered(style, ppr, STYLE_ORDER)
            ind = ppr.find(w("ind"))
            if ind is None:
                ind = etree.Element(w("ind"))
                insert_ordered(ppr, ind, PPR_ORDER)
            ind.set(w("right"), str(int(right)))


def page_setup(ref_sectpr) -> list:
    """Copies of pgSz, pgMar, cols and docGrid from a reference sectPr (A4 / 2.54 cm default)."""
    keep = (w("pgSz"), w("pgMar"), w("cols"), w("docGrid"))
    found = [copy.deepcopy(e) for e in (ref_sectpr if ref_sectpr is not None else ()) if e.tag in keep]
    if not any(e.tag == w("pgSz") for e in found):
        found.insert(0, etree.Element(w("pgSz"), {w("w"): "11906", w("h"): "16838"}))
    if not any(e.tag == w("pgMar") for e in found):
        found.insert(1, etree.Element(w("pgMar"), {w(k): v for k, v in (
            ("top", "1440"), ("right", "1440"), ("bottom", "1440"), ("left", "1440"),
            ("header", "708"), ("footer", "708"), ("gutter", "0"))}))
    return found


# --------------------------------------------------------------------------- comments


def comment_anchor(comment_id: int, style: str) -> tuple[str, str]:
    """(start, end) of a comment's range in the body; the end carries the reference mark."""
    cid = int(comment_id)
    return (f'<w:commentRangeStart w:id="{cid}"/>',
            f'<w:commentRangeEnd w:id="{cid}"/><w:r><w:rPr><w:rStyle w:val="{esc_attr(style)}"/>'
            f'</w:rPr><w:commentReference w:id="{cid}"/></w:r>')


def comments_part(comments: list[tuple[int, str]], *, author: str, initials: str, date: str,
                  text_style: str, reference_style: str) -> bytes:
    """word/comments.xml: one ``w:comment`` per (id, text), each a paragraph that opens with
    the annotation mark, as Word writes them."""
    head = f'w:author="{esc_attr(author)}" w:date="{esc_attr(date)}" w:initials="{esc_attr(initials)}"'
    body = "".join(
        f'<w:comment w:id="{int(cid)}" {head}>{p_open(text_style)}'
        f'<w:r><w:rPr><w:rStyle w:val="{esc_attr(reference_style)}"/></w:rPr><w:annotationRef/></w:r>'
        f'{run(text)}{P_CLOSE}</w:comment>' for cid, text in comments)
    return to_bytes(fragment(body, "comments"))
