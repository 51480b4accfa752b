"""acscontracts: draft NHS accountable-care contracts from structured deal terms.

The public API (see ``acscontracts.api`` and the README's "Python API" section)::

    import acscontracts
    terms = acscontracts.load("deal.yaml")
    problems = acscontracts.validate(terms, final=True)
    data = acscontracts.render(terms, "alliance_agreement")

Pipeline stages, one package each: terms (load, schema, rules, model) -> engine (plan, templating,
assemble, resolve) -> writers (text, docx) -> compare (diff, redline). See docs/design.md.
"""
__version__ = "0.2.0"

_API = ("Document", "InvalidTerms", "Pipeline", "Settings", "Terms", "build", "diff", "document", "documents",
        "is_valid", "load", "loads", "pipeline", "redline", "render", "update", "validate")
__all__ = ["AcsError", "Diagnostic", "__version__", *_API]


def __getattr__(name):  # the API loads on first use, so `acscontracts --help` and `validate` start fast
    if name in _API:
        from acscontracts import api

        return getattr(api, name)
    if name in ("AcsError", "Diagnostic"):  # AcsError: any located problem (terms, templates, files)
        from acscontracts import diagnostics

        return getattr(diagnostics, name)
    raise AttributeError(f"module 'acscontracts' has no attribute {name!r}")
