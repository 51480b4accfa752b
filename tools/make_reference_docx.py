"""Build acscontracts/data/reference.docx, the built-in house style of the Word writer.

    python tools/make_reference_docx.py [OUT.docx]

The styles here are the ones ``acscontracts.writers.docx`` emits (its style-id constants);
the numbering part is the writer's own list definitions, bound to the clause styles. Fonts
are set only in docDefaults (Arial 11 pt, en-GB), so a firm's reference document that sets
another font changes every style the writer adds from this file. The output is deterministic.
"""
from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acscontracts.writers import docx as house  # noqa: E402
from acscontracts.writers import ooxml as ox  # noqa: E402
from acscontracts.writers.ooxml import w  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "acscontracts" / "data" / "reference.docx"
FONT = "Arial"
TEXT_WIDTH = 11906 - 2 * 1440


def E(tag: str, *children, **attrs):
    """A w: element with w: attributes (``val=...``; ``w_`` prefix avoids keywords)."""
    e = etree.Element(w(tag), {w(k.removeprefix("w_")): str(v) for k, v in attrs.items()})
    e.extend(c for c in children if c is not None)
    return e


def ind(left: int, hanging: int = 0):
    return E("ind", left=left, hanging=hanging) if hanging else E("ind", left=left)


def spacing(before: int = 0, after: int = 160, line: int | None = None):
    attrs = {"before": before, "after": after}
    if line:
        attrs.update(line=line, lineRule="auto")
    return E("spacing", **attrs)


def tabs(*stops):
    return E("tabs", *(E("tab", val=v, pos=p, **({"leader": ld} if ld else {}))
                       for v, p, ld in stops))


def style(kind: str, sid: str, name: str, *, based: str | None = "Normal", nxt: str | None = None,
          ppr=(), rpr=(), extra=(), default=False, custom=True, ui: int | None = None,
          semi=False, q=True):
    s = E("style", type=kind, styleId=sid, **({"default": 1} if default else {}),
          **({"customStyle": 1} if custom else {}))
    s.append(E("name", val=name))
    if based:
        s.append(E("basedOn", val=based))
    if nxt:
        s.append(E("next", val=nxt))
    if ui is not None:
        s.append(E("uiPriority", val=ui))
    if semi:
        s.extend([E("semiHidden"), E("unhideWhenUsed")])
    if q:
        s.append(E("qFormat"))
    if ppr:
        p = E("pPr")
        for c in ppr:
            ox.insert_ordered(p, c, ox.PPR_ORDER)
        s.append(p)
    if rpr:
        r = E("rPr")
        for c in rpr:
            ox.insert_ordered(r, c, ox.RPR_ORDER)
        s.append(r)
    s.extend(extra)
    return s


def para_style(sid, name, ppr=(), rpr=(), **kw):
    return style("paragraph", sid, name, ppr=ppr, rpr=rpr, **kw)


def b():
    return E("b")


def sz(half_points: int):
    return E("sz", val=half_points)


