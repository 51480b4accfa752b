"""The local web app (`acscontracts serve`): an optional extra, installed with ``pip install "acscontracts[web]"``."""
from __future__ import annotations


def create_app(*args, **kwargs):
    """The Flask app; see ``acscontracts.web.app.create_app``."""
    from acscontracts.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)
