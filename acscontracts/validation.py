"""Validate deal terms: schema then domain rules, every problem in one run; then the model."""
from __future__ import annotations

from dataclasses import dataclass

from . import rules
from .diagnostics import ERROR, AcsError, Diagnostic, did_you_mean, has_errors
from .loader import LoadedTerms, load_terms
from .model import DealTerms, build_model
from .schema import SchemaValidator


@dataclass(frozen=True)
class Checked:
    loaded: LoadedTerms | None
    model: DealTerms | None  # None when there are errors
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


def check_loaded(loaded: LoadedTerms, validator: SchemaValidator) -> Checked:
    diagnostics = validator.diagnostics(loaded) + _register_uses(loaded)
    schema_ok = not has_errors(diagnostics)
    diagnostics += rules.check(loaded, final=validator.final, strict=schema_ok)
    model = build_model(loaded.data) if not has_errors(diagnostics) else None
    return Checked(loaded, model, tuple(diagnostics))


def check_file(path, validator: SchemaValidator) -> Checked:
    try:
        loaded = load_terms(path)
    except AcsError as exc:
        return Checked(None, None, exc.diagnostics)
    return check_loaded(loaded, validator)