def styles_xml():
    root = etree.Element(w("styles"), nsmap=ox.NSMAP)
    root.append(E("docDefaults",
                  E("rPrDefault", E("rPr",
                                    E("rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT),
                                    E("sz", val=22), E("szCs", val=22),
                                    E("lang", val="en-GB", eastAsia="en-GB", bidi="ar-SA"))),
                  E("pPrDefault", E("pPr", spacing(0, 160, 264)))))
    bound = {lvl.style: (i + 1, n) for i, d in enumerate(house.LISTS)
             for n, lvl in enumerate(d.levels) if lvl.style}

    def numbered(sid):
        return ox.numpr(*bound[sid])

    hanging = 720
    styles = [
        style("paragraph", "Normal", "Normal", based=None, default=True, custom=False,
              ppr=[E("jc", val="both")]),
        style("character", "DefaultParagraphFont", "Default Paragraph Font", based=None,
              default=True, custom=False, ui=1, semi=True, q=False),
        style("table", "TableNormal", "Normal Table", based=None, default=True, custom=False,
              ui=99, semi=True, q=False,
              extra=[E("tblPr", E("tblInd", w_w=0, type="dxa"),
                       E("tblCellMar", E("top", w_w=0, type="dxa"), E("left", w_w=108, type="dxa"),
                         E("bottom", w_w=0, type="dxa"), E("right", w_w=108, type="dxa")))]),
        style("numbering", "NoList", "No List", based=None, default=True, custom=False, ui=99,
              semi=True, q=False),
        # front page
        para_style(house.TITLE, "Title", custom=False, nxt="Normal", ui=10,
                   ppr=[spacing(2400, 480), E("jc", val="center")],
                   rpr=[b(), E("caps"), sz(40), E("szCs", val=40)]),
        para_style(house.SUBTITLE, "Subtitle", custom=False, nxt="Normal", ui=11,
                   ppr=[spacing(0, 960), E("jc", val="center")], rpr=[sz(26)]),
        para_style(house.COVER, "Cover Text", ppr=[spacing(0, 240), E("jc", val="center")]),
        para_style(house.COVER_PARTY, "Cover Party", based=house.COVER, rpr=[b()]),
        para_style(house.COVER_STATUS, "Cover Status", based=house.COVER,
                   ppr=[spacing(960, 240)], rpr=[b()]),
        # contents
        para_style(house.CONTENTS_HEADING, "Contents Heading", nxt=house.TOC1,
                   ppr=[E("pageBreakBefore"), E("keepNext"), spacing(0, 360),
                        E("jc", val="center")],
                   rpr=[b(), E("caps"), sz(24)]),
        para_style(house.TOC1, "toc 1", custom=False, nxt="Normal", ui=39, semi=True, q=False,
                   ppr=[tabs(("left", 1418, None), ("right", TEXT_WIDTH - 10, "dot")),
                        spacing(0, 100), ind(1418, 1418), E("jc", val="left")]),
        para_style(house.TOC2, "toc 2", custom=False, nxt="Normal", ui=39, semi=True, q=False,
                   ppr=[tabs(("left", 2552, None), ("right", TEXT_WIDTH - 10, "dot")),
                        spacing(0, 100), ind(2552, 1134), E("jc", val="left")]),
        # clauses
        para_style(house.CLAUSE_STYLES[0], "heading 1", custom=False, nxt=house.CLAUSE_STYLES[1],
                   ui=9, ppr=[E("keepNext"), E("keepLines"), numbered(house.CLAUSE_STYLES[0]),
                              spacing(360, 160), ind(hanging, hanging), E("jc", val="left"),
                              E("outlineLvl", val=0)],
                   rpr=[b(), E("caps")]),
        # outline levels 2-4: Word's Navigation pane shows the clause structure
        *[para_style(sid, f"Clause {n + 2}", nxt=sid,
                     ppr=[numbered(sid), ind(hanging * (n + 1), hanging), E("outlineLvl", val=n + 1)])
          for n, sid in enumerate(house.CLAUSE_STYLES[1:])],
        para_style(house.BODY, "Body Text", custom=False, ui=99),
        para_style(house.CLAUSE_BODY, "Body Text Indent", custom=False, ui=99,
                   ppr=[ind(hanging)]),
        para_style(house.SUBHEADING, "Subheading", ppr=[E("keepNext"), spacing(240, 120),
                                                        E("jc", val="left")], rpr=[b()]),
        para_style(house.DEFINITION, "Definition", ppr=[ind(hanging)]),
        para_style(house.NOTE, "Drafting Note", ppr=[ind(hanging)], rpr=[E("i")]),
        para_style(house.CENTERED, "Centered", ppr=[E("jc", val="center")]),
        para_style(house.PARTIES, "Parties", ppr=[numbered(house.PARTIES), ind(hanging, hanging)]),
        para_style(house.RECITALS, "Recitals",
                   ppr=[numbered(house.RECITALS), ind(hanging, hanging)]),
        para_style(house.DATED, "Dated Line", ppr=[spacing(0, 480), E("jc", val="left")]),
        para_style(house.PREAMBLE_HEADING, "Preamble Heading", nxt="Normal",
                   ppr=[E("keepNext"), spacing(240, 240), E("jc", val="left")], rpr=[b(), E("caps")]),
        # a defined term where it is defined: bold (the writer adds the quotes)
        style("character", house.DEFINED_TERM, "Defined Term", based="DefaultParagraphFont",
              rpr=[b()]),
        # drafting notes as Word comments
        para_style(house.COMMENT_TEXT, "annotation text", custom=False, ui=99, semi=True, q=False,
                   ppr=[spacing(0, 0), E("jc", val="left")], rpr=[sz(20), E("szCs", val=20)]),
        style("character", house.COMMENT_REFERENCE, "annotation reference", based="DefaultParagraphFont",
              custom=False, ui=99, semi=True, q=False, rpr=[sz(16), E("szCs", val=16)]),
        # schedules
        para_style(house.SCHEDULE_HEADING, "Schedule Heading", nxt=house.SCHEDULE_STYLES[0],
                   ppr=[E("keepNext"), E("pageBreakBefore"), numbered(house.SCHEDULE_HEADING),
                        spacing(0, 360), ind(0), E("jc", val="center"), E("outlineLvl", val=0)],
                   rpr=[b(), sz(24)]),
        *[para_style(sid, f"Schedule Paragraph {n + 1}", nxt=sid,
                     ppr=[numbered(sid), ind(hanging * (n + 1), hanging), E("outlineLvl", val=n + 1)])
          for n, sid in enumerate(house.SCHEDULE_STYLES)],
        # tables
        style("table", house.TABLE, "Table Grid", based="TableNormal", custom=False, ui=39,
              ppr=[spacing(0, 0, 240), E("jc", val="left")],
              extra=[E("tblPr", E("tblBorders", *(E(side, val="single", sz=4, space=0,
                                                      color="auto")
                                                    for side in ("top", "left", "bottom", "right",
                                                                 "insideH", "insideV")))),
                     E("tblStylePr", E("rPr", b()), E("tcPr", E("shd", val="clear",
                                                                 color="auto", fill="D9D9D9")),
                       type="firstRow")]),
        para_style(house.TABLE_HEADER, "Table Header",
                   ppr=[E("keepNext"), spacing(60, 60), E("jc", val="left")], rpr=[b()]),
        para_style(house.TABLE_TEXT, "Table Text", ppr=[spacing(60, 60), E("jc", val="left")]),
        # execution
        para_style(house.EXECUTION_HEADING, "Execution Heading",
                   ppr=[E("keepNext"), E("pageBreakBefore"), spacing(0, 480), E("jc", val="center")],
                   rpr=[b(), E("caps"), sz(24)]),
        para_style(house.SIGNATURE_PARTY, "Signature Party",
                   ppr=[E("keepNext"), E("keepLines"), spacing(720, 120), E("jc", val="left")]),
        para_style(house.SIGNATURE_TEXT, "Signature Text",
                   ppr=[E("keepLines"), tabs(("left", 2835, None), ("right", 8505, "dot")),
                        spacing(240, 120), E("jc", val="left")]),
        # the box for a common seal: its width follows the page (the writer sets the right indent)
        para_style(house.SEAL_BOX, "Seal Box",
                   ppr=[E("keepNext"), E("keepLines"),
                        E("pBdr", *(E(side, val="single", sz=8, space=31 if side in ("top", "bottom") else 4,
                                      color="auto") for side in ("top", "left", "bottom", "right"))),
                        spacing(480, 240), E("ind", left=0, right=TEXT_WIDTH - 2268), E("jc", val="center")],
                   rpr=[E("color", val="808080"), sz(18), E("szCs", val=18)]),
        para_style(house.SIGNATURE_LINE, "Signature Line",
                   ppr=[E("keepLines"), tabs(("left", 2835, None), ("right", 8505, "dot")),
                        spacing(720, 120), E("jc", val="left")]),
        # header and footer
        *[para_style(sid, sid.lower(), custom=False, ui=99, semi=True, q=False,
                     ppr=[tabs(("center", TEXT_WIDTH // 2, None), ("right", TEXT_WIDTH, None)),
                          spacing(0, 0), E("jc", val="left")], rpr=[sz(18), E("szCs", val=18)])
          for sid in (house.HEADER, house.FOOTER)],
    ]
    root.extend(styles)
    return root


THEME = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="acscontracts">
<a:themeElements>
<a:clrScheme name="acscontracts">
<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
<a:dk2><a:srgbClr val="1F3864"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>
<a:accent1><a:srgbClr val="005EB8"/></a:accent1><a:accent2><a:srgbClr val="003087"/></a:accent2>
<a:accent3><a:srgbClr val="768692"/></a:accent3><a:accent4><a:srgbClr val="41B6E6"/></a:accent4>
<a:accent5><a:srgbClr val="009639"/></a:accent5><a:accent6><a:srgbClr val="ED8B00"/></a:accent6>
<a:hlink><a:srgbClr val="005EB8"/></a:hlink><a:folHlink><a:srgbClr val="330072"/></a:folHlink>
</a:clrScheme>
<a:fontScheme name="acscontracts">
<a:majorFont><a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>
<a:minorFont><a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>
</a:fontScheme>
<a:fmtScheme name="acscontracts">
<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>
<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>
<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>
<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst>
</a:fmtScheme>
</a:themeElements>
<a:objectDefaults/>
<a:extraClrSchemeLst/>
</a:theme>
""".encode()


def settings_xml():
    root = etree.Element(w("settings"), nsmap=ox.NSMAP)
    root.extend([
        E("zoom", percent=100), E("defaultTabStop", val=720),
        E("characterSpacingControl", val="doNotCompress"),
        E("compat", E("compatSetting", name="compatibilityMode",
                      uri="http://schemas.microsoft.com/office/word", val=15)),
        E("themeFontLang", val="en-GB"), E("decimalSymbol", val="."), E("listSeparator", val=","),
    ])
    return root


def font_table_xml():
    root = etree.Element(w("fonts"), nsmap=ox.NSMAP)
    for name, panose, family in ((FONT, "020B0604020202020204", "swiss"),
                                 ("Times New Roman", "02020603050405020304", "roman")):
        root.append(E("font", E("panose1", val=panose), E("charset", val="00"),
                      E("family", val=family), E("pitch", val="variable"), name=name))
    return root


def document_xml():
    """A specimen page: one paragraph in each style, so the style can be edited in Word."""
    paras = []
    for sid, text in ((house.TITLE, "acscontracts house style"),
                      (house.SUBTITLE, "Reference document: edit the styles, not this text"),
                      (house.CLAUSE_STYLES[0], "Clause heading"),
                      (house.CLAUSE_STYLES[1], "Clause paragraph 1.1"),
                      (house.CLAUSE_STYLES[2], "Sub-paragraph (a)"),
                      (house.CLAUSE_STYLES[3], "Sub-sub-paragraph (i)"),
                      (house.CLAUSE_BODY, "Unnumbered text within a clause."),
                      (house.DEFINITION, "“Term” means a defined term."),
                      (house.NOTE, "[Drafting note: a note for the lawyer.]")):
        paras.append(ox.p_open(sid) + ox.run(text) + ox.P_CLOSE)
    sect = etree.Element(w("sectPr"), nsmap=ox.NSMAP)
    sect.extend(ox.page_setup(None))
    return ox.fragment("".join(paras) + ox.element_xml(sect), "body")


def _document(body):
    root = etree.Element(w("document"), nsmap=ox.NSMAP)
    root.append(body)
    return root


def build() -> bytes:
    numbering = ox.merge_numbering(None, house.LISTS)
    ct = ox.CT_WML
    parts = [
        ("word/document.xml", ox.to_bytes(_document(document_xml())), ct + "document.main+xml"),
        ("word/styles.xml", ox.to_bytes(styles_xml()), ct + "styles+xml"),
        ("word/numbering.xml", ox.to_bytes(numbering.root), ct + "numbering+xml"),
        ("word/settings.xml", ox.to_bytes(settings_xml()), ct + "settings+xml"),
        ("word/fontTable.xml", ox.to_bytes(font_table_xml()), ct + "fontTable+xml"),
        ("word/theme/theme1.xml", THEME, "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("docProps/core.xml", ox.core_properties(
            title="acscontracts house style", subject="Reference document", keywords="",
            creator="acscontracts", version="1", created="2026-01-01"),
         "application/vnd.openxmlformats-package.core-properties+xml"),
        ("docProps/app.xml", ox.app_properties(pages=1),
         "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    doc_rels = ox.relationships([
        ("rId1", "styles", "styles.xml"), ("rId2", "numbering", "numbering.xml"),
        ("rId3", "settings", "settings.xml"), ("rId4", "fontTable", "fontTable.xml"),
        ("rId5", "theme", "theme/theme1.xml")])
    pkg_rels = ox.relationships([
        ("rId1", "officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml"),
        ("rId3", "extended-properties", "docProps/app.xml")])
    return ox.write_zip([
        ("[Content_Types].xml", ox.content_types([(n, c) for n, _, c in parts])),
        ("_rels/.rels", pkg_rels),
        *[(n, d) for n, d, _ in parts[:1]],
        ("word/_rels/document.xml.rels", doc_rels),
        *[(n, d) for n, d, _ in parts[1:]],
    ])


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"wrote {out}")
