"""A plain `pip install .` ships every part of the package: setup.cfg lists packages by name, so a new
sub-package (as acscontracts/facts was) must be listed, or the installed tool fails to import it."""
from __future__ import annotations

import configparser

from conftest import ROOT


def test_every_subpackage_is_listed_in_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "acscontracts").rglob("__init__.py")
               if "__pycache__" not in p.parts}
    assert on_disk <= listed, sorted(on_disk - listed)
