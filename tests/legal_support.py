"""Helpers shared by the tests that read legal findings from the built text of a sample, or of a sample
with one change: render, pick a paragraph, format and parse money, and make changes to the terms."""
from __future__ import annotations

import copy
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import acscontracts
from acscontracts import facts as legal_facts
from acscontracts.api import pipeline
from acscontracts.terms.loader import load_terms

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@lru_cache(maxsize=None)
def text(sample: str, doc: str, doc_id: str | None = None) -> str:
    """A sample document's built text."""
    return acscontracts.render(acscontracts.load(SAMPLES / f"{sample}.yaml"), doc, doc_id, format="text").decode()


def edited(sample: str, *changes) -> dict:
    """A sample's terms with each change (a function of the terms dict) applied."""
    data = copy.deepcopy(load_terms(SAMPLES / f"{sample}.yaml").data)
    for change in changes:
        change(data)
    return data


def render(data: dict, doc: str, doc_id: str | None = None) -> str:
    """The built text of a document from terms given as a dict."""
    return acscontracts.render(acscontracts.load(data), doc, doc_id, format="text").decode()


def paragraph(body: str, starts: str) -> str:
    """The first numbered paragraph whose text starts with ``starts``."""
    match = re.search(r"^\s*\S+\s\s" + re.escape(starts) + r".*$", body, re.M)
    assert match, f"no paragraph starting {starts!r}"
    return match.group(0)


def money(amount) -> str:
    """An amount as the documents print it: whole pounds without pence."""
    amount = Decimal(amount)
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def pounds(printed: str) -> Decimal:
    """A printed amount back as a Decimal."""
    return Decimal(printed.replace("£", "").replace(",", ""))


def deal_facts(data_or_sample):
    """The legal facts of a sample (by name) or of terms given as a dict."""
    terms = acscontracts.load(SAMPLES / f"{data_or_sample}.yaml" if isinstance(data_or_sample, str)
                              else data_or_sample)
    return legal_facts.compute(pipeline().model(terms))


def at(data, path):
    for key in path:
        data = data[key]
    return data


def set_(path, value):
    """A change that sets the value at ``path`` (a tuple of keys and indexes)."""
    return lambda data: at(data, path[:-1]).__setitem__(path[-1], copy.deepcopy(value))


def del_(path):
    """A change that deletes the value at ``path``."""
    return lambda data: at(data, path[:-1]).__delitem__(path[-1])


def append(path, value):
    """A change that appends a value to the list at ``path``."""
    return lambda data: at(data, path).append(copy.deepcopy(value))
