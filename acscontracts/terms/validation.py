"""Validate deal terms: schema then domain rules, every problem in one run; then the model."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from acscontracts.terms import validation_cache
from acscontracts.terms.derive import derived
from acscontracts.diagnostics import ERROR, AcsError, Diagnostic, did_you_mean, has_errors, json_path
from acscontracts.terms.loader import LoadedTerms, load_terms
from acscontracts.terms.schema import SchemaValidator


@dataclass(frozen=True)
class Checked:
    loaded: LoadedTerms | None
    model: object | None  # model.DealTerms; None when there are errors (or not asked for)
    diagnostics: tuple


def _register_uses(loaded: LoadedTerms) -> list[Diagnostic]:
    """`{use: id}` entries left after merging name organisations the register does not have."""
    found = []
    partners = loaded.data.get("partners") if isinstance(loaded.data, dict) else None
    for index, entry in enumerate(partners if isinstance(partners, list) else []):
        if isinstance(entry, dict) and "use" in entry:
            path = ("partners", index, "use")
            if not loaded.register_ids and "partner_register" not in loaded.data:
                message, hint = "`use` needs a partner register", "add `partner_register: <path>` at the top"
            else:
                message = f"the partner register has no organisation `{entry['use']}`"
                hint = did_you_mean(entry["use"], loaded.register_ids) or "add it to the register or fix the id"
            found.append(Diagnostic(ERROR, "ACS-REGISTER-ID", message, hint, loaded.locate(path), "partners[%d].use" % index))
    return found


# Limits on the loaded data (the loader limits file size, alias expansion and nesting depth).
MAX_TEXT_CHARS = 20_000  # one text value: a long pasted clause fits, a pasted report does not
MAX_LIST_ITEMS = 5_000  # one list
MAX_PARTNERS = 2_000
MAX_SUBCONTRACTS = 1_000  # each subcontract is a document of the pack
MAX_NUMBER = Decimal(10) ** 15  # £1,000 trillion: beyond any NHS budget; keeps arithmetic exact
MAX_DECIMAL_PLACES = 10
# characters XML 1.0 (and so Word) cannot hold: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LIST_LIMITS = {("partners",): MAX_PARTNERS, ("contracting", "subcontracts"): MAX_SUBCONTRACTS}


def _char_name(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    return unicodedata.name(ch, "a control character" if code < 0x20 else "a non-character")


def text_and_limits(loaded: LoadedTerms) -> list[Diagnostic]:
    """Text Word cannot hold and values beyond the documented limits, each with its location."""
    found = []

    def problem(path, code, message, hint):
        found.append(Diagnostic(ERROR, code, message, hint, loaded.locate(path), json_path(path)))

    def text(path, value, what="text"):
        bad = _NOT_XML.search(value)
        if bad:
            count = len(_NOT_XML.findall(value))
            more = f" (and {count - 1} more)" if count > 1 else ""
            problem(path, "ACS-TEXT-CHARACTER",
                    f"the {what} contains the character U+{ord(bad.group()):04X} ({_char_name(bad.group())}) at "
                    f"position {bad.start() + 1}{more}, which a Word document cannot hold",
                    "remove it; it often comes from text pasted from Word or PDF")
        if len(value) > MAX_TEXT_CHARS:
            problem(path, "ACS-LIMIT-TEXT", f"the {what} is {len(value):,} characters long; the limit is "
                    f"{MAX_TEXT_CHARS:,}", "shorten it; put long material in a separate document")

    stack = [((), loaded.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            text(path, value)
            if path and path[-1] == "short_name" and value != " ".join(value.split()):
                problem(path, "ACS-TEXT-SPACING", "a short name is a defined term: it cannot start or end with "
                        "a space, or hold a line break, a tab or two spaces together",
                        f"write it as {' '.join(value.split())!r}" if value.strip() else "give a short name")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, (int, Decimal)):
            if isinstance(value, Decimal) and not value.is_finite():
                problem(path, "ACS-LIMIT-NUMBER", "is not a finite number", "write a plain number")
            elif abs(value) > MAX_NUMBER:
                problem(path, "ACS-LIMIT-NUMBER", f"the number is larger than {MAX_NUMBER:,}",
                        "check for extra digits; write amounts in pounds")
            elif isinstance(value, Decimal) and value.as_tuple().exponent < -MAX_DECIMAL_PLACES:
                problem(path, "ACS-LIMIT-NUMBER", f"the number has more than {MAX_DECIMAL_PLACES} decimal places",
                        "round it")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    text(path + (key,), key, "field name")
                stack.append((path + (key,), item))
        elif isinstance(value, list):
            limit = _LIST_LIMITS.get(path, MAX_LIST_ITEMS)
            if len(value) > limit:
                problem(path, "ACS-LIMIT-ITEMS", f"has {len(value):,} items; the limit is {limit:,}",
                        "split the deal into several terms files")
            stack.extend((path + (i,), item) for i, item in enumerate(value))
    found.reverse()
    return found


def check_loaded(loaded: LoadedTerms, validator: SchemaValidator, with_model: bool = True,
                 cache: Path | None = None) -> Checked:
    """Schema, limits and rules, every problem found; the typed model when there are no errors (and it is wanted).
    With a ``cache`` folder (config.usable_cache_dir), a result found before for the same terms is reused."""
    entry = cached = None
    if cache is not None and validator.standard:
        entry = validation_cache.key(loaded, validator.final)
        cached = validation_cache.read(cache, entry)
    model = None
    if cached:
        schema_ok, diagnostics = cached
        if schema_ok:
            loaded = derived(loaded)
    else:
        diagnostics = validator.diagnostics(loaded) + _register_uses(loaded) + text_and_limits(loaded)
        schema_ok = not has_errors(diagnostics)
        if schema_ok:  # ids, short names and an alliance a draft may leave implicit (from well-formed terms only)
            loaded = derived(loaded)
        from acscontracts.terms import rules  # some eighty rules: not imported when the result is cached

        found, ctx = rules.run(loaded, final=validator.final, strict=schema_ok)
        diagnostics = tuple(diagnostics + found)
        model = ctx.built("typed") if ctx else None  # the rules typed the terms already: not done twice
        if entry:
            validation_cache.write(cache, entry, schema_ok, diagnostics)
    if with_model and model is None and not has_errors(diagnostics):
        from acscontracts.terms.model import build_model  # ~50 dataclasses: only when a model is wanted

        model = build_model(loaded.data)
    return Checked(loaded, model if with_model and not has_errors(diagnostics) else None, tuple(diagnostics))


def check_file(path, validator: SchemaValidator, with_model: bool = True, cache: Path | None = None) -> Checked:
    try:
        loaded = load_terms(path)
    except AcsError as exc:
        return Checked(None, None, exc.diagnostics)
    return check_loaded(loaded, validator, with_model, cache)
