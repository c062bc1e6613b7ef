"""The architecture holds: data flows downward through the floors named in pyproject.toml, no circles.

import-linter reads every import statement of the packages (those inside functions too) and checks the two
contracts of ``[tool.importlinter]``; a broken one prints the offending import lines here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_layers_and_their_order_are_the_documented_ones() -> None:
    """The README's layout table and the contract say the same thing."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [layers] = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    floors = " → ".join(layer.replace(" | ", "/") for layer in layers)
    assert floors in readme, floors
    packages = {p for layer in layers for p in layer.split(" | ")}
    assert packages == set(config["root_packages"])
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert on_disk == packages, "every package sits on a floor"


def test_no_import_runs_back_up_and_no_circles() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
