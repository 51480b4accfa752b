"""acscontracts: draft NHS accountable-care contracts from structured deal terms.

Pipeline: loader -> validation (schema + rules) -> model -> plan -> assemble -> resolve ->
writers (text, docx) -> compare. See docs/design.md.
"""
__version__ = "0.1.0"
