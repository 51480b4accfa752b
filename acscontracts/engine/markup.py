"""Clause body markup: rendered template text -> tree blocks.

The markup (see docs/design.md) is line based; inline tags are a tiny XML vocabulary.
Data values can never produce markup: the template renderer escapes every value it
prints (``escape_value``), so `<`, `-`, `|`, `#`, `{` and newlines from data arrive here as
character references and come out as literal text.
"""
from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup

from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, Location
from acscontracts.engine.tree import Note, Para, Placeholder, Ref, Source, Table, TermDef, TermUse, Text

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;",
                          "\n": "&#10;", "\r": "&#13;", "-": "&#45;", "|": "&#124;", "#": "&#35;",
                          "[": "&#91;", "{": "&#123;",
                          # the other characters str.splitlines() breaks lines at: data must not start a paragraph
                          "\x85": "&#133;", "\u2028": "&#8232;", "\u2029": "&#8233;"})


_SPECIAL = re.compile("[" + re.escape("".join(chr(c) for c in _ESCAPES)) + "]")


def escape_value(value) -> Markup:
    """Escape a data value so the markup parser reads it as plain text (most values have no special character:
    one regex search, in C, decides)."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    text = str(value)
    return Markup(text.translate(_ESCAPES) if _SPECIAL.search(text) else text)


_ITEM = re.compile(r"^( *)- (?:\[#([a-z0-9][a-z0-9-]*)\] ?)?(.*)$")
_CONT = re.compile(r"^ {2,}(?!- )(\S.*)$")
_PREFIXED = re.compile(r"^>(party|recital) (.*)$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class MarkupError(AcsError):
    """Bad inline markup. An AcsError too, so that markup parsed outside a clause body (a title) still
    ends in a template error, not an internal one."""

    def __init__(self, message: str, line_text: str):
        shown = line_text.strip() if len(line_text.strip()) < 80 else line_text.strip()[:77] + "..."
        super().__init__([Diagnostic(ERROR, "ACS-TEMPLATE-MARKUP", f"{message} in `{shown}`",
                                     "check the inline tags: term, define, ref, blank, note, b, i")])
        self.message = message
        self.line_text = line_text

    def __str__(self) -> str:
        return self.message


def parse_body(text: str, source: Source) -> tuple[tuple, list[Diagnostic]]:
    """Parse a rendered clause body into blocks. Problems are template errors. The inline markup of
    every paragraph and cell is parsed in one go (``parse_inlines_many``)."""
    planned: list = []  # ("para", content, level, style, anchor) or ("table", rows of cell contents)
    pending: list[tuple[str, int, str, str]] = []  # (content, level, style, anchor)
    table_rows: list[list[str]] = []
    problems: list[Diagnostic] = []

    def flush_table():
        if table_rows:
            planned.append(("table", [list(row) for row in table_rows]))
            table_rows.clear()

    def flush_para():
        if pending:
            planned.append(("para", *pending.pop()))

    for raw in text.split("\n"):  # only a real newline ends a line (not U+2028, U+0085 and the like)
        line = raw.rstrip()
        if not line.strip():
            continue
        cont = _CONT.match(line)
        if cont and pending:
            content, level, style, anchor = pending[-1]
            pending[-1] = (content + " " + cont.group(1), level, style, anchor)
            continue
        flush_para()
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table_rows.append(cells)
            continue
        flush_table()
        item = _ITEM.match(line)
        prefixed = _PREFIXED.match(stripped)
        if item:
            indent, anchor, content = item.groups()
            if len(indent) % 2 or len(indent) > 4:
                problems.append(_problem(source, f"a list item is indented by {len(indent)} spaces",
                                         "indent sub-paragraphs by 2 or 4 spaces", line))
            pending.append((content, min(len(indent) // 2 + 1, 3), "body", anchor or ""))
        elif stripped.startswith("# "):
            pending.append((stripped[2:], 0, "subheading", ""))
        elif prefixed:
            pending.append((prefixed.group(2), 1, prefixed.group(1), ""))
        else:
            pending.append((stripped, 0, "body", ""))
    flush_para()
    flush_table()
    contents = [c for plan in planned for c in ([plan[1]] if plan[0] == "para" else
                                                  [cell for row in plan[1] for cell in row])]
    parsed = iter(_inlines_or_report(contents, source, problems))
    blocks: list = []
    for plan in planned:
        if plan[0] == "table":
            rows = [tuple(next(parsed) for _ in row) for row in plan[1]]
            blocks.append(Table(rows[0], tuple(rows[1:]), source))
            continue
        _, _, level, style, anchor = plan
        inlines = next(parsed)
        if style == "body" and level == 0 and inlines and all(isinstance(i, Note) for i in inlines):
            style = "note"
        blocks.append(Para(inlines, level, style, anchor, "", source))
    return tuple(blocks), problems


def _problem(source: Source, message: str, hint: str, line_text: str) -> Diagnostic:
    shown = line_text.strip()
    shown = shown if len(shown) < 80 else shown[:77] + "..."
    return Diagnostic(ERROR, "ACS-TEMPLATE-MARKUP", f"{message} in `{shown}`", hint,
                      Location(source.template, source.line, 1), "")


def _inlines_or_report(contents: list[str], source: Source, problems: list) -> list[tuple]:
    """parse_inlines_many, or, when some content is malformed, each content alone so that every bad one
    is reported (and kept as plain text)."""
    try:
        return parse_inlines_many(contents)
    except MarkupError:
        pass
    out = []
    for content in contents:
        try:
            out.append(parse_inlines(content))
        except MarkupError as exc:
            problems.append(_problem(source, str(exc), "check the inline tags: term, define, ref, blank, note, b, i",
                                     exc.line_text))
            out.append((Text(content),))
    return out


# characters XML 1.0 (and so a .docx) cannot hold; data values are refused earlier, at validation
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_inlines(content: str) -> tuple:
    bad = _NOT_XML.search(content)
    if bad:
        raise MarkupError(f"the character U+{ord(bad.group()):04X} cannot be stored in a Word document", content)
    if "<" not in content and "&" not in content:
        return (Text(content),) if content else ()
    try:
        root = etree.fromstring(f"<p>{content}</p>", _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MarkupError(f"malformed inline markup ({exc.msg})", content) from None
    return _children(root, content)


def parse_inlines_many(contents: list[str]) -> list[tuple]:
    """parse_inlines for many contents with one XML parse (a clause's paragraphs and cells together)."""
    marked = [i for i, c in enumerate(contents) if "<" in c or "&" in c]
    out = [(Text(c),) if c else () for c in contents]
    if len(marked) < 2:
        for i in marked:
            out[i] = parse_inlines(contents[i])
        return out
    joined = "".join(f"<p>{contents[i]}</p>" for i in marked)
    bad = _NOT_XML.search(joined)
    if bad:
        raise MarkupError(f"the character U+{ord(bad.group()):04X} cannot be stored in a Word document", joined)
    try:
        root = etree.fromstring(f"<c>{joined}</c>", _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MarkupError(f"malformed inline markup ({exc.msg})", joined) from None
    if len(root) != len(marked) or root.text or any(p.tag != "p" or p.tail for p in root):
        raise MarkupError("a paragraph closes a tag it did not open", joined)  # e.g. "</p><p>" in a template
    for i, p in zip(marked, root):
        out[i] = _children(p, contents[i])
    return out


def _children(root, content: str) -> tuple:
    out: list = []
    if root.text:
        out.append(Text(root.text))
    for el in root:
        out.append(_inline(el, content))
        if el.tail:
            out.append(Text(el.tail))
    return _merge_text(out)


def _inline(el, content: str):
    tag = el.tag
    if not isinstance(tag, str):  # lxml gives a comment or processing instruction a function as its tag
        raise MarkupError("an XML comment or processing instruction is not clause text (a note for the template's "
                          "readers goes in a Jinja comment, {# ... #})", content)
    text = (el.text or "") if not len(el) else "".join(el.itertext())
    if tag == "term":
        return TermUse(el.get("of") or text, text)
    if tag == "define":
        return TermDef(text)
    if tag == "ref":
        target = el.get("to")
        if not target:
            raise MarkupError("<ref> needs a `to` attribute", content)
        return Ref(target)
    if tag == "blank":
        return Placeholder(text, el.get("field", ""))
    if tag == "note":
        return Note(text)
    if tag == "b":
        return Text(text, bold=True)
    if tag == "i":
        return Text(text, italic=True)
    raise MarkupError(f"unknown inline tag <{tag}>", content)


def _merge_text(items: list) -> tuple:
    merged: list = []
    for item in items:
        if (merged and type(item) is Text and type(merged[-1]) is Text
                and (item.bold, item.italic) == (merged[-1].bold, merged[-1].italic)):
            merged[-1] = Text(merged[-1].text + item.text, item.bold, item.italic)
        else:
            merged.append(item)
    return tuple(merged)
