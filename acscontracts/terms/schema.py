"""JSON Schema validation of deal terms, turned into located, helpful Diagnostics.

jsonschema is imported when terms are first checked against the schema, not with this module: a render
whose validation result is cached (terms.validation) never needs it."""
from __future__ import annotations

import functools
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from acscontracts import resources
from acscontracts.diagnostics import ERROR, Diagnostic, did_you_mean, json_path

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

FINAL_KEYWORD = "x-required-final"
# In the `then` of an `if` (a field a final document needs only in some deals, e.g. the guarantor where a
# parent guarantee is required): why the documents need it, for the diagnostic's hint.
BECAUSE_KEYWORD = "x-final-because"


def load_schema() -> dict:
    with open(resources.schema_path(), encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def _required(keyword: str):
    """`required` (or x-required-final) yielding one error per missing field, each knowing its own name."""

    def check(validator, required, instance, schema):
        from jsonschema.exceptions import ValidationError

        if not validator.is_type(instance, "object"):
            return
        for name in required:
            if name not in instance:
                error = ValidationError(f"{name!r} is a required property", validator=keyword,
                                        validator_value=required)
                error.missing_name = name
                yield error

    return check


def _decimal_places(validator, places, instance, schema):
    """`x-decimal-places: N`: at most N decimal places, exactly, for Decimals of any size.

    Standard tools ignore the keyword (JSON Schema's `multipleOf: 0.01` fails on binary floats such as
    32.58), so the schema stays usable by them and we still refuse a fraction of a penny."""
    if not validator.is_type(instance, "number") or isinstance(instance, int):
        return
    from jsonschema.exceptions import ValidationError

    value = Decimal(instance) if not isinstance(instance, Decimal) else instance
    if not value.is_finite():
        yield ValidationError("the value is not a finite number")
        return
    digits, exponent = value.as_tuple()[1:]
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if any(digits) and -(exponent + zeros) > places:
        yield ValidationError(f"the value has more than {places} decimal places")


_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


@functools.lru_cache(maxsize=None)
def _ecma_regex(pattern: str) -> re.Pattern:
    """A schema pattern with ECMA-262 `$` (end of text only; Python's `$` also matches before a final newline)."""
    return re.compile(_UNESCAPED_DOLLAR.sub(r"\\Z", pattern))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


DECIMALS_KEYWORD = "x-decimal-places"


@functools.cache
def validator_class(final: bool):
    """Draft 2020-12 with our keywords; with ``final``, x-required-final fields are required too."""
    from jsonschema import Draft202012Validator, validators

    draft = validators.extend(Draft202012Validator, {"required": _required("required"), "pattern": _pattern,
                                                      DECIMALS_KEYWORD: _decimal_places})
    return validators.extend(draft, {FINAL_KEYWORD: _required(FINAL_KEYWORD)}) if final else draft


class SchemaValidator:
    """A compiled validator for the deal-terms schema (build once, use for many files)."""

    def __init__(self, schema: dict | None = None, *, final: bool = False):
        self.schema = schema if schema is not None else load_schema()
        self.final = final
        self.standard = schema is None  # the package's own schema (validation results may be cached)

    @functools.cached_property
    def _validator(self):
        cls = validator_class(self.final)
        return cls(self.schema, format_checker=cls.FORMAT_CHECKER)

    def diagnostics(self, loaded) -> list[Diagnostic]:
        found = []
        for error in self._validator.iter_errors(loaded.data):
            found.extend(_translate(error, loaded, self.schema))
        return found


def _leaves(error: ValidationError):
    """The errors a user should see: for anyOf/oneOf, the best branch's errors."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        branch = best.relative_schema_path[0] if best.relative_schema_path else None
        branch_errors = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == branch]
        for sub in branch_errors or [best]:
            yield from _leaves(sub)
    else:
        yield error


_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "text", "object": "a mapping of fields",
               "array": "a list", "boolean": "true or false", "null": "nothing"}


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int) and abs(value) >= 10**40:  # str() of a huge int is slow, then refused
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _translate(error: ValidationError, loaded, schema) -> list[Diagnostic]:
    out = []
    for leaf in _leaves(error):
        out.append(_one(leaf, loaded))
    return out


def _one(error: ValidationError, loaded) -> Diagnostic:
    path = list(error.absolute_path)
    kind = error.validator
    value = error.instance
    sub = error.schema if isinstance(error.schema, dict) else {}
    hint = ""
    code = f"ACS-SCHEMA-{str(kind).upper().replace('X-REQUIRED-FINAL', 'FINAL')}"
    if kind in ("required", "x-required-final"):
        name = getattr(error, "missing_name", "?")
        path.append(name)
        prop = (sub.get("properties") or {}).get(name, {})
        message = f"missing `{name}`" + (f" ({prop.get('title')})" if prop.get("title") else "")
        because = sub.get(BECAUSE_KEYWORD)  # a conditional requirement (the `then` of an `if`) says why
        hint = (f"a final document needs it: {because}" if kind == "x-required-final" and because
                else "a final document needs it; in a draft it shows as [●]" if kind == "x-required-final"
                else "add it; `acscontracts schema` describes every field")
        location = loaded.locate(path[:-1])
    elif kind in ("additionalProperties", "unevaluatedProperties"):
        allowed = list((sub.get("properties") or {}).keys())
        extras = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        name = extras[0] if extras else "?"
        path.append(name)
        message = f"unknown field `{name}`"
        hint = did_you_mean(name, allowed) or ("allowed here: " + ", ".join(allowed[:12]) if allowed else "remove it")
        location = loaded.locate(path)
    elif kind == "enum":
        options = [str(o) for o in error.validator_value]
        message = f"{_describe(value)} is not an allowed value"
        hint = did_you_mean(value, options) or "use one of: " + ", ".join(options)
        location = loaded.locate(path)
    elif kind == "const":
        message = f"{_describe(value)} must be {error.validator_value!r}"
        hint = f"write {error.validator_value!r}"
        location = loaded.locate(path)
    elif kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        message = f"expected {words}, found {_describe(value)}"
        if "number" in expected or "integer" in expected:
            hint = "write a plain number such as 1000 or 1000.50, without £, % or commas"
        elif "string" in expected and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            hint = "put the value in quotes"
        elif "array" in expected:
            hint = "write a list (items starting with `- `), even for one item"
        else:
            hint = "see `acscontracts schema` for the expected shape"
        location = loaded.locate(path)
    elif kind == "format":
        message = f"{_describe(value)} is not a valid {error.validator_value}"
        hint = "write a real calendar date as YYYY-MM-DD, e.g. 2027-04-01" if error.validator_value == "date" else ""
        location = loaded.locate(path)
    elif kind == "pattern":
        message = f"{_describe(value)} does not have the required form"
        hint = ("an id is 2-40 lower-case letters, digits and hyphens, e.g. `northvale-icb`"
                if "a-z0-9" in str(error.validator_value) else f"it must match {error.validator_value}")
        location = loaded.locate(path)
    elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[kind]
        message = f"{_describe(value)} must be {words} {error.validator_value}"
        hint = "money and counts cannot be negative" if kind == "minimum" and error.validator_value == 0 else ""
        location = loaded.locate(path)
    elif kind == DECIMALS_KEYWORD:
        code = "ACS-SCHEMA-DECIMALS"
        message = f"{_describe(value)} has too many decimal places"
        hint = f"round it to {error.validator_value} decimal places"
        location = loaded.locate(path)
    elif kind in ("minItems", "maxItems", "minLength", "maxLength", "uniqueItems", "minProperties"):
        message = error.message if len(error.message) < 160 else f"{kind} {error.validator_value} not met"
        hint = {"minItems": "add at least %s item(s)" % error.validator_value,
                "maxItems": "list at most %s item(s)" % error.validator_value,
                "minLength": "it cannot be empty",
                "maxLength": "shorten it to %s characters" % error.validator_value,
                "uniqueItems": "remove the repeated item"}.get(kind, "")
        location = loaded.locate(path)
    else:
        message = error.message if len(error.message) < 200 else f"does not satisfy `{kind}`"
        location = loaded.locate(path)
    return Diagnostic(ERROR, code, message, hint, location, json_path(path))
